import { NationalModule } from './national/national.module';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AppErrorFilter } from './app-error.filter';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module';
import { CorrectionsModule } from './corrections/corrections.module';
import { DisputesModule } from './disputes/disputes.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DeclaredQueryGuard } from './http/declared-query.guard';
import { LedgerConfig } from './config/config';
import { FeedModule } from './feed/feed.module';
import { HealthController } from './health/health.controller';
import { InfrastructureModule, InfrastructureOverrides } from './infrastructure/infrastructure.module';
import { InstitutionsModule } from './institutions/institutions.module';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ClaimsModule } from './modules/claims/claims.module';
import { EnrollmentModule } from './modules/enrollment/enrollment.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { ProjectionsModule } from './projections/projections.module';
import { ObservabilityModule, ObservabilityOptions } from './observability/observability.module';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig, overrides: InfrastructureOverrides = {}, observability: ObservabilityOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        ObservabilityModule.forRoot(config, observability),
        InfrastructureModule.forRoot(config, overrides),
        InstitutionsModule,
        EnrollmentModule,
        AccountsModule,
        ClaimsModule,
        NationalModule,
        ProjectionsModule,
        MonitoringModule,
        AuditModule,
        FeedModule,
        CorrectionsModule,
        DisputesModule,
      ],
      controllers: [HealthController],
      providers: [
        // In this order: a caller without a key is told that before what its query asks.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: DeclaredQueryGuard },
        { provide: APP_FILTER, useClass: AppErrorFilter },
      ],
    };
  }
}
