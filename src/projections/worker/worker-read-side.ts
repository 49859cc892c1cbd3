import { Worker } from 'node:worker_threads';
import type { EventStore, FileStatus } from '../../event-store/event-store.port';
import type { FaultedProjection, ReadSide, RebuildOutcome } from '../read-side';
import { ProjectionLag, ProjectionsFaulted, ProjectionStatus, RetryState, StageTimes } from '../read-side-runner';
import type { FromWorker, ReadSideSnapshot, ReadSideWorkerData, ToWorker } from './protocol';
import { workerEntry } from '../../kernel/worker-entry';

export interface WorkerReadSideOptions {
  /** Operator messages: the worker's log lines, deaths and restarts. */
  log?: (message: string) => void;
  /** Backoff of restarts after the worker thread died: first wait and ceiling (ms). */
  restartInitialMs?: number;
  restartMaxMs?: number;
  /** How long `stop` waits for the worker to finish its batch and close its connections before terminating it (ms). */
  stopTimeoutMs?: number;
}

/** A worker alive this long is healthy again: the next death restarts after the first wait. */
const HEALTHY_AFTER_MS = 60_000;

type Pending = { resolve: (m: FromWorker) => void; reject: (e: Error) => void };

const EMPTY: ReadSideSnapshot = { names: [], statuses: [], faults: [], checkpoint: 0, running: false };

/**
 * The read side as the main thread sees it when it runs in a worker thread (issue 10 item 2):
 * the HTTP event loop only tells the worker each new head (a number, no events) and answers
 * health, metrics and queries from the worker's last status report. Writes never wait on it.
 * A dead worker is reported (the read side stopped, with why) and restarted with backoff;
 * it resumes from the checkpoints its batches committed.
 */
export class WorkerReadSide implements ReadSide {
  readonly mode = 'worker';
  private worker: Worker | undefined;
  private snapshot: ReadSideSnapshot = EMPTY;
  /** Why the worker is not running (it died, or could not start); cleared when a new one is ready. */
  private failure: string | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelay: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lastStages: StageTimes = { readMs: 0, applyMs: {}, commitMs: 0, afterCommitMs: 0 };
  private readonly log: (message: string) => void;

  constructor(
    private readonly events: EventStore,
    private readonly data: ReadSideWorkerData,
    private readonly options: WorkerReadSideOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.restartDelay = options.restartInitialMs ?? 200;
  }

  /** Starts the worker and resolves once it has opened its stores and created the read models' tables (or failed to). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.events.onCommitted?.((committed) => {
      const last = committed[committed.length - 1];
      if (last) this.send({ kind: 'head', position: last.position });
    });
    await this.spawn();
  }

  private spawn(): Promise<void> {
    const { file, execArgv } = workerEntry(__filename, 'read-side.worker');
    const worker = new Worker(file, { workerData: this.data, execArgv });
    this.worker = worker;
    const bornAt = Date.now();
    return new Promise<void>((ready) => {
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') {
          this.failure = undefined;
          ready();
        }
        this.receive(m);
      });
      worker.on('error', (e) => {
        this.failure = `read-side worker failed: ${e.message}`;
      });
      worker.on('exit', (code) => {
        ready();
        this.exited(worker, code, Date.now() - bornAt);
      });
    });
  }

  private receive(m: FromWorker): void {
    if ('snapshot' in m) this.snapshot = m.snapshot;
    if (m.kind === 'log') this.log(m.message);
    if (m.kind === 'failed') this.failure = `read-side worker could not start: ${m.error}`;
    if (m.kind === 'settled' || m.kind === 'rebuilt') {
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      waiting?.resolve(m);
    }
  }

  private exited(worker: Worker, code: number, livedMs: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.snapshot = { ...this.snapshot, running: false };
    const why = this.failure ?? `read-side worker exited with code ${code}`;
    for (const [, waiting] of this.pending) waiting.reject(new Error(why));
    this.pending.clear();
    if (!this.started || this.stopping) return;
    this.failure = why;
    if (livedMs >= HEALTHY_AFTER_MS) this.restartDelay = this.options.restartInitialMs ?? 200;
    this.log(`${why}; restarting it in ${this.restartDelay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.started && !this.stopping) void this.spawn();
    }, this.restartDelay);
    this.restartDelay = Math.min(this.options.restartMaxMs ?? 10_000, this.restartDelay * 2);
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private request(m: Extract<ToWorker, { id: number }>): Promise<FromWorker> {
    if (!this.worker) return Promise.reject(new Error(this.failure ?? 'read side not started'));
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(m.id, { resolve, reject });
      this.send(m);
    });
  }

  /** Stops the worker after its current batch (it closes its own connections); terminates it if it does not stop in time. */
  stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.stopping ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate(), this.options.stopTimeoutMs ?? 10_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        this.stopping = undefined;
        resolve();
      });
      worker.postMessage({ kind: 'stop' } satisfies ToWorker);
    });
    return this.stopping;
  }

  /** Resolves once the worker has applied every event committed before the call (and appended the alerts they raised). */
  async settled(): Promise<void> {
    const reply = await this.request({ kind: 'settle', id: this.nextId++ });
    if ('error' in reply && reply.error !== undefined) throw new Error(reply.error);
  }

  async caughtUp(): Promise<void> {
    await this.settled();
    if (this.snapshot.faults.length) throw new ProjectionsFaulted(this.faultList());
  }

  async rebuild(names?: readonly string[]): Promise<RebuildOutcome> {
    const reply = await this.request({ kind: 'rebuild', id: this.nextId++, ...(names ? { names: [...names] } : {}) });
    if (reply.kind !== 'rebuilt' || !reply.outcome) throw new Error(('error' in reply && reply.error) || 'rebuild failed');
    this.lastStages = reply.outcome.stages;
    return reply.outcome;
  }

  get names(): string[] {
    return this.snapshot.names;
  }

  get running(): boolean {
    return this.worker !== undefined && this.failure === undefined && this.snapshot.running;
  }

  get lastError(): unknown {
    return this.failure ?? this.snapshot.error;
  }

  get retrying(): RetryState | undefined {
    return this.snapshot.retrying;
  }

  checkpoint(): number {
    return this.snapshot.checkpoint;
  }

  statuses(): ProjectionStatus[] {
    if (this.running) return this.snapshot.statuses;
    // Not running (dead, restarting): nothing is being applied.
    return this.snapshot.statuses.map((s) => (s.state === 'running' ? { ...s, state: 'catching_up' } : s));
  }

  faultList(): FaultedProjection[] {
    return this.snapshot.faults;
  }

  logFileStatus(): FileStatus | undefined {
    return this.snapshot.logFile;
  }

  stages(): StageTimes {
    return { ...this.lastStages, applyMs: { ...this.lastStages.applyMs } };
  }

  async lag(): Promise<ProjectionLag> {
    const headPosition = await this.events.headPosition();
    const checkpoint = this.snapshot.checkpoint;
    const error = this.lastError;
    return {
      headPosition,
      checkpoint,
      lag: Math.max(0, headPosition - checkpoint),
      running: this.running,
      ...(error !== undefined ? { error: String(error) } : {}),
    };
  }
}
