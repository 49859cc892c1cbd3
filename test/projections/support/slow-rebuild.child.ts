/**
 * A child process for test/projections/rebuild-journal.e2e-spec.ts: a rebuild of one
 * projection into a read models' file opened as `projections:rebuild` opens it
 * (`SqliteReadModelStore.openForRebuild`), slow enough to be killed in the middle. Each event
 * writes ROWS_PER_EVENT rows of ~1 KB, so every batch both adds pages and rewrites some.
 * Prints "rebuilding" once its first batch is committed, "done <events>" at the end. An optional
 * fourth argument pauses that many ms before each page is read (0: none).
 */
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../../src/projections/projection';
import { SqliteReadModelStore } from '../../../src/projections/read-model-store';
import { ReadSideRunner } from '../../../src/projections/read-side-runner';

export const ROWS_PER_EVENT = 20;
export const PAGE = 50;

export const slowProjection = (spinMs: number): Projection => ({
  name: 'slow',
  tables: ['rm_slow'],
  schema: 'CREATE TABLE IF NOT EXISTS rm_slow (position INTEGER, n INTEGER, filler TEXT, PRIMARY KEY (position, n))',
  apply(event, store) {
    const until = Date.now() + spinMs;
    while (Date.now() < until);
    for (let n = 0; n < ROWS_PER_EVENT; n++)
      store.stmt('INSERT INTO rm_slow (position, n, filler) VALUES (?, ?, ?)').run(event.position, n, 'x'.repeat(1000));
  },
});

async function main([ledgerDb, readDb, spinMs, pauseMs = '0']: string[]): Promise<void> {
  const events = new SqliteEventStore({ path: ledgerDb });
  // A pause before each page is read: the read models' file is unlocked meanwhile (between batches).
  const readAll = events.readAll.bind(events);
  if (Number(pauseMs) > 0)
    events.readAll = async (options) => {
      await new Promise((r) => setTimeout(r, Number(pauseMs)));
      return readAll(options);
    };
  const readModels = SqliteReadModelStore.openForRebuild(readDb);
  // A cache of a few pages: a batch's pages reach the file before its commit (a cache spill), so
  // a kill inside a batch leaves writes in the file that only the journal can take back.
  readModels.db.pragma('cache_size = 8');
  let told = false;
  const runner = new ReadSideRunner(events, readModels, [slowProjection(Number(spinMs))], {
    pageSize: PAGE,
    onChange: () => {
      if (!told && readModels.checkpoint('slow') > 0) process.stdout.write('rebuilding\n');
      told ||= readModels.checkpoint('slow') > 0;
    },
  });
  const result = await runner.rebuild();
  readModels.close();
  await events.close();
  process.stdout.write(`done ${result.events}\n`);
}

if (require.main === module) void main(process.argv.slice(2));
