import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../../institutions/institutions.module';
import { PersonWriterModule } from '../person-writer.module';
import { ClaimsController } from './claims.controller';
import { ClaimsCommandHandlers } from './commands/claims.command';
import { ClaimsQueryHandlers } from './queries/get-settlement.query';
import { FamilyPaymentReconciler } from './family-payment.reconciler';

@Module({
  imports: [PersonWriterModule, InstitutionsModule],
  controllers: [ClaimsController],
  providers: [...ClaimsCommandHandlers, ...ClaimsQueryHandlers, FamilyPaymentReconciler],
  exports: [FamilyPaymentReconciler],
})
export class ClaimsModule {}
