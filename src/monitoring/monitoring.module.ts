import { BeforeApplicationShutdown, Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../kernel/clock';
import type { ReadModelStore } from '../projections/read-model-store';
import { ProjectionsModule } from '../projections/projections.module';
import { READ_MODEL_STORE } from '../projections/tokens';
import { AlertWriter } from './alert-writer';
import { MonitoringController } from './monitoring.controller';
import { MonitoringQueries } from './monitoring.queries';
import { MonitoringRunner } from './monitoring-runner';
import { MONITORING_RUNNER, MONITORING_THRESHOLDS } from './monitoring.tokens';
import { MonitoringThresholds } from './thresholds';
import { loadMonitoringThresholds } from './thresholds.loader';

/** Starts the monitor with the application (catch-up in the background) and stops it before the stores close. */
class MonitoringLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('monitoring');
  constructor(@Inject(MONITORING_RUNNER) private readonly runner: MonitoringRunner) {}

  onApplicationBootstrap(): void {
    this.runner.start().catch((e) => this.logger.error(`monitoring stopped: ${e instanceof Error ? e.message : String(e)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop().catch(() => undefined);
  }
}

/**
 * Monitoring and early warning: its own read model and checkpoint beside the other read
 * models (same ReadModelStore, no change to the projections module), alert streams of its
 * own, thresholds from config/monitoring-thresholds.json (MONITORING_THRESHOLDS overrides).
 */
@Module({
  imports: [ProjectionsModule],
  controllers: [MonitoringController],
  providers: [
    { provide: MONITORING_THRESHOLDS, useFactory: () => loadMonitoringThresholds() },
    {
      provide: AlertWriter,
      inject: [EVENT_STORE, CLOCK, ID_GENERATOR],
      useFactory: (events: EventStore, clock: Clock, ids: IdGenerator) => new AlertWriter(events, clock, () => ids.next()),
    },
    {
      provide: MONITORING_RUNNER,
      inject: [EVENT_STORE, READ_MODEL_STORE, MONITORING_THRESHOLDS, AlertWriter],
      useFactory: (events: EventStore, store: ReadModelStore, thresholds: MonitoringThresholds, writer: AlertWriter) => new MonitoringRunner(events, store, thresholds, writer),
    },
    {
      provide: MonitoringQueries,
      inject: [READ_MODEL_STORE, MONITORING_THRESHOLDS],
      useFactory: (store: ReadModelStore, thresholds: MonitoringThresholds) => new MonitoringQueries(store, thresholds),
    },
    MonitoringLifecycle,
  ],
  exports: [MONITORING_RUNNER, MonitoringQueries],
})
export class MonitoringModule {}
