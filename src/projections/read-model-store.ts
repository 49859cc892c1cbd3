import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openingFile, READ_MODELS_FILE_ADVICE, READ_MODELS_FILE_HOLDS } from '../event-store/errors';

/**
 * Where read models live. Projections are written in SQL, so the store is a SQLite
 * connection plus the two things the runner needs: one transaction around "update the
 * read models and move the checkpoint", and the checkpoints themselves. With the embedded
 * event store this is the store's own connection (same file), otherwise a file of its own.
 */
export interface ReadModelStore {
  /** Runs `fn` in one transaction: every write in it, checkpoint included, commits or none does. */
  transaction<T>(fn: () => T): T;
  /** Inside `transaction`: runs `fn` in a savepoint; if it throws, only its writes roll back (and the error is rethrown). */
  savepoint<T>(fn: () => T): T;
  /** A prepared statement, cached by its SQL text. */
  stmt(sql: string): Database.Statement;
  exec(sql: string): void;
  checkpoint(name: string): number;
  /** Only inside `transaction`. */
  setCheckpoint(name: string, position: number): void;
  /** The last event the read models applied: which log they were built from (see LogMark). */
  logMark(): LogMark | undefined;
  /** Only inside `transaction`; undefined clears it (the read models start from nothing). */
  setLogMark(mark: LogMark | undefined): void;
  close(): void;
}

/**
 * The position and id of the last event of the last committed batch. At start the runner
 * finds that event in the log again; if the log has no such event (a ledger restored from an
 * older backup, or another ledger's file in its place) the read models describe another log.
 */
export interface LogMark {
  position: number;
  eventId: string;
  /** Where to find it again: a stream read needs no position that may not exist (EventStoreDB's are commit positions). */
  streamId: string;
  revision: number;
}

const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS rm_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS rm_log_mark (
    id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, event_id TEXT NOT NULL, stream_id TEXT NOT NULL, revision INTEGER NOT NULL);`;

/** How long an opening waits for the file to be its own for a moment (better-sqlite3's busy timeout). */
const WAL_SWITCH_WAIT_MS = 5000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Puts the file in WAL mode, waiting out a rebuild that holds it in rollback-journal mode
 * (`openForRebuild`). The switch needs the file to itself, and when the rebuild begins a batch
 * while the switch holds its shared lock, SQLite answers BUSY at once instead of waiting (either
 * would deadlock the other): a service started beside a rebuild failed to open its read models,
 * "database is locked", on a loaded machine. Tried again until WAL_SWITCH_WAIT_MS have passed.
 */
function toWalMode(db: Database.Database): void {
  const deadline = Date.now() + WAL_SWITCH_WAIT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 5); // opening is synchronous: a short sleep, then the next try
    }
  }
}

export class SqliteReadModelStore implements ReadModelStore {
  private readonly statements = new Map<string, Database.Statement>();
  /** Opened for a rebuild with a rollback journal: put back in WAL mode on close. */
  private backToWalOnClose = false;
  private readonly control: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;

  /** `owned`: this store opened the connection and closes it; otherwise it belongs to the event store. */
  private constructor(
    readonly db: Database.Database,
    private readonly owned: boolean,
  ) {
    this.db.exec(CHECKPOINTS);
    this.control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT rm_slice'),
      release: db.prepare('RELEASE rm_slice'),
      rollbackTo: db.prepare('ROLLBACK TO rm_slice'),
    };
  }

  /** Read models beside the events, on the event store's connection. */
  static onConnection(db: Database.Database): SqliteReadModelStore {
    return new SqliteReadModelStore(db, false);
  }

  /**
   * A connection of its own: a file of its own when EventStoreDB holds the events, or the
   * event store's file (same WAL) with synchronous=NORMAL — read models are rebuildable and
   * commit with their checkpoint, so they need no fsync of their own (see README).
   */
  static open(path: string, synchronous: 'FULL' | 'NORMAL' | 'OFF' = 'FULL', cacheMiB = 16): SqliteReadModelStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return openingFile(path, READ_MODELS_FILE_HOLDS, READ_MODELS_FILE_ADVICE, () => {
      const db = new Database(path);
      try {
        toWalMode(db);
        db.pragma(`synchronous = ${synchronous}`);
        db.pragma('busy_timeout = 5000');
        db.pragma(`cache_size = -${cacheMiB * 1024}`);
        return new SqliteReadModelStore(db, true);
      } catch (error) {
        db.close();
        throw error;
      }
    });
  }

  /**
   * For `projections:rebuild` (the service stopped): synchronous=OFF, a 64 MiB cache and, while
   * no other connection has the file open, a rollback journal (TRUNCATE) instead of the WAL.
   * A rebuild writes mostly new pages past the file's end, which a rollback journal does not
   * copy, where the WAL writes every page twice (to the WAL, then at its checkpoint). Issue 10
   * item 5, a 1M-event log, 3 pairs: 53.3–56.8 s against 58.5–62.3 s, the batch transactions'
   * CPU 3.9–4.2 against 9.0–9.4 µs per event (docs/performance-log.md, fourteenth round). A
   * journal kept in memory would be faster still, but a kill mid-rebuild then damages the file
   * (test/projections/rebuild-journal.e2e-spec.ts). A crash mid-rebuild leaves a hot journal
   * that the next opening of the file rolls back; closing the store puts the file back in WAL
   * mode. With another connection open (a service still running) the switch is refused at
   * once and the rebuild runs in WAL mode, as before.
   */
  static openForRebuild(path: string): SqliteReadModelStore {
    const store = SqliteReadModelStore.open(path, 'OFF', 64);
    const busyTimeoutMs = store.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      store.db.pragma('busy_timeout = 0');
      store.backToWalOnClose = store.db.pragma('journal_mode = TRUNCATE', { simple: true }) === 'truncate';
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') {
        store.close();
        throw error;
      }
    } finally {
      if (store.db.open) store.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
    return store;
  }

  /**
   * BEGIN IMMEDIATE … COMMIT (a savepoint when already in one), on statements prepared once:
   * better-sqlite3's `db.transaction(fn)` builds four wrapper functions per call, and the live
   * read side opens a transaction and a savepoint per projection for every small batch.
   */
  transaction<T>(fn: () => T): T {
    return this.db.inTransaction ? this.savepoint(fn) : this.run(fn, this.control.begin, this.control.commit, this.control.rollback);
  }

  savepoint<T>(fn: () => T): T {
    if (!this.db.inTransaction) return this.transaction(fn);
    return this.run(fn, this.control.savepoint, this.control.release, this.control.rollbackTo, this.control.release);
  }

  private run<T>(
    fn: () => T,
    before: Database.Statement,
    after: Database.Statement,
    undo: Database.Statement,
    undone?: Database.Statement,
  ): T {
    before.run();
    try {
      const result = fn();
      after.run();
      return result;
    } catch (error) {
      // SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR): nothing left to undo then.
      if (this.db.inTransaction) {
        undo.run();
        undone?.run();
      }
      throw error;
    }
  }

  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  exec(sql: string): void {
    // Schema changes invalidate nothing we cache by text, but dropped tables do: start afresh.
    this.statements.clear();
    this.db.exec(sql);
  }

  checkpoint(name: string): number {
    const row = this.stmt('SELECT position FROM rm_checkpoint WHERE name = ?').get(name) as { position: number } | undefined;
    return row?.position ?? 0;
  }

  setCheckpoint(name: string, position: number): void {
    this.stmt('INSERT INTO rm_checkpoint (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position').run(
      name,
      position,
    );
  }

  logMark(): LogMark | undefined {
    const row = this.stmt('SELECT position, event_id AS eventId, stream_id AS streamId, revision FROM rm_log_mark WHERE id = 1').get() as
      LogMark | undefined;
    return row ? { ...row } : undefined;
  }

  setLogMark(mark: LogMark | undefined): void {
    if (!mark) this.stmt('DELETE FROM rm_log_mark').run();
    else
      this.stmt(
        `INSERT INTO rm_log_mark (id, position, event_id, stream_id, revision) VALUES (1, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE
         SET position = excluded.position, event_id = excluded.event_id, stream_id = excluded.stream_id, revision = excluded.revision`,
      ).run(mark.position, mark.eventId, mark.streamId, mark.revision);
  }

  close(): void {
    if (!this.owned || !this.db.open) return;
    try {
      if (this.backToWalOnClose) this.db.pragma('journal_mode = WAL');
    } catch {
      // Still in a transaction after a failure: harmless, every opening of the file sets WAL mode.
    } finally {
      this.db.close();
    }
  }
}
