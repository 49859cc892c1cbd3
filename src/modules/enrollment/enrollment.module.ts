import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../../institutions/institutions.module';
import { PersonWriterModule } from '../person-writer.module';
import { EnrollmentCommandHandlers } from './commands/enrollment.command';
import { EnrollmentController } from './enrollment.controller';
import { EnrollmentQueryHandlers } from './queries/get-person.query';

@Module({
  imports: [PersonWriterModule, InstitutionsModule],
  controllers: [EnrollmentController],
  providers: [...EnrollmentCommandHandlers, ...EnrollmentQueryHandlers],
})
export class EnrollmentModule {}
