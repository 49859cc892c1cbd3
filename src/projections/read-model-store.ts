import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

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
  close(): void;
}

const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS rm_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`;

export class SqliteReadModelStore implements ReadModelStore {
  private readonly statements = new Map<string, Database.Statement>();

  /** `owned`: this store opened the connection and closes it; otherwise it belongs to the event store. */
  private constructor(
    readonly db: Database.Database,
    private readonly owned: boolean,
  ) {
    this.db.exec(CHECKPOINTS);
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
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${cacheMiB * 1024}`);
    return new SqliteReadModelStore(db, true);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  savepoint<T>(fn: () => T): T {
    // better-sqlite3 runs a transaction function called inside a transaction as a SAVEPOINT.
    return this.db.transaction(fn)();
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

  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }
}
