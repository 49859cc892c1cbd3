import { Clock } from '../kernel/clock';
import { ConcurrencyConflict, IdempotencyKeyReused } from '../kernel/errors';
import { canonicalJson, sha256Hex } from '../policy/canonical-json';
import { EventStore, NewEvent, RecordedEvent } from './event-store.port';
import { WrongExpectedVersion } from './errors';
import { currentSchemaVersion, upcast } from './upcasting';

/** A domain event before it gets its envelope: type, data, and when the fact happened. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  occurredAt?: string;
}

export interface CommandContext {
  /** Idempotency key of the command (HTTP `Idempotency-Key`, or generated). */
  commandId: string;
  actor: string;
  correlationId?: string;
  causationId?: string;
  /**
   * Fingerprint of the request the key was sent with (see `requestFingerprint`), stored in
   * the metadata of the events the command writes; a later command under the same key with
   * another fingerprint is refused (IDEMPOTENCY_KEY_REUSED). Internal commands may omit it.
   */
  requestFingerprint?: string;
}

/** Hash of what identifies a request: the command's name, its stream and its canonical body. */
export function requestFingerprint(command: string, streamId: string, body: unknown): string {
  return sha256Hex(canonicalJson({ command, streamId, body }));
}

/** The context with its request fingerprint set (kept if the caller already set one). */
export function withFingerprint(context: CommandContext, command: string, streamId: string, body: unknown): CommandContext {
  return context.requestFingerprint ? context : { ...context, requestFingerprint: requestFingerprint(command, streamId, body) };
}

/**
 * Refuses a key already used by another request. Events written before fingerprints
 * existed (no `requestFingerprint`), and internal commands without one, count as matching.
 */
export function assertSameRequest(earlier: readonly RecordedEvent[], context: CommandContext): void {
  const stored = earlier.find((e) => typeof e.metadata.requestFingerprint === 'string')?.metadata.requestFingerprint;
  if (stored !== undefined && context.requestFingerprint !== undefined && stored !== context.requestFingerprint) {
    throw new IdempotencyKeyReused(publicKey(context.commandId));
  }
}

/** The key as the caller sent it: command ids are `<api key id>:<Idempotency-Key>`. */
export function publicKey(commandId: string): string {
  const i = commandId.indexOf(':');
  return i >= 0 ? commandId.slice(i + 1) : commandId;
}

export interface StreamCommandOptions<State, Result> {
  store: EventStore;
  clock: Clock;
  newId: () => string;
  streamId: string;
  context: CommandContext;
  /** Folds the stream's (upcast) events into the state the decision needs. */
  fold: (events: RecordedEvent[]) => State;
  /**
   * Loads the stream's upcast events and their folded state. Defaults to reading the
   * whole stream and folding it; a caller may serve it from a cache of immutable events.
   */
  load?: () => Promise<{ events: RecordedEvent[]; state: State }>;
  /**
   * When `load` may give events without some of their data (a VisitSettled's decision
   * trace, see `LoadOptions`): loads them whole, for the answer to a command already
   * applied, which repeats what its events recorded.
   */
  loadWhole?: () => Promise<{ events: RecordedEvent[]; state: State }>;
  /** Pure decision; throws a LedgerError to refuse. */
  decide: (state: State, events: RecordedEvent[]) => DomainEvent[];
  /**
   * What the caller gets back, computed from the events written (or found on a retry);
   * `head` is the stream's last event as read (the answer's revision and position when nothing is written).
   */
  result: (written: RecordedEvent[], state: State, head: RecordedEvent | undefined) => Result;
  /** Attempts on a revision conflict before giving up with 409. */
  maxAttempts?: number;
  /** Optional hook to seal events (tamper chain) given the previous event in the stream. */
  seal?: (events: NewEvent[], previous: RecordedEvent | undefined) => NewEvent[];
}

export interface StreamCommandOutcome<Result> {
  result: Result;
  /** False when the command had already been applied (idempotent retry), or when it changed nothing. */
  created: boolean;
  /** False when the decision found nothing to record: nothing written now or before (not a retry). */
  changed: boolean;
  events: RecordedEvent[];
  nextExpectedRevision: number;
}

/**
 * The whole job of a command handler: load the stream, return the earlier outcome if
 * this command id already wrote events (idempotency decided from the stream itself, not
 * from the store's best-effort event-id cache), otherwise decide, append with the
 * expected revision, and on a conflict reload and decide again, a bounded number of times.
 */
export async function runStreamCommand<State, Result>(options: StreamCommandOptions<State, Result>): Promise<StreamCommandOutcome<Result>> {
  const { store, streamId, context } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { events, state } = options.load
      ? await options.load()
      : await store.readStream(streamId).then((read) => {
          const upcasted = read.map(upcast);
          return { events: upcasted, state: options.fold(upcasted) };
        });
    if (events.some((e) => e.metadata.commandId === context.commandId)) {
      return alreadyApplied(options.loadWhole ? (await options.loadWhole()).events : events, options);
    }
    const decided = options.decide(state, events);
    if (decided.length === 0) {
      const head = events[events.length - 1];
      return {
        result: options.result([], state, head),
        created: false,
        changed: false,
        events: [],
        nextExpectedRevision: events.length - 1,
      };
    }
    const recordedAt = options.clock.now().toISOString();
    let batch: NewEvent[] = decided.map((e) => ({
      id: options.newId(),
      type: e.type,
      data: e.data,
      metadata: {
        schemaVersion: currentSchemaVersion(e.type),
        recordedAt,
        ...(e.occurredAt ? { occurredAt: e.occurredAt } : {}),
        commandId: context.commandId,
        correlationId: context.correlationId ?? context.commandId,
        causationId: context.causationId ?? context.commandId,
        actor: context.actor,
        ...(context.requestFingerprint ? { requestFingerprint: context.requestFingerprint } : {}),
      },
    }));
    if (options.seal) batch = options.seal(batch, events[events.length - 1]);
    const expected = events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
    try {
      const appended = await store.append(streamId, batch, expected);
      const firstRevision = appended.nextExpectedRevision - batch.length + 1;
      const firstPosition = appended.position - batch.length + 1;
      // Positions of a batch are consecutive in the embedded store; for EventStoreDB only
      // the last is exact, which is all callers use (`position` of the last event).
      const written: RecordedEvent[] = batch.map((e, i) => ({
        ...e,
        streamId,
        revision: firstRevision + i,
        position: i === batch.length - 1 ? appended.position : firstPosition + i,
      }));
      return {
        result: options.result(written, state, written[written.length - 1]),
        created: true,
        changed: true,
        events: written,
        nextExpectedRevision: appended.nextExpectedRevision,
      };
    } catch (err) {
      if (err instanceof WrongExpectedVersion) continue;
      throw err;
    }
  }
  throw new ConcurrencyConflict(streamId, maxAttempts);
}

/** The outcome of a command whose events are already in the stream: what they recorded, nothing written. */
function alreadyApplied<State, Result>(
  events: RecordedEvent[],
  options: StreamCommandOptions<State, Result>,
): StreamCommandOutcome<Result> {
  const earlier = events.filter((e) => e.metadata.commandId === options.context.commandId);
  assertSameRequest(earlier, options.context);
  const before = options.fold(events.slice(0, events.indexOf(earlier[0])));
  return {
    result: options.result(earlier, before, earlier[earlier.length - 1]),
    created: false,
    changed: true,
    events: earlier,
    nextExpectedRevision: events.length - 1,
  };
}
