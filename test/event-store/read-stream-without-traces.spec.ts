/**
 * Issue 10: SQLite's readStream `withoutDecisionTraces` (a command's load of a person not in
 * the cache) cuts a current VisitSettled's `decision.trace` as readAll's option does, and
 * nothing else: every other member, every other event, events an upcaster will change, reads
 * backwards and reads with stored texts come exactly as in a plain read; text that is not
 * JSON fails as it does in a plain read.
 */
import fc from 'fast-check';
import { StoredEventUnreadable } from '../../src/event-store/errors';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { anEvent, CURRENT_VISIT_SETTLED as CURRENT, EventSpec, newEvent, withoutTrace } from '../support/trace-cut';

async function streamOf(events: EventSpec[]): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  await store.append('person-P', [newEvent(0, 'Other', {}, 1)], 'no_stream'); // positions and revisions apart
  await store.append(
    'person-Q',
    events.map((e, i) => newEvent(i + 1, e.type, e.data, e.schemaVersion)),
    'no_stream',
  );
  return store;
}

it('property: forwards, every event reads as the plain read with only a current VisitSettled decision.trace left out', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(anEvent, { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(), async (events, from, count) => {
      const store = await streamOf(events);
      try {
        const options = { fromRevision: from % events.length, maxCount: 1 + (count % 8) };
        const plain = await store.readStream('person-Q', options);
        const cut = await store.readStream('person-Q', { ...options, withoutDecisionTraces: true });
        expect(cut.map((e) => e.data)).toStrictEqual(plain.map(withoutTrace));
        expect(cut.map(({ data: _, ...rest }) => rest)).toStrictEqual(plain.map(({ data: _, ...rest }) => rest));
      } finally {
        await store.close();
      }
    }),
    { numRuns: 150 },
  );
});

it('the trace is cut from a current VisitSettled only; backwards and with stored texts the events come whole', async () => {
  const data = { settlementId: 'S-1', decision: { year: 2025, trace: [{ step: 'national', clause: '第六条' }] } };
  const store = await streamOf([
    { type: 'VisitSettled', data, schemaVersion: CURRENT },
    { type: 'VisitSettled', data, schemaVersion: CURRENT - 1 },
  ]);
  try {
    const [current, older] = await store.readStream('person-Q', { withoutDecisionTraces: true });
    expect(current.data).toEqual({ settlementId: 'S-1', decision: { year: 2025 } });
    expect(older.data).toEqual(data);
    const backwards = await store.readStream('person-Q', { direction: 'backwards', withoutDecisionTraces: true });
    expect(backwards.map((e) => e.data)).toEqual([data, data]);
    const [withText] = await store.readStream('person-Q', { withoutDecisionTraces: true, withStoredText: true });
    expect(withText.data).toEqual(data);
  } finally {
    await store.close();
  }
});

it('a stored data text that is not JSON fails the read as a plain read does', async () => {
  const store = await streamOf([{ type: 'VisitSettled', data: { decision: { trace: [] } }, schemaVersion: CURRENT }]);
  try {
    store.db.prepare('UPDATE events SET data = \'{"decision": {"trace": [}\' WHERE stream_id = \'person-Q\'').run();
    const plain = await store.readStream('person-Q').catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(StoredEventUnreadable);
    expect(plain).toMatchObject({ streamId: 'person-Q', part: 'data' });
    await expect(store.readStream('person-Q', { withoutDecisionTraces: true })).rejects.toThrow((plain as Error).message);
  } finally {
    await store.close();
  }
});
