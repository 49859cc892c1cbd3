/**
 * The replay target's one measurement (issue 10: a person-year's replay costs at most 2× a raw
 * read of its stream), shared by bench:replay and bench:projections so both print the same
 * figure: CPU and wall medians of a raw `readStream` (read + parse) and of a replay as the
 * audit service runs it (read with stored texts, verify the chain, recompute), after a warm-up
 * and in interleaved blocks.
 */
import { replayPersonYear, ReplayReport } from '../src/audit/replay';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import type { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import type { PolicyCatalog } from '../src/policy/catalog';

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
