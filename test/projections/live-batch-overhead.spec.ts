/**
 * Issue 10 item 5 (the live read side's CPU): a live batch holds a few events, so what a
 * batch costs besides them counts. Stage times are taken during rebuilds only (a CPU reading
 * costs ~4 µs), the checkpoints are read once and kept by the runner (their only writer), and
 * transactions run on statements prepared once (better-sqlite3's `db.transaction(fn)` builds
 * four wrappers per call). Correctness after a rollback is in read-side-runner.spec.ts and
 * crash-safety.spec.ts; here, what a batch does and does not do.
 */
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/projections/projection';
import { ReadModelStore, SqliteReadModelStore } from '../../src/projections/read-model-store';
import { ReadSideRunner } from '../../src/projections/read-side-runner';

const counting = (name: string): Projection => ({
  name,
  tables: [`rm_${name}`],
  schema: `CREATE TABLE IF NOT EXISTS rm_${name} (position INTEGER PRIMARY KEY)`,
  apply(event: RecordedEvent, store: ReadModelStore) {
    store.stmt(`INSERT INTO rm_${name} (position) VALUES (?)`).run(event.position);
  },
});

async function world(n: number): Promise<{ events: SqliteEventStore; rm: SqliteReadModelStore; log: RecordedEvent[] }> {
  const events = new SqliteEventStore({ path: ':memory:' });
  for (let i = 0; i < n; i++)
    await events.append(
      `s-${i % 3}`,
      [
        {
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          type: 'T',
          data: { i },
          metadata: { schemaVersion: 1, recordedAt: '2025-01-01T00:00:00Z' },
        },
      ],
      'any',
    );
  return { events, rm: SqliteReadModelStore.onConnection(events.db), log: await events.readAll() };
}

describe('a live batch', () => {
  afterEach(() => jest.restoreAllMocks());

  it('takes no CPU reading, builds no transaction wrapper, and reads the checkpoints only once', async () => {
    const { events, rm, log } = await world(6);
    try {
      const runner = new ReadSideRunner(events, rm, [counting('a'), counting('b')]);
      runner.applyBatch(log.slice(0, 1));
      const cpu = jest.spyOn(process, 'cpuUsage');
      const wrappers = jest.spyOn(rm.db, 'transaction');
      const checkpoints = jest.spyOn(rm, 'checkpoint');
      for (let i = 1; i < log.length; i++) runner.applyBatch(log.slice(i, i + 1));
      expect(runner.checkpoint()).toBe(log[log.length - 1].position);
      expect(cpu).not.toHaveBeenCalled();
      expect(wrappers).not.toHaveBeenCalled();
      expect(checkpoints).not.toHaveBeenCalled();
      // The checkpoints kept are the ones committed.
      expect([rm.checkpoint('a'), rm.checkpoint('b')]).toEqual([6, 6]);
      expect(rm.db.prepare('SELECT COUNT(*) AS n FROM rm_b').get()).toEqual({ n: 6 });
    } finally {
      await events.close();
    }
  });

  it('after a transaction that failed, reads the checkpoints again and applies each event once', async () => {
    const { events, rm, log } = await world(4);
    try {
      const runner = new ReadSideRunner(events, rm, [counting('a'), counting('b')]);
      runner.applyBatch(log.slice(0, 2));
      // The second slice fails after the first moved its checkpoint (a disk that filled up): nothing of the batch stays.
      const setCheckpoint = rm.setCheckpoint.bind(rm);
      let calls = 0;
      const failing = jest.spyOn(rm, 'setCheckpoint').mockImplementation((name, position) => {
        if (++calls === 2) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        setCheckpoint(name, position);
      });
      expect(() => runner.applyBatch(log.slice(2))).toThrow('database or disk is full');
      failing.mockRestore();
      expect(runner.checkpoint()).toBe(2);
      runner.applyBatch(log.slice(2));
      expect(runner.checkpoint()).toBe(4);
      for (const t of ['rm_a', 'rm_b']) expect(rm.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get()).toEqual({ n: 4 });
    } finally {
      await events.close();
    }
  });

  it('a rebuild still says where its CPU went', async () => {
    const { events, rm } = await world(3);
    try {
      const runner = new ReadSideRunner(events, rm, [counting('a')]);
      const cpu = jest.spyOn(process, 'cpuUsage');
      await runner.rebuild();
      expect(cpu).toHaveBeenCalled();
      expect(Object.keys(runner.stages().applyMs)).toEqual(['a']);
    } finally {
      await events.close();
    }
  });
});

describe('the read-model store on prepared transaction statements', () => {
  it('commits a transaction, rolls back a failed savepoint alone, and a failed transaction whole', () => {
    const rm = SqliteReadModelStore.open(':memory:');
    try {
      rm.exec('CREATE TABLE t (x INTEGER)');
      const insert = (x: number) => rm.stmt('INSERT INTO t (x) VALUES (?)').run(x);
      const rows = () => (rm.db.prepare('SELECT x FROM t ORDER BY x').all() as Array<{ x: number }>).map((r) => r.x);
      rm.transaction(() => {
        insert(1);
        expect(() =>
          rm.savepoint(() => {
            insert(2);
            throw new Error('slice failed');
          }),
        ).toThrow('slice failed');
        // A transaction asked for inside one is a savepoint of it.
        rm.transaction(() => insert(3));
      });
      expect(rows()).toEqual([1, 3]);
      expect(() =>
        rm.transaction(() => {
          insert(4);
          throw new Error('batch failed');
        }),
      ).toThrow('batch failed');
      expect(rows()).toEqual([1, 3]);
      expect(rm.db.inTransaction).toBe(false);
      // A savepoint outside any transaction is a transaction of its own.
      rm.savepoint(() => insert(5));
      expect(rows()).toEqual([1, 3, 5]);
    } finally {
      rm.close();
    }
  });
});
