/**
 * `npm run bench:read-side-live [-- --history 1,10,30] [--persons 1000] [--batch 25] [--rounds 5] [--warm-up 5]`
 *
 * The live read side's CPU per event as persons accumulate visits in a year (issue 10). The
 * read-side worker applies each commit group as one small batch (~25 settlements of distinct
 * persons under bench:settle's load); whatever a projection redoes per person-year at each
 * event grows with the visits the person already has.
 *
 * For each history length h: a log of `--persons` persons enrolled in 2023 with h settled
 * visits each, spread over the year (no person threshold crossed), is applied untimed in big
 * batches (as a rebuild); then rounds of one more visit per person, each round appended to
 * the log and applied as the worker applies it: the real ReadSideRunner with every
 * projection and the monitor, reading pages of `--batch` events from the events file (as the
 * worker reads them: READ_MODELS_PAGES, without decision traces) into one transaction each, alerts drained after each.
 * First, untimed, `--warm-up` such rounds on a log of their own (TurboFan compiles the hot path there).
 *
 * Printed per history length (min / median / max over the timed rounds; each round's
 * history is h plus the rounds before it): CPU per event of the whole apply (process CPU,
 * user + system; the bench runs on one thread), the baseline of the same run (a raw
 * `readAll` of the same pages, no work), and each projection's part (its apply and flush
 * in each batch, one CPU reading at its first event and one after its flush).
 *
 * Then the person-year view's read as GET /persons/:id/years/:year makes it (`readPersonYear`
 * on the read models after the timed rounds, each person's year once per pass, one untimed
 * pass first): CPU µs per read, min / median / max of `--rounds` passes.
 *
 * `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of each history length's timed rounds;
 * `BENCH_RM_WAL_AUTOCHECKPOINT=<pages>` sets the read models' wal_autocheckpoint (SQLite's default: 1,000).
 * The stages BEGIN and COMMIT are the batch transactions' own statements (COMMIT writes the
 * WAL frames of every page the batch dirtied, and every ~1,000 pages a checkpoint), the rest
 * of the live apply is the runner reading its pages (about the baseline) and its own work (upcasting, savepoints).
 *
 * Data: one real settlement written through the API (scripts/ledger-client) is the
 * template; the persons and visits are copies of its events with their ids and dates
 * changed, inserted straight into the events table (hash fields of the real size, not
 * recomputed: the read side never reads them).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Session } from 'node:inspector';
import { parseCommandLine } from '../src/config/command-line';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { systemClock } from '../src/kernel/clock';
import { AlertWriter } from '../src/monitoring/alert-writer';
import { MonitoringRunner } from '../src/monitoring/monitoring-runner';
import { loadMonitoringThresholds } from '../src/monitoring/thresholds.loader';
import { PolicyCatalog } from '../src/policy/catalog';
import type { Projection } from '../src/projections/projection';
import { ReadModelStore, SqliteReadModelStore } from '../src/projections/read-model-store';
import { allProjections, READ_MODELS_PAGES } from '../src/projections/read-models';
import { readPersonYear } from '../src/projections/read-models/persons.projection';
import { AfterCommit, ReadSideRunner, RunnerOptions } from '../src/projections/read-side-runner';
import { startLedger } from '../scripts/ledger-client';
import { benchInstitution } from './bench-fixtures';

const flags = () =>
  parseCommandLine(
    'bench:read-side-live',
    'npm run bench:read-side-live [-- --history 1,10,30] [--persons 1000] [--batch 25] [--rounds 5] [--warm-up 5]',
    {
      args: process.argv.slice(2),
      options: {
        history: { type: 'string' },
        persons: { type: 'string' },
        batch: { type: 'string' },
        rounds: { type: 'string' },
        'warm-up': { type: 'string' },
      },
    },
  ).values;

const INSTITUTION = 'BENCH-H';
const YEAR = 2023;

const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The mean too: a WAL checkpoint (every ~1,000 pages written) lands in one round of several, which the median leaves out. */
const meanOf = (xs: number[]): string => `, mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}`;
const spread = (xs: number[], digits = 1): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0].toFixed(digits)} / ${median(s).toFixed(digits)} / ${s[s.length - 1].toFixed(digits)}`;
};

/** The log's first events (policy archive, institution), a person's enrolment and a settlement of bench:settle's shape. */
interface Template {
  preamble: RecordedEvent[];
  enrolled: RecordedEvent;
  settled: RecordedEvent;
}

async function template(): Promise<Template> {
  const ledger = await startLedger({ start: `${YEAR}-12-31T10:00:00+08:00` });
  try {
    await ledger.must('/institutions', benchInstitution(INSTITUTION));
    await ledger.must('/persons', {
      personId: 'T0',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: `${YEAR}-01-01`,
      contributionBase: '6000.00',
    });
    // The second visit: the deductible is already charged, as for most visits of a year.
    for (const day of ['02-01', '02-02'])
      await ledger.must('/persons/T0/visits', {
        settlementId: `S-${day}`,
        visitId: `V-${day}`,
        institutionCode: INSTITUTION,
        occurredAt: `${YEAR}-${day}T09:00:00+08:00`,
        medType: 'ordinary',
        lines: [{ code: 'A01', amount: '200.00', inCatalogue: true }],
      });
    const log = await ledger.store.readAll();
    const ofPerson = log.filter((e) => e.streamId === 'person-T0');
    return {
      preamble: log.filter((e) => !e.streamId.startsWith('person-')),
      enrolled: ofPerson.find((e) => e.type === 'PersonEnrolled')!,
      settled: ofPerson.filter((e) => e.type === 'VisitSettled').pop()!,
    };
  } finally {
    await ledger.close();
  }
}

/** The day of the year (0-based) of a person's k-th visit out of `n`: spread evenly, so no person threshold is crossed. */
const visitDay = (k: number, n: number): string => {
  const day = Math.floor(((k + 0.5) * 364) / n);
  return new Date(Date.UTC(YEAR, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
};

type Row = [string, number, string, string, string, string];

/** Appends rows to the events table, as the writer would (one transaction); positions follow. */
class LogWriter {
  private readonly insert;
  private readonly revisions = new Map<string, number>();
  private ids = 0;
  constructor(private readonly store: SqliteEventStore) {
    this.insert = store.db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  }

  write(events: Array<{ streamId: string; type: string; data: unknown; metadata: unknown }>): void {
    const rows: Row[] = events.map((e) => {
      const revision = this.revisions.get(e.streamId) ?? 0;
      this.revisions.set(e.streamId, revision + 1);
      const id = `00000000-0000-4000-9000-${(++this.ids).toString(16).padStart(12, '0')}`;
      return [e.streamId, revision, id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)];
    });
    this.store.db.transaction(() => {
      for (const r of rows) this.insert.run(...r);
    })();
  }
}

const FAKE_HASH = 'f'.repeat(64);
const personId = (i: number): string => `B${i}`;

function enrolmentOf(t: Template, i: number) {
  const data = { ...(t.enrolled.data as Record<string, unknown>), personId: personId(i) };
  return { streamId: `person-${personId(i)}`, type: t.enrolled.type, data, metadata: { ...t.enrolled.metadata, hash: FAKE_HASH } };
}

/** Person i's k-th visit (of n in the year): the template settlement with its ids and dates moved. */
function visitOf(t: Template, i: number, k: number, n: number) {
  const day = visitDay(k, n);
  const d = structuredClone(t.settled.data) as {
    settlementId: string;
    visit: { visitId: string; occurredAt: string };
    decision: { visitDate: string };
  };
  d.settlementId = `S-${i}-${k}`;
  d.visit.visitId = `V-${i}-${k}`;
  d.visit.occurredAt = `${day}T09:00:00+08:00`;
  d.decision.visitDate = day;
  const metadata = { ...t.settled.metadata, occurredAt: d.visit.occurredAt, hash: FAKE_HASH, prevHash: FAKE_HASH };
  return { streamId: `person-${personId(i)}`, type: t.settled.type, data: d, metadata };
}

/** V8 CPU profile of the timed rounds only (BENCH_CPU_PROF=<dir>): set-up and warm-up left out. */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `read-side-live-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** CPU of each projection's part of the batches: read at its first event and after its flush (two readings per batch). */
class StageClock {
  readonly micros = new Map<string, number>();
  timed(p: Projection): Projection {
    let start: number | undefined;
    const stop = () => {
      if (start !== undefined) this.micros.set(p.name, (this.micros.get(p.name) ?? 0) + cpuMicros() - start);
      start = undefined;
    };
    return {
      name: p.name,
      tables: p.tables,
      schema: p.schema,
      apply: (event, store) => {
        start ??= cpuMicros();
        p.apply(event, store);
      },
      flush: (store: ReadModelStore) => {
        p.flush?.(store);
        stop();
      },
      discard: () => {
        p.discard?.();
        start = undefined;
      },
    };
  }
  reset(): void {
    this.micros.clear();
  }
}

/**
 * The read models' store with its batch transactions timed: BEGIN IMMEDIATE and COMMIT (the
 * WAL frames of every page the batch dirtied are written at COMMIT), and each checkpoint
 * write. What the runner does between the projections' slices is the rest.
 */
class TimedStore implements ReadModelStore {
  readonly micros = new Map<string, number>();
  constructor(private readonly inner: ReadModelStore) {}
  private add(name: string, us: number): void {
    this.micros.set(name, (this.micros.get(name) ?? 0) + us);
  }
  transaction<T>(fn: () => T): T {
    const start = cpuMicros();
    let end = 0;
    const result = this.inner.transaction(() => {
      this.add('BEGIN', cpuMicros() - start);
      const out = fn();
      end = cpuMicros();
      return out;
    });
    this.add('COMMIT', cpuMicros() - end);
    return result;
  }
  savepoint<T>(fn: () => T): T {
    return this.inner.savepoint(fn);
  }
  stmt(sql: string) {
    return this.inner.stmt(sql);
  }
  exec(sql: string): void {
    this.inner.exec(sql);
  }
  checkpoint(name: string): number {
    return this.inner.checkpoint(name);
  }
  setCheckpoint(name: string, position: number): void {
    const start = cpuMicros();
    this.inner.setCheckpoint(name, position);
    this.add('checkpoints', cpuMicros() - start);
  }
  logMark() {
    return this.inner.logMark();
  }
  setLogMark(mark: Parameters<ReadModelStore['setLogMark']>[0]): void {
    const start = cpuMicros();
    this.inner.setLogMark(mark);
    this.add('checkpoints', cpuMicros() - start);
  }
  close(): void {
    this.inner.close();
  }
  reset(): void {
    this.micros.clear();
  }
}

/** The runner with each projection (the monitor's too, registered by MonitoringRunner) behind the stage clock. */
class TimedRunner extends ReadSideRunner {
  static clock: StageClock;
  override register(projection: Projection, afterCommit?: AfterCommit): void {
    super.register(TimedRunner.clock.timed(projection), afterCommit);
  }
}

interface ReadSideUnderTest {
  runner: ReadSideRunner;
  monitor: MonitoringRunner;
}

function readSide(events: SqliteEventStore, rm: ReadModelStore, catalog: PolicyCatalog, options: RunnerOptions): ReadSideUnderTest {
  const runner = new TimedRunner(events, rm, allProjections(catalog), { ...READ_MODELS_PAGES, pollIntervalMs: 0, ...options });
  const monitor = MonitoringRunner.on(
    runner,
    events,
    rm,
    loadMonitoringThresholds(),
    new AlertWriter(events, systemClock, () => randomUUID()),
  );
  return { runner, monitor };
}

/** Applies the log's new events; returns the CPU µs of the monitor's drain (alerts appended after the commits). */
async function apply(side: ReadSideUnderTest): Promise<number> {
  await side.runner.catchUp();
  const start = cpuMicros();
  await side.monitor.drain();
  const drained = cpuMicros() - start;
  if (side.runner.faultList().length) throw new Error(`faulted: ${JSON.stringify(side.runner.faultList())}`);
  return drained;
}

/** Raw paged readAll of the events after `after` in pages of `batch` (read + parse, no work). */
async function rawRead(events: SqliteEventStore, after: number, batch: number): Promise<number> {
  let n = 0;
  for (;;) {
    const page = await events.readAll({ ...READ_MODELS_PAGES, afterPosition: after, maxCount: batch });
    if (page.length === 0) return n;
    n += page.length;
    after = page[page.length - 1].position;
  }
}

interface Measured {
  history: number;
  total: number;
  read: number;
  stages: Map<string, number>;
}

/** CPU µs per `readPersonYear` of each person's year, for each of `passes` passes after an untimed one. */
function viewReads(rm: ReadModelStore, catalog: PolicyCatalog, persons: number[], passes: number): number[] {
  const readAll = () => {
    for (const i of persons) if (!readPersonYear(rm, catalog, personId(i), YEAR)) throw new Error(`no year for ${personId(i)}`);
  };
  readAll();
  return Array.from({ length: passes }, () => {
    const start = cpuMicros();
    readAll();
    return (cpuMicros() - start) / persons.length;
  });
}

async function measure(
  t: Template,
  catalog: PolicyCatalog,
  dir: string,
  name: string,
  history: number,
  o: { persons: number; batch: number; rounds: number },
): Promise<{ rounds: Measured[]; viewReads: number[] }> {
  const events = new SqliteEventStore({ path: path.join(dir, `ledger-${name}.db`), synchronous: 'OFF' as 'NORMAL' });
  const rm = SqliteReadModelStore.open(path.join(dir, `ledger-${name}.read.db`), 'NORMAL');
  // BENCH_RM_WAL_AUTOCHECKPOINT=<pages>: the read models' WAL checkpointed less often than SQLite's default 1,000 pages.
  if (process.env.BENCH_RM_WAL_AUTOCHECKPOINT) rm.db.pragma(`wal_autocheckpoint = ${Number(process.env.BENCH_RM_WAL_AUTOCHECKPOINT)}`);
  const log = new LogWriter(events);
  const visits = history + o.rounds;
  const persons = Array.from({ length: o.persons }, (_, i) => i);
  log.write(t.preamble.map((e) => ({ streamId: e.streamId, type: e.type, data: e.data, metadata: e.metadata })));
  log.write(persons.map((i) => enrolmentOf(t, i)));
  for (let k = 0; k < history; k++) log.write(persons.map((i) => visitOf(t, i, k, visits)));
  TimedRunner.clock = new StageClock();
  await apply(readSide(events, rm, catalog, { pageSize: 2000 }));
  const timedStore = new TimedStore(rm);
  const live = readSide(events, timedStore, catalog, { pageSize: o.batch });
  const out: Measured[] = [];
  const timed = async () => {
    for (let r = 0; r < o.rounds; r++) {
      const head = await events.headPosition();
      log.write(persons.map((i) => visitOf(t, i, history + r, visits)));
      const readStart = cpuMicros();
      const read = await rawRead(events, head, o.batch);
      const readMicros = cpuMicros() - readStart;
      TimedRunner.clock.reset();
      timedStore.reset();
      const start = cpuMicros();
      const drained = await apply(live);
      const spent = cpuMicros() - start;
      const stages = new Map([...TimedRunner.clock.micros].map(([name, us]) => [name, us / read]));
      for (const [name, us] of timedStore.micros) stages.set(name, us / read);
      stages.set('alert drain (after the commits)', drained / read);
      out.push({ history: history + r, total: spent / read, read: readMicros / read, stages });
    }
  };
  await (name === 'warm-up' ? timed() : profiled(name, timed));
  const reads = viewReads(rm, catalog, persons, o.rounds);
  await events.close();
  rm.close();
  return { rounds: out, viewReads: reads };
}

async function main(): Promise<void> {
  const f = flags();
  const histories = (f.history ?? '1,10,30').split(',').map(Number);
  const o = {
    persons: Number(f.persons ?? 1000),
    batch: Number(f.batch ?? 25),
    rounds: Number(f.rounds ?? 5),
    warmUp: Number(f['warm-up'] ?? 5),
  };
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../config/deployment-policy.json'), 'utf8')));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-read-side-live-'));
  try {
    const t = await template();
    process.stdout.write(
      `bench:read-side-live — ${o.persons} persons, batches of ${o.batch} events (distinct persons), ${o.warmUp} warm-up rounds first, then ${o.rounds} timed rounds of one visit per person; CPU µs per event, min / median / max of the timed rounds\n`,
    );
    // JIT warm-up: the same code on a log of its own, untimed (TurboFan compiles the hot path there).
    if (o.warmUp > 0) await measure(t, catalog, dir, 'warm-up', 5, { ...o, rounds: o.warmUp });
    for (const history of histories) {
      const { rounds, viewReads: reads } = await measure(t, catalog, dir, String(history), history, o);
      const names = [...rounds[0].stages.keys()];
      process.stdout.write(`\nvisits already in the year: ${rounds[0].history}–${rounds[rounds.length - 1].history}\n`);
      process.stdout.write(`  baseline: raw readAll of the same pages    ${spread(rounds.map((r) => r.read))} µs/event\n`);
      process.stdout.write(
        `  live apply (read, projections, monitor)     ${spread(rounds.map((r) => r.total))} µs/event${meanOf(rounds.map((r) => r.total))}\n`,
      );
      for (const name of names) {
        const xs = rounds.map((r) => r.stages.get(name) ?? 0);
        process.stdout.write(`    ${name.padEnd(40)}${spread(xs)} µs/event${meanOf(xs)}\n`);
      }
      process.stdout.write(
        `  person-year view read (readPersonYear)     ${spread(reads)} µs/read, ${rounds[rounds.length - 1].history + 1} visits\n`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
