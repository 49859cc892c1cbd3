/**
 * The replay target's one measurement (issue 10: a person-year's replay costs at most 2× a raw
 * read of its stream), shared by bench:replay and bench:projections so both print the same
 * figure: CPU and wall medians of a raw `readStream` (read + parse) and of a replay as the
 * audit service runs it (read with stored texts, verify the chain, recompute), after a warm-up
 * and in interleaved blocks.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replayPersonYear, ReplayReport } from '../src/audit/replay';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { PolicyCatalog } from '../src/policy/catalog';

/**
 * Calls of each path before the timed ones. A replay runs ~70 functions (engine, chain,
 * decimals) that V8 optimises only after hundreds of calls, on a background thread whose
 * CPU time process.cpuUsage counts. With 50 warm-up calls, 48 of them were optimised during
 * the timed blocks (`node --trace-opt`), which then measured compiling and unoptimised
 * runs; after 1,000, two.
 */
export const DEFAULT_WARM_UP_ROUNDS = 1000;

export interface Timing {
  cpu: number;
  wall: number;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const cpuMs = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

/** Median CPU ms and wall ms of `work` over `rounds` runs. */
export async function measure(rounds: number, work: () => unknown): Promise<Timing> {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c = process.cpuUsage();
    const w = process.hrtime.bigint();
    await work();
    wall.push(Number(process.hrtime.bigint() - w) / 1e6);
    cpu.push(cpuMs(c));
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export interface ReplayVersusRead {
  personId: string;
  /** The stream as a raw read gives it. */
  events: RecordedEvent[];
  check: ReplayReport;
  raw: Timing;
  replay: Timing;
}

/** Replay of `streamId`'s `year` vs its raw read: `rounds` of each in five interleaved blocks, after `warmUp` calls of each. */
export async function replayVersusRead(
  store: SqliteEventStore,
  streamId: string,
  year: number,
  catalog: PolicyCatalog,
  { rounds, warmUp = DEFAULT_WARM_UP_ROUNDS }: { rounds: number; warmUp?: number },
): Promise<ReplayVersusRead> {
  const personId = streamId.slice('person-'.length);
  const events = await store.readStream(streamId);
  const check = replayPersonYear(personId, events, year, catalog);
  if (check.differences.length || !check.chain.intact) throw new Error(`replay of ${personId} does not hold: ${check.verdict}`);
  const read = () => store.readStream(streamId);
  // Read as the audit service and `npm run audit` read it: with the stored texts the chain hashes.
  const replay = async () => replayPersonYear(personId, await store.readStream(streamId, { withStoredText: true }), year, catalog);
  await measure(warmUp, read);
  await measure(warmUp, replay);
  const raws: Timing[] = [];
  const replays: Timing[] = [];
  for (let block = 0; block < 5; block++) {
    raws.push(await measure(Math.ceil(rounds / 5), read));
    replays.push(await measure(Math.ceil(rounds / 5), replay));
  }
  const mid = (ts: Timing[]): Timing => ({ cpu: median(ts.map((t) => t.cpu)), wall: median(ts.map((t) => t.wall)) });
  return { personId, events, check, raw: mid(raws), replay: mid(replays) };
}

/**
 * replayVersusRead in a child process that only opens the log `file` (read and replay still
 * interleaved, the read still the baseline of the same run), as `npm run audit -- replay`
 * runs. In a process that settled visits first, as bench:replay's does when it writes its
 * template ledger through the API, V8 has pretenured allocation sites the replay uses
 * (`--trace-pretenuring-statistics` lists sites decided "tenure", some during the timed
 * blocks): there the engine's recomputation of JZ-R01-c0's 10 settlements cost 260-340 µs
 * against ~110 µs in a fresh process or with `--no-allocation-site-pretenuring`, and the
 * ratio moved with the process's history (1.87-2.89× in five runs against 1.80-1.91× here).
 */
export async function replayVersusReadInFreshProcess(
  file: string,
  streamId: string,
  year: number,
  options: { rounds: number; warmUp?: number },
): Promise<Pick<ReplayVersusRead, 'raw' | 'replay'>> {
  const child = fork(__filename, [FRESH_PROCESS_FLAG, JSON.stringify({ file, streamId, year, ...options })], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as Pick<ReplayVersusRead, 'raw' | 'replay'>));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`replay-vs-read child exited with ${code} before answering`)));
  });
}

const FRESH_PROCESS_FLAG = '--replay-vs-read-child';

/** The child's side of replayVersusReadInFreshProcess: open the log, measure, answer, exit. */
async function measureAsChild(request: { file: string; streamId: string; year: number; rounds: number; warmUp?: number }): Promise<void> {
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../config/deployment-policy.json'), 'utf8')));
  const store = new SqliteEventStore({ path: request.file });
  try {
    const { raw, replay } = await replayVersusRead(store, request.streamId, request.year, catalog, request);
    process.send!({ raw, replay });
  } finally {
    await store.close();
  }
}

if (require.main === module && process.argv[2] === FRESH_PROCESS_FLAG) {
  measureAsChild(JSON.parse(process.argv[3])).then(
    () => process.disconnect(),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
