/**
 * `npm run bench:person-miss [-- --visits 1,10,30] [--persons 1000] [--cache 500] [--rounds 3]`
 *
 * The command path of a person NOT in the person cache (a city's persons visit weeks apart,
 * so a real day's settlements mostly miss a cache sized for the active day), against one
 * that is cached, by the visits the person already has. Each row is CPU time
 * (process.cpuUsage: the machine is shared) per command through `PersonStreamWriter.write`
 * with a decision that writes nothing (the load, the idempotency look-up, the decision's
 * call): with a cache of `--cache` persons (default half of them) taken in turn every command
 * misses while the cache holds as many entries as it can (their heap is part of the cost:
 * entries live long enough to be promoted, and die old); with a cache of all persons every
 * command hits. Then a miss followed by a look-up of the person's state, as a reversal or
 * the national 2207 makes after its write: with `loadForDecision` (read as the command's load
 * read it) and, the baseline, with the whole `load` those steps made before (a second read of
 * the stream, traces included). Then the parts of a miss on the same streams: the store's
 * `readStream` (read and JSON.parse; whole, and without decision traces), and the fold of the read events.
 *
 * Data: the demo ledger (scripts/seed-demo.ts) is the template; each person's stream is a
 * template person's events before its first visit, then N of its `VisitSettled` events in
 * turn, bulk-inserted (hash fields as written, not recomputed: nothing here checks them).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { upcast } from '../src/event-store/upcasting';
import { PersonStreamWriter } from '../src/modules/person-writer.service';
import { foldPerson } from '../src/modules/person-stream';
import { parseCommandLine } from '../src/config/command-line';
import { counterIds, SettableClock } from '../scripts/ledger-client';
import { templateStreams } from './projections.bench';

const FLAGS = parseCommandLine(
  'bench:person-miss',
  'npm run bench:person-miss [-- --visits 1,10,30] [--persons 1000] [--cache 500] [--rounds 3]',
  {
    args: process.argv.slice(2),
    options: { visits: { type: 'string' }, persons: { type: 'string' }, cache: { type: 'string' }, rounds: { type: 'string' } },
  },
).values;

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The template person with the most visits: its events before the first visit, and its visits. */
function templatePerson(streams: Map<string, RecordedEvent[]>): { prefix: RecordedEvent[]; visits: RecordedEvent[] } {
  const persons = [...streams.entries()].filter(([id]) => id.startsWith('person-'));
  const visitsOf = (events: RecordedEvent[]) => events.filter((e) => e.type === 'VisitSettled');
  const [, events] = persons.reduce((best, p) => (visitsOf(p[1]).length > visitsOf(best[1]).length ? p : best));
  const first = events.findIndex((e) => e.type === 'VisitSettled');
  return { prefix: events.slice(0, first), visits: visitsOf(events) };
}

function insertPersons(store: SqliteEventStore, template: ReturnType<typeof templatePerson>, visits: number, persons: number): string[] {
  const insert = store.db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const ids: string[] = [];
  let n = 0;
  store.db.transaction(() => {
    for (let p = 0; p < persons; p++) {
      const personId = `MISS-${visits}-${p}`;
      ids.push(personId);
      const events = [...template.prefix, ...Array.from({ length: visits }, (_, i) => template.visits[i % template.visits.length])];
      events.forEach((e, revision) => {
        const id = `00000000-0000-4000-a000-${(++n + visits * 1e6).toString(16).padStart(12, '0')}`;
        insert.run(`person-${personId}`, revision, id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
      });
    }
  })();
  return ids;
}

/** CPU µs per call of `work` over the persons in turn, `passes` times (after one untimed pass). */
async function perCall(personIds: string[], passes: number, work: (personId: string) => Promise<unknown>): Promise<number> {
  for (const id of personIds) await work(id);
  const start = cpuUs();
  for (let i = 0; i < passes; i++) for (const id of personIds) await work(id);
  return (cpuUs() - start) / (passes * personIds.length);
}

async function main(): Promise<void> {
  const visitCounts = (FLAGS.visits ?? '1,10,30').split(',').map(Number);
  const persons = Number(FLAGS.persons ?? 1000);
  const cacheSize = Number(FLAGS.cache ?? Math.floor(persons / 2));
  const rounds = Number(FLAGS.rounds ?? 3);
  const template = templatePerson(await templateStreams());
  process.stdout.write(`template person: ${template.prefix.length} events before its first visit, ${template.visits.length} visits\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-person-miss-'));
  const store = new SqliteEventStore({ path: path.join(dir, 'ledger.db') });
  try {
    const clock = new SettableClock(new Date('2026-06-01T00:00:00Z'));
    const context = { commandId: 'bench:person-miss', actor: 'bench' };
    const nothing = (): [] => [];
    for (const visits of visitCounts) {
      const ids = insertPersons(store, template, visits, persons);
      const passes = Math.max(1, Math.round(10 / visits));
      const missing = new PersonStreamWriter(store, clock, counterIds(1), { personCacheSize: cacheSize });
      const cached = new PersonStreamWriter(store, clock, counterIds(2), { personCacheSize: persons * 2 });
      const rows = {
        miss: [] as number[],
        hit: [] as number[],
        then: [] as number[],
        thenWhole: [] as number[],
        read: [] as number[],
        readCut: [] as number[],
        fold: [] as number[],
      };
      for (let r = 0; r < rounds; r++) {
        rows.miss.push(await perCall(ids, passes, (id) => missing.write(id, context, nothing)));
        rows.hit.push(await perCall(ids, passes * 4, (id) => cached.write(id, context, nothing)));
        rows.then.push(await perCall(ids, passes, (id) => missing.write(id, context, nothing).then(() => missing.loadForDecision(id))));
        rows.thenWhole.push(await perCall(ids, passes, (id) => missing.write(id, context, nothing).then(() => missing.load(id))));
        rows.read.push(await perCall(ids, passes, (id) => store.readStream(`person-${id}`)));
        rows.readCut.push(await perCall(ids, passes, (id) => store.readStream(`person-${id}`, { withoutDecisionTraces: true })));
        const read = await Promise.all(ids.map((id) => store.readStream(`person-${id}`)));
        const byId = new Map(ids.map((id, i) => [id, read[i]]));
        rows.fold.push(await perCall(ids, passes, async (id) => foldPerson(byId.get(id)!.map(upcast))));
      }
      const events = template.prefix.length + visits;
      process.stdout.write(
        `${String(visits).padStart(3)} visits (${events} events), ${persons} persons, median of ${rounds} rounds, CPU µs per command:` +
          ` miss (cache of ${cacheSize}) ${median(rows.miss).toFixed(0)}  hit ${median(rows.hit).toFixed(0)}` +
          `  | miss then state look-up ${median(rows.then).toFixed(0)} (whole look-up, as before: ${median(rows.thenWhole).toFixed(0)},` +
          ` ${(median(rows.thenWhole) / median(rows.then)).toFixed(2)}×)` +
          `  | parts of a miss: readStream ${median(rows.read).toFixed(0)} (without decision traces ${median(rows.readCut).toFixed(0)}), upcast+fold ${median(rows.fold).toFixed(0)}` +
          `  [miss rounds ${rows.miss.map((x) => x.toFixed(0)).join(' ')}]\n`,
      );
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
