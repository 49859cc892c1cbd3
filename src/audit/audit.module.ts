import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditorPageController } from './auditor-page.controller';
import { CHAIN_VERIFIER, ChainVerifier } from './seals/chain-verifier.service';
import { loadSealConfig, SEAL_CONFIG } from './seals/seal-config';

/**
 * Replay, what-if, explain, policy provenance and the auditor's page: read-only. Seals and
 * chain verification: CHAIN_VERIFIER (status() for /health) verifies and seals in the background.
 */
@Module({
  controllers: [AuditController, AuditorPageController],
  providers: [
    AuditService,
    { provide: SEAL_CONFIG, useFactory: () => loadSealConfig() },
    ChainVerifier,
    { provide: CHAIN_VERIFIER, useExisting: ChainVerifier },
  ],
  exports: [AuditService, CHAIN_VERIFIER],
})
export class AuditModule {}
