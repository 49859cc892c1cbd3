import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/projections/projection';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { ReadModelStore, SqliteReadModelStore } from '../../src/projections/read-model-store';

/** Records every position it is given; the primary key makes a second application of an event fail loudly. */
class Recording implements Projection {
  readonly tables: string[];
  readonly schema: string;
  constructor(readonly name: string, private readonly failAt?: number) {
    this.tables = [`rm_seen_${name}`];
    this.schema = `CREATE TABLE IF NOT EXISTS rm_seen_${name} (position INTEGER PRIMARY KEY)`;
  }
  apply(event: RecordedEvent, store: ReadModelStore): void {
    store.stmt(`INSERT INTO rm_seen_${this.name} (position) VALUES (?)`).run(event.position);
    // Fail after writing: the write must be rolled back with the rest of the transaction.
    if (event.position === this.failAt) throw new Error(`crash while applying ${event.position}`);
  }
}

const seen = (store: SqliteEventStore, name: string): number[] =>
  (store.db.prepare(`SELECT position FROM rm_seen_${name} ORDER BY position`).all() as Array<{ position: number }>).map((r) => r.position);

async function appendN(store: SqliteEventStore, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await store.append(`thing-${i % 3}`, [{ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'Happened', data: { i }, metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' } }], 'any');
  }
}

describe('projection runner: update and checkpoint in one transaction', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 });
  });
  afterEach(() => store.close());

  it('a projection failing half-way through catch-up leaves the checkpoint before the failed page and nothing of it applied; a restart applies each event exactly once', async () => {
    await appendN(store, 25);
    const rm = SqliteReadModelStore.onConnection(store.db);
    const crashing = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b', 17)], { pageSize: 10 });
    await expect(crashing.catchUp()).rejects.toThrow('crash while applying 17');
    // Page 1..10 committed; page 11..20 rolled back whole, including 'a's rows and 'b's row for 17.
    expect(crashing.checkpoint()).toBe(10);
    expect(rm.checkpoint('a')).toBe(10);
    expect(seen(store, 'a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen(store, 'b')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const restarted = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b')], { pageSize: 10 });
    expect(await restarted.catchUp()).toBe(15);
    const all = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(seen(store, 'a')).toEqual(all);
    expect(seen(store, 'b')).toEqual(all);
    expect((await restarted.lag()).lag).toBe(0);
  });

  it('live: a failing event stops the subscription with the checkpoint just before it; after a restart every event is applied once', async () => {
    await appendN(store, 5);
    const rm = SqliteReadModelStore.onConnection(store.db);
    const crashing = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b', 8)]);
    await crashing.start();
    await appendN(store, 6, 5); // positions 6..11; 8 fails
    await expect(crashing.caughtUp()).rejects.toThrow('crash while applying 8');
    const lag = await crashing.lag();
    expect(lag).toMatchObject({ headPosition: 11, checkpoint: 7, lag: 4, running: false, error: 'crash while applying 8' });
    expect(seen(store, 'a')).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const restarted = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b')]);
    await restarted.start();
    await appendN(store, 2, 11);
    await restarted.caughtUp();
    const all = Array.from({ length: 13 }, (_, i) => i + 1);
    expect(seen(store, 'a')).toEqual(all);
    expect(seen(store, 'b')).toEqual(all);
    await restarted.stop();
  });

  it('a projection added later catches up from 0 while the others skip what they already have', async () => {
    await appendN(store, 6);
    const rm = SqliteReadModelStore.onConnection(store.db);
    await new ProjectionRunner(store, rm, [new Recording('a')]).catchUp();
    const both = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('c')]);
    expect(await both.catchUp()).toBe(6);
    expect(seen(store, 'a')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen(store, 'c')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
