/**
 * `npm run bench:event-format [-- --events 100000]` — is the event format the bound of the
 * rebuild (issue 10 item 5: "if the event format itself is the bound, measure it and decide
 * with evidence")?
 *
 * On the demo ledger's mix of events (the template of `bench:projections`' log):
 *  - bytes per event type, and where a `VisitSettled`'s bytes are (the stored decision's
 *    trace is most of them);
 *  - CPU of `JSON.parse` per event of the mix as stored, against the same events with the
 *    decision's `trace` left out (what a format keeping the trace elsewhere would parse);
 *    interleaved blocks, medians, ratios in the same run;
 *  - on a generated log of `--events` events: a paged raw read of the rows without parsing
 *    vs the port's `readAll` (read + parse), CPU per event: how much of the rebuild's
 *    "read + parse" stage parsing is.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCommandLine } from '../src/config/command-line';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { generateLog, templateStreams } from './projections.bench';

const BLOCKS = 7;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMicros = (fn: () => void): number => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
};

interface StoredTexts {
  data: string;
  metadata: string;
}

/** The data without `decision.trace` (the hypothetical slimmer VisitSettled). */
function withoutTrace(event: RecordedEvent): unknown {
  if (event.type !== 'VisitSettled') return event.data;
  const data = structuredClone(event.data) as { decision?: { trace?: unknown } };
  if (data.decision) delete data.decision.trace;
  return data;
}

/** Median CPU µs per event of JSON.parse over `texts`, each variant's blocks interleaved with the other's. */
function parseCosts(variants: StoredTexts[][], rounds: number): number[] {
  const blocks = variants.map(() => [] as number[]);
  for (let b = 0; b < BLOCKS; b++) {
    variants.forEach((texts, v) => {
      blocks[v].push(
        cpuMicros(() => {
          for (let r = 0; r < rounds; r++)
            for (const t of texts) {
              JSON.parse(t.data);
              JSON.parse(t.metadata);
            }
        }) /
          (rounds * texts.length),
      );
    });
  }
  return blocks.map(median);
}

function printMix(events: RecordedEvent[]): void {
  const byType = new Map<string, { count: number; bytes: number }>();
  for (const e of events) {
    const t = byType.get(e.type) ?? { count: 0, bytes: 0 };
    t.count += 1;
    t.bytes += Buffer.byteLength(JSON.stringify(e.data));
    byType.set(e.type, t);
  }
  const total = [...byType.values()].reduce((a, t) => a + t.bytes, 0);
  process.stdout.write('event mix (data bytes):\n');
  for (const [type, t] of [...byType].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 6))
    process.stdout.write(
      `  ${type.padEnd(24)} ${String(t.count).padStart(5)} events, avg ${(t.bytes / t.count).toFixed(0).padStart(5)} B, ${((100 * t.bytes) / total).toFixed(1)} % of the bytes\n`,
    );
  const visits = events.filter((e) => e.type === 'VisitSettled');
  const decisionBytes = new Map<string, number>();
  for (const v of visits)
    for (const [k, val] of Object.entries((v.data as { decision?: Record<string, unknown> }).decision ?? {}))
      decisionBytes.set(k, (decisionBytes.get(k) ?? 0) + Buffer.byteLength(JSON.stringify(val) ?? ''));
  const avg = (k: string) => ((decisionBytes.get(k) ?? 0) / visits.length).toFixed(0);
  const traces = visits.map((v) => JSON.stringify((v.data as { decision?: { trace?: unknown } }).decision?.trace ?? []));
  const chars = traces.reduce((a, t) => a + t.length, 0);
  // Outside ASCII (the clauses' Chinese citations): SQLite hands such text over as UTF-8 that V8 decodes into a two-byte string.
  const wide = traces.reduce((a, t) => a + [...t].filter((c) => c.charCodeAt(0) > 0x7f).length, 0);
  process.stdout.write(
    `  a VisitSettled's decision: trace ${avg('trace')} B (${((100 * wide) / chars).toFixed(0)} % of its characters outside ASCII), amounts ${avg('amounts')} B, national ${avg('national')} B\n`,
  );
}

/** Pages of rows as stored (strings, not parsed): the adapter's read without its JSON.parse. */
function readRows(store: SqliteEventStore): number {
  const page = store.db.prepare(
    'SELECT position, stream_id, revision, event_id, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 4000',
  );
  let after = 0;
  let n = 0;
  for (;;) {
    const rows = page.all(after) as Array<{ position: number }>;
    if (rows.length === 0) return n;
    n += rows.length;
    after = rows[rows.length - 1].position;
  }
}

/** The port's paged readAll (rows read and parsed into events). */
async function readEvents(store: SqliteEventStore): Promise<number> {
  let after = 0;
  let n = 0;
  for (;;) {
    const events = await store.readAll({ afterPosition: after, maxCount: 4000 });
    if (events.length === 0) return n;
    n += events.length;
    after = events[events.length - 1].position;
  }
}

/** CPU µs per event of both reads of the whole log, medians of 3 interleaved passes. */
async function readCosts(file: string): Promise<{ raw: number; parsed: number }> {
  const store = new SqliteEventStore({ path: file });
  const raw: number[] = [];
  const parsed: number[] = [];
  try {
    for (let b = 0; b < 3; b++) {
      let n = 0;
      raw.push(cpuMicros(() => (n = readRows(store))) / n);
      const start = process.cpuUsage();
      const m = await readEvents(store);
      const used = process.cpuUsage(start);
      parsed.push((used.user + used.system) / m);
    }
  } finally {
    await store.close();
  }
  return { raw: median(raw), parsed: median(parsed) };
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('bench:event-format', 'npm run bench:event-format [-- --events 100000]', {
    args: process.argv.slice(2),
    options: { events: { type: 'string' } },
  });
  const size = Number(values.events ?? 100_000);
  const streams = await templateStreams();
  const events = [...streams.values()].flat();
  printMix(events);

  const stored = events.map((e) => ({ data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }));
  const slim = events.map((e) => ({ data: JSON.stringify(withoutTrace(e)), metadata: JSON.stringify(e.metadata) }));
  const [asStored, noTrace] = parseCosts([stored, slim], 40);
  process.stdout.write(
    `JSON.parse per event of the mix (CPU, median of ${BLOCKS} interleaved blocks): as stored ${asStored.toFixed(2)} µs, ` +
      `without the decision traces ${noTrace.toFixed(2)} µs (${(noTrace / asStored).toFixed(2)}×, saves ${(asStored - noTrace).toFixed(2)} µs per event)\n`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-event-format-'));
  try {
    const file = path.join(dir, 'ledger.db');
    generateLog(file, streams, size);
    const slimFile = path.join(dir, 'ledger-without-traces.db');
    const slimStreams = new Map([...streams].map(([id, es]) => [id, es.map((e) => ({ ...e, data: withoutTrace(e) }))]));
    generateLog(slimFile, slimStreams, size);
    const asStoredReads = await readCosts(file);
    const slimReads = await readCosts(slimFile);
    const line = (name: string, r: { raw: number; parsed: number }) =>
      `  ${name}: rows only ${r.raw.toFixed(2)} µs, readAll (read + parse) ${r.parsed.toFixed(2)} µs (parse ${(100 * (1 - r.raw / r.parsed)).toFixed(0)} %)\n`;
    process.stdout.write(`paged read of ${size} events, CPU per event (median of 3):\n`);
    process.stdout.write(line('as stored          ', asStoredReads));
    process.stdout.write(line('without the traces ', slimReads));
    process.stdout.write(
      `a format without the traces: read + parse ${(slimReads.parsed / asStoredReads.parsed).toFixed(2)}× (saves ~${(asStoredReads.parsed - slimReads.parsed).toFixed(1)} µs per event); ` +
        'compare with the rebuild CPU per event printed by `npm run bench:projections`\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
