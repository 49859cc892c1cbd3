/**
 * `npm run bench:replay [-- --rounds 300] [--warm-up 1000]`
 *
 * Replay of one person-year vs a raw readStream of the same stream (the subject of
 * bench:projections: the demo ledger's person JZ-R01, sealed for real), interleaved, as CPU
 * time (process.cpuUsage: the machine is shared, wall time is noisy) and wall time: first in
 * a fresh child process that only opens the log, then in this one, where V8 pretenured
 * allocation sites the replay uses while the template ledger settled visits (replay-vs-read.ts,
 * replayVersusReadInFreshProcess). Then the
 * parts of a replay: on freshly read events with their stored texts, as a replay gets them
 * (the read itself, the data's JSON.parse that the read defers to the replay's first access,
 * the rest of the replay, the chain check); on events read without stored texts (where the
 * chain check re-serialises every event), the recompute split into fold, year-to-date,
 * engine, comparison and rebuilt view; and event hashing on the write path (sealBatch), so a
 * change shows where it went.
 * Last, the ChainVerifier start on a sealed log (`--chain-events`, default 20,000): whole log
 * vs a restart from its stored checkpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recomputeDecision, replayPersonYear, sameCanonicalJson } from '../src/audit/replay';
import type { VisitSettled } from '../src/modules/claims/claims.events';
import { yearToDate } from '../src/modules/claims/claims.state';
import { evolvePerson, initialPersonState, PersonState } from '../src/modules/person-stream';
import type { PolicyPack } from '../src/policy/pack.types';
import { foldPersonView, summarizeYear } from '../src/projections/person-views';
import { eventHash, sealBatch, verifyChain } from '../src/audit/tamper-chain';
import type { RecordedEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { upcast } from '../src/event-store/upcasting';
import { PolicyCatalog } from '../src/policy/catalog';
import { canonicalJson, sha256Hex } from '../src/policy/canonical-json';
import { appendSealedCopies, generateLog, templateStreams } from './projections.bench';
import { counterIds, SettableClock } from '../scripts/ledger-client';
import { ChainVerifier } from '../src/audit/seals/chain-verifier.service';
import { SqliteReadModelStore } from '../src/projections/read-model-store';
import type { ModuleRef } from '@nestjs/core';
import { parseCommandLine } from '../src/config/command-line';
import {
  cpuMs,
  DEFAULT_WARM_UP_ROUNDS,
  measure,
  median,
  replayVersusRead,
  replayVersusReadInFreshProcess,
  type Timing,
} from './replay-vs-read';

const FLAGS = parseCommandLine('bench:replay', 'npm run bench:replay [-- --rounds 300] [--warm-up 1000] [--chain-events 20000]', {
  args: process.argv.slice(2),
  options: { rounds: { type: 'string' }, 'warm-up': { type: 'string' }, 'chain-events': { type: 'string' } },
}).values;

const WARM_UP_ROUNDS = Number(FLAGS['warm-up'] ?? DEFAULT_WARM_UP_ROUNDS);

const line = (label: string, m: { cpu: number; wall: number }, base?: { cpu: number }): string =>
  `  ${label.padEnd(44)} cpu ${m.cpu.toFixed(3)} ms  wall ${m.wall.toFixed(3)} ms${base ? `   (${(m.cpu / base.cpu).toFixed(2)}× raw read, cpu)` : ''}\n`;

/** The target's figure: a replay's CPU against the raw read's, both measured in the same run and process. */
function writeRatio({ raw, replay }: { raw: Timing; replay: Timing }): void {
  process.stdout.write(line('baseline: raw readStream (read + parse)', raw));
  process.stdout.write(line('replay (read, verify chain, recompute)', replay, raw));
  process.stdout.write(
    `  ratio replay ÷ raw read: cpu ${(replay.cpu / raw.cpu).toFixed(2)}×, wall ${(replay.wall / raw.wall).toFixed(2)}× (target ≤ 2×)\n`,
  );
}

async function main(): Promise<void> {
  const rounds = Number(FLAGS.rounds ?? 300);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../config/deployment-policy.json'), 'utf8')));
  try {
    const file = path.join(dir, 'ledger.db');
    const streams = await templateStreams();
    generateLog(file, streams, 2000);
    const store = new SqliteEventStore({ path: file });
    try {
      const streamId = 'person-JZ-R01-c0';
      const inFreshProcess = await replayVersusReadInFreshProcess(file, streamId, 2025, { rounds, warmUp: WARM_UP_ROUNDS });
      const { personId, events, check, raw, replay } = await replayVersusRead(store, streamId, 2025, catalog, {
        rounds,
        warmUp: WARM_UP_ROUNDS,
      });
      const bytes = events.reduce((n, e) => n + JSON.stringify(e.data).length + JSON.stringify(e.metadata).length, 0);
      process.stdout.write(
        `\nreplay of ${personId} 2025: ${events.length} events (${(bytes / 1024).toFixed(0)} KiB JSON), ${check.settlementsChecked} settlements recomputed; medians of ${rounds}\n`,
      );
      process.stdout.write('in a fresh process that only opened the log (as `npm run audit -- replay` runs):\n');
      writeRatio(inFreshProcess);
      process.stdout.write('in this process, after the template ledger settled visits in it (V8 pretenured sites the replay uses):\n');
      writeRatio({ raw, replay });
      // The same parts on freshly read events (as a replay sees them), the read not timed;
      // `prepare` runs untimed on them first.
      const onFresh = async (work: (events: RecordedEvent[]) => unknown, prepare?: (events: RecordedEvent[]) => void) => {
        const cpu: number[] = [];
        const wall: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const read = await store.readStream(streamId, { withStoredText: true });
          prepare?.(read);
          const c = process.cpuUsage();
          const w = process.hrtime.bigint();
          work(read);
          wall.push(Number(process.hrtime.bigint() - w) / 1e6);
          cpu.push(cpuMs(c));
        }
        return { cpu: median(cpu), wall: median(wall) };
      };
      const parseData = (read: RecordedEvent[]): void => read.forEach((e) => e.data);
      process.stdout.write('parts, on events read as a replay reads them (with their stored texts; below the read, the read not timed):\n');
      process.stdout.write(
        line(
          'readStream withStoredText (data not parsed yet)',
          await measure(rounds, () => store.readStream(streamId, { withStoredText: true })),
        ),
      );
      process.stdout.write(line('replayPersonYear', await onFresh((read) => replayPersonYear(personId, read, 2025, catalog))));
      // The read keeps each data text and parses it at the first `data` access, inside the replay:
      // the raw read's JSON.parse, moved, not a cost of the replay's own.
      process.stdout.write(line('  JSON.parse of the data (deferred from the read)', await onFresh(parseData)));
      process.stdout.write(
        line(
          '  replayPersonYear, data already parsed',
          await onFresh((read) => replayPersonYear(personId, read, 2025, catalog), parseData),
        ),
      );
      process.stdout.write(line('  verifyChain (hashes the stored texts)', await onFresh((read) => verifyChain(streamId, read))));
      process.stdout.write(line('JSON.stringify of every event (native)', await onFresh((read) => read.forEach((e) => JSON.stringify(e)))));
      // Read without stored texts, the chain check re-serialises every event (eventHash): slower than a replay's.
      process.stdout.write('parts, on events already read without stored texts (verifyChain serialises each event):\n');
      process.stdout.write(line('verifyChain', await measure(rounds, () => verifyChain(streamId, events))));
      process.stdout.write(line('canonicalJson of every event', await measure(rounds, () => events.forEach((e) => canonicalJson(e)))));
      process.stdout.write(line('upcast of every event', await measure(rounds, () => events.forEach((e) => upcast(e)))));
      process.stdout.write(
        line('replayPersonYear (no read, no stored texts)', await measure(rounds, () => replayPersonYear(personId, events, 2025, catalog))),
      );
      await replayParts(events, catalog, rounds);
      // What-if (issue 10.5, "is the format the bound?"): hashing the stored bytes as read,
      // without re-serialising; the adapter does not hand them out today.
      const rows = store.db.prepare('SELECT data, metadata FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as Array<{
        data: string;
        metadata: string;
      }>;
      process.stdout.write(
        line(
          'what-if: sha256 of the stored texts',
          await measure(rounds, () => rows.forEach((r) => sha256Hex(`{"data":${r.data},"metadata":${r.metadata}}`))),
        ),
      );
      process.stdout.write(
        line('JSON.stringify of every event (native)', await measure(rounds, () => events.forEach((e) => JSON.stringify(e)))),
      );
      const fresh = events.map((e: RecordedEvent) => ({ id: e.id, type: e.type, data: e.data, metadata: { ...e.metadata } }));
      process.stdout.write('write path:\n');
      process.stdout.write(
        line(`sealBatch of the ${events.length} events`, await measure(rounds, () => sealBatch(streamId, fresh, undefined))),
      );
      process.stdout.write(
        line('eventHash of one VisitSettled', await measure(rounds, () => eventHash(events.find((e) => e.type === 'VisitSettled')!))),
      );
    } finally {
      await store.close();
    }
    await chainVerifierStart(path.join(dir, 'sealed.db'), streams, Number(FLAGS['chain-events'] ?? 20_000));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The recompute part of a replay split as replayPersonYear does it, on already-read events:
 * the fold of the stream, the year-to-date of each settlement, the engine, the comparison
 * with the recorded decisions, and the rebuilt person-year view.
 */
async function replayParts(recorded: RecordedEvent[], catalog: PolicyCatalog, rounds: number): Promise<void> {
  const events = recorded.map(upcast);
  const settlements: Array<{ data: VisitSettled['data']; before: PersonState }> = [];
  let state = initialPersonState();
  for (const e of events) {
    // As replayPersonYear: only the settlements of the year are recomputed.
    const data = e.data as VisitSettled['data'];
    if (e.type === 'VisitSettled' && data.decision.year === 2025) settlements.push({ data, before: state });
    state = evolvePerson(state, e);
  }
  const packOf = (data: VisitSettled['data']): PolicyPack => catalog.byVersion(data.policyVersion)!;
  const recomputed = settlements.map(({ data, before }) => recomputeDecision(data, before, packOf(data)));
  process.stdout.write(`  of which, for the ${settlements.length} settlements of 2025:\n`);
  process.stdout.write(
    line(
      '  fold of the stream (evolvePerson)',
      await measure(rounds, () => events.reduce((s, e) => evolvePerson(s, e), initialPersonState())),
    ),
  );
  process.stdout.write(
    line(
      '  year-to-date of each settlement',
      // Kept in the folded state (paidByYear): the year's sums are formatted, not summed again.
      await measure(rounds, () => {
        for (const { data, before } of settlements) yearToDate(before.claims, data.decision.year, data.yearToDate?.deductibleWindow);
      }),
    ),
  );
  process.stdout.write(
    line(
      '  engine: the decisions recomputed',
      await measure(rounds, () => settlements.forEach(({ data, before }) => recomputeDecision(data, before, packOf(data)))),
    ),
  );
  process.stdout.write(
    line(
      '  compared with the recorded ones',
      await measure(rounds, () => settlements.forEach(({ data }, i) => sameCanonicalJson(recomputed[i], data.decision))),
    ),
  );
  process.stdout.write(
    line(
      '  rebuilt view (foldPersonView, summarizeYear)',
      await measure(rounds, () => {
        const view = foldPersonView(events);
        return summarizeYear(catalog, view.profile!, view.visits, 2025);
      }),
    ),
  );
}

/**
 * ChainVerifier start on a log of `target` events, every stream sealed for real: the first
 * start verifies the whole log and stores its checkpoint; a restart re-checks each stream's
 * last link and resumes. CPU and wall ms of verifyNow({ againstSeal: true }).
 */
async function chainVerifierStart(file: string, streams: Map<string, RecordedEvent[]>, target: number): Promise<void> {
  const store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
  const written = await appendSealedCopies(store, streams, target);
  const startOnce = async (): Promise<{ cpu: number; wall: number; through: number }> => {
    const rm = SqliteReadModelStore.open(file, 'NORMAL');
    const moduleRef = { get: () => rm } as unknown as ModuleRef;
    const verifier = new ChainVerifier(
      store,
      new SettableClock(new Date()),
      counterIds(9),
      // On this thread: under ts-node a thread of its own first compiles its TypeScript (~1 s), which the built service does not.
      { sealIntervalMs: 0, verifyIntervalMs: 0, verifyOnThreadFrom: Number.POSITIVE_INFINITY },
      moduleRef,
    );
    const c = process.cpuUsage();
    const w = process.hrtime.bigint();
    verifier.onApplicationBootstrap();
    const status = await verifier.verifyNow({ againstSeal: true });
    const m = { cpu: cpuMs(c), wall: Number(process.hrtime.bigint() - w) / 1e6, through: status.verifiedThrough };
    await verifier.onApplicationShutdown();
    rm.close();
    if (status.state !== 'intact') throw new Error(`chain does not verify: ${JSON.stringify(status.broken)}`);
    return m;
  };
  const full = await startOnce();
  const resumed = [await startOnce(), await startOnce(), await startOnce()];
  process.stdout.write(
    `\nChainVerifier start on ${written} events in ${streams.size} template streams × copies (verified through ${full.through})\n`,
  );
  process.stdout.write(line('first start: whole log, checkpoint saved', full));
  process.stdout.write(
    line('restart: links re-checked, resumed (median of 3)', {
      cpu: median(resumed.map((r) => r.cpu)),
      wall: median(resumed.map((r) => r.wall)),
    }),
  );
  await store.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
