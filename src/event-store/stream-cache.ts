import type { RecordedEvent } from './event-store.port';

/**
 * A bounded least-recently-used cache of streams' upcast events and folded state.
 * Safe because events are immutable and streams append-only: a holder reads only the
 * revisions after what it has, and appends are still checked against the expected
 * revision, so a stale entry can cost a retry, never a wrong decision.
 */
export class StreamCache<State> {
  private readonly entries = new Map<string, { events: RecordedEvent[]; state: State }>();

  constructor(private readonly maxStreams: number) {}

  get(streamId: string): { events: RecordedEvent[]; state: State } | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, entry: { events: RecordedEvent[]; state: State }): void {
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
}
