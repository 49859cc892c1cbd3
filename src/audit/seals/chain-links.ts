/**
 * What the chain check needs of each stored event, and where it is read. Reading a ~4.4 KB
 * row with its stored text and hashing it is the whole cost of a check (~25 µs an event);
 * folding the link is a few map writes. So the reading can run on another thread
 * (chain-links.worker.ts) while ChainFold and the seals stay with their owner.
 */
import type { StoredEventUnreadable } from '../../event-store/errors';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port';
import { readAllUpToUnreadable } from '../../event-store/read-up-to-unreadable';
import { storedEventHash } from '../tamper-chain';
import { SEALS_STREAM, SealRecord, toSealRecord } from './seal';

/** One stored event as the chain sees it: where it stands, the hashes it carries, the hash recomputed from its stored text. */
export interface ChainLink {
  streamId: string;
  revision: number;
  position: number;
  eventId: string;
  type: string;
  /** metadata.hash and metadata.prevHash as stored; undefined when absent or not a string. */
  hash?: string;
  prevHash?: string;
  /** eventHash of the event, over its stored texts (storedEventHash). */
  recomputed: string;
  /** The seals stream's events: the seal they record. */
  seal?: SealRecord;
}

export function chainLinkOf(event: RecordedEvent): ChainLink {
  const { hash, prevHash } = event.metadata;
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    eventId: event.id,
    type: event.type,
    ...(typeof hash === 'string' ? { hash } : {}),
    ...(typeof prevHash === 'string' ? { prevHash } : {}),
    recomputed: storedEventHash(event),
    ...(event.streamId === SEALS_STREAM ? { seal: toSealRecord(event) } : {}),
  };
}

/** Pages of links in log order, after a position. */
export interface ChainLinkSource {
  /** A page shorter than this is the head of the log. */
  readonly pageSize: number;
  read(afterPosition: number): Promise<ChainLink[]>;
}

/** ~10–20 ms of hashing per page when the links are read on the caller's thread, beside live requests. */
const PAGE_ON_THIS_THREAD = 250;

/** Links read through the event-store port on this thread (every adapter; the audit CLI). */
export function linksFromStore(store: EventStore, pageSize = PAGE_ON_THIS_THREAD): ChainLinkSource {
  return {
    pageSize,
    read: async (afterPosition) => {
      const links: ChainLink[] = [];
      // Past a damaged row the page goes on: only a short page means the head.
      for (let after = afterPosition; links.length < pageSize;) {
        const options = { afterPosition: after, maxCount: pageSize - links.length, withStoredText: true };
        const { events, unreadable } = await readAllUpToUnreadable(store, options);
        for (const event of events) links.push(chainLinkOf(event));
        if (!unreadable) break;
        links.push(unreadableLink(unreadable));
        after = unreadable.position;
      }
      return links;
    },
  };
}

/**
 * A row whose metadata is not JSON (its data is parsed only when hashed: storedEventHash)
 * carries no hash that can be read: on a chained stream the check reports `missing_hash` there,
 * and goes on with the rows after it.
 */
function unreadableLink(error: StoredEventUnreadable): ChainLink {
  const { streamId, revision, position, eventId, eventType: type, part } = error;
  return { streamId, revision, position, eventId, type, recomputed: `(stored ${part} is not JSON)` };
}
