import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port';
import {
  errorMessage,
  isDamagedFile,
  isTransient,
  LOG_FILE_ADVICE,
  LOG_FILE_HOLDS,
  READ_MODELS_FILE_ADVICE,
  READ_MODELS_FILE_HOLDS,
  StoredEventUnreadable,
} from '../event-store/errors';
import { readAllUpToUnreadable } from '../event-store/read-up-to-unreadable';
import { upcast } from '../event-store/upcasting';
import { yieldToEventLoop } from '../kernel/event-loop';
import type { Projection } from './projection';
import type { ReadSide, RebuildOutcome } from './read-side';
import type { LogMark, ReadModelStore } from './read-model-store';

export interface ProjectionLag {
  headPosition: number;
  /** The lowest checkpoint of the projections: every event up to it is in every read model. */
  checkpoint: number;
  lag: number;
  running: boolean;
  /** Why the runner stopped, if it failed outside any one projection. */
  error?: string;
}

/** Where a projection stopped: the event it could not apply, never skipped. */
export interface ProjectionFault {
  position: number;
  eventType: string;
  streamId: string;
  error: string;
}

export type ProjectionState = 'running' | 'catching_up' | 'faulted';

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  checkpoint: number;
  fault?: ProjectionFault;
}

/** A transient failure being retried (disk full, database busy): the runner resumes by itself. */
export interface RetryState {
  attempt: number;
  error: string;
  since: string;
}

export interface RunnerOptions {
  /** Events per catch-up page and most events per transaction (bounds memory and lock time). */
  pageSize?: number;
  /** Backoff of transient errors: first wait and ceiling (ms). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How often to look for appends made by another process (ms); 0 disables. */
  pollIntervalMs?: number;
  /** Called with what the runner wants an operator to see (faults, retries). */
  log?: (message: string) => void;
  /** Called after each committed batch and each change of state (a worker thread reports it to the main thread). */
  onChange?: () => void;
  /**
   * No projection of this runner reads a VisitSettled's `decision.trace`: pages are read
   * without it where the store can (ReadAllOptions.withoutDecisionTraces; a rebuild's read
   * and parse is ~10 % cheaper). Events handed over in memory still come whole.
   */
  withoutDecisionTraces?: boolean;
}

/**
 * CPU time (ms, user + system) by stage: what a rebuild spends reading and parsing the log,
 * in each projection, in commits and after-commit steps (issue 10 item 5: where the time goes).
 */
export interface StageTimes {
  /** readAll: SQLite read and JSON.parse of each event (or the EventStoreDB read). */
  readMs: number;
  /** Each projection's part of the batches (its apply and flush, in its savepoint). */
  applyMs: Record<string, number>;
  /** The rest of each batch transaction: upcasting, checkpoints, BEGIN/COMMIT. */
  commitMs: number;
  /** After-commit steps (the monitoring outbox: alerts appended to the log). */
  afterCommitMs: number;
}

const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/** Runs after each committed batch (e.g. the monitoring outbox drain); may append events. */
export type AfterCommit = () => Promise<void>;

/** Handed-over events held at most (~5 KB each) before the runner reads the store instead: a few seconds of heavy load. */
const MAX_QUEUED = 4_000;

/** Attempts of a one-off catch-up (rebuild, tools) before a transient error is reported: ~25 s of backoff. */
const ONE_OFF_ATTEMPTS = 10;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/** An event brought to its current shape, or why that failed (a fault of every projection that needs it). */
type Prepared = { event: RecordedEvent; error?: undefined } | { event: RecordedEvent; error: unknown };

/**
 * The one read-side runner: every projection (and the monitor) fed from the log.
 *
 * - One transaction per batch: each projection's slice of the batch runs inside a savepoint
 *   together with its checkpoint, so a crash neither loses nor double-applies an event, and
 *   a projection that throws rolls back only its own part.
 * - A projection that throws on an event is faulted at that event: its checkpoint stays just
 *   before it (it is retried on restart, never skipped) while the others go on.
 * - Transient errors (busy, disk full, I/O) roll back the batch and retry it with backoff.
 * - Fed in memory: events this process commits are handed over by `store.onCommitted`
 *   (no read-back, no re-parse). When they do not continue the checkpoint (restart,
 *   another process, a store without the hook) the runner reads pages with `readAll`.
 */
export class ReadSideRunner implements ReadSide {
  readonly mode = 'inline';
  private readonly projections: Projection[] = [];
  private readonly afterCommits: AfterCommit[] = [];
  private readonly faults = new Map<string, ProjectionFault>();
  private readonly pageSize: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly pollIntervalMs: number;
  private readonly log: (message: string) => void;
  private readonly changed: () => void;
  private readonly withoutDecisionTraces: boolean;

  private queue: RecordedEvent[] = [];
  private started = false;
  private stopping = false;
  private unsubscribe: (() => void) | undefined;
  private subscription: Subscription | undefined;
  private poller: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private failure: unknown;
  private retry: RetryState | undefined;
  private catchingUp = true;
  private times: StageTimes = { readMs: 0, applyMs: {}, commitMs: 0, afterCommitMs: 0 };
  /** Stage times are taken during a rebuild only: a reading costs ~4 µs, dear beside a live batch of a few events. */
  private timing = false;
  /**
   * Committed checkpoints of the projections, read once and set after each commit; forgotten
   * on any failure and when another writer moved them (read again from the store).
   */
  private readonly positions = new Map<string, number>();
  /** The read models file's data_version when this runner last compared its checkpoints with it (checkpointsMovedElsewhere). */
  private fileVersion: number | undefined;
  /** The last applyBatch applied nothing: the checkpoints had moved elsewhere (read the log again from them). */
  private droppedBatch = false;
  private sharingLogged = false;
  /** The read models were found built from this log (or rebuilt from nothing) since this runner began. */
  private logChecked = false;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadModelStore,
    projections: readonly Projection[] = [],
    options: RunnerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.retryInitialMs = options.retryInitialMs ?? 50;
    this.retryMaxMs = options.retryMaxMs ?? 5000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.log = options.log ?? (() => undefined);
    this.changed = options.onChange ?? (() => undefined);
    this.withoutDecisionTraces = options.withoutDecisionTraces ?? false;
    for (const p of projections) this.register(p);
  }

  /** Adds a projection (before `start`); its tables are created if missing. */
  register(projection: Projection, afterCommit?: AfterCommit): void {
    this.projections.push(projection);
    this.store.exec(projection.schema);
    // A schema may move a checkpoint (monitoring's moved from mon_checkpoint).
    this.positions.delete(projection.name);
    if (afterCommit) this.afterCommits.push(afterCommit);
  }

  get names(): string[] {
    return this.projections.map((p) => p.name);
  }

  /** The lowest checkpoint across the projections (faulted ones included). */
  checkpoint(): number {
    if (this.projections.length === 0) return 0;
    return Math.min(...this.projections.map((p) => this.positionOf(p.name)));
  }

  private positionOf(name: string): number {
    let position = this.positions.get(name);
    if (position === undefined) this.positions.set(name, (position = this.store.checkpoint(name)));
    return position;
  }

  private cpu(): number {
    return this.timing ? cpuMs() : 0;
  }

  /** Where reading resumes: the lowest checkpoint of the projections still running; undefined when all are faulted. */
  private cursor(): number | undefined {
    const live = this.projections.filter((p) => !this.faults.has(p.name));
    return live.length ? Math.min(...live.map((p) => this.positionOf(p.name))) : undefined;
  }

  /**
   * Applies events in ONE transaction: each projection's slice and its checkpoint inside a
   * savepoint. Returns the projections faulted by this batch. Throws (and rolls back all)
   * only on a transient error.
   */
  applyBatch(batch: readonly RecordedEvent[]): Array<ProjectionFault & { projection: string }> {
    if (batch.length === 0) return [];
    const batchStart = this.cpu();
    let inSlices = 0;
    const prepared = batch.map(prepare);
    const faulted: Array<ProjectionFault & { projection: string }> = [];
    const moved = new Map<string, number>();
    const last = batch[batch.length - 1].position;
    let dropped = false;
    try {
      this.store.transaction(() => {
        if (this.checkpointsMovedElsewhere()) return (dropped = true);
        for (const p of this.projections) {
          if (this.faults.has(p.name)) continue;
          const sliceStart = this.cpu();
          const from = this.positionOf(p.name);
          const fault = this.applySlice(p, prepared, from);
          const spent = this.cpu() - sliceStart;
          this.times.applyMs[p.name] = (this.times.applyMs[p.name] ?? 0) + spent;
          inSlices += spent;
          if (fault) faulted.push({ projection: p.name, ...fault });
          else moved.set(p.name, Math.max(from, last));
        }
        const { id: eventId, streamId, revision } = batch[batch.length - 1];
        this.store.setLogMark({ position: last, eventId, streamId, revision });
      });
    } catch (error) {
      this.positions.clear();
      // The whole batch rolled back: state a projection kept past its flush is not in the store.
      for (const p of this.projections) p.discard?.();
      throw isDamagedFile(error) ? readModelsFileDamaged(error) : error;
    }
    this.droppedBatch = dropped;
    if (dropped) {
      this.positions.clear();
      // What a projection keeps in memory between batches was read from the file before the other writer moved it.
      for (const p of this.projections) p.discard?.();
      if (!this.sharingLogged)
        this.log('read side: another read side writes this read models file too; each batch resumes from its checkpoints');
      this.sharingLogged = true;
      this.changed();
      return [];
    }
    for (const [name, position] of moved) this.positions.set(name, position);
    for (const f of faulted) this.positions.delete(f.projection);
    this.times.commitMs += this.cpu() - batchStart - inSlices;
    for (const f of faulted)
      this.log(`projection ${f.projection} faulted at position ${f.position} (${f.eventType} on ${f.streamId}): ${f.error}`);
    this.changed();
    return faulted;
  }

  /**
   * Whether another writer moved the checkpoints this runner remembers: a read side in another
   * process on the same read models' file (two services on one ledger share LEDGER_READ_DB by
   * default) or a rebuild elsewhere. Applying a batch from the remembered positions would apply
   * events twice (accounts, institution months and monitoring add up). Asked inside the batch's
   * write transaction, so nobody can move them again before the commit; the positions are then
   * forgotten (read again from the file) and the batch is dropped, to be read again from there.
   * SQLite's data_version changes only when another connection committed to the file, so a live
   * batch reads no checkpoint unless someone else wrote.
   */
  private checkpointsMovedElsewhere(): boolean {
    const version = (this.store.stmt('PRAGMA data_version').get() as { data_version: number }).data_version;
    if (version === this.fileVersion) return false;
    this.fileVersion = version;
    for (const [name, remembered] of this.positions) if (this.store.checkpoint(name) !== remembered) return true;
    return false;
  }

  /**
   * One projection's part of the batch, in a savepoint; on a deterministic error, keeps what
   * came before the failing event and faults there. Deferred writes are flushed once at the
   * end of the slice; when that flush fails, the slice is applied again flushing after each
   * event, so the fault still names the event that caused it.
   */
  private applySlice(p: Projection, prepared: readonly Prepared[], from: number, flushEach = false): ProjectionFault | undefined {
    let failing: Prepared | undefined;
    let failure: unknown;
    let last = from;
    try {
      this.store.savepoint(() => {
        for (const item of prepared) {
          if (item.event.position <= last) continue;
          failing = item;
          if (item.error !== undefined) throw item.error;
          p.apply(item.event, this.store);
          if (flushEach) p.flush?.(this.store);
          last = item.event.position;
        }
        failing = undefined;
        if (!flushEach) p.flush?.(this.store);
        if (last > from) this.store.setCheckpoint(p.name, last);
      });
      return undefined;
    } catch (error) {
      p.discard?.();
      if (isTransient(error)) throw error;
      if (!failing) {
        if (flushEach || !p.flush) throw error;
        return this.applySlice(p, prepared, from, true);
      }
      failure = error;
    }
    const at = failing.event;
    // The events before the failing one applied cleanly a moment ago: apply them again alone.
    const before = prepared.filter((x) => x.event.position < at.position);
    const earlier = before.length ? this.applySlice(p, before, from, flushEach) : undefined;
    if (earlier) return earlier;
    // Only the read models' file is written here: its damage is no fault of the event, and the fault says what mends it.
    const error = errorMessage(isDamagedFile(failure) ? readModelsFileDamaged(failure) : failure);
    const fault = { position: at.position, eventType: at.type, streamId: at.streamId, error };
    this.faults.set(p.name, fault);
    return fault;
  }

  /** Reads the log after the cursor page by page until the head; returns the events read. */
  async catchUp(): Promise<number> {
    await this.ensureBuiltFromThisLog();
    let read = 0;
    for (;;) {
      const cursor = this.cursor();
      if (cursor === undefined) return read;
      const readStart = this.cpu();
      const page = await this.withRetry(() => this.readPage(cursor));
      this.times.readMs += this.cpu() - readStart;
      if (page.length === 0) return read;
      await this.withRetry(() => this.applyBatch(page));
      if (!this.droppedBatch) read += page.length;
      const afterStart = this.cpu();
      await this.runAfterCommits(true);
      this.times.afterCommitMs += this.cpu() - afterStart;
    }
  }

  /**
   * The next page of the log. A stored event that cannot be parsed ends the page as a
   * stand-in that faults every projection at its position (none can tell what it would have
   * done with it), after the events before it are applied.
   */
  private async readPage(cursor: number): Promise<RecordedEvent[]> {
    const options = { afterPosition: cursor, maxCount: this.pageSize, withoutDecisionTraces: this.withoutDecisionTraces };
    let page: Awaited<ReturnType<typeof readAllUpToUnreadable>>;
    try {
      page = await readAllUpToUnreadable(this.events, options);
    } catch (error) {
      // Only the log is read here: moving the read models' file aside would not mend this.
      throw isDamagedFile(error) ? logFileDamaged(error) : error;
    }
    return page.unreadable ? [...page.events, unreadableStandIn(page.unreadable)] : page.events;
  }

  /**
   * Retries `fn` (a batch's transaction, or a page's read) on transient errors with exponential
   * backoff: for as long as it takes while the runner is started (it resumes by itself), a
   * bounded number of times in a one-off catch-up (a CLI must not hang on a full disk), never
   * once `stop` was asked.
   */
  private async withRetry<T>(fn: () => T | Promise<T>): Promise<T> {
    const maxAttempts = this.started ? Infinity : ONE_OFF_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await fn();
        if (this.retry) this.log(`read side resumed after ${this.retry.attempt} retries (${this.retry.error})`);
        this.retry = undefined;
        return result;
      } catch (error) {
        if (!isTransient(error) || this.stopping || attempt >= maxAttempts) {
          this.retry = undefined;
          throw error;
        }
        this.retry = { attempt, error: errorMessage(error), since: this.retry?.since ?? new Date().toISOString() };
        if (attempt === 1) this.log(`read side: transient error, retrying with backoff: ${errorMessage(error)}`);
        this.changed();
        await sleep(Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async runAfterCommits(throwErrors: boolean): Promise<void> {
    for (const hook of this.afterCommits) {
      try {
        await hook();
      } catch (error) {
        if (throwErrors) throw error;
        this.log(`read side: after-commit step failed (retried on the next batch): ${errorMessage(error)}`);
      }
    }
  }

  /** Catches up, then follows the log: in memory from `onCommitted` when the store has it, else by its subscription. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.failure = undefined;
    this.catchingUp = true;
    await this.ensureBuiltFromThisLog();
    if (this.events.onCommitted) {
      this.unsubscribe = this.events.onCommitted((events) => this.handOver(events));
      if (this.pollIntervalMs > 0) {
        this.poller = setInterval(() => this.schedule(), this.pollIntervalMs);
        this.poller.unref?.();
      }
      this.schedule();
      await this.pumping;
      return;
    }
    this.subscription = this.events.subscribeToAll(
      async (event) => {
        this.handOver([event]);
        // Back-pressure: the subscription waits while a full batch is pending.
        if (this.queue.length >= this.pageSize) await this.pumping;
      },
      { afterPosition: this.checkpoint() },
    );
    this.subscription.done.catch((error) => {
      // A damaged event ends the subscription there: the page read from the store then faults
      // every projection at it (readPage), after the events before it.
      if (error instanceof StoredEventUnreadable) this.schedule();
      else this.failure = error;
    });
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    const s = this.subscription;
    this.subscription = undefined;
    if (s) await s.stop().catch(() => undefined);
    await this.pumping?.catch(() => undefined);
    this.queue = [];
    this.stopping = false;
  }

  /** Committed events handed over in memory; a bounded queue (beyond it the store is read instead). */
  private handOver(events: readonly RecordedEvent[]): void {
    if (!this.started) return;
    if (this.queue.length + events.length > Math.max(this.pageSize * 4, MAX_QUEUED) && this.events.onCommitted) this.queue = [];
    else for (const e of events) this.queue.push(e);
    this.schedule();
  }

  /** Another thread or process committed up to some position: look at the log now rather than at the next poll. */
  wake(): void {
    if (this.started) this.schedule();
  }

  /** One pump at a time; a request during a pump makes it loop once more. Deferred a tick so commits of the same tick share a batch. */
  private schedule(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pump())
      .catch((error) => {
        this.failure = error;
        this.log(`read side stopped: ${errorMessage(error)}`);
        this.changed();
      })
      .finally(() => {
        this.pumping = undefined;
        if (this.again && this.started && this.failure === undefined) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async pump(): Promise<void> {
    while (this.started && this.failure === undefined) {
      this.again = false;
      const cursor = this.cursor();
      if (cursor === undefined) {
        this.queue = [];
        return;
      }
      const queued = this.takeQueued(cursor);
      // A read the store refuses just now (EventStoreDB unreachable, an I/O error) is retried like a batch, never the read side's end.
      const batch = queued ?? (await this.withRetry(() => this.readPage(cursor)));
      if (batch.length === 0) {
        if (this.catchingUp) this.changed();
        this.catchingUp = false;
        return;
      }
      await this.withRetry(() => this.applyBatch(batch));
      if (this.droppedBatch) continue;
      await this.runAfterCommits(false);
      // Handed-over events continued the checkpoint: nothing else is known to be pending (the poller looks for other writers).
      if (queued && this.queue.length === 0) {
        if (this.catchingUp) this.changed();
        this.catchingUp = false;
        return;
      }
      // A full page: more may be pending; requests waiting on the event loop go first (one
      // batch at a time, never a whole backlog). A short page reached the head: look once more now.
      if (batch.length >= this.pageSize) await yieldToEventLoop();
    }
  }

  /** The queued events that continue the cursor (up to a page), or undefined when the queue does not (gap: read the store). */
  private takeQueued(cursor: number): RecordedEvent[] | undefined {
    let skip = 0;
    while (skip < this.queue.length && this.queue[skip].position <= cursor) skip++;
    if (skip) this.queue = this.queue.slice(skip);
    if (this.queue.length === 0) return undefined;
    // SQLite positions are gap-free; a subscription (no hook) delivers every event in order.
    const continues = !this.events.onCommitted || this.queue[0].position === cursor + 1;
    if (!continues) {
      this.catchingUp = true;
      return undefined;
    }
    const batch = this.queue.slice(0, this.pageSize);
    this.queue = this.queue.slice(batch.length);
    return batch;
  }

  /** Resolves once every event committed so far is applied by every projection that is not faulted (and after-commit steps ran). */
  async settled(): Promise<void> {
    for (;;) {
      const head = await this.events.headPosition();
      if (!this.started) await this.catchUp();
      else {
        while (this.started && this.failure === undefined && (this.cursor() ?? head) < head) {
          this.schedule();
          await (this.pumping ?? sleep(5));
          if (this.retry) await sleep(this.retryInitialMs);
        }
        await this.pumping;
        await this.runAfterCommits(false);
      }
      if (this.failure !== undefined) throw this.failure;
      if ((this.cursor() ?? head) >= head && (await this.events.headPosition()) === head && !this.pumping) return;
    }
  }

  /** As `settled`, but rejects when a projection is faulted (tests and tools want to know). */
  async caughtUp(): Promise<void> {
    await this.settled();
    if (this.faults.size) throw new ProjectionsFaulted(this.faultList());
  }

  get running(): boolean {
    return this.started && this.failure === undefined;
  }

  get lastError(): unknown {
    return this.failure;
  }

  faultList(): Array<ProjectionFault & { projection: string }> {
    return [...this.faults].map(([projection, f]) => ({ projection, ...f }));
  }

  statuses(): ProjectionStatus[] {
    return this.projections.map((p) => {
      const fault = this.faults.get(p.name);
      const checkpoint = this.store.checkpoint(p.name);
      const state: ProjectionState = fault ? 'faulted' : this.running && !this.catchingUp && !this.retry ? 'running' : 'catching_up';
      return { name: p.name, state, checkpoint, ...(fault ? { fault } : {}) };
    });
  }

  /** CPU time by stage of the last rebuild (taken during rebuilds only). */
  stages(): StageTimes {
    return { ...this.times, applyMs: { ...this.times.applyMs } };
  }

  get retrying(): RetryState | undefined {
    return this.retry;
  }

  async lag(): Promise<ProjectionLag> {
    const headPosition = await this.events.headPosition();
    const checkpoint = this.checkpoint();
    return {
      headPosition,
      checkpoint,
      lag: Math.max(0, headPosition - checkpoint),
      running: this.running,
      ...(this.failure !== undefined ? { error: errorMessage(this.failure) } : {}),
    };
  }

  /**
   * The read models must describe this log (LogMark). When they do not (the ledger was
   * restored from an older backup, or another ledger's file put in its place, the read models'
   * file kept) they are dropped and rebuilt from position 0, said in the log: served as they
   * were, they would show settlements the log does not hold, and the monitor would never raise
   * the alerts of positions it believed done. Read models are rebuildable; the log is the record.
   */
  private async ensureBuiltFromThisLog(): Promise<void> {
    if (this.logChecked) return;
    const mark = this.store.logMark();
    const furthest = Math.max(0, ...this.projections.map((p) => this.positionOf(p.name)));
    const why = furthest === 0 && !mark ? undefined : await this.withRetry(() => this.builtFromAnotherLog(mark, furthest));
    this.logChecked = true;
    if (!why) return;
    this.log(`read side: the read models were built from another log (${why}); rebuilding them from position 0`);
    this.resetProjections(this.projections);
  }

  /** Why the read models cannot be of this log, if they cannot. */
  private async builtFromAnotherLog(mark: LogMark | undefined, furthest: number): Promise<string | undefined> {
    const head = await this.events.headPosition();
    if (furthest > head) return `their checkpoint ${furthest} is past the log's head ${head}`;
    if (!mark) return undefined;
    let found: RecordedEvent | undefined;
    try {
      [found] = await this.events.readStream(mark.streamId, { fromRevision: mark.revision, maxCount: 1, withoutDecisionTraces: true });
    } catch (error) {
      // A damaged event there is the log's fault, not a sign of another log: the catch-up faults it.
      if (error instanceof StoredEventUnreadable) return undefined;
      throw error;
    }
    if (found?.id === mark.eventId && found.position === mark.position && found.revision === mark.revision) return undefined;
    const there = found?.revision === mark.revision ? `event ${found.id} at position ${found.position}` : 'no such event';
    return `they applied event ${mark.eventId} (${mark.streamId}@${mark.revision}, position ${mark.position}); the log has ${there}`;
  }

  /** Drops the projections' tables and creates them again at checkpoint 0, in one transaction (a reader never finds a table missing). */
  private resetProjections(targets: readonly Projection[]): void {
    this.positions.clear();
    this.store.transaction(() => {
      for (const p of targets) {
        for (const t of p.tables) this.store.exec(`DROP TABLE IF EXISTS ${t}`);
        this.store.exec(p.schema);
        this.store.setCheckpoint(p.name, 0);
        this.faults.delete(p.name);
        p.discard?.();
      }
      if (targets.length === this.projections.length) this.store.setLogMark(undefined);
    });
    this.changed();
  }

  /**
   * Drops the named read models (all by default) and rebuilds them from position 0 in one
   * pass over the log. The runner is stopped first and restarted after, so the rebuild and
   * live updates never interleave. Faults of the rebuilt projections are cleared first.
   */
  async rebuild(names: readonly string[] = this.names): Promise<RebuildOutcome> {
    const wasRunning = this.started;
    await this.stop();
    this.times = { readMs: 0, applyMs: {}, commitMs: 0, afterCommitMs: 0 };
    const started = process.hrtime.bigint();
    this.resetProjections(this.projections.filter((p) => names.includes(p.name)));
    this.timing = true;
    const events = await this.catchUp().finally(() => (this.timing = false));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const stages = this.stages();
    if (wasRunning) await this.start();
    return { events, ms, faults: this.faultList(), stages };
  }
}

export class ProjectionsFaulted extends Error {
  constructor(readonly faults: Array<ProjectionFault & { projection: string }>) {
    super(faults.map((f) => `projection ${f.projection} faulted at position ${f.position} (${f.eventType}): ${f.error}`).join('; '));
    this.name = 'ProjectionsFaulted';
  }
}

/** Marks the stand-in of a stored event that cannot be parsed, with the error that names it. */
const UNREADABLE = Symbol('unreadable');

/** The row's place and type, without data or metadata: `prepare` faults it, no projection is given it. */
function unreadableStandIn(error: StoredEventUnreadable): RecordedEvent {
  const { streamId, revision, position, eventId: id, eventType: type } = error;
  return { streamId, revision, position, id, type, data: undefined, metadata: {}, [UNREADABLE]: error } as unknown as RecordedEvent;
}

/** SQLite's SQLITE_CORRUPT while applying: the read models' file (the only one written here), with what mends it; the code kept. */
function readModelsFileDamaged(error: unknown): Error {
  return fileDamaged(error, READ_MODELS_FILE_HOLDS, READ_MODELS_FILE_ADVICE);
}

function logFileDamaged(error: unknown): Error {
  return fileDamaged(error, LOG_FILE_HOLDS, LOG_FILE_ADVICE);
}

/** SQLite's words, which file they are about and what mends it; SQLite's code kept. */
function fileDamaged(error: unknown, holds: string, advice: string): Error {
  const damaged = new Error(`${errorMessage(error)}: ${holds} is damaged; ${advice}`, { cause: error });
  return Object.assign(damaged, { code: (error as { code?: unknown }).code });
}

function prepare(event: RecordedEvent): Prepared {
  const unreadable = (event as { [UNREADABLE]?: StoredEventUnreadable })[UNREADABLE];
  if (unreadable) return { event, error: unreadable };
  try {
    return { event: upcast(event) };
  } catch (error) {
    return { event, error };
  }
}
