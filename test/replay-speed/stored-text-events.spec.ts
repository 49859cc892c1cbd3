/**
 * Issue 10 item 5: events read `withStoredText` (the replay's and the chain verifier's read)
 * parse their data lazily through one getter shared by every event. A getter closure per
 * event gave each event its own hidden class in old space, which kept the event, its row
 * and its parsed data alive through minor GCs: every event read was promoted, and a replay
 * cost 2-4x its raw read.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { storedDataText } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

const STREAM = 'person-P1';
// ~4 KB of data per event, as a VisitSettled.
const dataOf = (i: number) => ({
  n: i,
  lines: Array.from({ length: 40 }, (_, j) => ({ code: `DRUG-${j}`, name: '西药', amount: `${i}.${j}` })),
});

async function storeWith(count: number): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  const events = Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'VisitSettled',
    data: dataOf(i),
    metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z' },
  }));
  await store.append(STREAM, events, 'no_stream');
  return store;
}

describe('events read withStoredText (issue 10 item 5)', () => {
  let store: SqliteEventStore;
  beforeAll(async () => {
    store = await storeWith(16);
  });
  afterAll(() => store.close());

  it('are the events a plain read gives: same members in the same order, same JSON, data settable', async () => {
    const plain = await store.readStream(STREAM);
    const lazy = await store.readStream(STREAM, { withStoredText: true });
    expect(lazy.map((e) => Object.keys(e))).toEqual(plain.map((e) => Object.keys(e)));
    expect(JSON.stringify(lazy)).toBe(JSON.stringify(plain));
    expect(lazy.map((e) => ({ ...e }))).toEqual(plain);
    expect(lazy.map(storedDataText)).toEqual(plain.map((e) => JSON.stringify(e.data)));
    lazy[0].data = { replaced: true };
    expect(lazy[0].data).toEqual({ replaced: true });
    expect(lazy[1].data).toEqual(dataOf(1));
  });

  it('share one data getter (no closure per event)', async () => {
    const [a, b] = await store.readStream(STREAM, { withStoredText: true });
    const getterOf = (e: object) => Object.getOwnPropertyDescriptor(e, 'data')?.get;
    expect(getterOf(a)).toBeDefined();
    expect(getterOf(a)).toBe(getterOf(b));
  });

  it('die young: reading and dropping them promotes (almost) nothing to old space', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
    const oldSpaceUsed = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
    // Reads the stream, parses every event's data, and drops the events: the text length read.
    const readAndDrop = async (): Promise<number> => {
      const events = await store.readStream(STREAM, { withStoredText: true });
      return events.reduce((n, e) => n + JSON.stringify(e.data).length, 0);
    };
    for (let i = 0; i < 20; i++) await readAndDrop();
    gc();
    const before = oldSpaceUsed();
    let textBytes = 0;
    for (let i = 0; i < 100; i++) {
      textBytes += await readAndDrop();
      // Twice: an object that survives one scavenge is promoted by the next.
      gc({ type: 'minor' });
      gc({ type: 'minor' });
    }
    // Before the fix every event read was promoted: ~3.5x the texts' length.
    expect(oldSpaceUsed() - before).toBeLessThan(textBytes / 4);
  });
});
