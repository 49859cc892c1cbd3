/**
 * The event-store port: the only way the rest of the ledger touches events.
 *
 * Conventions shared by every adapter (SQLite embedded, EventStoreDB):
 * - Stream revisions count from 0, as in EventStoreDB: the first event of a stream has
 *   revision 0; a stream with no events is "no_stream".
 * - Global positions are a gap-free-in-order, strictly increasing number per event
 *   across all streams, in commit order. The SQLite adapter's positions are 1, 2, 3…
 *   (gap-free); EventStoreDB's are its commit positions (increasing, not contiguous).
 *   Consumers must only rely on "strictly increasing, total order".
 * - Append is atomic: all events of one call are written, or none.
 * - Idempotency: every event carries an id (UUID). Appending a batch whose ids are already
 *   in the stream (a retried command) writes nothing and returns the original result.
 *   The SQLite adapter guarantees this exactly (unique event id per stream).
 *   EventStoreDB's event-id de-duplication is best effort only (it relies on a bounded
 *   cache and on the expected revision), so the ledger does NOT rely on it for commands:
 *   each command's idempotency key is recorded in the metadata of the events it wrote and
 *   the command handlers look it up in the stream itself before deciding.
 * - The `@nestjs/cqrs` EventBus is in-memory and fire-and-forget; it is never the system
 *   of record. Whatever reacts to events is fed from `subscribeToAll`.
 */

export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

/** Metadata every event carries. Extra keys are allowed and preserved. */
export interface EventMetadata {
  /** Version of this event type's data shape; readers upcast older versions. */
  schemaVersion: number;
  /** When the ledger recorded the fact (ISO instant, from the injected clock). */
  recordedAt: string;
  /** When the fact happened (visit date, processing date...), if different. */
  occurredAt?: string;
  /** Idempotency key of the command that wrote this event. */
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  /** Who issued the command: a role and a key id, never the key itself. */
  actor?: string;
  /** Tamper-evidence chain (issue 5): hash of this event and of the previous one. */
  hash?: string;
  prevHash?: string;
  [key: string]: unknown;
}

/** An event about to be appended. `data` must be JSON-serialisable. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** An event as read back from the store. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  revision: number;
  position: number;
}

export interface AppendResult {
  /** Revision of the last event now in the stream (the next expected revision). */
  nextExpectedRevision: number;
  /** Global position of the last event appended (or of the original, on a replay). */
  position: number;
}

export interface ReadStreamOptions {
  /** 'forwards' (default) starts at `fromRevision` (default 0); 'backwards' at the end. */
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision. Backwards reads default to the last revision. */
  fromRevision?: number;
  maxCount?: number;
  /**
   * Keep each event's data and metadata JSON texts exactly as stored, for `storedDataText`
   * and `storedMetadataText` (issue 10 item 5: the chain check hashes them instead of
   * re-serialising the parsed event). Adapters that do not hold the texts (EventStoreDB's
   * client parses them) ignore the option.
   */
  withStoredText?: boolean;
  /**
   * As `ReadAllOptions.withoutDecisionTraces`, for a forwards read (issue 10: a command's
   * load reads no trace). Only a permission: backwards, with `withStoredText`, and on
   * EventStoreDB, the events come whole.
   */
  withoutDecisionTraces?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: read events whose position is greater than this (0 = from the start). */
  afterPosition?: number;
  /** Counts the events returned (after the type filter). */
  maxCount?: number;
  /**
   * Only events of these types, still in position order. Lets a reader that needs one or
   * two kinds of fact (the reconcilers) skip parsing the whole log: the SQLite adapter
   * filters in SQL on an index, EventStoreDB's adapter filters the pages it reads.
   */
  eventTypes?: readonly string[];
  /**
   * As `ReadStreamOptions.withStoredText`. SQLite also parses each event's data only when
   * it is first read: the chain verifier hashes the stored text and never needs it.
   */
  withStoredText?: boolean;
  /**
   * The reader never looks at a VisitSettled's `decision.trace` (the read models): an adapter
   * may leave it out of `data` (SQLite does, for events already in the current shape, so an
   * upcaster never sees a decision without it). Only a permission: with `eventTypes` or
   * `withStoredText`, and on EventStoreDB, the events come whole.
   */
  withoutDecisionTraces?: boolean;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events whose position is greater than this. */
  afterPosition?: number;
}

/**
 * In-process hand-over of committed events (issue 10): called once per durable commit, with
 * the events of that commit in position order, by the process that wrote them. The
 * events are the writer's own objects (already parsed): listeners must not mutate them
 * and must not throw (a listener error is swallowed and logged by the adapter). A
 * listener never sees another process's appends: it must detect a gap (first position
 * not right after what it holds) and catch up from the store.
 */
export type CommittedListener = (events: readonly RecordedEvent[]) => void;

/** Handler of a subscription. Events are delivered one at a time, in position order. */
export type SubscriptionHandler = (event: RecordedEvent) => Promise<void> | void;

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Resolves when the subscription has caught up with every event committed so far. */
  caughtUp(): Promise<void>;
  /** Rejects if the subscription fails (handler threw, store broke). */
  readonly done: Promise<void>;
}

export interface ConnectionStatus {
  state: 'connected' | 'reconnecting';
  /** The error that dropped the feed, while reconnecting. */
  lastError?: string;
  since?: string;
  /** Times a dropped feed was resumed since the start. */
  resubscriptions: number;
}

/**
 * Whether the store took the last write: 'failing' from a transient refusal (busy, disk full,
 * an I/O error, the node unreachable: StoreUnavailable) until a write succeeds again (the
 * SQLite adapter probes with a commit of its own meanwhile: `writeProbeIntervalMs`).
 */
export type WriteStatus = { state: 'ok' } | { state: 'failing'; since: string; code: string; lastError: string; refusals: number };

/** Whether SQLite found the store's file damaged in a read or a write, since when, and what the operator does. */
export type FileStatus = { state: 'ok' } | { state: 'damaged'; since: string; lastError: string; errors: number; advice: string };

export interface EventStore {
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription over the whole log: history after the checkpoint, then live. */
  subscribeToAll(handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;
  /**
   * Optional (SQLite implements it; EventStoreDB does not): register a listener for events
   * this process commits. Returns the function that unregisters it.
   */
  onCommitted?(listener: CommittedListener): () => void;
  /**
   * Optional (SQLite): freshness of cached streams without a tail read. `freshnessEpoch()`
   * is taken before reading a stream; `unchangedSince(stream, lastRevisionRead, epoch)` is
   * true only when neither this process nor, as far as the store has seen, another writer
   * appended to that stream past it. Another writer's append is seen from the next turn of
   * the event loop while no group is at the writer, else at the answer of the group in flight
   * (see the adapter); appends stay guarded by their expected revision.
   */
  freshnessEpoch?(): number;
  unchangedSince?(streamId: string, revision: number, epoch: number): boolean;
  /** Position of the last event in the log (0 if empty); used for lag and health. */
  headPosition(): Promise<number>;
  /** Resolves if the store answers; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Optional (EventStoreDB implements it): whether the store's live feed is up. While a
   * subscription is down and resubscribing it is 'reconnecting' and readiness is false.
   */
  connectionStatus?(): ConnectionStatus;
  /** Optional (both adapters implement it): whether the last write reached the store (health reports a store refusing writes). */
  writeStatus?(): WriteStatus;
  /** Optional (SQLite implements it): whether SQLite found the events' file damaged (health); it stays so until a restart. */
  fileStatus?(): FileStatus;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * The stored texts (see `withStoredText`) ride on the event as a non-enumerable symbol
 * member: the event's shape, its serialisation and its equality stay what they are, and a
 * copy (an upcast, a spread) has no text, as its data may differ. Not a WeakMap side table:
 * V8's minor GC keeps a WeakMap's values alive while their table is old, so every text read
 * survived, was copied and promoted (issue 10 item 5: scavenges 3× slower during a replay).
 */
const STORED_TEXTS = Symbol('storedTexts');

/** The texts riding on an event: one member for both, so an event read withStoredText keeps V8's fast properties (a fourth defined member made it a dictionary). */
interface StoredTexts {
  data: string;
  metadata?: string;
}

/**
 * For the sealer, on an event about to be appended: the data text the row is to hold
 * (JSON.stringify of its data, which must not change before the append).
 */
export function keepStoredDataText(event: NewEvent, text: string): void {
  keepStoredTexts(event, { data: text });
}

/** For adapters: the data and metadata JSON texts as the row holds them (the row itself will do). */
export function keepStoredTexts(event: NewEvent, texts: StoredTexts): void {
  Object.defineProperty(event, STORED_TEXTS, { value: texts, enumerable: false, configurable: true });
}

const storedTexts = (event: NewEvent): StoredTexts | undefined =>
  Object.prototype.hasOwnProperty.call(event, STORED_TEXTS) ? (event as unknown as Record<symbol, StoredTexts>)[STORED_TEXTS] : undefined;

/** The data's JSON text as stored (or to be stored), when the event was read `withStoredText` by an adapter that has it, or sealed with it. */
export function storedDataText(event: NewEvent): string | undefined {
  return storedTexts(event)?.data;
}

/**
 * For adapters, at the append: the data text the sealer left on the event (as
 * `storedDataText`), taken off it. The adapter's row holds it from then on and lets it go once
 * written, instead of the caller's event holding ~4 KB (two-byte with the clauses' Chinese:
 * ~8 KB) for as long as its append waits (issue 10: what a settlement in flight keeps alive is
 * what every scavenge copies). An event appended again is serialised again, to the same text.
 */
export function takeStoredDataText(event: NewEvent): string | undefined {
  const text = storedDataText(event);
  if (text !== undefined) delete (event as unknown as Record<symbol, StoredTexts>)[STORED_TEXTS];
  return text;
}

/** The metadata's JSON text as stored, when the event was read `withStoredText` by an adapter that has it (the sealer has none to give). */
export function storedMetadataText(event: NewEvent): string | undefined {
  return storedTexts(event)?.metadata;
}
