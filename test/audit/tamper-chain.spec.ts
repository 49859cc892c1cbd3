import fc from 'fast-check';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.port';
import { eventHash, GENESIS_HASH, sealBatch, verifyChain } from '../../src/audit/tamper-chain';

const STREAM = 'person-P1';

function newEvent(i: number, data: unknown): NewEvent {
  return {
    id: `id-${i}`,
    type: i % 2 ? 'VisitSettled' : 'AccountCredited',
    data,
    metadata: { schemaVersion: 1, recordedAt: `2023-01-0${(i % 9) + 1}T00:00:00Z`, commandId: `c-${i}` },
  };
}

/** Seals batches one after the other, as runStreamCommand would, and returns the events as stored (JSON round trip). */
function writeStream(batches: unknown[][]): RecordedEvent[] {
  const stored: RecordedEvent[] = [];
  let i = 0;
  for (const batch of batches) {
    const sealed = sealBatch(
      STREAM,
      batch.map((d) => newEvent(i++, d)),
      stored[stored.length - 1],
    );
    for (const e of sealed)
      stored.push(JSON.parse(JSON.stringify({ ...e, streamId: STREAM, revision: stored.length, position: 100 + stored.length })));
  }
  return stored;
}

const json = fc.jsonValue().filter((v) => v !== null && !(typeof v === 'number' && Object.is(v, -0)));

describe('tamper chain', () => {
  it('the first event links to the genesis hash; each next one to the previous hash', () => {
    const events = writeStream([[{ a: 1 }], [{ b: 2 }, { c: 3 }]]);
    expect(events[0].metadata.prevHash).toBe(GENESIS_HASH);
    expect(events[1].metadata.prevHash).toBe(events[0].metadata.hash);
    expect(events[2].metadata.prevHash).toBe(events[1].metadata.hash);
    expect(events[2].metadata.hash).toBe(eventHash(events[2]));
    expect(verifyChain(STREAM, events)).toMatchObject({ intact: true, events: 3, headHash: events[2].metadata.hash });
  });

  it('property: any sealed stream verifies; changing any one event’s data names exactly that event as the first broken link', () => {
    fc.assert(
      fc.property(fc.array(fc.array(json, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), fc.nat(), (batches, pick) => {
        const events = writeStream(batches);
        expect(verifyChain(STREAM, events).intact).toBe(true);
        const k = pick % events.length;
        const tampered = events.map((e, i) => (i === k ? { ...e, data: { tampered: e.data } } : e));
        const result = verifyChain(STREAM, tampered);
        expect(result.intact).toBe(false);
        expect(result.firstBroken).toMatchObject({ revision: k, reason: 'hash_mismatch' });
      }),
    );
  });

  it('re-hashing a tampered event does not hide it: the next link breaks', () => {
    const events = writeStream([[{ fund: '148.50' }], [{ fund: '175.50' }], [{ x: 1 }]]);
    const forged = { ...events[1], data: { fund: '999.00' } };
    forged.metadata = { ...forged.metadata, hash: eventHash(forged) };
    const result = verifyChain(STREAM, [events[0], forged, events[2]]);
    expect(result.firstBroken).toMatchObject({
      revision: 2,
      reason: 'prev_hash_mismatch',
      expected: forged.metadata.hash,
      found: events[1].metadata.hash,
    });
  });

  it('names the first of several broken links, and a removed event as a revision gap', () => {
    const events = writeStream([[1], [2], [3], [4], [5], [6]]);
    const twice = events.map((e, i) => (i === 2 || i === 4 ? { ...e, type: 'Forged' } : e));
    expect(verifyChain(STREAM, twice).firstBroken).toMatchObject({ revision: 2, reason: 'hash_mismatch', type: 'Forged' });
    expect(verifyChain(STREAM, [events[0], events[1], events[3]]).firstBroken).toMatchObject({ revision: 3, reason: 'revision_gap' });
  });

  it('an event written without a seal is a broken link (missing hash)', () => {
    const events = writeStream([[1], [2]]);
    const { hash: _h, ...rest } = events[1].metadata;
    expect(verifyChain(STREAM, [events[0], { ...events[1], metadata: rest as RecordedEvent['metadata'] }]).firstBroken).toMatchObject({
      revision: 1,
      reason: 'missing_hash',
    });
  });

  it('the hash covers the stream id and revision: the same event moved to another stream or place does not verify', () => {
    const events = writeStream([[1]]);
    expect(verifyChain('person-P2', [{ ...events[0], streamId: 'person-P2' }]).firstBroken?.reason).toBe('hash_mismatch');
  });
});
