/**
 * Issue 10, request path: sealBatchWithText serialises each event's data once, for the hash
 * and for the store. Its events are sealBatch's (same data, same metadata, same hash chain,
 * same key order) and the SQLite adapter stores the text it was handed.
 */
import fc from 'fast-check';
import { sealBatch, sealBatchWithText, verifyChain } from '../../src/audit/tamper-chain';
import { keepStoredDataText, NewEvent, RecordedEvent, storedDataText } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { AppendRequest } from '../../src/event-store/sqlite/group-commit';
import { WriterThread } from '../../src/event-store/sqlite/writer-thread';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STREAM = 'person-P1';

const newEvent = (i: number, data: unknown): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'VisitSettled',
  data,
  metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', commandId: `c-${i}`, occurredAt: '2025-02-28T00:00:00Z' },
});

const recorded = (events: NewEvent[], from = 0): RecordedEvent[] =>
  events.map((e, i) => ({ ...e, streamId: STREAM, revision: from + i, position: from + i + 1 }));

/** Objects whose keys come in any order, at any depth (what deciders build). */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('sealBatchWithText', () => {
  it('property: the events sealBatch seals, to the key order, and each one’s data text', () => {
    fc.assert(
      fc.property(fc.array(data, { minLength: 1, maxLength: 4 }), fc.array(data, { minLength: 1, maxLength: 3 }), (first, second) => {
        const head = sealBatch(
          STREAM,
          first.map((d, i) => newEvent(i, d)),
          undefined,
        );
        const previous = recorded(head).at(-1);
        const batch = second.map((d, i) => newEvent(first.length + i, d));
        const expected = sealBatch(STREAM, batch, previous);
        const sealed = sealBatchWithText(STREAM, batch, previous);
        expect(JSON.stringify(sealed)).toBe(JSON.stringify(expected));
        expect(sealed).toEqual(expected);
        expect(sealed.map(storedDataText)).toEqual(sealed.map((e) => JSON.stringify(e.data)));
        expect(verifyChain(STREAM, [...recorded(head), ...recorded(sealed, head.length)])).toMatchObject({ intact: true });
      }),
      { numRuns: 200 },
    );
  });

  it('the SQLite adapter stores the text it was handed, not a second serialisation', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      const [event] = sealBatchWithText(STREAM, [newEvent(0, { b: '2.00', a: '1.00' })], undefined);
      // White box: a text with the same value, spaced differently, shows which one the row got.
      keepStoredDataText(event, '{ "a": "1.00", "b": "2.00" }');
      await store.append(STREAM, [event], 'no_stream');
      const [row] = store.db.prepare('SELECT data FROM events').all() as Array<{ data: string }>;
      expect(row.data).toBe('{ "a": "1.00", "b": "2.00" }');
    } finally {
      await store.close();
    }
  });

  it('an event without a text is serialised by the adapter as before', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      await store.append(STREAM, [newEvent(0, { b: '2.00', a: '1.00' })], 'no_stream');
      const [row] = store.db.prepare('SELECT data FROM events').all() as Array<{ data: string }>;
      expect(row.data).toBe('{"b":"2.00","a":"1.00"}');
    } finally {
      await store.close();
    }
  });

  it('the adapter takes the text off the event at the append: the row keeps it, the waiting event does not', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      const [event] = sealBatchWithText(STREAM, [newEvent(0, { b: '2.00', a: '1.00' })], undefined);
      const text = storedDataText(event);
      const appended = store.append(STREAM, [event], 'no_stream');
      // Taken as the append is queued, not once it is committed.
      expect(storedDataText(event)).toBeUndefined();
      await appended;
      const [row] = store.db.prepare('SELECT data FROM events').all() as Array<{ data: string }>;
      expect(row.data).toBe(text);
      // Appended again (another store), the event is serialised again, to the same text.
      const other = new SqliteEventStore({ path: ':memory:' });
      await other.append(STREAM, [event], 'no_stream');
      expect((other.db.prepare('SELECT data FROM events').get() as { data: string }).data).toBe(text);
      await other.close();
    } finally {
      await store.close();
    }
  });

  it('with a writer thread, a group lets its rows go once the thread has them, before the commit answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seal-rows-'));
    const store = new SqliteEventStore({ path: join(dir, 'l.db'), writer: 'thread' });
    const sent: Array<readonly AppendRequest[]> = [];
    const commit = WriterThread.prototype.commit;
    const spy = jest.spyOn(WriterThread.prototype, 'commit').mockImplementation(function (this: WriterThread, group) {
      sent.push(group);
      const answered = commit.call(this, group);
      // What the thread was sent: the rows, copied as it was posted.
      expect(group.every((append) => append.rows.length === 1)).toBe(true);
      return answered;
    });
    try {
      const sealed = [0, 1, 2].map((i) => sealBatchWithText(`${STREAM}-${i}`, [newEvent(i, { n: i, 名: '门诊统筹' })], undefined)[0]);
      const texts = sealed.map(storedDataText);
      await Promise.all(sealed.map((e, i) => store.append(`${STREAM}-${i}`, [e], 'no_stream')));
      expect(sent.length).toBeGreaterThan(0);
      for (const group of sent) for (const append of group) expect(append.rows).toHaveLength(0);
      const rows = store.db.prepare('SELECT data FROM events ORDER BY stream_id').all() as Array<{ data: string }>;
      expect(rows.map((r) => r.data)).toEqual(texts);
    } finally {
      spy.mockRestore();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
