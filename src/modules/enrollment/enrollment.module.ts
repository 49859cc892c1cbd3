import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../../institutions/institutions.module';
import { PersonWriterModule } from '../person-writer.module';
import { EnrollmentCommandHandlers } from './commands/enrollment.command';
import { EnrollmentController } from './enrollment.controller';
import { EnrollmentQueryHandlers } from './queries/get-person.query';
import { ListPersonsHandler } from './queries/list-persons.query';
import { ProjectionsModule } from '../../projections/projections.module';

@Module({
  imports: [PersonWriterModule, InstitutionsModule, ProjectionsModule],
  controllers: [EnrollmentController],
  providers: [...EnrollmentCommandHandlers, ...EnrollmentQueryHandlers, ListPersonsHandler],
})
export class EnrollmentModule {}
