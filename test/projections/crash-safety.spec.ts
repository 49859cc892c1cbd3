import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/projections/projection';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { ReadModelStore, SqliteReadModelStore } from '../../src/projections/read-model-store';

/** Records every position it is given; the primary key makes a second application of an event fail loudly. */
class Recording implements Projection {
  readonly tables: string[];
  readonly schema: string;
  constructor(
    readonly name: string,
    private readonly failAt?: number,
  ) {
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
    await store.append(
      `thing-${i % 3}`,
      [
        {
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          type: 'Happened',
          data: { i },
          metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' },
        },
      ],
      'any',
    );
  }
}

describe('projection runner: update and checkpoint in one transaction', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 });
  });
  afterEach(() => store.close());

  it('a projection throwing half-way through catch-up is faulted at that event (its part rolled back, checkpoint just before it) while the others reach the head; a restart applies each event exactly once', async () => {
    await appendN(store, 25);
    const rm = SqliteReadModelStore.onConnection(store.db);
    const crashing = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b', 17)], { pageSize: 10 });
    expect(await crashing.catchUp()).toBe(25);
    expect(crashing.faultList()).toEqual([
      { projection: 'b', position: 17, eventType: 'Happened', streamId: 'thing-1', error: 'crash while applying 17' },
    ]);
    await expect(crashing.caughtUp()).rejects.toThrow('projection b faulted at position 17 (Happened): crash while applying 17');
    // b's row for 17 was written then rolled back with its savepoint; 11..16 of the same page kept.
    expect(rm.checkpoint('b')).toBe(16);
    expect(seen(store, 'b')).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(rm.checkpoint('a')).toBe(25);
    expect(seen(store, 'a')).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(crashing.checkpoint()).toBe(16);

    // Restarted with the same bug: faulted again at the same event, never past it.
    const again = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b', 17)], { pageSize: 10 });
    await again.catchUp();
    expect(again.faultList()).toEqual([expect.objectContaining({ projection: 'b', position: 17 })]);
    expect(rm.checkpoint('b')).toBe(16);

    const fixed = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b')], { pageSize: 10 });
    expect(await fixed.catchUp()).toBe(9);
    const all = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(seen(store, 'a')).toEqual(all);
    expect(seen(store, 'b')).toEqual(all);
    expect((await fixed.lag()).lag).toBe(0);
    expect(fixed.faultList()).toEqual([]);
  });

  it('live: a failing event faults that projection with its checkpoint just before it, the others go on; after a restart every event is applied once', async () => {
    await appendN(store, 5);
    const rm = SqliteReadModelStore.onConnection(store.db);
    const crashing = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b', 8)], { pollIntervalMs: 0 });
    await crashing.start();
    await appendN(store, 6, 5); // positions 6..11; 8 fails
    await crashing.settled();
    await expect(crashing.caughtUp()).rejects.toThrow('crash while applying 8');
    expect(await crashing.lag()).toEqual({ headPosition: 11, checkpoint: 7, lag: 4, running: true });
    expect(crashing.statuses()).toEqual([
      { name: 'a', state: 'running', checkpoint: 11 },
      {
        name: 'b',
        state: 'faulted',
        checkpoint: 7,
        fault: { position: 8, eventType: 'Happened', streamId: 'thing-1', error: 'crash while applying 8' },
      },
    ]);
    expect(seen(store, 'a')).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(seen(store, 'b')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await crashing.stop();

    const restarted = new ProjectionRunner(store, rm, [new Recording('a'), new Recording('b')], { pollIntervalMs: 0 });
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
