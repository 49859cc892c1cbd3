/**
 * `npm run bench:validation [-- --calls 20000 --rounds 5]` — what the global ValidationPipe
 * costs a settlement (its body and its route parameters), in process: the success path
 * (src/http/validation-success-path.ts) against the baseline in the same run, the same pipe
 * sent the whole way (class-transformer, then class-validator) for every value. Interleaved
 * rounds; per settlement: CPU µs (process.cpuUsage) and the main isolate's scavenges per
 * 1,000 settlements (a scavenge runs each time the young generation fills: with the same
 * heap settings, the ratio of scavenges is the ratio of bytes allocated). Then the same for a
 * body with 20 bill lines, and for an invalid body (both sides go the whole way to the 400).
 */
import 'reflect-metadata';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PersonIdParam } from '../src/http/params';
import { LedgerValidationPipe } from '../src/http/validation';
import { SettleVisitDto } from '../src/modules/claims/dto/claims.dto';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } } });
const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);

const line = (i: number) => ({ code: `A${i}`, name: '阿莫西林胶囊', amount: '120.00', inCatalogue: true, category: 'drug' });
/** As a hospital sends it, parsed from JSON as Fastify parses it. */
const settlementBody = (lines: number, medType = 'ordinary'): string =>
  JSON.stringify({
    settlementId: 'S-2023-0001',
    visitId: 'V-2023-0001',
    institutionCode: 'NY-L2',
    occurredAt: '2023-05-04T09:30:00+08:00',
    medType,
    lines: Array.from({ length: lines }, (_, i) => line(i)),
    account: { source: 'own' },
  });

const BODY = { type: 'body', metatype: SettleVisitDto, data: '' } as const;
const PARAMS = { type: 'param', metatype: PersonIdParam, data: '' } as const;

/** When each scavenge started (performance.now() time): entries arrive on a later turn of the loop, so they are counted by time. */
const scavengeTimes: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavengeTimes.push(e.startTime);
}).observe({ entryTypes: ['gc'] });

interface Figures {
  cpu: number;
  scavenges: number;
}

async function measure(pipe: LedgerValidationPipe, text: string, expectValid: boolean): Promise<Figures> {
  const start = performance.now();
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const settled = await pipe.transform(JSON.parse(text), BODY).then(
      () => true,
      () => false,
    );
    if (settled !== expectValid) throw new Error(`the pipe ${expectValid ? 'refused' : 'accepted'} the benchmark's body`);
    await pipe.transform({ personId: `P-${i}` }, PARAMS);
  }
  const used = process.cpuUsage(before);
  const end = performance.now();
  await new Promise((r) => setTimeout(r, 50)); // the GC entries of this round delivered
  const inRound = scavengeTimes.filter((t) => t >= start && t <= end).length;
  return { cpu: (used.user + used.system) / CALLS, scavenges: (inRound * 1000) / CALLS };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function compare(label: string, text: string, valid: boolean): Promise<void> {
  const successPath = new LedgerValidationPipe();
  const wholeWay = new LedgerValidationPipe({ successPath: { accept: () => undefined } });
  await measure(successPath, text, valid); // warm-up
  await measure(wholeWay, text, valid);
  const a: Figures[] = [];
  const b: Figures[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await measure(wholeWay, text, valid));
    a.push(await measure(successPath, text, valid));
  }
  const cpuA = median(a.map((f) => f.cpu));
  const cpuB = median(b.map((f) => f.cpu));
  const scA = median(a.map((f) => f.scavenges));
  const scB = median(b.map((f) => f.scavenges));
  console.log(
    `${label.padEnd(34)} ${cpuB.toFixed(1).padStart(8)} ${cpuA.toFixed(1).padStart(8)} ${(cpuA / cpuB).toFixed(2).padStart(6)}` +
      ` ${scB.toFixed(2).padStart(13)} ${scA.toFixed(2).padStart(12)} ${(scB > 0 ? scA / scB : NaN).toFixed(2).padStart(6)}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `bench:validation — ${CALLS} settlements' validations (body + route parameters) per round, ${ROUNDS} interleaved rounds, medians`,
  );
  console.log(
    `${'body'.padEnd(34)} ${'whole µs'.padStart(8)} ${'path µs'.padStart(8)} ${'ratio'.padStart(6)} ${'whole scav/1k'.padStart(13)} ${'path scav/1k'.padStart(12)} ${'ratio'.padStart(6)}`,
  );
  await compare('settlement, 1 line', settlementBody(1), true);
  await compare('settlement, 20 lines', settlementBody(20), true);
  await compare('invalid (medType), 1 line: a 400', settlementBody(1, 'x'), false);
  console.log(
    'whole = the baseline: class-transformer then class-validator for every value; path = the success path (an invalid body goes the whole way on both sides)',
  );
}

void main();
