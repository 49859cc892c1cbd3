/**
 * `npm run bench:request-path [-- --requests 4000]` — server CPU per request, in process
 * (Fastify's inject: no sockets, no load generator competing for the 2 cores), so that a
 * change to the per-request plumbing (access log, metrics, validation) shows as µs per
 * request even on a busy machine. Logs go to a discarding stream at LOG_LEVEL=log (the
 * access line is built and serialised, not written). Three paths:
 *  - GET /health/live: routing, guard, access line, metrics; no work (the plumbing floor);
 *  - POST /persons/:id/visits/pre-settlement: + body validation and one adjudication;
 *  - POST /persons/:id/visits, 50 in flight on distinct persons (synchronous=NORMAL: CPU,
 *    not fsync waits): the settle path with its append and read side.
 * Medians of 5 blocks (process.cpuUsage, user + system), and on Linux the main thread's
 * share of it (its run time in /proc/self/task/<pid>/schedstat, in ns): the main loop is what
 * bounds settlements, while the process figure also counts V8's GC and compiler threads, the
 * store's writer thread and the read side's worker.
 */
import type { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiKeyRing, issueKey, readKeyFile } from '../src/auth/api-keys';
import { createApp, initApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { benchInstitution } from './bench-fixtures';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Inject = (opts: {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
}) => Promise<{ statusCode: number; body: string }>;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const MAIN_THREAD_SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** The main thread's time on a CPU in µs, or undefined where /proc has no per-thread counters. */
function mainThreadMicros(): number | undefined {
  try {
    // First field: nanoseconds run on a CPU.
    const ns = Number(fs.readFileSync(MAIN_THREAD_SCHEDSTAT, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1000 : undefined;
  } catch {
    return undefined;
  }
}

interface CpuFigures {
  process: number;
  mainThread?: number;
}

/** Median CPU µs per request over 5 blocks of `perBlock` requests, `inFlight` at a time. */
async function cpuPerRequest(perBlock: number, inFlight: number, request: (i: number) => Promise<void>): Promise<CpuFigures> {
  let next = 0;
  const blocks: number[] = [];
  const mainBlocks: number[] = [];
  for (let b = 0; b < 5; b++) {
    const start = process.cpuUsage();
    const mainStart = mainThreadMicros();
    const end = next + perBlock;
    const lane = async (): Promise<void> => {
      while (next < end) await request(next++);
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    const used = process.cpuUsage(start);
    const mainEnd = mainThreadMicros();
    blocks.push((used.user + used.system) / perBlock);
    if (mainStart !== undefined && mainEnd !== undefined) mainBlocks.push((mainEnd - mainStart) / perBlock);
  }
  return { process: median(blocks), mainThread: mainBlocks.length ? median(mainBlocks) : undefined };
}

const visit = (i: number) => ({
  settlementId: `S${i}`,
  visitId: `V${i}`,
  institutionCode: 'NY-L2',
  occurredAt: '2023-03-01T09:00:00+08:00',
  settledAt: '2023-03-01T09:00:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount: '80.00', inCatalogue: true, category: 'consultation' }],
});

async function main(): Promise<void> {
  const requests = Number(arg('--requests') ?? 4000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-request-path-'));
  let app: INestApplication | undefined;
  try {
    const config = loadConfig({
      LEDGER_DB: path.join(dir, 'l.db'),
      LEDGER_API_KEYS_FILE: path.join(dir, 'k.json'),
      LOG_LEVEL: 'log',
      LEDGER_HTTP_ADAPTER: 'fastify',
      LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL',
    });
    const agency = issueKey(config.apiKeysFile, 'agency', new Date()).key;
    const institution = issueKey(config.apiKeysFile, 'institution', new Date(), 'NY-L2').key;
    app = await createApp(config, { keys: new ApiKeyRing(readKeyFile(config.apiKeysFile)) }, { logStream: { write: () => undefined } });
    await initApp(app);
    const inject = (app.getHttpAdapter().getInstance() as { inject: Inject }).inject.bind(app.getHttpAdapter().getInstance());
    const expect = async (status: number, opts: Parameters<Inject>[0]): Promise<void> => {
      const res = await inject(opts);
      if (res.statusCode !== status) throw new Error(`${opts.method} ${opts.url}: ${res.statusCode} ${res.body}`);
    };
    const asAgency = { 'x-api-key': agency, 'content-type': 'application/json' };
    const asInstitution = { 'x-api-key': institution, 'content-type': 'application/json' };
    await expect(201, {
      method: 'POST',
      url: '/institutions',
      headers: asAgency,
      payload: benchInstitution(),
    });
    const persons = 5 * Math.ceil(requests / 5) + 500;
    const enrol = (i: number) =>
      expect(201, {
        method: 'POST',
        url: '/persons',
        headers: asAgency,
        payload: {
          personId: `P${i}`,
          scheme: 'employee',
          category: 'in_service',
          region: 'nanyang',
          enrolledOn: '2023-01-01',
          contributionBase: '6000.00',
        },
      });
    await cpuPerRequest(Math.ceil(persons / 5), 50, enrol);
    const health = () => expect(200, { method: 'GET', url: '/health/live' });
    const pre = (i: number) =>
      expect(200, { method: 'POST', url: `/persons/P${i % 500}/visits/pre-settlement`, headers: asInstitution, payload: visit(i) });
    const settle = (i: number) =>
      expect(201, {
        method: 'POST',
        url: `/persons/P${i}/visits`,
        headers: { ...asInstitution, 'idempotency-key': `settle-key-${i}` },
        payload: visit(i),
      });
    // Warm-up (JIT) on each path, then the measured blocks.
    await cpuPerRequest(200, 10, health);
    await cpuPerRequest(100, 10, pre);
    const perBlock = Math.ceil(requests / 5);
    const rows: Array<[string, CpuFigures]> = [
      ['GET /health/live', await cpuPerRequest(perBlock, 10, health)],
      ['POST pre-settlement', await cpuPerRequest(perBlock, 10, pre)],
      ['POST visits (settle, 50 in flight)', await cpuPerRequest(Math.ceil(perBlock / 5), 50, (i) => settle(i))],
    ];
    process.stdout.write(`\nserver CPU per request (in process, fastify inject, medians of 5 blocks of ~${perBlock}):\n`);
    for (const [label, cpu] of rows) {
      const main = cpu.mainThread === undefined ? '' : `   main thread ${cpu.mainThread.toFixed(0).padStart(6)} µs`;
      process.stdout.write(`  ${label.padEnd(36)} ${cpu.process.toFixed(0).padStart(6)} µs${main}\n`);
    }
  } finally {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
