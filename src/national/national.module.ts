import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../institutions/institutions.module';
import { PersonWriterModule } from '../modules/person-writer.module';
import { NationalController } from './national.controller';
import { NationalService } from './national.service';

/** The national settlement interface (issue 12 item 1): an adapter over the ledger's commands. */
@Module({
  imports: [PersonWriterModule, InstitutionsModule],
  controllers: [NationalController],
  providers: [NationalService],
})
export class NationalModule {}
