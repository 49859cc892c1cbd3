/**
 * readAllUpToUnreadable: a page of the log that meets a stored event whose text is not JSON
 * gives the events before it and the error naming it, whatever the page size, the cursor and
 * the gaps in the positions (the bisection's invariant).
 */
import fc from 'fast-check';
import { StoredEventUnreadable } from '../../src/event-store/errors';
import type { NewEvent } from '../../src/event-store/event-store.port';
import { readAllUpToUnreadable } from '../../src/event-store/read-up-to-unreadable';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

let ids = 0;
const event = (i: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type: 'Happened',
  data: { i },
  metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' },
});

/** A log of `n` events on one stream (positions 1..n), then the given positions deleted (gaps) and damaged. */
async function log(n: number, gaps: number[], damaged: Array<[number, 'data' | 'metadata']>): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  await store.append(
    's-1',
    Array.from({ length: n }, (_, i) => event(i)),
    'no_stream',
  );
  for (const p of gaps) store.db.prepare('DELETE FROM events WHERE position = ?').run(p);
  for (const [p, part] of damaged) store.db.prepare(`UPDATE events SET ${part} = '{not json' WHERE position = ?`).run(p);
  return store;
}

it('a page without a damaged row is the plain read', async () => {
  const store = await log(10, [], [[8, 'data']]);
  const page = await readAllUpToUnreadable(store, { afterPosition: 2, maxCount: 5 });
  expect(page.unreadable).toBeUndefined();
  expect(page.events.map((e) => e.position)).toEqual([3, 4, 5, 6, 7]);
  await store.close();
});

it('stops right before the first damaged row of the page, and names it', async () => {
  const store = await log(
    10,
    [4],
    [
      [6, 'metadata'],
      [8, 'data'],
    ],
  );
  const page = await readAllUpToUnreadable(store, { afterPosition: 1, maxCount: 100 });
  expect(page.events.map((e) => e.position)).toEqual([2, 3, 5]);
  expect(page.unreadable).toBeInstanceOf(StoredEventUnreadable);
  expect(page.unreadable).toEqual(expect.objectContaining({ position: 6, revision: 5, part: 'metadata', eventType: 'Happened' }));
  const next = await readAllUpToUnreadable(store, { afterPosition: 6, maxCount: 100 });
  expect([next.events.map((e) => e.position), next.unreadable?.position]).toEqual([[7], 8]);
  await store.close();
});

it('other errors of the read go through', async () => {
  const store = await log(3, [], []);
  await store.close();
  await expect(readAllUpToUnreadable(store, { afterPosition: 0, maxCount: 10 })).rejects.toThrow(/closed/);
});

it('property: the events before the page’s first damaged row, and that row, for any gaps, cursor and page size', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 1, max: 45 }),
      async (n, gaps, damaged, after, maxCount) => {
        const holes = gaps.filter((p) => p <= n);
        const bad = damaged.filter((p) => p <= n && !holes.includes(p));
        const store = await log(
          n,
          holes,
          bad.map((p) => [p, p % 2 ? 'data' : 'metadata']),
        );
        try {
          const page = await readAllUpToUnreadable(store, { afterPosition: after, maxCount });
          const positions = Array.from({ length: n }, (_, i) => i + 1)
            .filter((p) => p > after && !holes.includes(p))
            .slice(0, maxCount);
          const firstBad = positions.findIndex((p) => bad.includes(p));
          const expected = firstBad < 0 ? positions : positions.slice(0, firstBad);
          expect(page.events.map((e) => e.position)).toEqual(expected);
          expect(page.unreadable?.position).toBe(firstBad < 0 ? undefined : positions[firstBad]);
        } finally {
          await store.close();
        }
      },
    ),
    { numRuns: 150 },
  );
});
