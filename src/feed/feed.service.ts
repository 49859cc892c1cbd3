import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import type { Principal } from '../http/roles';
import { FeedFilter, matchesFilter, visibleTo } from './feed.filter';
import { InvalidInput } from '../kernel/errors';

/** Events scanned per request at most, so a narrow filter over a long log still answers quickly. */
export const FEED_SCAN_LIMIT = 5_000;
const READ_BATCH = 500;
const REVERSAL_CACHE_SIZE = 10_000;

/** One event as the feed serves it: data upcast to the current shape, metadata without actor or hashes. */
export interface FeedEvent {
  position: number;
  streamId: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  occurredAt?: string;
  data: unknown;
}

export interface FeedPage {
  items: FeedEvent[];
  /** Pass as `?after=` for the next page: the last position this request looked at. */
  next: number;
  /** Position of the last event in the log when the page was read. */
  head: number;
}

function toFeedEvent(stored: RecordedEvent): FeedEvent {
  const e = upcast(stored);
  const { recordedAt, occurredAt } = e.metadata;
  return {
    position: e.position,
    streamId: e.streamId,
    revision: e.revision,
    id: e.id,
    type: e.type,
    schemaVersion: e.metadata.schemaVersion,
    recordedAt,
    ...(occurredAt ? { occurredAt } : {}),
    data: e.data,
  };
}

/**
 * The event feed (issue 12 item 3): the log after a position, filtered by type and stream
 * category, and by what the key may see. Reads only through the event-store port, so it
 * serves the same on the embedded store and on EventStoreDB.
 */
@Injectable()
export class FeedService {
  /** `stream:settlementId` → institution code, so a reversal is placed without rereading its stream. */
  private readonly settledAt = new Map<string, string>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async page(principal: Principal, after: number, limit: number, filter: FeedFilter): Promise<FeedPage> {
    const head = await this.store.headPosition();
    const items: FeedEvent[] = [];
    let next = after;
    let scanned = 0;
    while (items.length < limit && scanned < FEED_SCAN_LIMIT && next < head) {
      const batch = await this.store.readAll({ afterPosition: next, maxCount: Math.min(READ_BATCH, FEED_SCAN_LIMIT - scanned) });
      if (batch.length === 0) break;
      for (const event of batch) {
        scanned++;
        next = event.position;
        if (matchesFilter(event, filter) && (await visibleTo(principal, event, (e) => this.institutionOf(e))))
          items.push(toFeedEvent(event));
        if (items.length === limit) break;
      }
    }
    return { items, next, head: Math.max(head, next) };
  }

  /**
   * A position past the log's head comes from another log, or from this one before it was
   * restored from a backup: served, the reader would be told it is caught up (`next === head`)
   * and wait for positions this log has already given, or will give, to other events.
   */
  async requireInLog(after: number, field: string): Promise<void> {
    const head = await this.store.headPosition();
    if (after > head)
      throw new InvalidInput(
        field,
        `is past the log's head (${head}): a position of another log, or of this one before a restore; read again from 0 or from a position this log gave`,
      );
  }

  /** Resolves when an event may have been committed after `position`: at once if the log is past it, else on a commit or after `waitMs`. */
  async waitForEvents(position: number, waitMs: number, signal: { closed: boolean }): Promise<void> {
    if ((await this.store.headPosition()) > position || signal.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      const off = this.store.onCommitted?.(() => done());
      function done() {
        clearTimeout(timer);
        off?.();
        resolve();
      }
    });
  }

  private async institutionOf(event: RecordedEvent): Promise<string | undefined> {
    const data = event.data as { settlementId?: string; institution?: { code?: string } };
    if (event.type === 'VisitSettled') {
      const code = data.institution?.code;
      if (code && data.settlementId) this.remember(`${event.streamId}:${data.settlementId}`, code);
      return code;
    }
    if (event.type !== 'SettlementReversed' || !data.settlementId) return undefined;
    const key = `${event.streamId}:${data.settlementId}`;
    if (!this.settledAt.has(key)) {
      const settled = (await this.store.readStream(event.streamId)).find(
        (e) => e.type === 'VisitSettled' && (e.data as { settlementId?: string }).settlementId === data.settlementId,
      );
      const code = (settled?.data as { institution?: { code?: string } } | undefined)?.institution?.code;
      if (code) this.remember(key, code);
    }
    return this.settledAt.get(key);
  }

  private remember(key: string, code: string): void {
    if (this.settledAt.size >= REVERSAL_CACHE_SIZE) this.settledAt.delete(this.settledAt.keys().next().value as string);
    this.settledAt.set(key, code);
  }
}
