import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../institutions/institutions.module';
import { PersonWriterModule } from '../modules/person-writer.module';
import { ApplyCorrectionHandler, CorrectionsService } from './commands/apply-correction.command';
import { CorrectionsController } from './corrections.controller';
import { CorrectionsReconciler } from './corrections.reconciler';

/** Issue 15: retroactive corrections (write side). */
@Module({
  imports: [PersonWriterModule, InstitutionsModule],
  controllers: [CorrectionsController],
  providers: [CorrectionsService, ApplyCorrectionHandler, CorrectionsReconciler],
  exports: [CorrectionsService],
})
export class CorrectionsModule {}
