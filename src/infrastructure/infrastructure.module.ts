import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { API_KEY_RING, ApiKeyRing, issueKey, readKeyFile } from '../auth/api-keys';
import { LEDGER_CONFIG, LedgerConfig } from '../config/config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { createEventStore } from '../event-store';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, systemClock, uuidGenerator } from '../kernel/clock';
import { PolicyCatalog } from '../policy/catalog';
import { archiveCatalog, withArchive } from '../policy/policy-archive';
import { POLICY_CATALOG } from './tokens';

export interface InfrastructureOverrides {
  store?: EventStore;
  clock?: Clock;
  ids?: IdGenerator;
  keys?: ApiKeyRing;
}

/** Loads the API keys; on a first start with none configured, issues an agency key and prints it once. */
function loadKeys(config: LedgerConfig, clock: Clock): ApiKeyRing {
  if (readKeyFile(config.apiKeysFile).length === 0) {
    const { key, keyId } = issueKey(config.apiKeysFile, 'agency', clock.now());
    // Printed once, to stdout only (not through the logger); only its hash is kept.
    process.stdout.write(
      `\nNo API keys were configured: created agency key ${keyId}; its hash is in ${config.apiKeysFile}.\n` +
        `API key (shown once, keep it): ${key}\n` +
        `Issue more with: npm run keys -- add --role institution|auditor|agency [--institution CODE]\n\n`,
    );
  }
  return ApiKeyRing.fromFile(config.apiKeysFile);
}

/** The process-wide services every module injects: store, clock, ids, policy catalogue, keys. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  private readonly logger = new Logger('infrastructure');
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(config: LedgerConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    const clock = overrides.clock ?? systemClock;
    return {
      module: InfrastructureModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: ID_GENERATOR, useValue: overrides.ids ?? uuidGenerator },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            overrides.store ??
            createEventStore({
              ledgerDb: config.ledgerDb,
              eventstoreConnectionString: config.eventstoreConnectionString,
              sqliteSynchronous: config.sqliteSynchronous,
              sqliteWriter: config.sqliteWriter,
            }),
        },
        {
          // The packs in force, archived (once per version) so that decisions stay replayable
          // after a parameter change, and merged with every version archived before.
          provide: POLICY_CATALOG,
          inject: [EVENT_STORE, CLOCK, ID_GENERATOR],
          useFactory: async (store: EventStore, clk: Clock, ids: IdGenerator) => {
            const catalog = PolicyCatalog.loadParamsFile(config.policyParamsFile);
            await archiveCatalog(store, catalog, clk, () => ids.next());
            return withArchive(store, catalog);
          },
        },
        {
          // After the store has opened and the catalogue loaded (and archived): a first start
          // issues and prints its agency key only once the ledger can actually serve (issue 13 item 6).
          provide: API_KEY_RING,
          inject: [POLICY_CATALOG],
          useFactory: () => overrides.keys ?? loadKeys(config, clock),
        },
      ],
      exports: [LEDGER_CONFIG, CLOCK, ID_GENERATOR, EVENT_STORE, POLICY_CATALOG, API_KEY_RING],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((e) => this.logger.warn(`closing the store: ${String(e)}`));
  }
}
