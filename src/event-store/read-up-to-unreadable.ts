/**
 * Reading the log past a damaged row. A plain `readAll` page that meets a stored event whose
 * text is not JSON throws, and the events before it in the page are lost with it. Readers
 * that must report the row and keep what came before (the read side faults its projections
 * there; the chain check reports the broken link) read the page up to the row instead.
 */
import { StoredEventUnreadable } from './errors';
import type { EventStore, ReadAllOptions, RecordedEvent } from './event-store.port';

export interface PageUpToUnreadable {
  /** The page's events before the damaged row (the whole page when none is damaged). */
  events: RecordedEvent[];
  /** The page's first damaged row, when there is one: it comes right after `events`. */
  unreadable?: StoredEventUnreadable;
}

/**
 * `store.readAll(options)`, or when a row of the page is unreadable, the events before it and
 * the error naming it. The row is the page's n-th event for some n below both the page size
 * and its distance from `afterPosition` (positions are distinct integers); n is found by
 * bisection, first trying the count a log without position gaps gives. Only a damaged page
 * pays for the extra reads.
 */
export async function readAllUpToUnreadable(
  store: EventStore,
  options: ReadAllOptions & { afterPosition: number; maxCount: number },
): Promise<PageUpToUnreadable> {
  const read = (maxCount: number) => store.readAll({ ...options, maxCount });
  const first = await attempt(() => read(options.maxCount));
  if (!first.unreadable) return first;
  const unreadable = first.unreadable;
  // read(lo) succeeds, read(hi) meets the row: the row is the (hi-1)-th event once hi - lo = 1.
  let lo = 0;
  let hi = Math.min(options.maxCount, unreadable.position - options.afterPosition);
  let events: RecordedEvent[] = [];
  let guess = hi - 1;
  while (hi - lo > 1) {
    const page = await attempt(() => read(guess));
    if (page.unreadable && page.unreadable.position !== unreadable.position) throw page.unreadable;
    if (page.unreadable) hi = guess;
    else [lo, events] = [guess, page.events];
    guess = Math.floor((lo + hi) / 2);
  }
  return { events, unreadable };
}

async function attempt(read: () => Promise<RecordedEvent[]>): Promise<PageUpToUnreadable> {
  try {
    return { events: await read() };
  } catch (error) {
    if (error instanceof StoredEventUnreadable) return { events: [], unreadable: error };
    throw error;
  }
}
