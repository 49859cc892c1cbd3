import type { EventStore, RecordedEvent } from './event-store.port';
import { currentSchemaVersion, upcast } from './upcasting';

export interface CachedStream<State> {
  events: RecordedEvent[];
  state: State;
  /** The source's freshness epoch when the stream was last read (see `StreamSource.unchangedSince`). */
  epoch?: number;
  /** Read `withoutDecisionTraces`: some VisitSettled may lack `decision.trace` (see `LoadOptions`). */
  withoutDecisionTraces?: boolean;
}

export interface LoadOptions {
  /**
   * The caller reads no VisitSettled's `decision.trace` (a command's idempotency look-up,
   * decision and seal): a stream not cached is read without them (the source may still
   * give them), and an entry read so is good enough. Without it, such an entry is read
   * again whole.
   */
  withoutDecisionTraces?: boolean;
}

/** Hit/miss counters of a stream cache (metrics read them). */
export interface StreamCacheStats {
  /** Loads answered from a cached entry (only the tail after it was read). */
  hits: number;
  /** Loads that read the stream from revision 0. */
  misses: number;
  /** Hits that still read the store (the entry could not be shown current without reading its tail). */
  tailReads: number;
  /** hits / (hits + misses); 0 before any load. */
  hitRatio: number;
  size: number;
  capacity: number;
}

/** How a cache reads and folds one kind of stream. */
export interface StreamSource<State> {
  /** The stream's events from this revision on, upcast. */
  readFrom(streamId: string, fromRevision: number, options?: LoadOptions): Promise<RecordedEvent[]>;
  evolve(state: State, event: RecordedEvent): State;
  initial(): State;
  /** Optional freshness check (SQLite): the current epoch, taken before a read. */
  epoch?(): number;
  /** Optional: true when the stream is known still to end at `revision` as read in `epoch` (no tail read needed). */
  unchangedSince?(streamId: string, revision: number, epoch: number): boolean;
}

/**
 * A bounded least-recently-used cache of streams' upcast events and folded state.
 * Safe because events are immutable and streams append-only: a holder reads only the
 * revisions after what it has, and appends are still checked against the expected
 * revision, so a stale entry can cost a retry, never a wrong decision.
 */
export class StreamCache<State> {
  private readonly entries = new Map<string, CachedStream<State>>();
  private hits = 0;
  private misses = 0;
  private tailReads = 0;

  constructor(private readonly maxStreams: number) {}

  get(streamId: string): CachedStream<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, entry: CachedStream<State>): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > this.maxStreams) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The stream's events and folded state, reading only what was appended after the cached
   * entry (an empty tail read is one indexed lookup): anything appended — by this process,
   * another process or a retried command — is seen at the next load. Empty streams are
   * not cached (unknown ids must not evict real ones).
   */
  async load(streamId: string, source: StreamSource<State>, options: LoadOptions = {}): Promise<CachedStream<State>> {
    const cached = this.usable(streamId, options);
    if (cached) this.hits++;
    else this.misses++;
    if (cached && isCurrent(streamId, cached, source)) return cached;
    if (cached) this.tailReads++;
    const epoch = source.epoch?.();
    const from = cached ? cached.events.length : 0;
    // A tail is read as its entry was, so an entry is whole or read without traces throughout.
    const withoutDecisionTraces = cached ? cached.withoutDecisionTraces : options.withoutDecisionTraces;
    const tail = await source.readFrom(streamId, from, { withoutDecisionTraces });
    if (cached && tail.length === 0) {
      cached.epoch = epoch;
      return cached;
    }
    if (tail.length > 0 && tail[0].revision !== from) {
      // Not the continuation we hold (cannot happen to an append-only stream): start afresh.
      this.delete(streamId);
      return this.load(streamId, source, options);
    }
    const loaded: CachedStream<State> = {
      events: cached ? cached.events.concat(tail) : tail,
      state: tail.reduce(source.evolve, cached?.state ?? source.initial()),
      epoch,
      ...(withoutDecisionTraces ? { withoutDecisionTraces } : {}),
    };
    if (loaded.events.length > 0) this.set(streamId, loaded);
    return loaded;
  }

  /**
   * Write-through: events this process just appended (durably, with the expected revision)
   * join the cached entry so the next load neither reads nor parses them back. Only when
   * they continue the entry exactly (or start the stream); otherwise the entry is dropped
   * and the next load reads the stream. `written` must be JSON-safe data as stored.
   *
   * With `withoutDecisionTraces` (a command's writer), or onto an entry already kept so, a
   * written `VisitSettled` joins without its decision trace, as a command's load would read
   * it: the trace is most of a parsed `VisitSettled` (~4.2 KB of heap with it, ~1.5 KB
   * without), and every cached one outlives the young generation (issue 10). The entry is
   * then marked so, and a query's load reads the stream whole again. `written` itself is not changed.
   */
  extend(streamId: string, written: readonly RecordedEvent[], source: StreamSource<State>, options: LoadOptions = {}): void {
    // Without a freshness check (EventStoreDB) positions of all but the last event are not known: read them.
    if (written.length === 0 || !source.unchangedSince) return;
    const cached = this.entries.get(streamId);
    const from = cached ? cached.events.length : 0;
    if (written[0].revision !== from) {
      this.delete(streamId);
      return;
    }
    const strip = cached?.withoutDecisionTraces === true || options.withoutDecisionTraces === true;
    const whole = written.map(upcast);
    const upcasted = strip ? whole.map(withoutDecisionTrace) : whole;
    // Marked only when some trace is missing: an entry without any stays whole for a query's load.
    const withoutDecisionTraces = cached?.withoutDecisionTraces === true || upcasted.some((e, i) => e !== whole[i]);
    this.set(streamId, {
      events: cached ? cached.events.concat(upcasted) : upcasted,
      state: upcasted.reduce(source.evolve, cached?.state ?? source.initial()),
      // A new stream is as fresh as the append that created it (its expected revision was checked).
      epoch: cached ? cached.epoch : source.epoch?.(),
      ...(withoutDecisionTraces ? { withoutDecisionTraces } : {}),
    });
  }

  /** The cached entry if it serves this load: one read without traces does not serve a load that wants them. */
  private usable(streamId: string, options: LoadOptions): CachedStream<State> | undefined {
    const cached = this.get(streamId);
    if (!cached?.withoutDecisionTraces || options.withoutDecisionTraces) return cached;
    this.delete(streamId);
    return undefined;
  }

  stats(): StreamCacheStats {
    const loads = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      tailReads: this.tailReads,
      hitRatio: loads === 0 ? 0 : this.hits / loads,
      size: this.entries.size,
      capacity: this.maxStreams,
    };
  }
}

/**
 * The event as a read `withoutDecisionTraces` gives it: a `VisitSettled` of the current
 * schema version without `data.decision.trace` (the SQLite adapter's `json_remove`, same
 * guard: an older version's upcaster may read its trace), as a copy; any other event itself.
 */
export function withoutDecisionTrace(event: RecordedEvent): RecordedEvent {
  if (event.type !== 'VisitSettled' || Number(event.metadata.schemaVersion ?? 1) < currentSchemaVersion('VisitSettled')) return event;
  const data = event.data as { decision?: unknown } | null;
  const decision = data?.decision as Record<string, unknown> | null | undefined;
  if (decision === null || typeof decision !== 'object' || !('trace' in decision)) return event;
  const { trace: _trace, ...rest } = decision;
  return { ...event, data: { ...data, decision: rest } };
}

function isCurrent<State>(streamId: string, entry: CachedStream<State>, source: StreamSource<State>): boolean {
  if (entry.epoch === undefined || !source.unchangedSince || entry.events.length === 0) return false;
  return source.unchangedSince(streamId, entry.events[entry.events.length - 1].revision, entry.epoch);
}

/** A stream source reading upcast events from the store (with its freshness check where it has one). */
export function storeSource<State>(store: EventStore, evolve: StreamSource<State>['evolve'], initial: () => State): StreamSource<State> {
  const freshness =
    store.freshnessEpoch && store.unchangedSince
      ? { epoch: store.freshnessEpoch.bind(store), unchangedSince: store.unchangedSince.bind(store) }
      : {};
  return {
    readFrom: async (streamId, fromRevision, options) =>
      (await store.readStream(streamId, { fromRevision, withoutDecisionTraces: options?.withoutDecisionTraces })).map(upcast),
    evolve,
    initial,
    ...freshness,
  };
}
