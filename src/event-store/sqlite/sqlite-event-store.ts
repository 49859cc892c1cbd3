import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AppendResult,
  CommittedListener,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  keepStoredTexts,
  RecordedEvent,
  storedDataText,
  takeStoredDataText,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
  WriteStatus,
  FileStatus,
} from '../event-store.port';
import {
  asStoreError,
  LOG_FILE_ADVICE,
  LOG_FILE_HOLDS,
  openingFile,
  StoredEventIdentity,
  StoredEventUnreadable,
  WrongExpectedVersion,
} from '../errors';
import { FileStatusTracker } from '../file-status';
import { WriteStatusTracker } from '../write-status';
import { currentSchemaVersion } from '../upcasting';
import { CatchUpSubscription } from './catch-up-subscription';
import { AppendOutcome, AppendRequest, GroupCommitter, GroupOutcome } from './group-commit';
import { WriterThread } from './writer-thread';

export interface SqliteEventStoreOptions {
  /** Database file, or ':memory:' (tests). The parent directory is created if missing. */
  path: string;
  /**
   * 'FULL' (default): every acknowledged append is fsynced before `append` resolves, so it
   * survives power loss. 'NORMAL': in WAL mode the WAL is synced only at checkpoints, so
   * the last appends before a power cut (not a process crash) may be lost; much faster.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often live subscriptions look for appends made by other processes (ms). */
  pollIntervalMs?: number;
  /**
   * 'thread': commits run on a writer thread with its own connection (a file only), so the
   * COMMIT's fsync and the inserts never block this event loop; 'inline' (default): on this
   * connection. Same semantics either way (the shared contract suite runs on both).
   */
  writer?: 'inline' | 'thread';
  /**
   * How long a commit waits for a write lock held by another connection or process before
   * it is refused as StoreUnavailable (HTTP 503), in ms (default 5,000).
   */
  busyTimeoutMs?: number;
  /**
   * While writes are refused (writeStatus 'failing'), how often a probe commit asks whether the
   * store takes them again (ms, default 2,000, the 503's Retry-After; 0: never, only a client's next write tells).
   */
  writeProbeIntervalMs?: number;
}

/** Counters of the group commit (issue 10): fsyncs per append = commits / appends. */
export interface SqliteAppendStats {
  /** Durable write transactions (one fsync each under synchronous=FULL). */
  commits: number;
  /** Appends answered by those commits (written, replayed or refused). */
  appends: number;
  /** Events written. */
  events: number;
  /** Largest group committed so far, in appends. */
  largestGroup: number;
}

/** An append waiting for the next group commit; its events are serialised on arrival. */
interface PendingAppend extends AppendRequest {
  events: NewEvent[];
  /** The rows to write; POSTED once the writer thread has its copy. */
  rows: AppendRequest['rows'];
  bytes: number;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** The rows of an append already handed to the writer thread. */
const POSTED: AppendRequest['rows'] = Object.freeze([]);

/**
 * Bounds of one group commit. Every caller in a group waits for the whole group (and an
 * inline writer blocks the event loop while it writes: the driver is synchronous), so an
 * unbounded group under a burst would turn into one long stall and a spike of p99 latency
 * and memory (on the writer thread: also one large copy of rows to that thread).
 * 256 appends is several times the concurrency we serve (50–100 connections) so a group
 * normally takes everything pending; 8 MiB is ~2,000 typical settlements (~4 KB), a few
 * milliseconds of sequential WAL write. An append larger than the byte bound goes alone.
 */
const MAX_GROUP_APPENDS = 256;
/**
 * Streams whose head written since the epoch began is remembered for `unchangedSince`; beyond
 * it a new epoch starts (every cached stream is read once more): bounded memory, a rare extra read.
 */
const MAX_KNOWN_HEADS = 100_000;
/**
 * Other writers' events looked at one by one (their streams' heads noted, one indexed range
 * read); more at once (an import, another busy process) start a new epoch instead.
 */
const MAX_FOREIGN_EVENTS = 1_000;
const MAX_GROUP_BYTES = 8 * 1024 * 1024;
/** Another connection or process may hold the write lock for a moment: wait instead of failing. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** As the 503's Retry-After (error.filter.ts): health turns ok about when a client's retry would go through. */
const DEFAULT_WRITE_PROBE_INTERVAL_MS = 2000;

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  UNIQUE (stream_id, revision),
  UNIQUE (stream_id, event_id)
);
-- readAll({ eventTypes }): a reconciler reads its few kinds of fact without scanning the log.
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
-- One row rewritten while writes are refused, to see when they are taken again (health); not part of the log.
CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);`;

/**
 * readAll({ withoutDecisionTraces }): a VisitSettled's data without `decision.trace` (2.2 of its
 * ~4 KB, the bulk of a rebuild's JSON.parse and young garbage), cut by SQLite's json_remove.
 * Only events upcasting leaves as they are (schemaVersion at least the current one), so
 * no upcaster sees a decision without its trace; and only valid JSON (CASE evaluates lazily):
 * otherwise the stored text is returned and is found unreadable as in a plain read.
 */
const READ_ALL_WITHOUT_TRACES = `
SELECT position, stream_id, revision, event_id, type, metadata,
  CASE WHEN type = 'VisitSettled' AND json_valid(metadata) AND json_valid(data) THEN
    CASE WHEN coalesce(metadata ->> '$.schemaVersion', 1) >= ? THEN json_remove(data, '$.decision.trace') ELSE data END
  ELSE data END AS data
FROM events WHERE position > ? ORDER BY position LIMIT ?`;

/**
 * readStream({ withoutDecisionTraces }): the same cut on one stream, forwards (the command
 * path's load of a person not in the cache, issue 10: a command reads no trace).
 */
const READ_FORWARDS_WITHOUT_TRACES = `
SELECT position, stream_id, revision, event_id, type, metadata,
  CASE WHEN type = 'VisitSettled' AND json_valid(metadata) AND json_valid(data) THEN
    CASE WHEN coalesce(metadata ->> '$.schemaVersion', 1) >= ? THEN json_remove(data, '$.decision.trace') ELSE data END
  ELSE data END AS data
FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`;

/** Page size of catch-up reads: bounded memory whatever the lag. */
const CATCH_UP_PAGE = 256;

/**
 * The embedded event store: one SQLite file in WAL mode. Positions are the table's
 * AUTOINCREMENT key, assigned inside the `BEGIN IMMEDIATE` write transaction, so commit
 * order equals position order and a reader never sees position n+1 before n.
 */
export class SqliteEventStore implements EventStore {
  /**
   * The underlying connection, shared on purpose: projections keep their read models in
   * the same file so that a read-model update and its checkpoint commit in one transaction.
   */
  readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly committedListeners = new Set<CommittedListener>();
  private closed = false;

  private readonly stmt: {
    readForwards: Database.Statement<[string, number, number], EventRow>;
    readForwardsWithoutTraces: Database.Statement<[number, string, number, number], EventRow>;
    readBackwards: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[number, number], EventRow>;
    readAllWithoutTraces: Database.Statement<[number, number, number], EventRow>;
    readAllOfTypes: Database.Statement<[string, number, number], EventRow>;
    head: Database.Statement<[], { head: number | null }>;
    streamHeadsBetween: Database.Statement<[number, number], { stream_id: string; revision: number }>;
  };
  /** One `BEGIN IMMEDIATE … COMMIT` for a group, on this connection (writer 'inline'). */
  private readonly committer: GroupCommitter | undefined;
  /** The same on a thread of its own (writer 'thread'). */
  private readonly writerThread: WriterThread | undefined;
  /** The group the writer thread is committing: one at a time, so positions and answers keep queue order. */
  private inFlight: Promise<void> | undefined;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly counters: SqliteAppendStats = { commits: 0, appends: 0, events: 0, largestGroup: 0 };
  /** Health's view of the writes: failing from a transient refusal (disk full, busy) until a commit (or a probe) succeeds. */
  private readonly writes = new WriteStatusTracker();
  private readonly file = new FileStatusTracker(LOG_FILE_ADVICE);
  private readonly writeProbeIntervalMs: number;
  /** Runs `probeWrites` while the writes are failing. */
  private prober: NodeJS.Timeout | undefined;
  private probing = false;
  /**
   * Freshness (see `unchangedSince`): bumped when writes this process did not make cannot be
   * told stream by stream (a conflict, a writer thread lost, many foreign events at once).
   */
  private epoch = 0;
  /** Last position of the log this process knows every stream head up to (-1: unknown). */
  private knownHead = -1;
  /** Heads (revisions) of the streams written during the current epoch, by this process or by others up to `knownHead`. */
  private readonly writtenHeads = new Map<string, number>();
  /** The log head was compared with `knownHead` during this turn of the event loop. */
  private headCheckedThisTurn = false;

  constructor(options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.writeProbeIntervalMs = options.writeProbeIntervalMs ?? DEFAULT_WRITE_PROBE_INTERVAL_MS;
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.db = openingFile(options.path, LOG_FILE_HOLDS, LOG_FILE_ADVICE, () => {
      const db = new Database(options.path);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
        db.pragma(`busy_timeout = ${busyTimeoutMs}`);
        db.exec(SCHEMA);
        return db;
      } catch (error) {
        db.close();
        throw error;
      }
    });

    this.stmt = {
      readForwards: this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      readForwardsWithoutTraces: this.db.prepare(READ_FORWARDS_WITHOUT_TRACES),
      readBackwards: this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?'),
      readAll: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      readAllWithoutTraces: this.db.prepare(READ_ALL_WITHOUT_TRACES),
      readAllOfTypes: this.db.prepare(
        'SELECT * FROM events WHERE type IN (SELECT value FROM json_each(?)) AND position > ? ORDER BY position LIMIT ?',
      ),
      head: this.db.prepare('SELECT MAX(position) AS head FROM events'),
      streamHeadsBetween: this.db.prepare(
        'SELECT stream_id, MAX(revision) AS revision FROM events WHERE position > ? AND position <= ? GROUP BY stream_id',
      ),
    };

    if (options.writer === 'thread' && options.path !== ':memory:') {
      this.writerThread = new WriterThread({
        path: options.path,
        synchronous: options.synchronous ?? 'FULL',
        busyTimeoutMs,
      });
    } else this.committer = new GroupCommitter(this.db);
  }

  /**
   * Queued and committed with whatever else arrives before the next turn of the event loop
   * (group commit): the commit blocks the loop, so appends arriving meanwhile form the next
   * group. Resolves only once the commit holding these events is durable.
   */
  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error(`append to ${streamId}: at least one event is required`);
    // Serialised now, outside the write lock, and as the caller passed them; the data's text
    // as the sealer already made it, when it did (the same JSON.stringify, not done twice).
    const rows = events.map((e) => ({ data: takeStoredDataText(e) ?? JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }));
    const bytes = rows.reduce((sum, r) => sum + r.data.length + r.metadata.length, 0);
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events, rows, expected, bytes, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Whether the last commit went through (health): failing from a transient refusal until one does. */
  writeStatus(): WriteStatus {
    return this.writes.status();
  }

  /** Whether SQLite found this file damaged (health): from the first such read or write on, until a restart. */
  fileStatus(): FileStatus {
    return this.file.status();
  }

  /** A read of the file: a damaged page it meets is remembered for health, then thrown as it came. */
  private reading<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      this.file.saw(error);
      throw error;
    }
  }

  /** Commit and event counters, for benchmarks and metrics. */
  stats(): SqliteAppendStats {
    return { ...this.counters };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.closed) return; // close() drained the queue itself
      // The writer thread is busy: appends gather into the next group, sent when it answers.
      if (this.inFlight) return;
      this.flushOneGroup();
      if (this.pending.length > 0 && !this.inFlight) this.scheduleFlush();
    });
  }

  /** Takes the next bounded group off the queue, commits it (here, or on the writer thread), answers its callers. */
  private flushOneGroup(): void {
    const group = this.takeGroup();
    if (group.length === 0) return;
    if (this.writerThread) {
      const committing = this.writerThread.commit(group);
      // The thread has its copy of the rows (postMessage clones them at once): the texts need
      // not live here while the commit is awaited (issue 10: bytes a scavenge would copy).
      for (const append of group) append.rows = POSTED;
      this.inFlight = committing
        .then(
          (outcomes) => this.committed(group, outcomes),
          (error: unknown) => this.groupFailed(group, error),
        )
        .finally(() => {
          this.inFlight = undefined;
          if (this.pending.length > 0) this.scheduleFlush();
        });
      return;
    }
    let committed: GroupOutcome;
    try {
      committed = this.committer!.commit(group);
    } catch (error) {
      this.groupFailed(group, error);
      return;
    }
    this.committed(group, committed);
  }

  /** BEGIN or COMMIT failed (disk full, I/O error…): the whole group was rolled back. */
  private groupFailed(group: PendingAppend[], error: unknown): void {
    // A writer thread that died may have committed before it could answer: start a new epoch.
    if (this.writerThread) this.newEpoch(-1);
    const refusal = asStoreError(error);
    this.file.saw(refusal);
    this.refused(refusal);
    for (const append of group) append.reject(refusal);
  }

  /** The group's commit is durable: counters, stream heads, in-memory hand-over, then the callers. */
  private committed(group: PendingAppend[], { headBefore, outcomes }: GroupOutcome): void {
    this.countCommit(group, outcomes);
    this.trackHeads(group, headBefore, outcomes);
    this.handOver(group, outcomes);
    // Committed: wake live subscriptions once; they re-read from their own checkpoint.
    for (const subscription of this.subscriptions) subscription.wake();
    const refusals = outcomes.flatMap((o) => ('error' in o ? [asStoreError(o.error)] : []));
    refusals.forEach((r) => this.file.saw(r));
    // Any append of the group written: the store takes writes, whatever refused one of them.
    if (refusals.length < outcomes.length) this.writes.wrote();
    else refusals.forEach((r) => this.refused(r));
    group.forEach((append, i) => {
      const outcome = outcomes[i];
      if ('error' in outcome) append.reject(refusals.shift());
      else append.resolve(outcome.result);
    });
  }

  /** A refusal health hears of; a transient one starts the write probe. */
  private refused(refusal: unknown): void {
    this.writes.refused(refusal);
    if (this.writes.status().state === 'failing' && !this.prober && this.writeProbeIntervalMs > 0 && !this.closed) {
      this.prober = setInterval(() => void this.probeWrites(), this.writeProbeIntervalMs);
      this.prober.unref();
    }
  }

  private stopProbing(): void {
    clearInterval(this.prober);
    this.prober = undefined;
  }

  /**
   * While the writes are failing and no group is on its way (its outcome will say it), one
   * probe commit (GroupCommitter.probe): health turns ok once the cause is gone (the lock
   * released, space freed), not only at a client's next write (issue 10 item 3). A refused
   * probe changes nothing: `refusals` counts the clients' appends.
   */
  private async probeWrites(): Promise<void> {
    if (this.writes.status().state === 'ok' || this.closed) return this.stopProbing();
    if (this.probing || this.inFlight || this.pending.length > 0) return;
    this.probing = true;
    try {
      const at = new Date().toISOString();
      if (this.writerThread) await this.writerThread.probe(at);
      else this.committer!.probe(at);
      this.writes.wrote();
      this.stopProbing();
    } catch {
      // Still refused: health keeps the last client's refusal.
    } finally {
      this.probing = false;
    }
  }

  private takeGroup(): PendingAppend[] {
    let count = 0;
    let bytes = 0;
    while (count < this.pending.length && count < MAX_GROUP_APPENDS) {
      bytes += this.pending[count].bytes;
      if (count > 0 && bytes > MAX_GROUP_BYTES) break;
      count++;
    }
    return this.pending.splice(0, count);
  }

  private countCommit(group: PendingAppend[], outcomes: AppendOutcome[]): void {
    this.counters.commits++;
    this.counters.appends += group.length;
    this.counters.largestGroup = Math.max(this.counters.largestGroup, group.length);
    outcomes.forEach((o, i) => {
      if ('written' in o && o.written) this.counters.events += group[i].events.length;
    });
  }

  /**
   * Current epoch of the freshness check: a reader that reads a stream in epoch E may later
   * ask `unchangedSince(stream, revision, E)` instead of reading its tail again.
   */
  freshnessEpoch(): number {
    this.detectForeignWrites();
    return this.epoch;
  }

  /**
   * True when the stream's last revision is known, without reading it, to still be
   * `revision`, read during `epoch`: neither this process nor, as far as it has seen, another
   * connection or process has appended to the stream past it. Others' appends are seen from
   * the log head: compared with the known head at most once per turn of the event loop while
   * no group is at the writer thread, and under each group's write lock (`headBefore`) so
   * that they are seen at its answer under continuous load too. False means "read the tail":
   * unknown, not "changed". A foreign write is thus seen from the next turn on, or once the
   * group in flight answers — as if the read had happened a moment earlier; appends stay
   * guarded by their expected revision, and a conflict starts a new epoch so that the retry
   * reads afresh.
   */
  unchangedSince(streamId: string, revision: number, epoch: number): boolean {
    this.detectForeignWrites();
    if (epoch !== this.epoch) return false;
    const head = this.writtenHeads.get(streamId);
    return head === undefined || head <= revision;
  }

  private detectForeignWrites(): void {
    // While the writer thread holds a group, the head may already include it before its answer
    // names it ours; that turn is left unchecked (the group's `headBefore` covers what came
    // before it). Only a cache's freshness depends on it: appends stay guarded by their expected revision.
    if (this.headCheckedThisTurn || this.closed || this.inFlight) return;
    this.headCheckedThisTurn = true;
    setImmediate(() => {
      this.headCheckedThisTurn = false;
    });
    this.noteForeignWrites(this.headSync());
  }

  /**
   * Everything up to `head` not yet known was written by another connection: the heads of the
   * streams it wrote are noted (entries of other streams stay fresh), or, when there are too
   * many or the known head is lost, a new epoch starts.
   */
  private noteForeignWrites(head: number): void {
    if (head === this.knownHead) return;
    if (this.knownHead < 0 || head < this.knownHead || head - this.knownHead > MAX_FOREIGN_EVENTS) {
      this.newEpoch(head);
      return;
    }
    for (const { stream_id, revision } of this.stmt.streamHeadsBetween.all(this.knownHead, head)) this.noteHead(stream_id, revision);
    this.knownHead = head;
  }

  private noteHead(streamId: string, revision: number): void {
    const known = this.writtenHeads.get(streamId);
    if (known === undefined || known < revision) this.writtenHeads.set(streamId, revision);
  }

  private newEpoch(knownHead: number): void {
    this.epoch++;
    this.writtenHeads.clear();
    this.knownHead = knownHead;
  }

  /**
   * After a commit: others' writes before the group (between the known head and `headBefore`),
   * then the group's own stream heads; the log is known again up to the group's last event.
   */
  private trackHeads(group: PendingAppend[], headBefore: number, outcomes: AppendOutcome[]): void {
    const conflict = outcomes.some((o) => 'error' in o && o.error instanceof WrongExpectedVersion);
    // A conflict: whatever the caller's state missed, its retry reads afresh.
    if (conflict || this.writtenHeads.size > MAX_KNOWN_HEADS) this.newEpoch(headBefore);
    else this.noteForeignWrites(headBefore);
    let last = headBefore;
    outcomes.forEach((o, i) => {
      if (!('written' in o) || !o.written) return;
      this.noteHead(group[i].streamId, o.result.nextExpectedRevision);
      last = Math.max(last, o.result.position);
    });
    // The group held the write lock: every position after headBefore up to its last is its own.
    this.knownHead = last;
  }

  onCommitted(listener: CommittedListener): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /**
   * The group's just-committed events, as recorded and in position order (appends were
   * applied in queue order), to in-process listeners in one call: no read-back, no re-parse.
   */
  private handOver(group: PendingAppend[], outcomes: AppendOutcome[]): void {
    if (this.committedListeners.size === 0) return;
    const recorded = group.flatMap((append, i) => {
      const outcome = outcomes[i];
      return 'written' in outcome && outcome.written ? asRecorded(append, outcome.result) : [];
    });
    if (recorded.length === 0) return;
    for (const listener of this.committedListeners) {
      try {
        listener(recorded);
      } catch (error) {
        // A reader's fault must never fail an append that is already durable.
        console.error(`committed-events listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.maxCount ?? -1;
    const rows = this.reading(() =>
      options.direction === 'backwards'
        ? this.stmt.readBackwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.readForwardsRows(streamId, options.fromRevision ?? 0, limit, options),
    );
    return options.withStoredText ? rows.map(toRecordedWithText) : rows.map(toRecorded);
  }

  private readForwardsRows(streamId: string, from: number, limit: number, options: ReadStreamOptions): EventRow[] {
    if (!options.withoutDecisionTraces || options.withStoredText) return this.stmt.readForwards.all(streamId, from, limit);
    return this.stmt.readForwardsWithoutTraces.all(currentSchemaVersion('VisitSettled'), streamId, from, limit);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const after = options.afterPosition ?? 0;
    const limit = options.maxCount ?? -1;
    const rows = this.reading(() =>
      options.eventTypes
        ? this.stmt.readAllOfTypes.all(JSON.stringify(options.eventTypes), after, limit)
        : this.readAllRows(after, limit, options),
    );
    return rows.map(options.withStoredText ? toRecordedWithText : toRecorded);
  }

  private readAllRows(after: number, limit: number, options: ReadAllOptions): EventRow[] {
    if (!options.withoutDecisionTraces || options.withStoredText) return this.stmt.readAll.all(after, limit);
    return this.stmt.readAllWithoutTraces.all(currentSchemaVersion('VisitSettled'), after, limit);
  }

  private readAllSync(afterPosition: number, maxCount: number): RecordedEvent[] {
    return this.reading(() => this.stmt.readAll.all(afterPosition, maxCount)).map(toRecorded);
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const subscription = new CatchUpSubscription({
      handler,
      afterPosition: options.afterPosition ?? 0,
      readPage: (after) => this.readAllSync(after, CATCH_UP_PAGE),
      head: () => this.headSync(),
      pollIntervalMs: this.pollIntervalMs,
      onEnd: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.headSync();
  }

  private headSync(): number {
    return this.reading(() => this.stmt.head.get()?.head ?? 0);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed (and answered) before the connection goes.
    await this.inFlight;
    while (this.pending.length > 0) {
      this.flushOneGroup();
      await this.inFlight;
    }
    this.closed = true;
    this.stopProbing();
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.writerThread?.close();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

function asRecorded(append: PendingAppend, result: AppendResult): RecordedEvent[] {
  const { streamId, events } = append;
  const first = result.nextExpectedRevision - events.length + 1;
  const firstPosition = result.position - events.length + 1;
  return events.map((e, i) => ({ ...e, streamId, revision: first + i, position: firstPosition + i }));
}

/** JSON.parse of a row's stored text; text that is not JSON names its row (no closure, no work beyond the try). */
function parseStored(text: string, part: 'data' | 'metadata', of: EventRow | StoredEventIdentity): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const row =
      'stream_id' in of ? { streamId: of.stream_id, revision: of.revision, position: of.position, id: of.event_id, type: of.type } : of;
    throw new StoredEventUnreadable(row, part, error);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    id: row.event_id,
    type: row.type,
    data: parseStored(row.data, 'data', row),
    metadata: parseStored(row.metadata, 'metadata', row) as RecordedEvent['metadata'],
  };
}

/** An event read withStoredText whose data has not been parsed yet. */
const UNPARSED = Symbol('unparsed');
const PARSED_DATA = Symbol('parsedData');
type LazyEvent = RecordedEvent & { [PARSED_DATA]: unknown };

/**
 * `data` of an event read withStoredText: one getter and setter shared by every such event.
 * Per-event closures (a `get data()` in each object literal) gave each event its own hidden
 * class, which V8 keeps in old space; it held the closures, the row and the parsed data, so
 * every event read survived minor GCs and was promoted (a replay cost 2-4x its raw read).
 */
const LAZY_DATA: PropertyDescriptor = {
  get(this: LazyEvent): unknown {
    if (this[PARSED_DATA] === UNPARSED) this[PARSED_DATA] = parseStored(storedDataText(this)!, 'data', this);
    return this[PARSED_DATA];
  },
  set(this: LazyEvent, value: unknown) {
    this[PARSED_DATA] = value;
  },
  enumerable: true,
  configurable: true,
};

/**
 * With the data's stored text kept; the data itself is parsed on first read (a reader that
 * only hashes the text, like the chain verifier, never pays for JSON.parse of ~4 KB).
 * Members in toRecorded's order, so both serialise alike.
 */
function toRecordedWithText(row: EventRow): RecordedEvent {
  const event = {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    id: row.event_id,
    type: row.type,
  } as RecordedEvent;
  Object.defineProperty(event, 'data', LAZY_DATA);
  event.metadata = parseStored(row.metadata, 'metadata', row) as RecordedEvent['metadata'];
  Object.defineProperty(event, PARSED_DATA, { value: UNPARSED, writable: true });
  keepStoredTexts(event, row);
  return event;
}
