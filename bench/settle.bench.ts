/**
 * npm run bench:settle — durable settlements over HTTP (issue 10 item 6).
 *
 * Builds the service and starts the built dist/ as a child process on a fresh temp SQLite
 * store with synchronous=FULL, enrols BENCH_PERSONS persons, registers an institution, then
 * for 10, 50 and 100 connections drives `GET /health` (the baseline) and durable
 * `POST /persons/:id/visits` (distinct persons in flight, distinct settlement ids) with
 * autocannon. A child process rather than createApp in-process: in-process, autocannon and
 * the service would share one event loop, and the loop is exactly what saturates.
 *
 * Also measured in the same run: raw better-sqlite3 FULL inserts of ~1 KB rows, one row per
 * transaction and 100 rows per transaction (the ceilings a durable append can approach),
 * and commits (fsyncs) per settlement from the store's own counter (`stats()`, read over
 * IPC; read-model and monitoring transactions on the same file are not in it — run with
 * BENCH_STRACE=1 to count every fsync/fdatasync with strace instead).
 *
 * Environment: BENCH_SECONDS (per measurement, default 4), BENCH_PERSONS (default 3000),
 * BENCH_CONNECTIONS (default 10,50,100), BENCH_READ_SIDE=worker (default, as npm start:
 * projections and monitoring in a worker thread) | inline (on the HTTP event loop, to
 * compare) | off (stopped in the server: the write path alone), BENCH_SKIP_BUILD=1, BENCH_STRACE=1,
 * BENCH_CPU_PROF=<dir> (the server writes a V8 CPU profile of each settlement
 * measurement there, settle-c<connections>-<pair>.cpuprofile), BENCH_LOAD (default 0.5,0.8: after
 * the saturating runs, settlements offered at those fractions of the rate sustained at 50
 * connections, for latency below saturation), BENCH_SERVER_NODE_FLAGS (node flags for the
 * server only, e.g. --max-semi-space-size=64), BENCH_WARMUP (seconds of settlements at the
 * first measured concurrency before any row is measured, default 5; 0 for none), BENCH_PAIRS
 * (default 3: at each concurrency, that many `/health` windows each followed by a settlement
 * window, a row per pair, then min / median / max of the rates and ratios: on this shared VM
 * `/health`'s rate alone moved 5,500–9,300/s between runs, so a ratio from one health window
 * and one settlement window measured the machine's drift as much as the server; adjacent
 * windows share the drift, and the spread of 3 pairs shows what is left; the chain verifier's
 * pass, every 30 s, lands in one of them). The table's
 * CPU columns are the server's CPU time per settlement, the whole process (user + system) and
 * its main thread alone (the HTTP event loop, from /proc/self/task/<pid>/schedstat): robust to
 * a loaded machine. The GC columns are the main isolate's: its collection pauses per settlement
 * and its scavenges per 1,000 settlements (what a change to the bytes a settlement allocates,
 * or keeps alive while in flight, moves, when the CPU columns cannot resolve it).
 * The gen columns are the load generator's (this process's) CPU per request, settlements and
 * health requests: it shares the 2 cores with the server, so a ratio that moves while the
 * server's own columns stay can be the generator's doing. The last column, rs lag, is how many
 * events the read side was behind when the settlement window ended: work the window left for
 * after it, which its CPU columns do not hold (a change that starves the read side would show
 * as a rate bought with a growing lag; the next window starts only once the lag is 0).
 *
 * Why a warm-up: a running service serves settlements with its hot path already compiled. Run
 * cold, the first row also pays TurboFan compiling that path on V8's helper threads (the
 * optimiser was still compiling 40-130 functions a second through the first 4-second round)
 * and the deoptimisations of its first shapes: on the lead's runs the first row at 50
 * connections ran at 55-80 % of the rows after it. The warm-up row is printed, not counted.
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 3000);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,50,100').split(',').map(Number);
const READ_SIDE = process.env.BENCH_READ_SIDE || 'worker';
if (!['worker', 'inline', 'off'].includes(READ_SIDE)) throw new Error(`BENCH_READ_SIDE must be worker, inline or off, got ${READ_SIDE}`);
const READ_SIDE_OFF = READ_SIDE === 'off';
const STRACE = process.env.BENCH_STRACE === '1';
/** Offered loads, as fractions of the rate sustained at 50 connections ('' for none). */
/** Extra node flags for the server process only (e.g. --max-semi-space-size=32), to compare V8 settings. */
const SERVER_NODE_FLAGS = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const LOAD_FRACTIONS = (process.env.BENCH_LOAD ?? '0.5,0.8').split(',').filter(Boolean).map(Number);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 5);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
if (!Number.isInteger(PAIRS) || PAIRS < 1) throw new Error(`BENCH_PAIRS must be a whole number ≥ 1, got ${process.env.BENCH_PAIRS}`);
const INSTITUTION = 'NY-L2';

interface ServerStats {
  store?: { commits: number; appends: number; events: number; largestGroup: number };
  personCache?: { hitRatio: number; hits: number; misses: number; tailReads?: number };
  institutionCache?: { hitRatio: number; hits: number; misses: number };
  /** The server's process.cpuUsage() (user + system, µs): CPU per settlement despite a loaded machine (worker threads included). */
  cpuMicros?: number;
  /** The main thread's event loop, active and idle (ms, cumulative): how busy the loop that serves HTTP was. */
  loop?: { active: number; idle: number };
  /** The main thread's own CPU time (ns, cumulative; Linux only): the share of cpuMicros that bounds settlements. */
  mainThreadNs?: number;
  /** The main isolate's garbage collections (cumulative): scavenges, and the pauses of all kinds (ms). */
  gc?: { minor: number; pauseMs: number };
}

// ---------------------------------------------------------------- server (child process)

/** Runs in the child: the built service, plus an IPC channel answering with its counters. */
async function serve(): Promise<void> {
  // The built service is loaded at run time from dist/ (a path, not a module the type checker knows).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (module: string) => require(path.join(DIST, module));
  const { createApp } = load('bootstrap');
  const { loadConfig } = load('config/config');
  const { EVENT_STORE } = load('event-store/event-store.port');
  const { PersonStreamWriter } = load('modules/person-writer.service');
  const { InstitutionRegistry } = load('institutions/institution-registry.service');
  const app = await createApp(loadConfig(process.env));
  await app.init();
  if (READ_SIDE_OFF) await stopReadSide(app, load);
  await app.listen(0, '127.0.0.1');
  const optional = <T>(get: () => T): T | undefined => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  const profiler = cpuProfiler();
  const gc = gcCounter();
  process.on('message', (message: { type: string; name?: string }) => {
    // Asked over IPC, not by signal: under strace a signal would reach strace, not us.
    if (message.type === 'stop') void app.close().then(() => process.exit(0));
    if (message.type === 'profile-start') profiler.start();
    if (message.type === 'profile-stop') void profiler.stop(message.name!).then(() => process.send!({ type: 'profiled' }));
    if (message.type !== 'stats') return;
    const stats: ServerStats = {
      store: optional(() => app.get(EVENT_STORE).stats()),
      personCache: optional(() => app.get(PersonStreamWriter, { strict: false }).cacheStats()),
      institutionCache: optional(() => app.get(InstitutionRegistry, { strict: false }).cacheStats()),
      cpuMicros: cpuMicros(),
      loop: performance.eventLoopUtilization(),
      mainThreadNs: optional(mainThreadNs),
      gc: { ...gc },
    };
    process.send!({ type: 'stats', stats });
  });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send!({ type: 'ready', url: (await app.getUrl()).replace('[::1]', '127.0.0.1') });
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * The main isolate's garbage collections, counted as they end (perf_hooks 'gc' entries: this
 * thread's isolate only, not the workers'). Scavenges per settlement follow the bytes a
 * settlement allocates, and their pauses the bytes still alive when one runs (a settlement in
 * flight): figures that a loaded machine's noise does not hide as it hides a few per cent of CPU.
 */
function gcCounter(): { minor: number; pauseMs: number } {
  const counts = { minor: 0, pauseMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      counts.pauseMs += entry.duration;
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
    }
  }).observe({ entryTypes: ['gc'] });
  return counts;
}

/** The main thread's time on CPU (ns): the first field of its schedstat (the main thread's tid is the pid). */
function mainThreadNs(): number {
  return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
}

/**
 * V8 CPU profile of the settlement phase only (BENCH_CPU_PROF=<dir>): a whole-life profile
 * would mix in start-up, enrollment and the /health baseline.
 */
function cpuProfiler(): { start(): void; stop(name: string): Promise<void> } {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return { start: () => undefined, stop: async () => undefined };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in the profiling child
  const { Session } = require('node:inspector') as typeof import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  return {
    start: () => void post('Profiler.enable').then(() => post('Profiler.start')),
    stop: async (name) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

/** Best effort: the read side's runners, by their tokens where this build has them. */
async function stopReadSide(
  app: { get(token: unknown, o?: unknown): { stop(): Promise<void> } },
  load: (m: string) => Record<string, unknown>,
) {
  for (const [module, token] of [
    ['projections/tokens', 'PROJECTION_RUNNER'],
    ['monitoring/monitoring.tokens', 'MONITORING_RUNNER'],
  ]) {
    try {
      await app.get(load(module)[token], { strict: false }).stop();
      console.error(`bench server: ${token} stopped`);
    } catch (error) {
      console.error(`bench server: could not stop ${token}: ${(error as Error).message}`);
    }
  }
}

// ---------------------------------------------------------------- load generator (parent)

/**
 * This file transpiled to plain JavaScript for the server child, which then runs on bare
 * node as `npm start` does: under `ts-node/register` the child would load node:domain (ts-node
 * requires the REPL, which requires it), and with it every EventEmitter#emit goes through
 * domain's wrapper (~9 % of the server's samples under load were inside it).
 */
function serverScript(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiler, loaded only in the parent
  const ts = require('typescript') as typeof import('typescript');
  const { outputText } = ts.transpileModule(fs.readFileSync(__filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const file = path.join(ROOT, '.bench', 'settle.server.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, outputText);
  return file;
}

class Server {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly straceFile?: string,
  ) {}

  static async start(env: NodeJS.ProcessEnv, straceFile?: string): Promise<Server> {
    const node = [process.execPath, ...SERVER_NODE_FLAGS, serverScript(), '--serve'];
    const [command, ...args] = straceFile ? ['strace', '-f', '-c', '-e', 'trace=fsync,fdatasync', '-o', straceFile, ...node] : node;
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      child.on('message', (m: { type: string; url?: string }) => m.type === 'ready' && resolve(m.url!));
    });
    return new Server(child, url, straceFile);
  }

  /** Starts (or stops and writes) the server's CPU profile; a no-op without BENCH_CPU_PROF. */
  profile(action: 'start' | 'stop', name = ''): Promise<void> {
    if (!process.env.BENCH_CPU_PROF) return Promise.resolve();
    if (action === 'start') {
      this.child.send({ type: 'profile-start' });
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== 'profiled') return;
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'profile-stop', name });
    });
  }

  stats(): Promise<ServerStats> {
    return new Promise((resolve) => {
      const onMessage = (m: { type: string; stats?: ServerStats }) => {
        if (m.type !== 'stats') return;
        this.child.off('message', onMessage);
        resolve(m.stats!);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'stats' });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function enrol(base: string, headers: Record<string, string>): Promise<void> {
  const post = async (p: string, body: unknown) => {
    const res = await fetch(base + p, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
  };
  await post('/institutions', {
    code: INSTITUTION,
    name: 'bench',
    category: 'other_specialty',
    level: 'level2',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  });
  await inParallel(PERSONS, 32, (i) =>
    post('/persons', {
      personId: `B${i}`,
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '6000.00',
    }),
  );
}

/** The i-th settlement of a round: person and ids from a run-wide counter, so persons in flight differ. */
function visitOf(round: string, i: number): { path: string; body: string; idempotencyKey: string } {
  // Person i % PERSONS, on a day 13 days after its visit before (i % 300 gave each person the
  // same day every time: 8 visits in 7 days raised person alerts from the read side).
  const day = new Date(Date.UTC(2023, 1, 1) + (((i % PERSONS) + 13 * Math.floor(i / PERSONS)) % 300) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const body = {
    settlementId: `S-${round}-${i}`,
    visitId: `V-${round}-${i}`,
    institutionCode: INSTITUTION,
    occurredAt: `${day}T09:00:00+08:00`,
    medType: 'ordinary',
    lines: [{ code: 'A01', amount: '200.00', inCatalogue: true }],
  };
  return { path: `/persons/B${i % PERSONS}/visits`, body: JSON.stringify(body), idempotencyKey: `bench-${round}-${i}` };
}

function visitRequest(round: string, counter: { n: number }): autocannon.Request {
  return {
    method: 'POST',
    setupRequest: (request) => {
      const visit = visitOf(round, counter.n++);
      return { ...request, path: visit.path, body: visit.body, headers: { ...request.headers, 'idempotency-key': visit.idempotencyKey } };
    },
  };
}

async function cannon(options: autocannon.Options): Promise<autocannon.Result & { generatorMicros: number }> {
  const before = process.cpuUsage();
  const result = await autocannon({ duration: SECONDS, ...options });
  return { ...result, generatorMicros: cpuMicrosSince(before) / Math.max(1, result.requests.total) };
}

/** CPU (user + system) of this process since `before`, µs. */
function cpuMicrosSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** What one load run reports, whatever drove it. */
interface LoadResult {
  /** Requests answered. */
  completed: number;
  rate: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU of this process (the load generator) per answered request, µs: it shares the 2 cores with the server. */
  generatorMicros: number;
}

interface SettleRow {
  rate: number;
  /** Events the read side was behind when the window ended: work the window left for after it (not in its CPU columns). */
  lagAtEnd: number;
  /** settle/s, p50, p99, non-2xx, errors | commits/settle, group, cpu µs/settle, main thread µs/settle, main loop busy %, GC, the load generator's CPU per settlement */
  cells: (string | number)[];
}

/** One load run of settlements with the server's counters (commits, appends, CPU) read around it. */
async function measureSettle(server: Server, round: string, drive: () => Promise<LoadResult>): Promise<SettleRow> {
  await readSideCaughtUp(server.url);
  const before = await server.stats();
  await server.profile('start');
  const load = await drive();
  await server.profile('stop', `settle-${round}`);
  const after = await server.stats();
  const lagAtEnd = await readSideLag(server.url);
  const settled = Math.max(1, load.completed - load.non2xx);
  const delta = (f: (s: NonNullable<ServerStats['store']>) => number) =>
    after.store && before.store ? f(after.store) - f(before.store) : NaN;
  const cpu = after.cpuMicros !== undefined && before.cpuMicros !== undefined ? (after.cpuMicros - before.cpuMicros) / settled : NaN;
  const mainCpu =
    after.mainThreadNs !== undefined && before.mainThreadNs !== undefined
      ? (after.mainThreadNs - before.mainThreadNs) / 1000 / settled
      : NaN;
  const commits = delta((s) => s.commits);
  const gc = after.gc && before.gc ? { minor: after.gc.minor - before.gc.minor, pauseMs: after.gc.pauseMs - before.gc.pauseMs } : undefined;
  const loopBusy =
    after.loop && before.loop
      ? (100 * (after.loop.active - before.loop.active)) / (after.loop.active + after.loop.idle - before.loop.active - before.loop.idle)
      : NaN;
  return {
    rate: load.rate,
    lagAtEnd,
    cells: [
      load.rate.toFixed(0),
      load.p50.toFixed(0),
      load.p99.toFixed(0),
      load.non2xx,
      load.errors,
      (commits / settled).toFixed(3),
      (delta((s) => s.appends) / Math.max(1, commits)).toFixed(1),
      cpu.toFixed(0),
      mainCpu.toFixed(0),
      loopBusy.toFixed(0),
      gc ? ((1000 * gc.pauseMs) / settled).toFixed(0) : 'n/a',
      gc ? ((1000 * gc.minor) / settled).toFixed(1) : 'n/a',
      load.generatorMicros.toFixed(0),
    ],
  };
}

/**
 * Waits (up to a minute) until `/health` reports the read models at the head: a run starts
 * with no read-side backlog from the run before it, whose CPU would be billed to this one.
 * Stops the bench on a faulted projection.
 */
async function readSideCaughtUp(url: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if ((await readSideLag(url)) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The read side's lag behind the log head (events), from `/health`; stops the bench on a faulted projection. */
async function readSideLag(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/health`)).json()) as { projections?: { lag?: number }; faulted?: unknown[] };
  // A faulted projection never catches up: the figures would be of a server doing less work.
  if (health.faulted?.length) throw new Error(`the server's read side faulted: ${JSON.stringify(health.faulted)}`);
  return health.projections?.lag ?? 0;
}

/** As many settlements as `connections` closed-loop clients can push (autocannon): saturation. */
async function saturating(
  server: Server,
  connections: number,
  headers: Record<string, string>,
  counter: { n: number },
  seconds = SECONDS,
): Promise<LoadResult> {
  const settle = await cannon({
    url: server.url,
    connections,
    headers,
    duration: seconds,
    requests: [visitRequest(`c${connections}`, counter)],
  });
  return {
    completed: settle.requests.total,
    rate: settle.requests.average,
    p50: settle.latency.p50,
    p99: settle.latency.p99,
    non2xx: settle.non2xx,
    errors: settle.errors + settle.timeouts,
    generatorMicros: settle.generatorMicros,
  };
}

/**
 * Open-loop load: settlement i is due at start + i / rate, whatever the answers before it,
 * over at most `connections` keep-alive sockets; its latency counts from when it was due
 * (a request queued behind busy sockets is late, not excused: no coordinated omission).
 * autocannon's own rate limit sends each second's quota in a burst, which measures bursts.
 */
async function paced(
  server: Server,
  run: { rate: number; connections: number; headers: Record<string, string>; counter: { n: number }; round: string },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: run.connections });
  const latencies: number[] = [];
  const outcome = { non2xx: 0, errors: 0 };
  const total = Math.round(run.rate * SECONDS);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / run.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const visit = visitOf(run.round, run.counter.n++);
    const sent = post(agent, server.url + visit.path, visit.body, { ...run.headers, 'idempotency-key': visit.idempotencyKey });
    inFlight.push(
      sent.then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status < 200 || status > 299) outcome.non2xx++;
        },
        () => void outcome.errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const generatorMicros = cpuMicrosSince(cpuBefore) / Math.max(1, latencies.length);
  return { completed: latencies.length, rate: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), ...outcome, generatorMicros };
}

function post(agent: http.Agent, url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Settlements at the first measured concurrency for BENCH_WARMUP seconds before anything is
 * measured (see the header: the rows measure a service whose hot path is compiled). Its row
 * is printed, marked, and not counted; it adds visits to the same persons, as the rows after
 * it do to one another.
 */
async function warmUp(server: Server, headers: Record<string, string>, counter: { n: number }): Promise<void> {
  if (WARMUP_SECONDS <= 0) return;
  const connections = CONNECTIONS[0];
  const row = await measureSettle(server, 'warm-up', () => saturating(server, connections, headers, counter, WARMUP_SECONDS));
  printRow([`${connections} warm`, ...row.cells.slice(0, 5), '', '', '', ...row.cells.slice(5), '', row.lagAtEnd]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function spread(values: readonly number[], digits: number): string {
  return [Math.min(...values), median(values), Math.max(...values)].map((v) => v.toFixed(digits)).join(' / ');
}

function printRow(values: (string | number)[]): void {
  console.log(values.map((v) => String(v).padStart(9)).join(' '));
}

/**
 * Latency below saturation: the same settlements offered at fixed rates (fractions of what
 * 50 connections sustained above), paced evenly as an ordinary day's traffic arrives.
 */
async function offeredLoad(
  server: Server,
  run: { headers: Record<string, string>; counter: { n: number }; saturated: Map<number, number> },
): Promise<void> {
  const connections = run.saturated.has(50) ? 50 : [...run.saturated.keys()].pop();
  if (connections === undefined || LOAD_FRACTIONS.length === 0) return;
  const sustained = run.saturated.get(connections)!;
  console.log(
    `offered load, paced (open loop), at most ${connections} connections; fraction of the ${sustained.toFixed(0)}/s sustained above:`,
  );
  printRow([
    'offered',
    'fraction',
    'settle/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'commits/settle',
    'group',
    'cpu µs/settle',
    'main µs/settle',
    'loop %',
    'gc µs/settle',
    'scav/1k',
    'gen µs/settle',
    'rs lag',
  ]);
  for (const fraction of LOAD_FRACTIONS) {
    const rate = Math.max(1, Math.round(sustained * fraction));
    const round = `r${fraction}`;
    const row = await measureSettle(server, round, () =>
      paced(server, { rate, connections, headers: run.headers, counter: run.counter, round }),
    );
    printRow([rate, fraction, ...row.cells, row.lagAtEnd]);
  }
}

// ---------------------------------------------------------------- raw SQLite baselines

/** ~1 KB rows into a FULL WAL file, `perTransaction` rows per commit, for `seconds`: rows/s. */
function rawInsertRate(dir: string, perTransaction: number, seconds: number): number {
  const db = new Database(path.join(dir, `raw-${perTransaction}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (data) VALUES (?)');
  const row = JSON.stringify({ blob: 'x'.repeat(990) });
  const commit = db.transaction(() => {
    for (let i = 0; i < perTransaction; i++) insert.run(row);
  });
  const start = performance.now();
  let rows = 0;
  while (performance.now() - start < seconds * 1000) {
    commit.immediate();
    rows += perTransaction;
  }
  const rate = rows / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

// ---------------------------------------------------------------- main

function straceFsyncs(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return lines.filter((l) => /\s(fsync|fdatasync)$/.test(l.trim())).reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[3]), 0);
}

async function main(): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD !== '1') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-settle-'));
  const rawSeconds = Math.min(SECONDS, 3);
  const raw1 = rawInsertRate(dir, 1, rawSeconds);
  const raw100 = rawInsertRate(dir, 100, rawSeconds);

  // The API key is issued into the server's key file before it starts (plain TS import: parent only).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in the parent
  const { issueKey } = require('../src/auth/api-keys') as typeof import('../src/auth/api-keys');
  const keysFile = path.join(dir, 'keys.json');
  const key = issueKey(keysFile, 'agency', new Date()).key;
  const server = await Server.start(
    {
      LEDGER_DB: path.join(dir, 'ledger.db'),
      LEDGER_API_KEYS_FILE: keysFile,
      LEDGER_SQLITE_SYNCHRONOUS: 'FULL',
      LOG_LEVEL: 'error',
      LEDGER_READ_SIDE: READ_SIDE === 'inline' ? 'inline' : 'worker',
    },
    STRACE ? path.join(dir, 'strace.txt') : undefined,
  );
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const counter = { n: 0 };
  try {
    const enrolStart = performance.now();
    await enrol(server.url, headers);
    const enrolSeconds = (performance.now() - enrolStart) / 1000;
    console.log(
      `bench:settle — ${PERSONS} persons enrolled in ${enrolSeconds.toFixed(1)} s; ${WARMUP_SECONDS} s of warm-up, then ${SECONDS} s per measurement; read side ${READ_SIDE_OFF ? 'STOPPED (write path alone)' : `running (${READ_SIDE})`}; synchronous=FULL`,
    );
    console.log(`raw better-sqlite3, ~1 KB rows, FULL: 1 row/tx ${raw1.toFixed(0)} rows/s · 100 rows/tx ${raw100.toFixed(0)} rows/s`);
    console.log(
      [
        'conns',
        'settle/s',
        'p50 ms',
        'p99 ms',
        'non-2xx',
        'errors',
        'health/s',
        'ratio',
        '÷raw1',
        'commits/settle',
        'group',
        'cpu µs/settle',
        'main µs/settle',
        'loop %',
        'gc µs/settle',
        'scav/1k',
        'gen µs/settle',
        'gen µs/health',
        'rs lag',
      ]
        .map((h) => h.padStart(9))
        .join(' '),
    );
    await warmUp(server, headers, counter);
    const saturated = new Map<number, number>();
    const spreads: string[] = [];
    for (const connections of CONNECTIONS) {
      const rates: number[] = [];
      const ratios: number[] = [];
      for (let pair = 1; pair <= PAIRS; pair++) {
        const health = await cannon({ url: `${server.url}/health`, connections });
        const round = PAIRS > 1 ? `c${connections}-${pair}` : `c${connections}`;
        const row = await measureSettle(server, round, () => saturating(server, connections, headers, counter));
        rates.push(row.rate);
        ratios.push(row.rate / health.requests.average);
        printRow([
          PAIRS > 1 ? `${connections} #${pair}` : connections,
          ...row.cells.slice(0, 5),
          health.requests.average.toFixed(0),
          (row.rate / health.requests.average).toFixed(3),
          (row.rate / raw1).toFixed(2),
          ...row.cells.slice(5),
          health.generatorMicros.toFixed(0),
          row.lagAtEnd,
        ]);
      }
      saturated.set(connections, median(rates));
      spreads.push(
        `${connections} connections, ${PAIRS} pairs (min / median / max): settle/s ${spread(rates, 0)}; ratio ${spread(ratios, 3)}`,
      );
    }
    if (PAIRS > 1) for (const line of spreads) console.log(line);
    await offeredLoad(server, { headers, counter, saturated });
    const stats = await server.stats();
    const ratio = (c?: { hitRatio: number; hits: number; misses: number }) =>
      c ? `${(c.hitRatio * 100).toFixed(1)} % (${c.hits} hits, ${c.misses} misses)` : 'n/a';
    console.log(
      `person cache hit ratio ${ratio(stats.personCache)}, tail reads of cached persons ${stats.personCache?.tailReads ?? 'n/a'} (${((stats.personCache?.tailReads ?? NaN) / Math.max(1, counter.n)).toFixed(3)} per settlement); institution cache ${ratio(stats.institutionCache)}; largest group ${stats.store?.largestGroup ?? 'n/a'} appends`,
    );
    console.log(
      'ratio = settle/s ÷ health/s (same server, same concurrency); ÷raw1 = settle/s ÷ raw 1-row FULL transactions/s; group = appends per commit; cpu = whole process (worker threads and V8 helper threads included); main = the main thread alone; loop % = main event loop busy; gc = GC pauses of the main isolate per settlement; scav/1k = its scavenges per 1,000 settlements; gen = CPU of this process, the load generator, per settlement and per health request (it runs on the same 2 cores as the server: a settlement request, built per request with its own body and answered with ~3.5 KB, costs it more than a health request); rs lag = events the read side was behind when the settlement window ended (its work left for after the window, outside the CPU columns: the next window starts only once it is done); "warm" = the warm-up row, not a measurement',
    );
  } finally {
    await server.stop();
    if (server.straceFile) {
      const writes = PERSONS + 1 + counter.n;
      const fsyncs = straceFsyncs(server.straceFile);
      console.log(
        `strace: ${fsyncs} fsync+fdatasync calls over the server's life = ${(fsyncs / writes).toFixed(2)} per write (${writes} writes: enrollments, institution, settlements)`,
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
