/**
 * `npm run bench:chain-verifier [-- --events 20000] [--positions 60000] [--streams 3000] [--rounds 5]`
 *
 * What the chain verifier's pass costs the thread serving HTTP (issue 10).
 *
 * 1. A pass over a sealed log (copies of the demo ledger's streams appended through the
 *    store, `appendSealedCopies`), as `catchUp` folds it. Linux only: the main thread's
 *    own CPU time (/proc/self/task/<pid>/schedstat), per event.
 *    - baseline, in the same run: the links read and hashed on this thread (`linksFromStore`);
 *    - the links read and hashed on a thread of their own (`WorkerChainLinks`), this thread
 *      receiving and folding them. Its first round (the thread's start; under ts-node it
 *      compiles its TypeScript first) is not counted.
 * 2. The checkpoint save after a pass, one synchronous transaction on the thread serving
 *    HTTP: every stream whose link moved, and the positions no seal covers yet (at 2,000
 *    settlements/s a 30 s pass adds ~60,000 positions over ~3,000 streams).
 *    - baseline, in the same run: the same transaction with one row per position (the table
 *      shape before runs, in a table of its own);
 *    - `ReadModelChainCheckpoints.save` with the positions as runs (`PositionRanges`).
 *    Wall time of each save (it blocks the event loop), on a read-model file (WAL, NORMAL).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { linksFromStore } from '../src/audit/seals/chain-links';
import { catchUp } from '../src/audit/seals/ledger-verification';
import { PositionRanges } from '../src/audit/seals/position-ranges';
import { ChainFold } from '../src/audit/seals/seal';
import { THREAD_PAGE, WorkerChainLinks } from '../src/audit/seals/worker-chain-links';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { appendSealedCopies, templateStreams } from './projections.bench';
import type { StreamHead } from '../src/audit/seals/seal';
import { ReadModelChainCheckpoints } from '../src/audit/seals/verified-position';
import { parseCommandLine } from '../src/config/command-line';
import { SqliteReadModelStore } from '../src/projections/read-model-store';

const { values: flags } = parseCommandLine(
  'bench:chain-verifier',
  'npm run bench:chain-verifier [-- --events 20000] [--positions 60000] [--streams 3000] [--rounds 5]',
  {
    args: process.argv.slice(2),
    options: { events: { type: 'string' }, positions: { type: 'string' }, streams: { type: 'string' }, rounds: { type: 'string' } },
  },
);

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(1)} / ${median(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)} ms`;

const ROUNDS = Number(flags.rounds ?? 5);

/** The main thread's time on a CPU in µs, or undefined where /proc has no per-thread counters. */
function mainThreadMicros(): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}

/** The main thread's µs per event for a whole pass, its links read by `source`. */
async function pass(source: Parameters<typeof catchUp>[0]): Promise<number> {
  const fold = new ChainFold();
  const before = mainThreadMicros()!;
  await catchUp(source, fold, () => undefined);
  if (fold.broken.length > 0) throw new Error(`the sealed log does not verify: ${JSON.stringify(fold.broken[0])}`);
  return (mainThreadMicros()! - before) / fold.events;
}

async function passes(dir: string): Promise<void> {
  if (mainThreadMicros() === undefined) {
    process.stdout.write('\na pass: skipped (no /proc/self/task/<pid>/schedstat here)\n');
    return;
  }
  const file = path.join(dir, 'ledger.db');
  const store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
  const onThread = new WorkerChainLinks(file, linksFromStore(store, THREAD_PAGE));
  try {
    const events = await appendSealedCopies(store, await templateStreams(), Number(flags.events ?? 20_000));
    const here: number[] = [];
    const thread: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const a = await pass(store);
      const b = await pass(onThread);
      if (round === 0) continue;
      here.push(a);
      thread.push(b);
    }
    const line = (label: string, xs: number[]) =>
      `  ${label.padEnd(50)} ${Math.min(...xs).toFixed(1)} / ${median(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)} µs/event\n`;
    process.stdout.write(`\na pass over ${events} sealed events: the main thread's CPU (min / median / max of ${ROUNDS})\n`);
    process.stdout.write(line('baseline: links read and hashed here', here));
    process.stdout.write(line('links read and hashed on a thread (the service)', thread));
    process.stdout.write(`  ratio thread ÷ here: ${(median(thread) / median(here)).toFixed(2)}\n`);
  } finally {
    await onThread.close();
    await store.close();
  }
}

function checkpointSaves(dir: string): void {
  const positions = Number(flags.positions ?? 60_000);
  const streams = Number(flags.streams ?? 3_000);
  const rounds = ROUNDS;
  const rm = SqliteReadModelStore.open(path.join(dir, 'ledger.read.db'), 'NORMAL');
  try {
    const checkpoints = new ReadModelChainCheckpoints(rm);
    rm.exec('CREATE TABLE baseline_unsealed (position INTEGER PRIMARY KEY)');
    const links = new Map<string, StreamHead>();
    const unsealed = new PositionRanges();
    const baseline: number[] = [];
    const runs: number[] = [];
    let position = 0;
    for (let round = 0; round < rounds; round++) {
      const added: number[] = [];
      for (let i = 0; i < positions; i++) {
        added.push(++position);
        unsealed.add(position);
        links.set(`person-P${i % streams}`, { revision: round * positions + i, hash: position.toString(16).padStart(64, '0') });
      }
      const progress = { verifiedThrough: position, events: position, links };
      let t = process.hrtime.bigint();
      rm.transaction(() => {
        const upsert = rm.stmt(
          'INSERT INTO chain_links (stream_id, revision, hash) VALUES (?, ?, ?) ON CONFLICT(stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash',
        );
        for (const [id, link] of links) upsert.run(id, link.revision, link.hash);
        const insert = rm.stmt('INSERT OR IGNORE INTO baseline_unsealed (position) VALUES (?)');
        for (const p of added) insert.run(p);
      });
      baseline.push(ms(t));
      t = process.hrtime.bigint();
      checkpoints.save(progress, { streams: links.keys(), unsealedChanged: unsealed.changed(), sealedThrough: 0 });
      unsealed.saved();
      runs.push(ms(t));
    }
    if (checkpoints.load()!.unsealed.length !== 1) throw new Error('expected one run of positions');
    process.stdout.write(
      `\nchain checkpoint save after a pass of ${positions} events over ${streams} streams (min / median / max of ${rounds})\n`,
    );
    process.stdout.write(`  baseline: one row per unsealed position      ${spread(baseline)}\n`);
    process.stdout.write(`  runs of consecutive positions (the service)  ${spread(runs)}\n`);
    process.stdout.write(`  ratio runs ÷ rows: ${(median(runs) / median(baseline)).toFixed(2)}\n`);
  } finally {
    rm.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chain-verifier-'));
  try {
    await passes(dir);
    checkpointSaves(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
