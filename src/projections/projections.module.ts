import { BeforeApplicationShutdown, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LEDGER_CONFIG, LedgerConfig } from '../config/config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { POLICY_CATALOG } from '../infrastructure/tokens';
import type { PolicyCatalog } from '../policy/catalog';
import { ReadSideRunner } from './read-side-runner';
import { ReadModelStore, SqliteReadModelStore } from './read-model-store';
import { allProjections, READ_MODELS_PAGES } from './read-models';
import { ReadSideController } from './read-side.controller';
import { DisputesListController } from '../disputes/disputes-list.controller';
import { ListDisputesHandler } from '../disputes/disputes-list.query';
import { ReadSideQueryHandlers } from './read-side.queries';
import { ReadSideService } from './read-side.service';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from './tokens';
import type { ReadSide } from './read-side';
import { WorkerReadSide } from './worker/worker-read-side';
import { loadMonitoringThresholds } from '../monitoring/thresholds.loader';

/** Most events the live read side applies in one transaction (see the runner's factory). */
const LIVE_BATCH = 250;

/**
 * Read models get a connection of their own. With the embedded store on a file: a file of
 * their own (LEDGER_READ_DB), synchronous=NORMAL — they are rebuildable and commit with their
 * checkpoint, and their batches never hold the events file's write lock (README, "Read side").
 * An in-memory store has no file to share: its own connection then. With EventStoreDB: a
 * SQLite file (LEDGER_READ_DB, default LEDGER_DB).
 */
export function readModelStoreFor(
  events: EventStore,
  config: Pick<LedgerConfig, 'readModelsDb' | 'sqliteSynchronous'>,
): SqliteReadModelStore {
  if (events instanceof SqliteEventStore) {
    return events.db.memory ? SqliteReadModelStore.onConnection(events.db) : SqliteReadModelStore.open(config.readModelsDb, 'NORMAL');
  }
  return SqliteReadModelStore.open(config.readModelsDb, config.sqliteSynchronous);
}

/** The worker thread needs the events file itself: a wrapped or in-memory store (tests) runs the read side inline. */
function runsInWorker(events: EventStore, config: LedgerConfig): events is SqliteEventStore {
  return config.readSide === 'worker' && events instanceof SqliteEventStore && !events.db.memory;
}

/** The live read side: in a worker thread (LEDGER_READ_SIDE=worker, the default on a file) or on this thread. */
function readSideFor(events: EventStore, store: ReadModelStore, catalog: PolicyCatalog, config: LedgerConfig): ReadSide {
  const logger = new Logger('read-side');
  const log = (m: string) => logger.warn(m);
  if (runsInWorker(events, config)) {
    return new WorkerReadSide(
      events,
      {
        ledgerDb: config.ledgerDb,
        readModelsDb: config.readModelsDb,
        synchronous: config.sqliteSynchronous,
        policyParamsFile: config.policyParamsFile,
        thresholds: loadMonitoringThresholds(),
        pageSize: LIVE_BATCH,
        // Heads come from this process; the poll finds appends of other processes (npm run audit, a second instance).
        pollIntervalMs: 500,
      },
      { log },
    );
  }
  // Beside live requests a batch is one synchronous transaction (~0.2 ms of projections and
  // monitoring per event): 250 events keep it near 50 ms; the rebuild, alone, takes 2,000.
  return new ReadSideRunner(events, store, allProjections(catalog), { ...READ_MODELS_PAGES, pageSize: LIVE_BATCH, log });
}

/** Starts the one read-side runner (projections and, registered by its module, monitoring) with the application and stops it before the stores close. */
class ProjectionsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ReadSide,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {}

  /** A worker is awaited until it has created the read models' tables (not until it caught up); inline catches up in the background. */
  async onApplicationBootstrap(): Promise<void> {
    const started = this.runner.start().catch((e) => this.logger.error(`read side stopped: ${e instanceof Error ? e.message : String(e)}`));
    if (this.runner instanceof WorkerReadSide) await started;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.store.close();
  }
}

@Module({
  imports: [CqrsModule],
  controllers: [ReadSideController, DisputesListController],
  providers: [
    {
      provide: READ_MODEL_STORE,
      inject: [EVENT_STORE, LEDGER_CONFIG],
      useFactory: (events: EventStore, config: LedgerConfig) => readModelStoreFor(events, config),
    },
    {
      provide: PROJECTION_RUNNER,
      inject: [EVENT_STORE, READ_MODEL_STORE, POLICY_CATALOG, LEDGER_CONFIG],
      useFactory: readSideFor,
    },
    ProjectionsLifecycle,
    ReadSideService,
    ...ReadSideQueryHandlers,
    ListDisputesHandler,
  ],
  exports: [PROJECTION_RUNNER, READ_MODEL_STORE, ReadSideService],
})
export class ProjectionsModule {}
