/**
 * Issue 10: the ledger verifier (ChainFold over readAll pages) reads the log `withStoredText`
 * and hashes each row's stored data text; SQLite parses an event's data only if something
 * reads it. The verdict must be exactly the one hashing the parsed events gives.
 */
import fc from 'fast-check';
import { catchUp } from '../../src/audit/seals/ledger-verification';
import { chainLinkOf } from '../../src/audit/seals/chain-links';
import { ChainFold } from '../../src/audit/seals/seal';
import { sealBatch } from '../../src/audit/tamper-chain';
import type { NewEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

const newEvent = (i: number, data: unknown): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'VisitSettled',
  data,
  metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', commandId: `c-${i}` },
});

/** Two persons' sealed streams, interleaved in the log. */
async function sealedLog(datas: unknown[]): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  for (const [i, data] of datas.entries()) {
    const stream = `person-P${i % 2}`;
    const previous = (await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0];
    await store.append(stream, sealBatch(stream, [newEvent(i, data)], previous), previous ? previous.revision : 'no_stream');
  }
  return store;
}

/** The fold as it was before: every event read plainly (parsed, hashed by re-serialising). */
async function foldPlainly(store: SqliteEventStore): Promise<ChainFold> {
  const fold = new ChainFold();
  for (const event of await store.readAll()) fold.add(chainLinkOf(event));
  return fold;
}

const json = fc.jsonValue().filter((v) => v !== null && !(typeof v === 'number' && Object.is(v, -0)));

it('property: the verifier over stored texts finds what hashing the parsed events finds', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(json, { minLength: 1, maxLength: 6 }),
      fc.nat(),
      fc.constantFrom('none', 'data', 'spaced'),
      async (datas, pick, change) => {
        const store = await sealedLog(datas);
        try {
          const position = (pick % datas.length) + 1;
          // Behind the ledger's back: a row's data replaced (tamper), or the same value stored as another text.
          if (change === 'data')
            store.db.prepare("UPDATE events SET data = json_object('tampered', json(data)) WHERE position = ?").run(position);
          if (change === 'spaced') store.db.prepare("UPDATE events SET data = ' ' || data WHERE position = ?").run(position);
          const fold = new ChainFold();
          await catchUp(store, fold);
          const plain = await foldPlainly(store);
          expect(fold.broken).toEqual(plain.broken);
          expect([...fold.links]).toEqual([...plain.links]);
          expect(fold.verifiedThrough).toBe(datas.length);
          expect(fold.broken.length).toBe(change === 'data' ? 1 : 0);
        } finally {
          await store.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});

it('passes over intact rows by their stored text: no data is parsed unless something reads it', async () => {
  const store = await sealedLog([{ fund: '1.00' }, { fund: '2.00', lines: [{ amount: '2.00' }] }, { fund: '3.00' }]);
  try {
    const texts = (store.db.prepare('SELECT data FROM events').all() as Array<{ data: string }>).map((r) => r.data);
    const parse = jest.spyOn(JSON, 'parse');
    const page = await store.readAll({ withStoredText: true });
    const fold = new ChainFold();
    for (const event of page) fold.add(chainLinkOf(event));
    const dataParses = parse.mock.calls.filter(([text]) => texts.includes(text));
    parse.mockRestore();
    expect(dataParses).toEqual([]);
    expect(fold.broken).toEqual([]);
    expect(page.map((e) => e.data)).toEqual([{ fund: '1.00' }, { fund: '2.00', lines: [{ amount: '2.00' }] }, { fund: '3.00' }]);
  } finally {
    await store.close();
  }
});

it('names a row whose data no longer parses as a hash mismatch at its link, not a failed check', async () => {
  const store = await sealedLog([{ fund: '1.00' }, { fund: '2.00' }, { fund: '3.00' }]);
  try {
    store.db.prepare('UPDATE events SET data = substr(data, 1, 9) WHERE position = 2').run();
    const fold = new ChainFold();
    await catchUp(store, fold);
    expect(fold.broken).toEqual([expect.objectContaining({ streamId: 'person-P1', revision: 0, position: 2, reason: 'hash_mismatch' })]);
    expect(fold.verifiedThrough).toBe(3);
  } finally {
    await store.close();
  }
});

it('names a row whose metadata no longer parses as a missing hash at its link, and checks the rows after it', async () => {
  const store = await sealedLog([{ fund: '1.00' }, { fund: '2.00' }, { fund: '3.00' }, { fund: '4.00' }]);
  try {
    store.db.prepare("UPDATE events SET metadata = '{not json' WHERE position = 2").run();
    const fold = new ChainFold();
    await catchUp(store, fold);
    expect(fold.broken).toEqual([
      expect.objectContaining({
        streamId: 'person-P1',
        revision: 0,
        position: 2,
        reason: 'missing_hash',
        expected: '(stored metadata is not JSON)',
      }),
    ]);
    expect(fold.verifiedThrough).toBe(4);
  } finally {
    await store.close();
  }
});
