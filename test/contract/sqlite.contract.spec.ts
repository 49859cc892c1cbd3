import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { EventIdReused, WrongExpectedVersion } from '../../src/event-store/errors';
import { RecordedEvent } from '../../src/event-store/event-store.port';
import { describeEventStoreContract } from './event-store.contract';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ledger-store-'));
}

/** Another connection holds the file's write lock (as another process or a backup tool could) until the outage ends. */
const lockHolder = (path: string) => async () => {
  const other = new Database(path);
  other.exec('BEGIN IMMEDIATE');
  return {
    end: async () => {
      other.exec('ROLLBACK');
      other.close();
    },
  };
};

/** Another connection overwrites a row's text, as a hand edit of the file would. */
const damageRow = (path: string) => async (position: number, part: 'data' | 'metadata') => {
  const other = new Database(path);
  other.prepare(`UPDATE events SET ${part} = '{not json' WHERE position = ?`).run(position);
  other.close();
};

/** A store on a fresh file (the commit waits 100 ms for a lock held elsewhere, so the outage case is quick), removed afterwards. */
const onAFile = (writer: 'inline' | 'thread') => async () => {
  const dir = tempDir();
  const path = join(dir, 'ledger.db');
  const store = new SqliteEventStore({ path, writer, busyTimeoutMs: 100 });
  return {
    store,
    outage: lockHolder(path),
    damage: damageRow(path),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

describeEventStoreContract('SQLite (WAL file, synchronous FULL)', onAFile('inline'), { eventIdReuse: 'exact', outage: true, damage: true });

describeEventStoreContract('SQLite (WAL file, writer thread, synchronous FULL)', onAFile('thread'), {
  eventIdReuse: 'exact',
  outage: true,
  damage: true,
});

describeEventStoreContract('SQLite (:memory:, synchronous NORMAL)', async () => {
  const store = new SqliteEventStore({ path: ':memory:', synchronous: 'NORMAL' });
  return { store, cleanup: () => store.close() };
});

describe('SqliteEventStore specifics', () => {
  let dir: string;
  const opened: SqliteEventStore[] = [];
  const open = (path: string, synchronous?: 'FULL' | 'NORMAL') => {
    const store = new SqliteEventStore({ path, synchronous, pollIntervalMs: 50 });
    opened.push(store);
    return store;
  };
  const event = (n: number) => ({
    id: randomUUID(),
    type: 'Counted',
    data: { n },
    metadata: { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00.000Z' },
  });

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent directory, uses WAL, and synchronous FULL unless NORMAL is asked for', () => {
    const full = open(join(dir, 'nested', 'deeper', 'ledger.db'));
    expect(full.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const normal = open(join(dir, 'other.db'), 'NORMAL');
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('keeps events across a reopen and continues gap-free positions 1, 2, 3…', async () => {
    const path = join(dir, 'ledger.db');
    const first = open(path);
    await first.append('s', [event(1), event(2)], 'no_stream');
    await first.close();
    const again = open(path);
    const result = await again.append('s', [event(3)], 1);
    expect(result).toEqual({ nextExpectedRevision: 2, position: 3 });
    expect((await again.readAll()).map((e) => e.position)).toEqual([1, 2, 3]);
  });

  it('a live subscription sees appends made through another connection to the same file (poll)', async () => {
    const path = join(dir, 'ledger.db');
    const reader = open(path);
    const writer = open(path);
    const seen: number[] = [];
    const subscription = reader.subscribeToAll((e) => {
      seen.push((e.data as { n: number }).n);
    });
    await subscription.caughtUp();
    for (let n = 1; n <= 5; n++) await writer.append('s', [event(n)], 'any');
    await subscription.caughtUp(); // head read on the shared file: 5
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await subscription.stop();
  });

  it('exposes its connection so a read model and its checkpoint can commit with the log file', async () => {
    const store = open(join(dir, 'ledger.db'));
    store.db.exec('CREATE TABLE read_model (k TEXT PRIMARY KEY, v INTEGER)');
    await store.append('s', [event(7)], 'no_stream');
    store.db.transaction(() => store.db.prepare('INSERT INTO read_model VALUES (?, ?)').run('s', 7))();
    expect(store.db.prepare('SELECT v FROM read_model WHERE k = ?').get('s')).toEqual({ v: 7 });
  });

  it('refuses a batch repeating an earlier id after its first event, writing none of it', async () => {
    const store = open(join(dir, 'ledger.db'));
    const earlier = event(1);
    await store.append('s', [earlier, event(2)], 'no_stream');
    const error = await store.append('s', [event(3), earlier], 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventIdReused);
    expect((error as EventIdReused).eventId).toBe(earlier.id);
    expect((await store.readStream('s')).map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
    expect(await store.headPosition()).toBe(2);
    // The rolled-back batch used no position: the log stays gap-free.
    expect((await store.append('s', [event(4)], 1)).position).toBe(3);
  });

  it('refuses an empty batch and operations after close', async () => {
    const store = open(join(dir, 'ledger.db'));
    await expect(store.append('s', [], 'any')).rejects.toThrow('at least one event');
    await store.close();
    await expect(store.readAll()).rejects.toThrow('closed');
  });

  describe('group commit (issue 10 item 1)', () => {
    const n = (e: { data: unknown }) => (e.data as { n: number }).n;

    it('concurrent appends share commits: fewer commits than appends, every append answered', async () => {
      const store = open(join(dir, 'ledger.db'));
      const before = store.stats();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(`s-${i}`, [event(i)], 'no_stream')));
      const after = store.stats();
      expect(after.appends - before.appends).toBe(50);
      expect(after.events - before.events).toBe(50);
      expect(after.commits - before.commits).toBeLessThan(50);
      expect(results.map((r) => r.position).sort((a, b) => a - b)).toEqual(results.map((_, i) => i + 1));
    });

    it('bounds a group: more appends than the bound take more than one commit', async () => {
      const store = open(join(dir, 'ledger.db'));
      await Promise.all(Array.from({ length: 600 }, (_, i) => store.append(`s-${i}`, [event(i)], 'no_stream')));
      const stats = store.stats();
      expect(stats.commits).toBeGreaterThanOrEqual(3);
      expect(stats.largestGroup).toBeLessThanOrEqual(256);
    });

    it('two appends to the same stream in one group see each other', async () => {
      const store = open(join(dir, 'ledger.db'));
      const outcomes = await Promise.allSettled([
        store.append('s', [event(1)], 'no_stream'),
        store.append('s', [event(2)], 0),
        store.append('s', [event(3)], 0),
      ]);
      expect(store.stats().commits).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect(((outcomes[2] as PromiseRejectedResult).reason as WrongExpectedVersion).actual).toBe(1);
      expect((await store.readStream('s')).map(n)).toEqual([1, 2]);
    });

    it('one failing append in a group leaves the others durable (reopened file) and the log gap-free', async () => {
      const path = join(dir, 'ledger.db');
      const store = open(path);
      const earlier = event(0);
      await store.append('reused', [earlier], 'no_stream');
      const outcomes = await Promise.allSettled([
        store.append('a', [event(1), event(2)], 'no_stream'),
        store.append('reused', [event(9), earlier], 'any'),
        store.append('b', [event(3)], 5),
        store.append('c', [event(4)], 'no_stream'),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      await store.close();
      const reopened = open(path);
      const all = await reopened.readAll();
      expect(all.map((e) => [e.streamId, n(e)])).toEqual([
        ['reused', 0],
        ['a', 1],
        ['a', 2],
        ['c', 4],
      ]);
      expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4]);
    });

    it('hands each group over once, after commit, with only the written events in position order', async () => {
      const store = open(join(dir, 'ledger.db'));
      // Another connection sees only committed data.
      const observer = open(join(dir, 'ledger.db'));
      const calls: RecordedEvent[][] = [];
      const headsSeen: number[] = [];
      store.onCommitted((events) => {
        calls.push([...events]);
        headsSeen.push((observer.db.prepare('SELECT MAX(position) AS h FROM events').get() as { h: number }).h);
      });
      const replayed = event(0);
      await store.append('r', [replayed], 'no_stream');
      calls.length = 0;
      headsSeen.length = 0;
      await Promise.allSettled([
        store.append('x', [event(1)], 'no_stream'),
        store.append('r', [replayed], 'no_stream'), // replay: nothing written
        store.append('y', [event(2), event(3)], 'no_stream'),
        store.append('x', [event(4)], 7), // conflict
        store.append('x', [event(5)], 0),
      ]);
      expect(calls).toHaveLength(1);
      expect(calls[0].map(n)).toEqual([1, 2, 3, 5]);
      expect(calls[0].map((e) => e.position)).toEqual([2, 3, 4, 5]);
      expect(calls[0].map((e) => e.revision)).toEqual([0, 0, 1, 1]);
      expect(headsSeen).toEqual([5]); // called after COMMIT: the events are already in the log
    });

    it('a group whose commit fails (write lock held elsewhere) is refused as a whole, nothing written, no caller left waiting', async () => {
      const path = join(dir, 'ledger.db');
      const store = open(path);
      store.db.pragma('busy_timeout = 50');
      const other = open(path);
      other.db.exec('BEGIN IMMEDIATE');
      const outcomes = await Promise.allSettled([store.append('a', [event(1)], 'no_stream'), store.append('b', [event(2)], 'no_stream')]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(((outcomes[0] as PromiseRejectedResult).reason as { code?: string }).code).toBe('SQLITE_BUSY');
      other.db.exec('ROLLBACK');
      expect(await store.append('a', [event(3)], 'no_stream')).toEqual({ nextExpectedRevision: 0, position: 1 });
      expect(store.stats().commits).toBe(1);
    });

    it('close() commits the appends still queued and answers their callers', async () => {
      const path = join(dir, 'ledger.db');
      const store = open(path);
      const pending = [store.append('s', [event(1)], 'no_stream'), store.append('s', [event(2)], 0)];
      await store.close();
      await expect(Promise.all(pending)).resolves.toEqual([
        { nextExpectedRevision: 0, position: 1 },
        { nextExpectedRevision: 1, position: 2 },
      ]);
      expect((await open(path).readStream('s')).map(n)).toEqual([1, 2]);
    });
  });
});
