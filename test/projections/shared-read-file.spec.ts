import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/projections/projection';
import { SqliteReadModelStore, type ReadModelStore } from '../../src/projections/read-model-store';
import { ReadSideRunner } from '../../src/projections/read-side-runner';

/**
 * Two read sides on one read models' file, as two service processes sharing LEDGER_READ_DB
 * would be (each its own connection): the second to commit must not apply again what the
 * first applied. A counting projection shows a double application as a wrong sum.
 */
class Counting implements Projection {
  readonly name = 'counting';
  readonly tables = ['rm_counted'];
  readonly schema = 'CREATE TABLE IF NOT EXISTS rm_counted (id INTEGER PRIMARY KEY CHECK (id = 1), events INTEGER NOT NULL)';
  apply(_event: RecordedEvent, store: ReadModelStore): void {
    store.stmt('INSERT INTO rm_counted (id, events) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET events = events + 1').run();
  }
}

/**
 * The same count kept in memory between batches, as a projection that caches its rows does:
 * read once, written back at each flush, forgotten on `discard`.
 */
class KeptCounting implements Projection {
  readonly name = 'counting';
  readonly tables = ['rm_counted'];
  readonly schema = new Counting().schema;
  private kept: number | undefined;
  apply(_event: RecordedEvent, store: ReadModelStore): void {
    this.kept = (this.kept ?? counted(store as SqliteReadModelStore)) + 1;
  }
  flush(store: ReadModelStore): void {
    if (this.kept !== undefined)
      store.stmt('INSERT INTO rm_counted (id, events) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET events = excluded.events').run(this.kept);
  }
  discard(): void {
    this.kept = undefined;
  }
}

const counted = (rm: SqliteReadModelStore): number =>
  (rm.db.prepare('SELECT events FROM rm_counted').get() as { events: number } | undefined)?.events ?? 0;

async function appendN(store: SqliteEventStore, n: number, from: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await store.append(
      `thing-${i}`,
      [{ id, type: 'Happened', data: { i }, metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' } }],
      'no_stream',
    );
  }
}

describe('read side: one read models file, two writers', () => {
  let dir: string;
  let events: SqliteEventStore;
  let first: SqliteReadModelStore;
  let second: SqliteReadModelStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-read-'));
    events = new SqliteEventStore({ path: path.join(dir, 'ledger.db'), writer: 'inline' });
    first = SqliteReadModelStore.open(path.join(dir, 'ledger.read.db'), 'NORMAL');
    second = SqliteReadModelStore.open(path.join(dir, 'ledger.read.db'), 'NORMAL');
  });
  afterEach(() => {
    first.close();
    second.close();
    events.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a read side whose checkpoints moved under it applies nothing twice: it drops its batch and resumes from the file's checkpoints", async () => {
    const a = new ReadSideRunner(events, first, [new Counting()]);
    const b = new ReadSideRunner(events, second, [new Counting()]);
    await appendN(events, 5, 0);
    expect(await a.catchUp()).toBe(5);
    expect(await b.catchUp()).toBe(0); // b reads the checkpoint a committed: nothing left to apply
    await appendN(events, 3, 5);
    expect(await a.catchUp()).toBe(3);
    // b remembers 5, the file says 8: applying 6..8 from memory would count 11.
    expect(await b.catchUp()).toBe(0);
    expect(counted(first)).toBe(8);
    await appendN(events, 2, 8);
    expect(await b.catchUp()).toBe(2); // now b is the one ahead
    expect(await a.catchUp()).toBe(0);
    expect(counted(second)).toBe(10);
    expect([first.checkpoint('counting'), second.checkpoint('counting')]).toEqual([10, 10]);
  });

  it('state a projection keeps between batches is forgotten when the other writer moved the file, so its figures stay right', async () => {
    const a = new ReadSideRunner(events, first, [new KeptCounting()]);
    const b = new ReadSideRunner(events, second, [new KeptCounting()]);
    await appendN(events, 5, 0);
    await b.catchUp(); // b keeps 5
    await appendN(events, 3, 5);
    expect(await a.catchUp()).toBe(3); // a reads 5 from the file, keeps 8
    await appendN(events, 2, 8);
    expect(await b.catchUp()).toBe(2); // from the file's 8, not from the 5 it kept
    expect(counted(second)).toBe(10);
    await appendN(events, 1, 10);
    expect(await a.catchUp()).toBe(1);
    expect(counted(first)).toBe(11);
  });

  it('a runner alone on its file keeps going batch after batch (its own commits do not count as moved)', async () => {
    const a = new ReadSideRunner(events, first, [new Counting()], { pageSize: 2 });
    for (let round = 0; round < 4; round++) {
      await appendN(events, 3, round * 3);
      expect(await a.catchUp()).toBe(3);
    }
    expect(counted(first)).toBe(12);
  });

  it('two live read sides fed by the same appends count every event once', async () => {
    const a = new ReadSideRunner(events, first, [new Counting()], { pollIntervalMs: 20 });
    const b = new ReadSideRunner(events, second, [new Counting()], { pollIntervalMs: 20 });
    await Promise.all([a.start(), b.start()]);
    try {
      await Promise.all(Array.from({ length: 8 }, (_, k) => appendN(events, 5, k * 5)));
      await Promise.all([a.settled(), b.settled()]);
      expect(counted(first)).toBe(40);
      expect(first.checkpoint('counting')).toBe(40);
      expect([a.faultList(), b.faultList()]).toEqual([[], []]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
