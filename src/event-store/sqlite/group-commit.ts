import type Database from 'better-sqlite3';
import type { AppendResult, ExpectedRevision } from '../event-store.port';
import { EventIdReused, WrongExpectedVersion } from '../errors';

/** One append of a group, as the writer needs it: ids, types and the rows already serialised. */
export interface AppendRequest {
  streamId: string;
  events: ReadonlyArray<{ id: string; type: string }>;
  rows: ReadonlyArray<{ data: string; metadata: string }>;
  expected: ExpectedRevision;
}

export type AppendOutcome = { result: AppendResult; written: boolean } | { error: unknown };

/** A committed group: each append's outcome, and the log's head just before the group's writes. */
export interface GroupOutcome {
  /**
   * MAX(position) read under the group's write lock before its inserts (0: empty log): every
   * position above it up to the group's last written one is the group's own, and any
   * position between the store's last known head and it was written by another connection.
   */
  headBefore: number;
  outcomes: AppendOutcome[];
}

interface StoredHead {
  event_id: string;
  type: string;
  revision: number;
  position: number;
}

/**
 * The write side of the SQLite adapter: one `BEGIN IMMEDIATE … COMMIT` for a group of
 * appends, each inside its own SAVEPOINT (better-sqlite3 runs a transaction function called
 * inside another as a savepoint), so a failing append rolls back its own writes only and
 * the group goes on. Runs on the store's connection, or in the writer thread on its own.
 */
export class GroupCommitter {
  private readonly precheck: Database.Statement<[string, string, string], { found: number | null; current: number | null }>;
  private readonly batchFrom: Database.Statement<[string, number, number], StoredHead>;
  private readonly insert: Database.Statement<[string, number, string, string, string, string]>;
  private readonly head: Database.Statement<[], { head: number | null }>;
  private readonly group: (appends: readonly AppendRequest[]) => GroupOutcome;
  private readonly probeWrite: (at: string) => void;

  constructor(private readonly db: Database.Database) {
    // One round trip for both pre-write checks: where the batch's first id is, and the stream's revision.
    this.precheck = db.prepare(
      `SELECT (SELECT revision FROM events WHERE stream_id = ? AND event_id = ?) AS found,
              (SELECT MAX(revision) FROM events WHERE stream_id = ?) AS current`,
    );
    this.batchFrom = db.prepare(
      'SELECT event_id, type, revision, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
    );
    this.insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    this.head = db.prepare('SELECT MAX(position) AS head FROM events');
    const appendOne = db.transaction((append: AppendRequest) => this.appendInTransaction(append));
    const group = db.transaction((appends: readonly AppendRequest[]): GroupOutcome => {
      // Under the write lock, before the inserts: no other connection can write between the two.
      const headBefore = this.head.get()?.head ?? 0;
      const outcomes = appends.map((append): AppendOutcome => {
        try {
          return appendOne(append);
        } catch (error) {
          return { error };
        }
      });
      return { headBefore, outcomes };
    });
    this.group = (appends) => group.immediate(appends);
    const probe = db.prepare('INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at');
    const probeWrite = db.transaction((at: string) => void probe.run(at));
    this.probeWrite = (at) => probeWrite.immediate(at);
  }

  /** Commits the group; each append's own refusal is its outcome. Throws when BEGIN or COMMIT fails (nothing written). */
  commit(appends: readonly AppendRequest[]): GroupOutcome {
    return this.group(appends);
  }

  /**
   * One small durable commit outside the log (the `write_probe` row): whether the store takes
   * writes again after a refusal (health), with no client's append to find out. It never waits
   * for a lock held elsewhere (busy timeout 0 for it): a probe refused is tried again later.
   * Throws as a group's commit does.
   */
  probe(at: string): void {
    const busyTimeoutMs = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      this.probeWrite(at);
    } finally {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  }

  private appendInTransaction({ streamId, events, rows, expected }: AppendRequest): { result: AppendResult; written: boolean } {
    // Idempotency first (as EventStoreDB does): a retried batch is answered from the log.
    const check = this.precheck.get(streamId, events[0].id, streamId)!;
    if (check.found !== null) return { result: this.replayedResult(streamId, events, check.found), written: false };

    const current = check.current ?? -1;
    if (!revisionMatches(expected, current)) {
      throw new WrongExpectedVersion(streamId, expected, current < 0 ? 'no_stream' : current);
    }
    let position = 0;
    let index = 0;
    try {
      for (; index < events.length; index++) {
        const event = events[index];
        const info = this.insert.run(streamId, current + 1 + index, event.id, event.type, rows[index].data, rows[index].metadata);
        position = Number(info.lastInsertRowid);
      }
    } catch (error) {
      // Only the event-id index can clash: revisions were computed under the write lock.
      // Its savepoint rolls back, so nothing of the batch is written.
      if (isUniqueViolation(error)) throw new EventIdReused(streamId, events[index].id);
      throw error;
    }
    const revision = current + events.length;
    return { result: { nextExpectedRevision: revision, position }, written: true };
  }

  /** The batch's first id is already in the stream: the whole batch must be there, in order. */
  private replayedResult(streamId: string, events: AppendRequest['events'], firstRevision: number): AppendResult {
    const stored = this.batchFrom.all(streamId, firstRevision, events.length);
    const same = stored.length === events.length && stored.every((row, i) => row.event_id === events[i].id && row.type === events[i].type);
    if (!same) {
      const differing = events.find((e, i) => stored[i]?.event_id !== e.id || stored[i]?.type !== e.type);
      throw new EventIdReused(streamId, differing?.id ?? events[0].id);
    }
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }
}

function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    default:
      return current === expected;
  }
}

/** By code, not `instanceof`: SqliteError may come from another realm (e.g. jest's module sandboxes). */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}
