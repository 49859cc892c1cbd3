import { Module } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../kernel/clock';
import type { ReadModelStore } from '../projections/read-model-store';
import { ProjectionsModule } from '../projections/projections.module';
import type { ReadSide } from '../projections/read-side';
import { ReadSideRunner } from '../projections/read-side-runner';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from '../projections/tokens';
import { AlertWriter } from './alert-writer';
import { MonitoringController } from './monitoring.controller';
import { MonitoringQueries } from './monitoring.queries';
import { MonitoringRunner } from './monitoring-runner';
import { MONITORING_RUNNER, MONITORING_THRESHOLDS } from './monitoring.tokens';
import { MonitoringThresholds } from './thresholds';
import { loadMonitoringThresholds } from './thresholds.loader';

/**
 * Monitoring and early warning: its own read model and checkpoint beside the other read
 * models, applied by the projections' runner in the same batch transaction, alert streams of its
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
      inject: [PROJECTION_RUNNER, EVENT_STORE, READ_MODEL_STORE, MONITORING_THRESHOLDS, AlertWriter],
      // One more projection of the one read-side runner (started and stopped with the projections);
      // when that runner is in the worker thread, the monitor is there too and this thread observes it.
      useFactory: (readSide: ReadSide, events: EventStore, store: ReadModelStore, thresholds: MonitoringThresholds, writer: AlertWriter) =>
        readSide instanceof ReadSideRunner
          ? MonitoringRunner.on(readSide, events, store, thresholds, writer)
          : MonitoringRunner.observing(readSide, events, store, thresholds),
    },
    {
      provide: MonitoringQueries,
      inject: [READ_MODEL_STORE, MONITORING_THRESHOLDS],
      useFactory: (store: ReadModelStore, thresholds: MonitoringThresholds) => new MonitoringQueries(store, thresholds),
    },
  ],
  exports: [MONITORING_RUNNER, MonitoringQueries],
})
export class MonitoringModule {}
