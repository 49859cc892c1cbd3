import { BeforeApplicationShutdown, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LEDGER_CONFIG, LedgerConfig } from '../config/config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { POLICY_CATALOG } from '../infrastructure/tokens';
import type { PolicyCatalog } from '../policy/catalog';
import { ProjectionRunner } from './projection-runner';
import { ReadModelStore, SqliteReadModelStore } from './read-model-store';
import { allProjections } from './read-models';
import { ReadSideController } from './read-side.controller';
import { ReadSideQueryHandlers } from './read-side.queries';
import { ReadSideService } from './read-side.service';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from './tokens';

/** The embedded store's own connection when the events are in SQLite; else a SQLite file of its own (LEDGER_DB). */
export function readModelStoreFor(events: EventStore, config: Pick<LedgerConfig, 'ledgerDb' | 'sqliteSynchronous'>): SqliteReadModelStore {
  if (events instanceof SqliteEventStore) return SqliteReadModelStore.onConnection(events.db);
  return SqliteReadModelStore.open(config.ledgerDb, config.sqliteSynchronous);
}

/** Starts the projections with the application (catch-up in the background) and stops them before the store closes. */
class ProjectionsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start().catch((e) => this.logger.error(`projections stopped: ${e instanceof Error ? e.message : String(e)}`));
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
  controllers: [ReadSideController],
  providers: [
    {
      provide: READ_MODEL_STORE,
      inject: [EVENT_STORE, LEDGER_CONFIG],
      useFactory: (events: EventStore, config: LedgerConfig) => readModelStoreFor(events, config),
    },
    {
      provide: PROJECTION_RUNNER,
      inject: [EVENT_STORE, READ_MODEL_STORE, POLICY_CATALOG],
      useFactory: (events: EventStore, store: ReadModelStore, catalog: PolicyCatalog) => new ProjectionRunner(events, store, allProjections(catalog)),
    },
    ProjectionsLifecycle,
    ReadSideService,
    ...ReadSideQueryHandlers,
  ],
  exports: [PROJECTION_RUNNER, READ_MODEL_STORE, ReadSideService],
})
export class ProjectionsModule {}
