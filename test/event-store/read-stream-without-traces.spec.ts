/**
 * Issue 10: SQLite's readStream `withoutDecisionTraces` (a command's load of a person not in
 * the cache) cuts a current VisitSettled's `decision.trace` as readAll's option does, and
 * nothing else: every other member, every other event, events an upcaster will change, reads
 * backwards and reads with stored texts come exactly as in a plain read; text that is not
 * JSON fails as it does in a plain read.
 */
import fc from 'fast-check';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { currentSchemaVersion } from '../../src/event-store/upcasting';
import '../../src/modules/person-upcasters';

const CURRENT = currentSchemaVersion('VisitSettled');

const newEvent = (i: number, type: string, data: unknown, schemaVersion: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type,
  data,
  metadata: { schemaVersion, recordedAt: '2025-03-01T00:00:00Z' },
});

/** The data a reader that drops the trace itself would see. */
function withoutTrace(event: RecordedEvent): unknown {
  const d = event.data as { decision?: unknown } | null;
  if (event.type !== 'VisitSettled' || event.metadata.schemaVersion < CURRENT) return event.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return event.data;
  if (typeof d.decision !== 'object' || d.decision === null || Array.isArray(d.decision)) return event.data;
  const { trace: _, ...decision } = d.decision as Record<string, unknown>;
  return { ...d, decision };
}

const json = fc.jsonValue().filter((v) => !(typeof v === 'number' && Object.is(v, -0)));
const settledData = fc.record({
  settlementId: fc.string(),
  decision: fc.oneof(
    fc
      .tuple(fc.record({ amounts: json, year: json, trace: json }, { requiredKeys: ['trace'] }), fc.dictionary(fc.string(), json))
      .map(([own, more]) => ({ ...more, ...own })),
    json,
  ),
  visit: json,
});
const anEvent = fc.record({
  type: fc.constantFrom('VisitSettled', 'VisitSettled', 'SettlementAdjusted', 'PersonEnrolled'),
  data: fc.oneof(settledData, json),
  schemaVersion: fc.constantFrom(1, CURRENT - 1, CURRENT, CURRENT + 1),
});

async function streamOf(events: Array<{ type: string; data: unknown; schemaVersion: number }>): Promise<SqliteEventStore> {
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
    expect(plain).toBeInstanceOf(SyntaxError);
    await expect(store.readStream('person-Q', { withoutDecisionTraces: true })).rejects.toThrow((plain as Error).message);
  } finally {
    await store.close();
  }
});
