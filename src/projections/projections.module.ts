import { BeforeApplicationShutdown, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LEDGER_CONFIG, LedgerConfig } from '../config/config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { POLICY_CATALOG } from '../infrastructure/tokens';
import type { PolicyCatalog } from '../policy/catalog';
import { ReadSideRunner } from './read-side-runner';
import { ReadModelStore, SqliteReadModelStore } from './read-model-store';
import { allProjections } from './read-models';
import { ReadSideController } from './read-side.controller';
import { DisputesListController } from '../disputes/disputes-list.controller';
import { ListDisputesHandler } from '../disputes/disputes-list.query';
import { ReadSideQueryHandlers } from './read-side.queries';
import { ReadSideService } from './read-side.service';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from './tokens';

/** Most events the live read side applies in one transaction (see the runner's factory). */
const LIVE_BATCH = 250;
/**
 * Read models get a connection of their own. With the embedded store: the same file (one
 * WAL), synchronous=NORMAL — they are rebuildable and commit with their checkpoint, and the
 * events' FULL commits fsync the shared WAL anyway (README, "Read side"). An in-memory store
 * has no file to share: its own connection then. With EventStoreDB: a SQLite file (LEDGER_DB).
 */
export function readModelStoreFor(events: EventStore, config: Pick<LedgerConfig, 'ledgerDb' | 'sqliteSynchronous'>): SqliteReadModelStore {
  if (events instanceof SqliteEventStore) {
    return events.db.memory ? SqliteReadModelStore.onConnection(events.db) : SqliteReadModelStore.open(events.db.name, 'NORMAL');
  }
  return SqliteReadModelStore.open(config.ledgerDb, config.sqliteSynchronous);
}

/** Starts the one read-side runner (projections and, registered by its module, monitoring) with the application and stops it before the stores close. */
class ProjectionsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ReadSideRunner,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start().catch((e) => this.logger.error(`read side stopped: ${e instanceof Error ? e.message : String(e)}`));
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
      inject: [EVENT_STORE, READ_MODEL_STORE, POLICY_CATALOG],
      useFactory: (events: EventStore, store: ReadModelStore, catalog: PolicyCatalog) => {
        const logger = new Logger('read-side');
        // Beside live requests a batch is one synchronous transaction (~0.2 ms of projections and
        // monitoring per event): 250 events keep it near 50 ms; the rebuild, alone, takes 2,000.
        return new ReadSideRunner(events, store, allProjections(catalog), { pageSize: LIVE_BATCH, log: (m) => logger.warn(m) });
      },
    },
    ProjectionsLifecycle,
    ReadSideService,
    ...ReadSideQueryHandlers,
    ListDisputesHandler,
  ],
  exports: [PROJECTION_RUNNER, READ_MODEL_STORE, ReadSideService],
})
export class ProjectionsModule {}
