/**
 * `npm run bench:projections [-- --events 100000]`
 * How long (1) a replay of one person's year and (2) a full rebuild of every read model
 * from ~100,000 events take, each printed beside a baseline measured in the same run on
 * the same data: the raw read of the same events (readStream / paged readAll) with no work.
 *
 * Data: the demo ledger (scripts/seed-demo.ts, written through the HTTP API) is copied
 * until the log holds the requested number of events; every copy is a new set of streams
 * (ids suffixed), re-sealed so its hash chains hold.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replayPersonYear } from '../src/audit/replay';
import { sealBatch } from '../src/audit/tamper-chain';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { PolicyCatalog } from '../src/policy/catalog';
import { ProjectionRunner } from '../src/projections/projection-runner';
import { SqliteReadModelStore } from '../src/projections/read-model-store';
import { allProjections } from '../src/projections/read-models';
import { startLedger } from '../scripts/ledger-client';
import { seedDemo } from '../scripts/seed-demo';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

function stats(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
}

async function main(): Promise<void> {
  const target = arg('--events', 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-projections-'));
  const file = path.join(dir, 'ledger.db');
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../config/deployment-policy.json'), 'utf8')));

  // 1. The demo, written through the API into memory.
  const t0 = process.hrtime.bigint();
  const ledger = await startLedger();
  await seedDemo(ledger);
  const demo = await ledger.store.readAll();
  await ledger.close();
  process.stdout.write(`demo ledger: ${demo.length} events written through the API in ${ms(t0).toFixed(0)} ms\n`);

  // 2. Copies of it into a file until the log holds `target` events.
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of demo) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  const store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
  const t1 = process.hrtime.bigint();
  let written = 0;
  let copy = 0;
  let id = 0;
  while (written < target) {
    for (const [streamId, events] of streams) {
      if (written >= target) break;
      const copyId = `${streamId}-c${copy}`;
      const fresh = events.slice(0, target - written).map((e) => ({ id: `00000000-0000-4000-9000-${(++id).toString(16).padStart(12, '0')}`, type: e.type, data: e.data, metadata: { ...e.metadata } }));
      const batch = copyId.startsWith('person-') ? sealBatch(copyId, fresh, undefined) : fresh;
      await store.append(copyId, batch, 'no_stream');
      written += batch.length;
    }
    copy += 1;
  }
  const head = await store.headPosition();
  process.stdout.write(`log: ${head} events in ${streams.size * copy} streams (${copy} copies) written in ${ms(t1).toFixed(0)} ms\n\n`);

  // 3. Full rebuild vs raw paged readAll of the same events.
  const pageSize = 2000;
  const rawAll: number[] = [];
  const rebuilds: number[] = [];
  const runner = new ProjectionRunner(store, SqliteReadModelStore.onConnection(store.db), allProjections(catalog), { pageSize });
  for (let round = 0; round < 3; round++) {
    const r0 = process.hrtime.bigint();
    let after = 0;
    let n = 0;
    for (;;) {
      const page = await store.readAll({ afterPosition: after, maxCount: pageSize });
      if (page.length === 0) break;
      n += page.length;
      after = page[page.length - 1].position;
    }
    rawAll.push(ms(r0));
    if (n !== head) throw new Error(`read ${n} of ${head}`);
    const r = await runner.rebuild();
    if (r.events !== head) throw new Error(`rebuilt ${r.events} of ${head}`);
    rebuilds.push(r.ms);
  }

  // 4. Replay of one person's year vs raw readStream of the same events.
  const subject = { streamId: 'person-JZ-R01-c0', year: 2025 };
  const personId = subject.streamId.slice('person-'.length);
  const events = await store.readStream(subject.streamId);
  const check = replayPersonYear(personId, events, subject.year, catalog);
  if (check.differences.length || !check.chain.intact) throw new Error(`replay of ${personId} does not hold: ${check.verdict}`);
  const reads: number[] = [];
  const replays: number[] = [];
  for (let i = 0; i < 200; i++) {
    const a = process.hrtime.bigint();
    const evs = await store.readStream(subject.streamId);
    reads.push(ms(a));
    const b = process.hrtime.bigint();
    replayPersonYear(personId, await store.readStream(subject.streamId), subject.year, catalog);
    replays.push(ms(b));
    if (evs.length !== events.length) throw new Error('stream changed');
  }
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const row = (name: string, s: { median: number; p95: number }, extra = '') => `${name.padEnd(52)} median ${s.median.toFixed(2).padStart(9)} ms   p95 ${s.p95.toFixed(2).padStart(9)} ms${extra}`;
  const rb = stats(rebuilds);
  const ra = stats(rawAll);
  process.stdout.write(`full rebuild of every read model from ${head} events (3 rounds, ${pageSize} events per transaction)\n`);
  process.stdout.write(row('  baseline: raw paged readAll of the same events', ra, `   (${Math.round(head / (ra.median / 1000))} events/s)`) + '\n');
  process.stdout.write(row('  rebuild (drop, recreate, apply, checkpoint)', rb, `   (${Math.round(head / (rb.median / 1000))} events/s, ${(rb.median / ra.median).toFixed(1)}× the raw read)`) + '\n\n');
  const rp = stats(replays);
  const rr = stats(reads);
  process.stdout.write(`replay of ${personId} ${subject.year}: ${events.length} events, ${check.settlementsChecked} settlements recomputed (200 rounds)\n`);
  process.stdout.write(row('  baseline: raw readStream of the same events', rr) + '\n');
  process.stdout.write(row('  replay (read, verify chain, recompute, compare)', rp, `   (${(rp.median / rr.median).toFixed(1)}× the raw read)`) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
