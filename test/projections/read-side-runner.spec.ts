import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/projections/projection';
import { ReadModelStore, SqliteReadModelStore } from '../../src/projections/read-model-store';
import { isDamagedFile, isTransient, LOG_FILE_ADVICE, READ_MODELS_FILE_ADVICE, StoreUnavailable } from '../../src/event-store/errors';
import { ReadSideRunner } from '../../src/projections/read-side-runner';

/** Records every position once (a second application fails on the primary key); can throw a transient error a few times. */
class Recording implements Projection {
  readonly tables: string[];
  readonly schema: string;
  constructor(
    readonly name: string,
    private transientFailures = 0,
  ) {
    this.tables = [`rm_seen_${name}`];
    this.schema = `CREATE TABLE IF NOT EXISTS rm_seen_${name} (position INTEGER PRIMARY KEY)`;
  }
  apply(event: RecordedEvent, store: ReadModelStore): void {
    store.stmt(`INSERT INTO rm_seen_${this.name} (position) VALUES (?)`).run(event.position);
    if (this.transientFailures > 0) {
      this.transientFailures -= 1;
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    }
  }
}

const seenIn = (db: SqliteReadModelStore['db'], name: string): number[] =>
  (db.prepare(`SELECT position FROM rm_seen_${name} ORDER BY position`).all() as Array<{ position: number }>).map((r) => r.position);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

let ids = 0;
const event = (i: number) => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type: 'Happened',
  data: { i },
  metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' },
});

/** A read-model store whose transactions fail with `code` the first `times` times (a busy or full disk that recovers). */
function failingTransactions(inner: SqliteReadModelStore, code: string, times: number): ReadModelStore & { failures: number } {
  const wrapper = Object.create(inner) as ReadModelStore & { failures: number };
  wrapper.failures = 0;
  wrapper.transaction = <T>(fn: () => T): T => {
    if (wrapper.failures < times) {
      wrapper.failures += 1;
      throw Object.assign(new Error(`${code} simulated`), { code });
    }
    return inner.transaction(fn);
  };
  return wrapper;
}

describe('read-side runner: fed in memory, batched, resilient', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 });
  });
  afterEach(() => store.close());

  it('live events are handed over in memory: no read-back of the log, and the appends of one tick share one transaction', async () => {
    await store.append('s-0', [event(0), event(1)], 'any');
    const rm = SqliteReadModelStore.onConnection(store.db);
    const runner = new ReadSideRunner(store, rm, [new Recording('a'), new Recording('b')], { pollIntervalMs: 0 });
    await runner.start();
    expect(seenIn(store.db, 'a')).toEqual([1, 2]);
    const readAll = jest.spyOn(store, 'readAll');
    const transaction = jest.spyOn(rm, 'transaction');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(`s-${i % 7}`, [event(i)], 'any')));
    await runner.settled();
    expect(seenIn(store.db, 'a')).toEqual(upTo(52));
    expect(seenIn(store.db, 'b')).toEqual(upTo(52));
    expect(readAll).not.toHaveBeenCalled();
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(runner.statuses().map((s) => s.state)).toEqual(['running', 'running']);
    await runner.stop();
  });

  it('a hand-over that does not continue the checkpoint (another process appended) makes it read the gap from the store', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-side-'));
    const file = path.join(dir, 'ledger.db');
    const mine = new SqliteEventStore({ path: file });
    const other = new SqliteEventStore({ path: file });
    try {
      const rm = SqliteReadModelStore.open(file, 'NORMAL');
      const runner = new ReadSideRunner(mine, rm, [new Recording('a')], { pollIntervalMs: 0 });
      await runner.start();
      await other.append('s-1', [event(1), event(2), event(3)], 'any'); // positions 1..3, never handed over here
      await mine.append('s-2', [event(4)], 'any'); // position 4: a gap after checkpoint 0
      await new Promise((r) => setTimeout(r, 20));
      await runner.settled();
      expect(seenIn(rm.db, 'a')).toEqual([1, 2, 3, 4]);
      await runner.stop();
      rm.close();
    } finally {
      await other.close();
      await mine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('another process’s appends alone are found by the poller', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-side-'));
    const file = path.join(dir, 'ledger.db');
    const mine = new SqliteEventStore({ path: file });
    const other = new SqliteEventStore({ path: file });
    const rm = SqliteReadModelStore.open(file, 'NORMAL');
    try {
      const runner = new ReadSideRunner(mine, rm, [new Recording('a')], { pollIntervalMs: 10 });
      await runner.start();
      await other.append('s-1', [event(1), event(2)], 'any');
      for (let i = 0; i < 100 && seenIn(rm.db, 'a').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seenIn(rm.db, 'a')).toEqual([1, 2]);
      await runner.stop();
    } finally {
      rm.close();
      await other.close();
      await mine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE'])(
    '%s on commit is retried with backoff and the runner resumes by itself (no fault, no restart)',
    async (code) => {
      const rm = failingTransactions(SqliteReadModelStore.onConnection(store.db), code, 3);
      const logs: string[] = [];
      const runner = new ReadSideRunner(store, rm, [new Recording('a')], {
        pollIntervalMs: 0,
        retryInitialMs: 2,
        log: (m) => logs.push(m),
      });
      await runner.start();
      await store.append('s-1', [event(1), event(2)], 'any');
      await runner.caughtUp();
      expect(rm.failures).toBe(3);
      expect(seenIn(store.db, 'a')).toEqual([1, 2]);
      expect(runner.faultList()).toEqual([]);
      expect(runner.retrying).toBeUndefined();
      expect(runner.statuses()).toEqual([{ name: 'a', state: 'running', checkpoint: 2 }]);
      expect(logs).toEqual([expect.stringContaining('transient error'), expect.stringContaining('resumed after 3 retries')]);
      await runner.stop();
    },
  );

  it('a read of the log the store refuses just now (EventStoreDB unreachable, an I/O error) is retried with backoff, never the read side’s end', async () => {
    await store.append('s-1', [event(1), event(2), event(3)], 'any');
    const read = store.readAll.bind(store);
    let refusals = 0;
    store.readAll = async (options) => {
      if (refusals < 3) {
        refusals += 1;
        throw new StoreUnavailable('EventStoreDB unavailable: connect ECONNREFUSED', 'unavailable');
      }
      return read(options);
    };
    const logs: string[] = [];
    const rm = SqliteReadModelStore.onConnection(store.db);
    const runner = new ReadSideRunner(store, rm, [new Recording('a')], { pollIntervalMs: 0, retryInitialMs: 2, log: (m) => logs.push(m) });
    await runner.start();
    await runner.caughtUp();
    expect(refusals).toBe(3);
    expect(seenIn(store.db, 'a')).toEqual([1, 2, 3]);
    expect(runner.faultList()).toEqual([]);
    expect(logs).toEqual([expect.stringContaining('transient error'), expect.stringContaining('resumed after 3 retries')]);
    // A one-off catch-up (rebuild, tools) retries its reads the same way.
    refusals = 0;
    const rebuilt = SqliteReadModelStore.onConnection(new SqliteEventStore({ path: ':memory:' }).db);
    await expect(new ReadSideRunner(store, rebuilt, [new Recording('b')], { retryInitialMs: 1 }).catchUp()).resolves.toBe(3);
    expect(refusals).toBe(3);
    await runner.stop();
  });

  it('a row of the log that is not JSON faults every projection at it, after the events before it: never retried, never skipped', async () => {
    await store.append('s-1', [event(1), event(2), event(3)], 'any');
    await store.append('s-2', [event(4), event(5)], 'any');
    store.db.prepare("UPDATE events SET metadata = '{not json' WHERE position = 3").run();
    const logs: string[] = [];
    const rm = SqliteReadModelStore.onConnection(store.db);
    const runner = new ReadSideRunner(store, rm, [new Recording('a'), new Recording('b')], {
      pollIntervalMs: 0,
      retryInitialMs: 1,
      log: (m) => logs.push(m),
    });
    await runner.start();
    const fault = {
      position: 3,
      eventType: 'Happened',
      streamId: 's-1',
      error: expect.stringMatching(/^stored event at position 3 \(stream s-1, revision 2\) is unreadable: its metadata is not valid JSON/),
    };
    await expect(runner.caughtUp()).rejects.toEqual(
      expect.objectContaining({
        faults: [
          { projection: 'a', ...fault },
          { projection: 'b', ...fault },
        ],
      }),
    );
    expect(runner.retrying).toBeUndefined();
    // The events before the row are applied; the row and what follows wait for the repair (a restart reads from position 2).
    expect(seenIn(store.db, 'a')).toEqual([1, 2]);
    expect(seenIn(store.db, 'b')).toEqual([1, 2]);
    expect(runner.statuses().map((s) => [s.name, s.state, s.checkpoint])).toEqual([
      ['a', 'faulted', 2],
      ['b', 'faulted', 2],
    ]);
    expect(logs).toEqual([
      expect.stringMatching(/^projection a faulted at position 3 \(Happened on s-1\): stored event at position 3/),
      expect.stringMatching(/^projection b faulted at position 3 \(Happened on s-1\): stored event at position 3/),
    ]);
    await runner.stop();
  });

  it('a transient error thrown by a projection rolls back the whole batch and retries it; it never faults the projection', async () => {
    const rm = SqliteReadModelStore.onConnection(store.db);
    const runner = new ReadSideRunner(store, rm, [new Recording('a'), new Recording('full', 2)], { pollIntervalMs: 0, retryInitialMs: 2 });
    await runner.start();
    await store.append('s-1', [event(1), event(2), event(3)], 'any');
    await runner.caughtUp();
    expect(seenIn(store.db, 'a')).toEqual([1, 2, 3]);
    expect(seenIn(store.db, 'full')).toEqual([1, 2, 3]);
    expect(runner.faultList()).toEqual([]);
    await runner.stop();
  });

  it('a disk that stays full: a one-off catch-up (rebuild, tools) gives up after bounded retries; a started runner keeps retrying yet stops on request', async () => {
    await store.append('s-1', [event(1)], 'any');
    const oneOff = failingTransactions(SqliteReadModelStore.onConnection(store.db), 'SQLITE_FULL', Infinity);
    await expect(new ReadSideRunner(store, oneOff, [new Recording('a')], { retryInitialMs: 1, retryMaxMs: 1 }).catchUp()).rejects.toThrow(
      'SQLITE_FULL simulated',
    );
    expect(oneOff.failures).toBe(10);

    const live = failingTransactions(SqliteReadModelStore.onConnection(store.db), 'SQLITE_FULL', Infinity);
    const runner = new ReadSideRunner(store, live, [new Recording('b')], { pollIntervalMs: 0, retryInitialMs: 1, retryMaxMs: 2 });
    void runner.start();
    while (live.failures < 20) await new Promise((r) => setTimeout(r, 5));
    expect(runner.retrying).toEqual(expect.objectContaining({ error: 'SQLITE_FULL simulated' }));
    expect(runner.statuses()).toEqual([{ name: 'b', state: 'catching_up', checkpoint: 0 }]);
    await runner.stop();
    expect(runner.faultList()).toEqual([]);
  });

  it('a damaged read models page met while applying an event faults that projection there, saying the file is damaged and what mends it', async () => {
    const rm = SqliteReadModelStore.onConnection(store.db);
    const damaged = new Recording('damaged');
    const apply = damaged.apply.bind(damaged);
    damaged.apply = (e, s) => {
      if (e.position === 2) throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
      apply(e, s);
    };
    const runner = new ReadSideRunner(store, rm, [new Recording('a'), damaged], { pollIntervalMs: 0 });
    await store.append('s-1', [event(1), event(2), event(3)], 'any');
    await runner.catchUp();
    expect(seenIn(store.db, 'a')).toEqual([1, 2, 3]);
    expect(seenIn(store.db, 'damaged')).toEqual([1]);
    expect(runner.faultList()).toEqual([
      expect.objectContaining({
        projection: 'damaged',
        position: 2,
        error: `database disk image is malformed: the read models' file is damaged; ${READ_MODELS_FILE_ADVICE}`,
      }),
    ]);
  });

  it("a damaged page of the log met while reading it stops the catch-up saying it is the log's file, what to do, and blames no projection", async () => {
    await store.append('s-1', [event(1)], 'any');
    const damagedLog = Object.create(store) as SqliteEventStore;
    damagedLog.readAll = () => Promise.reject(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }));
    const runner = new ReadSideRunner(damagedLog, SqliteReadModelStore.onConnection(store.db), [new Recording('a')], { pollIntervalMs: 0 });
    await expect(runner.catchUp()).rejects.toThrow(`database disk image is malformed: the ledger's log is damaged; ${LOG_FILE_ADVICE}`);
    expect(runner.faultList()).toEqual([]);
    expect(seenIn(store.db, 'a')).toEqual([]);
  });

  it('tells transient errors from deterministic ones by their code', () => {
    expect(isTransient(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_FSYNC' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBe(false);
    expect(isTransient(new RangeError('Invalid time value'))).toBe(false);
    // The write side's translation (a writer thread gone, EventStoreDB unreachable) is transient whatever its code.
    expect(isTransient(new StoreUnavailable('EventStoreDB unreachable', 'unavailable'))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'unavailable' }))).toBe(false);
    // A damaged file is neither transient nor the event's doing.
    for (const code of ['SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_NOTADB']) {
      const error = Object.assign(new Error('x'), { code });
      expect([isTransient(error), isDamagedFile(error)]).toEqual([false, true]);
    }
    expect(isDamagedFile(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }))).toBe(false);
  });
});

describe('read models beside the embedded store', () => {
  it('get a connection of their own on a file of their own (LEDGER_READ_DB), synchronous=NORMAL (no fsync of their own); an in-memory store shares its connection', async () => {
    const { readModelStoreFor } = await import('../../src/projections/projections.module');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-side-'));
    const file = path.join(dir, 'ledger.db');
    const events = new SqliteEventStore({ path: file });
    const config = { readModelsDb: path.join(dir, 'ledger.read.db'), sqliteSynchronous: 'FULL' as const };
    try {
      const rm = readModelStoreFor(events, config);
      expect(rm.db).not.toBe(events.db);
      expect(rm.db.name).toBe(config.readModelsDb);
      expect(rm.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(events.db.pragma('synchronous', { simple: true })).toBe(2); // FULL, untouched
      rm.close();
      const memory = new SqliteEventStore({ path: ':memory:' });
      expect(readModelStoreFor(memory, config).db).toBe(memory.db);
      await memory.close();
    } finally {
      await events.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('read models of another log: found at start, rebuilt from position 0', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-other-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Starts a runner with one Recording projection on `log` and the read models' file `rm.db`; returns what it logged and saw. */
  async function runOn(log: SqliteEventStore): Promise<{ logged: string[]; seen: number[] }> {
    const rm = SqliteReadModelStore.open(path.join(dir, 'rm.db'));
    const logged: string[] = [];
    const runner = new ReadSideRunner(log, rm, [new Recording('a')], { pollIntervalMs: 0, log: (m) => logged.push(m) });
    try {
      await runner.start();
      await runner.caughtUp();
      return { logged, seen: seenIn(rm.db, 'a') };
    } finally {
      await runner.stop();
      rm.close();
    }
  }

  async function logOf(file: string, events: number): Promise<SqliteEventStore> {
    const log = new SqliteEventStore({ path: path.join(dir, file) });
    for (let i = 0; i < events; i++) await log.append(`s-${i % 3}`, [event(i)], 'any');
    return log;
  }

  it('the same log: nothing rebuilt, nothing applied twice, nothing said', async () => {
    const log = await logOf('ledger.db', 6);
    expect(await runOn(log)).toEqual({ logged: [], seen: upTo(6) });
    await log.append('s-9', [event(9)], 'any');
    expect(await runOn(log)).toEqual({ logged: [], seen: upTo(7) });
    log.close();
  });

  it('the ledger restored from an older backup (the read models kept): rebuilt to what the log holds', async () => {
    const log = await logOf('ledger.db', 4);
    log.db.exec(`VACUUM INTO '${path.join(dir, 'backup.db')}'`);
    for (let i = 4; i < 10; i++) await log.append(`s-${i % 3}`, [event(i)], 'any');
    expect((await runOn(log)).seen).toEqual(upTo(10));
    log.close();
    const restored = new SqliteEventStore({ path: path.join(dir, 'backup.db') });
    const { logged, seen } = await runOn(restored);
    expect(seen).toEqual(upTo(4));
    expect(logged).toEqual([
      "read side: the read models were built from another log (their checkpoint 10 is past the log's head 4); rebuilding them from position 0",
    ]);
    restored.close();
  });

  it("another ledger's log in its place, as long or longer: the last event applied is not there, so rebuilt", async () => {
    const first = await logOf('ledger.db', 5);
    expect((await runOn(first)).seen).toEqual(upTo(5));
    first.close();
    const other = await logOf('other.db', 8);
    const { logged, seen } = await runOn(other);
    expect(seen).toEqual(upTo(8));
    expect(logged).toEqual([
      expect.stringMatching(
        /^read side: the read models were built from another log \(they applied event \S+ \(s-1@1, position 5\); the log has event \S+ at position 5\); rebuilding them from position 0$/,
      ),
    ]);
    other.close();
  });
});
