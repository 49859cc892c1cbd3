/**
 * `npm run bench:projections [-- --events 100000,1000000] [-- --rounds 3]`
 *
 * For each log size (default 100k and 1M events):
 *  - `npm run projections:rebuild` (every read model and the monitoring indicators, one
 *    pass) run as a child process on the file: events/s and the child's max RSS;
 *  - baseline in the same run: a raw paged `readAll` of the same log (read + JSON.parse,
 *    no work), events/s.
 * Then the replay of one person-year vs a raw `readStream` of the same stream (bench:replay's
 * measurement, `replay-vs-read.ts`).
 *
 * Data: the demo ledger (scripts/seed-demo.ts, written through the HTTP API) is the
 * template. Its streams are copied (ids suffixed, and the person ids the events name with
 * them: each copy's person-years are its own) until the log holds the requested number of events, bulk-inserted into the adapter's table in big transactions with the
 * template's data JSON reused (generating 1M events takes seconds, not minutes). The
 * first copy is sealed for real (the replay subject: its hash chain verifies); later
 * copies carry hash fields of the real size but not recomputed (rebuild never reads them).
 */
import { execFileSync } from 'node:child_process';
import { parseCommandLine } from '../src/config/command-line';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_WARM_UP_ROUNDS, replayVersusRead } from './replay-vs-read';
import { isChainedStream } from '../src/audit/seals/seal';
import { sealBatch } from '../src/audit/tamper-chain';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { PolicyCatalog } from '../src/policy/catalog';
import { startLedger } from '../scripts/ledger-client';
import { seedDemo } from '../scripts/seed-demo';

/** Parsed only when run, not when replay.bench imports the log generator. */
const flags = () =>
  parseCommandLine('bench:projections', 'npm run bench:projections [-- --events 100000[,1000000]] [--rounds 3]', {
    args: process.argv.slice(2),
    options: { events: { type: 'string' }, rounds: { type: 'string' } },
  }).values;

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], digits = 0): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0].toFixed(digits)} / ${median(s).toFixed(digits)} / ${s[s.length - 1].toFixed(digits)}`;
};

/** The demo ledger's streams, in the order they were written. */
export async function templateStreams(): Promise<Map<string, RecordedEvent[]>> {
  const t0 = process.hrtime.bigint();
  const ledger = await startLedger();
  await seedDemo(ledger);
  const demo = await ledger.store.readAll();
  await ledger.close();
  process.stdout.write(`template: the demo ledger, ${demo.length} events written through the API in ${ms(t0).toFixed(0)} ms\n`);
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of demo) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  return streams;
}

/**
 * Copies of the template streams appended through `store`, each copy as one batch (ids
 * suffixed `-c<copy>`), until the log holds `target` events; the chained streams' copies
 * sealed for real, so every hash verifies. Returns the events written.
 */
export async function appendSealedCopies(store: SqliteEventStore, streams: Map<string, RecordedEvent[]>, target: number): Promise<number> {
  let written = 0;
  for (let copy = 0; written < target; copy++) {
    for (const [streamId, events] of streams) {
      if (written >= target) break;
      const id = `${streamId}-c${copy}`;
      const fresh = events.map((e, i) => ({
        id: `${copy}-${written + i}-${e.id}`.slice(0, 36),
        type: e.type,
        data: e.data,
        metadata: { schemaVersion: e.metadata.schemaVersion, recordedAt: e.metadata.recordedAt },
      }));
      await store.append(id, isChainedStream(id) ? sealBatch(id, fresh, undefined) : fresh, 'no_stream');
      written += fresh.length;
    }
  }
  return written;
}

/** An event's data JSON cut after each person id it names: copy n gets "-cn" there, as its stream ids do. */
interface CopyText {
  parts: string[];
  of(copy: number): string;
}

/** The template's person ids, quoted as they stand in the events' JSON. */
function quotedPersonIds(streams: Map<string, RecordedEvent[]>): RegExp {
  const ids = [...streams.keys()].filter((s) => s.startsWith('person-')).map((s) => s.slice('person-'.length));
  return new RegExp(`"(${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})"`, 'g');
}

function copyText(json: string, personIds: RegExp): CopyText {
  const parts: string[] = [];
  let from = 0;
  for (const m of json.matchAll(personIds)) {
    const beforeClosingQuote = m.index + m[0].length - 1;
    parts.push(json.slice(from, beforeClosingQuote));
    from = beforeClosingQuote;
  }
  parts.push(json.slice(from));
  return { parts, of: (copy) => (parts.length === 1 ? json : parts.join(`-c${copy}`)) };
}

/** Fills `file` with `target` events: copies of the template streams, 20,000 rows per transaction. */
export function generateLog(file: string, streams: Map<string, RecordedEvent[]>, target: number): void {
  const t0 = process.hrtime.bigint();
  const store = new SqliteEventStore({ path: file, synchronous: 'OFF' as 'NORMAL' });
  const insert = store.db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const dataJson = new Map<RecordedEvent, CopyText>();
  const personIds = quotedPersonIds(streams);
  for (const events of streams.values()) for (const e of events) dataJson.set(e, copyText(JSON.stringify(e.data), personIds));
  const fakeHash = 'f'.repeat(64);
  let written = 0;
  let id = 0;
  const rows: Array<[string, number, string, string, string, string]> = [];
  const flush = store.db.transaction(() => {
    for (const r of rows) insert.run(...r);
    rows.length = 0;
  });
  for (let copy = 0; written < target; copy++) {
    for (const [streamId, events] of streams) {
      if (written >= target) break;
      const copyId = `${streamId}-c${copy}`;
      const fresh = events.slice(0, target - written).map((e) => ({
        id: `00000000-0000-4000-9000-${(++id).toString(16).padStart(12, '0')}`,
        type: e.type,
        // Copies of a person name their own person (PersonEnrolled's personId, a relative's id), as the stream id does.
        data: dataJson.get(e)!.parts.length > 1 ? (JSON.parse(dataJson.get(e)!.of(copy)) as unknown) : e.data,
        metadata: { ...e.metadata },
      }));
      const sealed = copy === 0 && copyId.startsWith('person-');
      const batch = sealed ? sealBatch(copyId, fresh, undefined) : fresh;
      batch.forEach((e, revision) => {
        const metadata = sealed || !('hash' in e.metadata) ? e.metadata : { ...e.metadata, prevHash: fakeHash, hash: fakeHash };
        rows.push([copyId, revision, e.id, e.type, dataJson.get(events[revision])!.of(copy), JSON.stringify(metadata)]);
      });
      written += batch.length;
      if (rows.length >= 20_000) flush();
    }
  }
  flush();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  void store.close();
  const mib = fs.statSync(file).size / 2 ** 20;
  process.stdout.write(`log: ${written} events (${mib.toFixed(0)} MiB) generated in ${ms(t0).toFixed(0)} ms\n`);
}

/** Raw paged readAll of the whole log (read + parse, no work): events/s. */
async function rawRead(file: string): Promise<number> {
  const store = new SqliteEventStore({ path: file });
  try {
    const t0 = process.hrtime.bigint();
    let after = 0;
    let n = 0;
    for (;;) {
      const page = await store.readAll({ afterPosition: after, maxCount: 4000 });
      if (page.length === 0) break;
      n += page.length;
      after = page[page.length - 1].position;
    }
    return n / (ms(t0) / 1000);
  } finally {
    await store.close();
  }
}

/** `npm run projections:rebuild` on the file, in a child process: its events/s and max RSS (MiB). */
function rebuild(file: string): { eventsPerSecond: number; maxRssMiB: number; ms: number; cpuMicrosPerEvent: number; stages: string } {
  const script = path.resolve(__dirname, '../scripts/projections-rebuild.ts');
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', script, '--db', file], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..'),
  });
  const m = /in one pass, (\d+) ms \((\d+) events\/s\), max RSS (\d+) MiB, CPU \d+ ms \(([\d.]+) µs\/event\)/.exec(out);
  if (!m) throw new Error(`unexpected rebuild output: ${out}`);
  const stages = /CPU µs\/event by stage: (.*)/.exec(out)?.[1] ?? '';
  return { ms: Number(m[1]), eventsPerSecond: Number(m[2]), maxRssMiB: Number(m[3]), cpuMicrosPerEvent: Number(m[4]), stages };
}

async function main(): Promise<void> {
  const sizes = (flags().events ?? process.env.BENCH_EVENTS ?? '100000,1000000').split(',').map(Number);
  const rounds = Number(flags().rounds ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-projections-'));
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../config/deployment-policy.json'), 'utf8')));
  try {
    const streams = await templateStreams();
    let replayFile = '';
    for (const size of sizes) {
      const file = path.join(dir, `ledger-${size}.db`);
      generateLog(file, streams, size);
      replayFile ||= file;
      const raw: number[] = [];
      const runs: Array<ReturnType<typeof rebuild>> = [];
      for (let round = 0; round < rounds; round++) {
        raw.push(await rawRead(file));
        runs.push(rebuild(file));
      }
      process.stdout.write(
        `\nrebuild of ${size} events, every read model and the monitoring indicators in one pass (min / median / max of ${rounds})\n`,
      );
      process.stdout.write(`  baseline: raw paged readAll (read + parse)   ${spread(raw)} events/s\n`);
      process.stdout.write(
        `  npm run projections:rebuild                 ${spread(runs.map((r) => r.eventsPerSecond))} events/s   (${(median(runs.map((r) => r.eventsPerSecond)) / median(raw)).toFixed(2)}× the raw read rate)\n`,
      );
      process.stdout.write(
        `  rebuild time (in the child, after start-up) ${spread(
          runs.map((r) => r.ms / 1000),
          1,
        )} s   (target for 1M: ≤ 20 s)\n`,
      );
      process.stdout.write(
        `  rebuild CPU (user + system, in the child)  ${spread(
          runs.map((r) => r.cpuMicrosPerEvent),
          1,
        )} µs/event   (the figure that holds on a shared machine)\n`,
      );
      process.stdout.write(
        `  rebuild max RSS                             ${spread(runs.map((r) => r.maxRssMiB))} MiB   (target < 500 MiB)\n`,
      );
      // Where the CPU went, in the run of median CPU: the stage to work on next.
      const typical = [...runs].sort((a, b) => a.cpuMicrosPerEvent - b.cpuMicrosPerEvent)[Math.floor(runs.length / 2)];
      process.stdout.write(`  CPU µs/event by stage (median run)          ${typical.stages}\n`);
      if (file !== replayFile) fs.rmSync(file, { force: true });
    }
    await replayBench(replayFile, catalog);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Replay of one person-year vs a raw readStream of the same stream: bench:replay's measurement (200 rounds each). */
async function replayBench(file: string, catalog: PolicyCatalog): Promise<void> {
  const store = new SqliteEventStore({ path: file });
  try {
    const { personId, events, check, raw, replay } = await replayVersusRead(store, 'person-JZ-R01-c0', 2025, catalog, { rounds: 200 });
    process.stdout.write(
      `\nreplay of ${personId} 2025: ${events.length} events, ${check.settlementsChecked} settlements recomputed (CPU, median of 200 after ${DEFAULT_WARM_UP_ROUNDS} warm-up calls)\n`,
    );
    process.stdout.write(`  baseline: raw readStream of the stream      ${raw.cpu.toFixed(2)} ms\n`);
    process.stdout.write(
      `  replay (read, verify chain, recompute)      ${replay.cpu.toFixed(2)} ms   (${(replay.cpu / raw.cpu).toFixed(2)}× the raw read; target ≤ 2×)\n`,
    );
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
