import { EventStore } from './event-store.port';
import { EsdbEventStore } from './esdb/esdb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export interface EventStoreConfig {
  /** When set (e.g. 'esdb://host:2113?tls=false'), EventStoreDB is the store. */
  eventstoreConnectionString?: string;
  /** SQLite file of the embedded store (also holds the read models), used otherwise. */
  ledgerDb: string;
  /** 'FULL' (default) survives power loss; 'NORMAL' may lose the last appends on power loss. */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** Where the embedded store commits: 'thread' (default, a file only) off the event loop, or 'inline' on it. */
  sqliteWriter?: 'thread' | 'inline';
}

/** EventStoreDB when a connection string is configured, else the embedded SQLite store. */
export function createEventStore(config: EventStoreConfig): EventStore {
  if (config.eventstoreConnectionString) return new EsdbEventStore(config.eventstoreConnectionString);
  return new SqliteEventStore({
    path: config.ledgerDb,
    synchronous: config.sqliteSynchronous ?? 'FULL',
    writer: config.sqliteWriter ?? 'thread',
  });
}
