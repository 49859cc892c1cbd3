/**
 * Issue 10 item 5: the chain check hashes the data's JSON text as the SQLite row holds it
 * (read `withStoredText`) instead of re-serialising the parsed data, and still decides
 * every link exactly as eventHash on the parsed event does.
 */
import fc from 'fast-check';
import { eventHash, sealBatch, verifyChain } from '../../src/audit/tamper-chain';
import { keepStoredDataText, NewEvent, RecordedEvent, storedDataText } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

const STREAM = 'person-P1';

const newEvent = (i: number, data: unknown): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'VisitSettled',
  data,
  metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', commandId: `c-${i}` },
});

/** A stream sealed as runStreamCommand seals it, appended to a fresh in-memory store. */
async function sealedStore(datas: unknown[]): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  await store.append(
    STREAM,
    sealBatch(
      STREAM,
      datas.map((d, i) => newEvent(i, d)),
      undefined,
    ),
    'no_stream',
  );
  return store;
}

const json = fc.jsonValue().filter((v) => v !== null && !(typeof v === 'number' && Object.is(v, -0)));

describe('chain check on the stored texts (SQLite readStream withStoredText)', () => {
  it('hands over each row’s data text only when asked; a copy of the event has none', async () => {
    const store = await sealedStore([{ fund: '12.30', note: '门诊' }, { fund: '1.00' }]);
    try {
      const plain = await store.readStream(STREAM);
      expect(plain.map(storedDataText)).toEqual([undefined, undefined]);
      const withText = await store.readStream(STREAM, { withStoredText: true });
      const rows = store.db.prepare('SELECT data FROM events ORDER BY position').all() as Array<{ data: string }>;
      expect(withText.map(storedDataText)).toEqual(rows.map((r) => r.data));
      expect(withText).toEqual(plain); // same events, same shape: the text is not a member
      expect(JSON.stringify(withText)).toBe(JSON.stringify(plain));
      expect(storedDataText({ ...withText[0] })).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('property: with or without the texts, the same verdict, first broken link and expected hash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(json, { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean(), async (datas, pick, tamper) => {
        const store = await sealedStore(datas);
        try {
          if (tamper) {
            // Behind the ledger's back: one row's data text replaced, its hash untouched.
            const position = (pick % datas.length) + 1;
            store.db.prepare("UPDATE events SET data = json_object('tampered', json(data)) WHERE position = ?").run(position);
          }
          const withText = verifyChain(STREAM, await store.readStream(STREAM, { withStoredText: true }));
          const without = verifyChain(STREAM, await store.readStream(STREAM));
          expect(withText).toEqual(without);
          expect(withText.intact).toBe(!tamper);
          if (tamper) expect(withText.firstBroken).toMatchObject({ reason: 'hash_mismatch', revision: pick % datas.length });
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a stored text that is not canonical (same value, keys reordered by hand) still verifies: decided on the parsed data', async () => {
    const store = await sealedStore([{ a: '1.00', b: { c: 1, d: [1, 2] } }]);
    try {
      store.db.prepare(`UPDATE events SET data = '{"b":{"d":[1,2],"c":1},"a":"1.00"}' WHERE position = 1`).run();
      const events = await store.readStream(STREAM, { withStoredText: true });
      expect(storedDataText(events[0])).toBe('{"b":{"d":[1,2],"c":1},"a":"1.00"}');
      expect(verifyChain(STREAM, events)).toMatchObject({ intact: true, events: 1 });
    } finally {
      await store.close();
    }
  });

  it('hashes the stored text, not a re-serialisation of the parsed data (the text is what the row holds)', () => {
    // White box: an event whose parsed data differs from the text it came with. Only a
    // check that hashes the text accepts it; one that re-serialises the data does not.
    const [sealed] = sealBatch(STREAM, [newEvent(0, { fund: '2.00' })], undefined);
    const event: RecordedEvent = { ...sealed, streamId: STREAM, revision: 0, position: 1, data: { fund: '999.00' } };
    expect(verifyChain(STREAM, [event]).intact).toBe(false);
    keepStoredDataText(event, '{"fund":"2.00"}');
    expect(verifyChain(STREAM, [event])).toMatchObject({ intact: true, headHash: sealed.metadata.hash });
    expect(eventHash(event)).not.toBe(sealed.metadata.hash);
  });
});
