import { Module } from '@nestjs/common';
import { CorrectionsModule } from '../corrections/corrections.module';
import { InstitutionsModule } from '../institutions/institutions.module';
import { PersonWriterModule } from '../modules/person-writer.module';
import { DisputesService } from './commands/disputes.command';
import { DisputesController } from './disputes.controller';
import { DisputesReconciler } from './disputes.reconciler';

/** Issue 15: disputes (write side and GET /disputes/:id; the list is the read side's). */
@Module({
  imports: [PersonWriterModule, InstitutionsModule, CorrectionsModule],
  controllers: [DisputesController],
  providers: [DisputesService, DisputesReconciler],
})
export class DisputesModule {}
