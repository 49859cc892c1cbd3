import {
  ANY,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  JSONType,
  NO_STREAM,
  ReadPosition,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import {
  AppendResult,
  ConnectionStatus,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
  WriteStatus,
} from '../event-store.port';
import { EventIdReused, StoredEventUnreadable, StoreUnavailable, WrongExpectedVersion } from '../errors';
import { WriteStatusTracker } from '../write-status';

export interface EsdbOptions {
  /** Delays between reconnection attempts (start and resubscription). */
  backoff?: Backoff;
  /** How long the first operation waits for an unreachable node (EVENTSTORE_STARTUP_TIMEOUT_MS, default 60 s). */
  startupTimeoutMs?: number;
  /** Where drop/retry lines go (default: Nest's logger, context EventStoreDB). */
  log?: (line: string) => void;
}

/** EVENTSTORE_STARTUP_TIMEOUT_MS or 60 s: long enough for a node started by the same compose file. */
export function startupTimeoutFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.EVENTSTORE_STARTUP_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 60_000;
  if (!/^\d+$/.test(raw)) throw new Error(`EVENTSTORE_STARTUP_TIMEOUT_MS must be a whole number of milliseconds, got "${raw}"`);
  return Number(raw);
}

/** $all is read in pages of this many records (system events included). */
const ALL_PAGE = 500;
/** How far back from the stream's end a retried batch is looked for after a conflict. */
const REPLAY_WINDOW = 500;

/**
 * EventStoreDB adapter (gRPC client 6.x). Positions are commit positions: increasing,
 * not contiguous. System streams and events (names/types starting with '$') are hidden
 * from readAll, headPosition and subscriptions, so consumers see only ledger events.
 *
 * Idempotency: EventStoreDB de-duplicates a retried batch itself when it can (its event-id
 * check is best effort). When it answers "wrong expected version" instead, the adapter
 * looks for the batch in the stream's last REPLAY_WINDOW events and, if all its ids are
 * there in order with the same types, returns the original result.
 */
export class EsdbEventStore implements EventStore {
  readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly backoff: Backoff;
  private readonly startupTimeoutMs: number;
  private readonly logLine: (line: string) => void;
  private reachable?: Promise<void>;
  /** Health's view of the appends: failing while the node refuses them (unreachable, not the leader), until one succeeds. */
  private readonly writes = new WriteStatusTracker();

  constructor(connectionString: string, options: EsdbOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.backoff = options.backoff ?? new Backoff();
    this.startupTimeoutMs = options.startupTimeoutMs ?? startupTimeoutFrom(process.env);
    // Straight to stderr as a pino-shaped JSON line: the start-up retries happen while Nest
    // still buffers its logs (bufferLogs until the pino logger is ready), and an operator
    // waiting on an unreachable node must see each attempt as it happens.
    this.logLine =
      options.log ??
      ((line) =>
        process.stderr.write(
          `${JSON.stringify({ level: 40, time: Date.now(), service: 'ledger', context: 'EventStoreDB', msg: line })}\n`,
        ));
  }

  /** One line per event worth an operator's attention (drops, retries), never a stack trace. */
  log(line: string): void {
    this.logLine(line);
  }

  /**
   * Before the first operation: waits for the node, retrying with backoff and one log line
   * per attempt, up to startupTimeoutMs; then fails with one line naming the node's error.
   */
  private whenReachable(): Promise<void> {
    this.reachable ??= this.waitForNode().catch((error) => {
      this.reachable = undefined;
      throw error;
    });
    return this.reachable;
  }

  private async waitForNode(): Promise<void> {
    const deadline = Date.now() + this.startupTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ping();
      } catch (error) {
        const delay = this.backoff.delay(attempt);
        if (Date.now() + delay > deadline) {
          throw new StoreUnavailable(
            `EventStoreDB unreachable after ${this.startupTimeoutMs} ms (EVENTSTORE_STARTUP_TIMEOUT_MS): ${message(error)}`,
            ErrorType.UNAVAILABLE,
            { cause: error },
          );
        }
        this.log(`EventStoreDB unreachable (${message(error)}); attempt ${attempt + 1}, retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** 'reconnecting' while a $all subscription is down (readiness is false then), with its last error. */
  connectionStatus(): ConnectionStatus {
    const down = [...this.subscriptions].find((s) => s.dropped);
    const resubscriptions = [...this.subscriptions].reduce((n, s) => n + s.resubscriptions, 0);
    if (!down?.dropped) return { state: 'connected', resubscriptions };
    return { state: 'reconnecting', lastError: down.dropped.error, since: down.dropped.since, resubscriptions };
  }

  writeStatus(): WriteStatus {
    return this.writes.status();
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.appendOnce(streamId, events, expected);
      this.writes.wrote();
      return result;
    } catch (error) {
      this.writes.refused(error);
      throw error;
    }
  }

  private async appendOnce(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`append to ${streamId}: at least one event is required`);
    await this.whenReachable();
    const payload = events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata as JSONType }));
    try {
      const result = await this.client.appendToStream(streamId, payload, { expectedRevision: toEsdbExpected(expected) });
      const revision = Number(result.nextExpectedRevision);
      // Older servers answer an idempotent replay without a position: read it back.
      const position = result.position ? toNumber(result.position.commit) : await this.positionOf(streamId, revision);
      return { nextExpectedRevision: revision, position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw asUnavailable(error);
      const replay = await this.findReplay(streamId, events);
      if (replay) return replay;
      const actual = error.actualVersion;
      throw new WrongExpectedVersion(streamId, expected, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
    }
  }

  /** The batch if it is already in the stream (a retry), EventIdReused if only partly. */
  private async findReplay(streamId: string, events: NewEvent[]): Promise<AppendResult | undefined> {
    const tail = (await this.readStream(streamId, { direction: 'backwards', maxCount: REPLAY_WINDOW })).reverse();
    const start = tail.findIndex((e) => e.id === events[0].id);
    if (start < 0) {
      const reused = events.find((n) => tail.some((e) => e.id === n.id));
      if (reused) throw new EventIdReused(streamId, reused.id);
      return undefined;
    }
    const stored = tail.slice(start, start + events.length);
    const differing = events.find((e, i) => stored[i]?.id !== e.id || stored[i]?.type !== e.type);
    if (differing) throw new EventIdReused(streamId, differing.id);
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`stream ${streamId}: revision ${revision} not readable after append`);
    return event.position;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    await this.whenReachable();
    const backwards = options.direction === 'backwards';
    const read: EsdbRecordedEvent[] = [];
    try {
      const reader = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of reader) {
        if (resolved.event) read.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw asUnavailable(error);
    }
    // Converted once the call has ended: an unreadable event thrown mid-iteration left the gRPC call open.
    return read.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    await this.whenReachable();
    const after = options.afterPosition ?? 0;
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const types = options.eventTypes ? new Set(options.eventTypes) : undefined;
    const out: RecordedEvent[] = [];
    let from: ReadPosition = after > 0 ? toEsdbPosition(after) : START;
    let last = after;
    while (out.length < wanted) {
      const page = await this.readAllPage(from, FORWARDS);
      for (const resolved of page) {
        const position = toNumber(resolved.event!.position!.commit);
        if (position <= last) continue;
        last = position;
        if (!isSystem(resolved.event!) && (!types || types.has(resolved.event!.type))) out.push(toRecorded(resolved.event!));
        if (out.length >= wanted) break;
      }
      if (page.length < ALL_PAGE) break;
      from = toEsdbPosition(last);
    }
    return out;
  }

  private async readAllPage(from: ReadPosition, direction: typeof FORWARDS | typeof BACKWARDS): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readAll({ fromPosition: from, direction, maxCount: ALL_PAGE })) {
        if (resolved.event?.position) page.push(resolved);
      }
    } catch (error) {
      throw asUnavailable(error);
    }
    return page;
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    const subscription = new EsdbSubscription(this, handler, options.afterPosition ?? 0, this.backoff, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    await this.whenReachable();
    let from: ReadPosition = END;
    let last = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = await this.readAllPage(from, BACKWARDS);
      for (const resolved of page) {
        const position = toNumber(resolved.event!.position!.commit);
        if (position >= last) continue;
        last = position;
        if (!isSystem(resolved.event!)) return position;
      }
      if (page.length < ALL_PAGE) return 0;
      from = toEsdbPosition(last);
    }
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
      // Any answer, even an empty log, proves the server is up.
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }
}

/**
 * Wraps the client's catch-up subscription to $all: one event at a time (async iteration
 * gives back-pressure), system events skipped, never an event at or before the last one
 * delivered. A dropped stream (server restart, network, the server ending the call) is
 * reopened from the last delivered position with backoff, so nothing is lost and nothing
 * is delivered twice; only a handler error, or an event that cannot be read (reading it
 * again would meet it again: StoredEventUnreadable), ends the subscription.
 */
class EsdbSubscription implements Subscription {
  readonly done: Promise<void>;
  private lastDelivered: number;
  private stopped = false;
  private failure: unknown;
  private source?: ReturnType<EventStoreDBClient['subscribeToAll']>;
  private waiters: { target: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private wakeUp?: () => void;
  /** Why the stream is down, while it is; undefined while it is connected. */
  dropped?: { error: string; since: string; attempt: number };
  resubscriptions = 0;

  constructor(
    private readonly store: EsdbEventStore,
    private readonly handler: SubscriptionHandler,
    afterPosition: number,
    private readonly backoff: Backoff,
    private readonly onEnd: () => void,
  ) {
    this.lastDelivered = afterPosition;
    this.done = this.run().finally(() => this.finish());
    this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.follow(() => (attempt = 0));
        if (!this.stopped) throw new Error('EventStoreDB ended the subscription');
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof SubscriptionEnded) {
          this.failure = error.cause;
          throw error.cause;
        }
        await this.dropAndWait(error, attempt);
      }
    }
  }

  /** Reads from the last delivered position until the stream ends or fails; `onEvent` resets the backoff. */
  private async follow(onEvent: () => void): Promise<void> {
    const after = this.lastDelivered;
    const source = this.store.client.subscribeToAll({ fromPosition: after > 0 ? toEsdbPosition(after) : START });
    this.source = source;
    try {
      for await (const resolved of source) {
        if (this.stopped) return;
        this.markConnected();
        onEvent();
        const event = resolved.event;
        if (!event?.position || isSystem(event)) continue;
        const recorded = readOrEnd(event);
        if (recorded.position <= this.lastDelivered) continue;
        try {
          await this.handler(recorded);
        } catch (error) {
          throw new SubscriptionEnded(error);
        }
        this.lastDelivered = recorded.position;
        this.resolveWaiters();
      }
    } finally {
      await release(source);
    }
  }

  private markConnected(): void {
    if (!this.dropped) return;
    this.store.log(`$all subscription resumed after position ${this.lastDelivered} (down since ${this.dropped.since})`);
    this.dropped = undefined;
    this.resubscriptions += 1;
  }

  private async dropAndWait(error: unknown, attempt: number): Promise<void> {
    const delay = this.backoff.delay(attempt);
    const reason = message(error);
    if (!this.dropped) this.dropped = { error: reason, since: new Date().toISOString(), attempt };
    else this.dropped = { ...this.dropped, error: reason, attempt };
    this.store.log(`$all subscription dropped (${reason}); resubscribing after position ${this.lastDelivered} in ${delay} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      timer.unref?.();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }

  async caughtUp(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.stopped) throw new Error('subscription stopped');
    const target = await this.store.headPosition();
    if (this.lastDelivered >= target) return;
    return new Promise<void>((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.wakeUp?.();
      if (this.source) await release(this.source);
    }
    await this.done.catch(() => undefined);
  }

  private resolveWaiters(): void {
    const pending = this.waiters;
    this.waiters = pending.filter((w) => this.lastDelivered < w.target);
    for (const w of pending) if (this.lastDelivered >= w.target) w.resolve();
  }

  private finish(): void {
    this.stopped = true;
    this.onEnd();
    const error = this.failure ?? new Error('subscription stopped before catching up');
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
  }
}

/** A handler error: ends the subscription (a drop of the stream does not). */
/** What ends the subscription instead of a resubscription: the handler's error, or an event that cannot be read. */
class SubscriptionEnded extends Error {
  constructor(override readonly cause: unknown) {
    super(message(cause));
  }
}

/** The subscribed event as the port's, or the subscription's end where it cannot be read (not a drop to retry forever). */
function readOrEnd(event: EsdbRecordedEvent): RecordedEvent {
  try {
    return toRecorded(event);
  } catch (error) {
    if (error instanceof StoredEventUnreadable) throw new SubscriptionEnded(error);
    throw error;
  }
}

/** Cancels the gRPC call (ending the iteration does not) and drops the stream. */
async function release(source: ReturnType<EventStoreDBClient['subscribeToAll']>): Promise<void> {
  await source.unsubscribe().catch(() => undefined);
  source.destroy();
}

/** Exponential backoff with a ceiling: first, 2×first, 4×first… up to max (ms). */
export class Backoff {
  constructor(
    readonly firstMs = 200,
    readonly maxMs = 5_000,
  ) {}

  delay(attempt: number): number {
    return Math.min(this.maxMs, this.firstMs * 2 ** Math.min(attempt, 20));
  }
}

/** The client's errors that say the node could not be reached or did not answer in time: nothing about the request. */
const UNREACHABLE: ReadonlySet<unknown> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.NOT_LEADER,
  ErrorType.TIMEOUT,
]);

/** Such an error as the port's StoreUnavailable (HTTP 503, retried by the read side); any other as it is. */
function asUnavailable(error: unknown): unknown {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  if (!UNREACHABLE.has(type)) return error;
  return new StoreUnavailable(`EventStoreDB ${String(type)}: ${message(error)}`, String(type), { cause: error });
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** Commit and prepare positions coincide for events appended through gRPC. */
function toEsdbPosition(position: number): { commit: bigint; prepare: bigint } {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function toNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`position ${value} exceeds Number.MAX_SAFE_INTEGER`);
  return Number(value);
}

function isSystem(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position) throw new Error(`event ${event.id} in ${event.streamId} came without a position`);
  const recorded = {
    streamId: event.streamId,
    revision: Number(event.revision),
    position: toNumber(event.position.commit),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: (event.metadata ?? {}) as EventMetadata,
  };
  // The client hands back text that does not parse as it stands (data as a string, metadata as
  // bytes) where the SQLite adapter throws: the ledger's data are JSON objects, never strings.
  const part =
    typeof event.data === 'string' || event.data instanceof Uint8Array
      ? 'data'
      : event.metadata instanceof Uint8Array
        ? 'metadata'
        : undefined;
  if (part) throw new StoredEventUnreadable(recorded, part, new SyntaxError(`the ${part} of event ${event.id} is not valid JSON`));
  return recorded;
}
