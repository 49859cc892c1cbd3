import { Module } from '@nestjs/common';
import { InstitutionCommandHandlers } from './commands/institution.command';
import { InstitutionRegistry } from './institution-registry.service';
import { InstitutionsController } from './institutions.controller';

/**
 * Institutions: registry, Jiaozuo conditional fee-for-service settlement, Anyang
 * capitation. EVENT_STORE, CLOCK and ID_GENERATOR come from the app's global providers,
 * the CommandBus from CqrsModule.forRoot() in the app module.
 */
@Module({
  controllers: [InstitutionsController],
  providers: [InstitutionRegistry, ...InstitutionCommandHandlers],
  exports: [InstitutionRegistry],
})
export class InstitutionsModule {}
