/**
 * `npm run bench:chain-checkpoint [-- --positions 60000] [--streams 3000] [--rounds 5]`
 *
 * The chain verifier saves its checkpoint after each pass, on the thread serving HTTP, in
 * one synchronous transaction: every stream whose link moved, and the positions no seal
 * covers yet. At 2,000 settlements/s a 30 s pass adds ~60,000 positions over ~3,000 streams.
 *  - baseline, in the same run: the same transaction with one row per position (the table
 *    shape before runs, in a table of its own);
 *  - `ReadModelChainCheckpoints.save` with the positions as runs (`PositionRanges`).
 * Wall time of each save (it blocks the event loop), on a read-model file (WAL, NORMAL).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PositionRanges } from '../src/audit/seals/position-ranges';
import { StreamHead } from '../src/audit/seals/seal';
import { ReadModelChainCheckpoints } from '../src/audit/seals/verified-position';
import { parseCommandLine } from '../src/config/command-line';
import { SqliteReadModelStore } from '../src/projections/read-model-store';

const { values: flags } = parseCommandLine(
  'bench:chain-checkpoint',
  'npm run bench:chain-checkpoint [-- --positions 60000] [--streams 3000] [--rounds 5]',
  {
    args: process.argv.slice(2),
    options: { positions: { type: 'string' }, streams: { type: 'string' }, rounds: { type: 'string' } },
  },
);

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(1)} / ${median(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)} ms`;

function main(): void {
  const positions = Number(flags.positions ?? 60_000);
  const streams = Number(flags.streams ?? 3_000);
  const rounds = Number(flags.rounds ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chain-checkpoint-'));
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
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
