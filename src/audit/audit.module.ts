import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditorPageController } from './auditor-page.controller';

/** Replay, what-if, explain, policy provenance and the auditor's page: read-only. */
@Module({
  controllers: [AuditController, AuditorPageController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
