import type { RecordedEvent } from '../event-store/event-store.port';
import type { ReadModelStore } from './read-model-store';

/**
 * A read model fed from the global log. `apply` is synchronous and runs inside the
 * runner's transaction, together with the checkpoint update: it must only write through
 * `store` and must be deterministic (the same events give the same rows, live or rebuilt).
 */
export interface Projection {
  readonly name: string;
  /** Tables this projection owns (dropped and recreated by a rebuild). */
  readonly tables: readonly string[];
  /** CREATE TABLE / INDEX statements (IF NOT EXISTS). */
  readonly schema: string;
  apply(event: RecordedEvent, store: ReadModelStore): void;
  /**
   * Optional: writes what `apply` deferred (rows recomputed once per batch, not per event).
   * Called by the runner after the projection's slice of a batch, inside the same savepoint
   * and before the checkpoint moves, so the result is the same as writing after each event.
   */
  flush?(store: ReadModelStore): void;
  /**
   * Optional: forgets what was deferred, and any state kept in memory past `flush` (the
   * savepoint or the batch transaction that held it rolled back, or the tables were dropped).
   */
  discard?(): void;
}

export const personIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith('person-') ? streamId.slice('person-'.length) : undefined;
