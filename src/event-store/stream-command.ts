import { Clock } from '../kernel/clock';
import { ConcurrencyConflict } from '../kernel/errors';
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
  /** Pure decision; throws a LedgerError to refuse. */
  decide: (state: State, events: RecordedEvent[]) => DomainEvent[];
  /** What the caller gets back, computed from the events written (or found on a retry). */
  result: (written: RecordedEvent[], state: State) => Result;
  /** Attempts on a revision conflict before giving up with 409. */
  maxAttempts?: number;
  /** Optional hook to seal events (tamper chain) given the previous event in the stream. */
  seal?: (events: NewEvent[], previous: RecordedEvent | undefined) => NewEvent[];
}

export interface StreamCommandOutcome<Result> {
  result: Result;
  /** False when the command had already been applied (idempotent retry). */
  created: boolean;
  events: RecordedEvent[];
  nextExpectedRevision: number;
}

/**
 * The whole job of a command handler: load the stream, return the earlier outcome if
 * this command id already wrote events (idempotency decided from the stream itself, not
 * from the store's best-effort event-id cache), otherwise decide, append with the
 * expected revision, and on a conflict reload and decide again, a bounded number of times.
 */
export async function runStreamCommand<State, Result>(
  options: StreamCommandOptions<State, Result>,
): Promise<StreamCommandOutcome<Result>> {
  const { store, streamId, context } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { events, state } = options.load
      ? await options.load()
      : await store.readStream(streamId).then((read) => {
          const upcasted = read.map(upcast);
          return { events: upcasted, state: options.fold(upcasted) };
        });
    const earlier = events.filter((e) => e.metadata.commandId === context.commandId);
    if (earlier.length > 0) {
      const before = options.fold(events.slice(0, events.indexOf(earlier[0])));
      return { result: options.result(earlier, before), created: false, events: earlier, nextExpectedRevision: events.length - 1 };
    }
    const decided = options.decide(state, events);
    if (decided.length === 0) {
      return { result: options.result([], state), created: false, events: [], nextExpectedRevision: events.length - 1 };
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
      return { result: options.result(written, state), created: true, events: written, nextExpectedRevision: appended.nextExpectedRevision };
    } catch (err) {
      if (err instanceof WrongExpectedVersion) continue;
      throw err;
    }
  }
  throw new ConcurrencyConflict(streamId, maxAttempts);
}
