/**
 * `npm run bench:year-to-date [-- --visits 1,10,30,100] [--rounds 5] [--cycles 300000]`
 *
 * What a decision's year-to-date costs by the visits a person already has in the year (a
 * chronic patient's outpatient year runs to dozens of visits). Each row is CPU time per call
 * on a person state folded from the demo ledger's busiest person (its events before the first
 * visit, then N of its `VisitSettled` events in turn, all in one year):
 *  - a settlement's cycle on a cached person: the state the last decision read takes the
 *    last settlement's `VisitSettled` (evolvePerson), then the next decision's `yearToDate`.
 *    The year's sums the last decision asked for are carried to the new state (one
 *    addition), so nothing earlier is parsed again;
 *  - the baseline, in the same run: the same evolve, then `paidInYear` over the settlement
 *    list, the parse and sum of every earlier payment of the year that each decision made
 *    before (and still makes once on a state nothing asked about: a cache miss's first);
 *  - the fold of the person's events (`foldPerson`: what a cache miss and a replay pay), per
 *    event: nothing is summed while folding.
 * Then a service's day in miniature, where garbage collection shows: 3,000 cached persons
 * settling in turn (3 to 15 visits each, then starting over), each cycle a decision's
 * `yearToDate` on the person's state and the fold of its new `VisitSettled` into the cache;
 * CPU and GC pauses (the main isolate's `gc` entries) per cycle, against the same cycle with
 * `paidInYear` over the list (`--cycles N`, default 300,000).
 */
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { upcast } from '../src/event-store/upcasting';
import { paidInYear, yearToDate } from '../src/modules/claims/claims.state';
import type { VisitSettled } from '../src/modules/claims/claims.events';
import { evolvePerson, foldPerson, PersonState } from '../src/modules/person-stream';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseCommandLine } from '../src/config/command-line';
import { templateStreams } from './projections.bench';

const FLAGS = parseCommandLine(
  'bench:year-to-date',
  'npm run bench:year-to-date [-- --visits 1,10,30,100] [--rounds 5] [--cycles 300000]',
  {
    args: process.argv.slice(2),
    options: { visits: { type: 'string' }, rounds: { type: 'string' }, cycles: { type: 'string' } },
  },
).values;

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU µs per call of `work`: blocks of doubling size until one takes ~50 ms (the shorter ones warm it up). */
function perCall(work: () => unknown): number {
  let calls = 1;
  for (;;) {
    const start = cpuUs();
    for (let i = 0; i < calls; i++) work();
    const spent = cpuUs() - start;
    if (spent >= 50_000) return spent / calls;
    calls *= 2;
  }
}

/** The busiest template person: its events before the first visit, and its visits. */
function templatePerson(streams: Map<string, RecordedEvent[]>): { prefix: RecordedEvent[]; visits: RecordedEvent[] } {
  const visitsOf = (events: RecordedEvent[]) => events.filter((e) => e.type === 'VisitSettled');
  const persons = [...streams.entries()].filter(([id]) => id.startsWith('person-'));
  const [, events] = persons.reduce((best, p) => (visitsOf(p[1]).length > visitsOf(best[1]).length ? p : best));
  return {
    prefix: events.slice(
      0,
      events.findIndex((e) => e.type === 'VisitSettled'),
    ),
    visits: visitsOf(events),
  };
}

async function main(): Promise<void> {
  const visitCounts = (FLAGS.visits ?? '1,10,30,100').split(',').map(Number);
  const rounds = Number(FLAGS.rounds ?? 5);
  const template = templatePerson(await templateStreams());
  // Every visit in one year, as a busy year is: the year of the template's first visit.
  const year = (template.visits[0].data as VisitSettled['data']).decision.year;
  const inYear = (e: RecordedEvent): RecordedEvent => {
    const data = e.data as VisitSettled['data'];
    return { ...e, data: { ...data, decision: { ...data.decision, year } } };
  };
  process.stdout.write(
    `template person: ${template.prefix.length} events before its first visit, ${template.visits.length} visits; all in ${year}\n`,
  );
  process.stdout.write(
    'visits   settlement cycle µs (sums carried)   baseline: evolve + paidInYear over the list µs   ÷ baseline   fold µs per event\n',
  );
  for (const visits of visitCounts) {
    const visitEvents = Array.from({ length: visits + 1 }, (_, i) => inYear(template.visits[i % template.visits.length])).map(upcast);
    const events = [...template.prefix.map(upcast), ...visitEvents.slice(0, visits)];
    const next = visitEvents[visits];
    const state = foldPerson(events);
    yearToDate(state.claims, year); // the last decision asked: its sums are kept with this state
    const rows = { carried: [] as number[], list: [] as number[], fold: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      rows.carried.push(perCall(() => yearToDate(evolvePerson(state, next).claims, year)));
      rows.list.push(perCall(() => paidInYear(evolvePerson(state, next).claims.settlements, year)));
      rows.fold.push(perCall(() => foldPerson(events)) / events.length);
    }
    const [carried, list, fold] = [median(rows.carried), median(rows.list), median(rows.fold)];
    process.stdout.write(
      `${String(visits).padStart(6)}   ${carried.toFixed(2).padStart(32)}   ${list.toFixed(2).padStart(46)}   ${(carried / list).toFixed(2).padStart(10)}   ${fold.toFixed(2).padStart(17)}\n`,
    );
  }
  const cycles = Number(FLAGS.cycles ?? 300_000);
  const visits = template.visits.map((e) => upcast(inYear(e)));
  const start = foldPerson([...template.prefix.map(upcast), ...visits.slice(0, 3)]);
  const kept = await cachedCycles(start, visits, cycles, (state) => yearToDate(state.claims, year));
  const summed = await cachedCycles(start, visits, cycles, (state) => paidInYear(state.claims.settlements, year));
  process.stdout.write(
    `3,000 cached persons settling in turn (3-15 visits), per cycle: yearToDate ${kept.cpu.toFixed(2)} µs CPU, ${kept.gc.toFixed(2)} µs GC;` +
      ` baseline paidInYear over the list ${summed.cpu.toFixed(2)} µs CPU, ${summed.gc.toFixed(2)} µs GC (÷ baseline: CPU ${(kept.cpu / summed.cpu).toFixed(2)}, GC ${(kept.gc / summed.gc).toFixed(2)})\n`,
  );
}

/** CPU and GC pauses per cycle of `decide` then evolve over `persons` cached states (a second pass measured, the first warms up). */
async function cachedCycles(
  start: PersonState,
  visits: RecordedEvent[],
  cycles: number,
  decide: (state: PersonState) => unknown,
): Promise<{ cpu: number; gc: number }> {
  const [persons, first, last] = [3_000, 3, 15];
  const states = Array.from({ length: persons }, () => start);
  const counts = Array.from({ length: persons }, () => first);
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration)));
  observer.observe({ entryTypes: ['gc'] });
  let measured = { cpu: 0, gc: 0 };
  for (let pass = 0; pass < 2; pass++) {
    gcMs = 0;
    const cpuStart = cpuUs();
    for (let i = 0; i < cycles; i++) {
      const p = i % persons;
      decide(states[p]);
      if (counts[p] === last) [states[p], counts[p]] = [start, first];
      states[p] = evolvePerson(states[p], visits[counts[p]++ % visits.length]);
    }
    const cpu = (cpuUs() - cpuStart) / cycles;
    await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries arrive on a later turn
    measured = { cpu, gc: (gcMs * 1000) / cycles };
  }
  observer.disconnect();
  return measured;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
