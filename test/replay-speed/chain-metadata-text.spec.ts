/**
 * Issue 10 item 5: the chain check on stored texts serialises the metadata natively (sealBatch
 * stored it in canonical order) instead of walking it into canonical order. A metadata row
 * out of that order must still verify (decided on the parsed event), and a changed one must not.
 */
import { sealBatch, verifyChain } from '../../src/audit/tamper-chain';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

const STREAM = 'person-P1';

async function sealedStore(): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  const events = [0, 1, 2].map((i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'VisitSettled',
    data: { fund: `${i}.00`, note: '门诊' },
    metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', commandId: `c-${i}`, causation: { by: 'x', at: i } },
  }));
  await store.append(STREAM, sealBatch(STREAM, events, undefined), 'no_stream');
  return store;
}

/** The row's metadata text rewritten with every object's keys in reverse order (same JSON value). */
function reverseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reverseKeys(v)]));
}

describe('chain check with the metadata serialised natively (issue 10 item 5)', () => {
  it('metadata stored out of canonical order still verifies, with the same head hash', async () => {
    const store = await sealedStore();
    try {
      const before = verifyChain(STREAM, await store.readStream(STREAM, { withStoredText: true }));
      const rows = store.db.prepare('SELECT position, metadata FROM events').all() as Array<{ position: number; metadata: string }>;
      for (const r of rows) {
        const text = JSON.stringify(reverseKeys(JSON.parse(r.metadata)));
        expect(text).not.toBe(r.metadata);
        store.db.prepare('UPDATE events SET metadata = ? WHERE position = ?').run(text, r.position);
      }
      const after = verifyChain(STREAM, await store.readStream(STREAM, { withStoredText: true }));
      expect(after).toEqual(before);
      expect(after).toMatchObject({ intact: true, events: 3 });
    } finally {
      await store.close();
    }
  });

  it.each([
    ['a changed member', `json_set(metadata, '$.recordedAt', '2000-01-01T00:00:00Z')`],
    ['an added member', `json_set(metadata, '$.zz', 1)`],
    ['a changed nested member', `json_set(metadata, '$.causation.at', 9)`],
  ])('%s of the metadata breaks the link it is in', async (_what, update) => {
    const store = await sealedStore();
    try {
      store.db.prepare(`UPDATE events SET metadata = ${update} WHERE position = 2`).run();
      const withText = verifyChain(STREAM, await store.readStream(STREAM, { withStoredText: true }));
      expect(withText).toMatchObject({ intact: false, firstBroken: { revision: 1, reason: 'hash_mismatch' } });
      expect(withText).toEqual(verifyChain(STREAM, await store.readStream(STREAM)));
    } finally {
      await store.close();
    }
  });
});
