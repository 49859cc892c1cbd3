/**
 * Issue 10 (p99): a long read of the log runs beside live requests. Awaiting the store's
 * own promises only runs microtasks, so a pass that never yields holds every waiting
 * request until it ends (a chain-verifier pass over 30 s of appends froze the service
 * for seconds). Each pass here must let an I/O callback run while it is still midway.
 */
import type { NewEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { catchUp } from '../../src/audit/seals/ledger-verification';
import { ChainFold } from '../../src/audit/seals/seal';
import type { Projection } from '../../src/projections/projection';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { ReadSideRunner } from '../../src/projections/read-side-runner';

const EVENTS = 1_200;
let ids = 0;
const event = (i: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type: 'Happened',
  data: { i },
  metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' },
});

let store: SqliteEventStore;
beforeEach(async () => {
  store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 0 });
  for (let s = 0; s < EVENTS / 100; s++)
    await store.append(
      `thing-${s}`,
      Array.from({ length: 100 }, (_, i) => event(i)),
      'no_stream',
    );
});
afterEach(() => store.close());

/** Runs `pass` beside an I/O callback re-armed at every turn of the loop; returns the progress each turn saw. */
async function progressSeenByIo(pass: () => Promise<unknown>, progress: () => number): Promise<number[]> {
  const seen: number[] = [];
  let running = true;
  const tick = () => {
    if (!running) return;
    seen.push(progress());
    setImmediate(tick);
  };
  setImmediate(tick);
  await pass();
  running = false;
  return seen;
}

/** Some turn of the loop ran while the pass was midway (neither before it started nor after it ended). */
const midway = (seen: number[]) => seen.filter((p) => p > 0 && p < EVENTS);

it('the chain verifier yields between pages of the log', async () => {
  const fold = new ChainFold();
  const seen = await progressSeenByIo(
    () => catchUp(store, fold),
    () => fold.verifiedThrough,
  );
  expect(fold.verifiedThrough).toBe(EVENTS);
  expect(midway(seen).length).toBeGreaterThanOrEqual(3); // 1,200 events in pages of 250
});

it('the read side yields between batches while catching up', async () => {
  const readModels = SqliteReadModelStore.onConnection(store.db);
  const counting: Projection = {
    name: 'counting',
    tables: ['rm_count'],
    schema: 'CREATE TABLE IF NOT EXISTS rm_count (position INTEGER PRIMARY KEY)',
    apply: (e, s) => void s.stmt('INSERT INTO rm_count (position) VALUES (?)').run(e.position),
  };
  const runner = new ReadSideRunner(store, readModels, [counting], { pageSize: 250, pollIntervalMs: 0 });
  const seen = await progressSeenByIo(
    () => runner.start(),
    () => readModels.checkpoint('counting'),
  );
  await runner.settled();
  expect(readModels.checkpoint('counting')).toBe(EVENTS);
  expect(midway(seen).length).toBeGreaterThanOrEqual(3); // batches of 250
  await runner.stop();
});
