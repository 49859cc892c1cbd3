import type { EventStore, RecordedEvent } from './event-store.port';
import { upcast } from './upcasting';

export interface CachedStream<State> {
  events: RecordedEvent[];
  state: State;
}

/** Hit/miss counters of a stream cache (metrics read them). */
export interface StreamCacheStats {
  /** Loads answered from a cached entry (only the tail after it was read). */
  hits: number;
  /** Loads that read the stream from revision 0. */
  misses: number;
  /** hits / (hits + misses); 0 before any load. */
  hitRatio: number;
  size: number;
  capacity: number;
}

/** How a cache reads and folds one kind of stream. */
export interface StreamSource<State> {
  /** The stream's events from this revision on, upcast. */
  readFrom(streamId: string, fromRevision: number): Promise<RecordedEvent[]>;
  evolve(state: State, event: RecordedEvent): State;
  initial(): State;
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
  async load(streamId: string, source: StreamSource<State>): Promise<CachedStream<State>> {
    const cached = this.get(streamId);
    if (cached) this.hits++;
    else this.misses++;
    const from = cached ? cached.events.length : 0;
    const tail = await source.readFrom(streamId, from);
    if (cached && tail.length === 0) return cached;
    if (tail.length > 0 && tail[0].revision !== from) {
      // Not the continuation we hold (cannot happen to an append-only stream): start afresh.
      this.delete(streamId);
      return this.load(streamId, source);
    }
    const loaded = {
      events: cached ? cached.events.concat(tail) : tail,
      state: tail.reduce(source.evolve, cached?.state ?? source.initial()),
    };
    if (loaded.events.length > 0) this.set(streamId, loaded);
    return loaded;
  }

  stats(): StreamCacheStats {
    const loads = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, hitRatio: loads === 0 ? 0 : this.hits / loads, size: this.entries.size, capacity: this.maxStreams };
  }
}

/** A stream source reading upcast events from the store. */
export function storeSource<State>(store: EventStore, evolve: StreamSource<State>['evolve'], initial: () => State): StreamSource<State> {
  return {
    readFrom: async (streamId, fromRevision) => (await store.readStream(streamId, { fromRevision })).map(upcast),
    evolve,
    initial,
  };
}
