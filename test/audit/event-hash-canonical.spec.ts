import fc from 'fast-check';
import { eventHash, sealBatch, verifyChain } from '../../src/audit/tamper-chain';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { sha256Hex } from '../../src/policy/canonical-json';
import { referenceCanonicalJson } from './support/canonical-json.reference';

/** The event hash as first defined, over the reference canonical JSON: every stored hash was made this way. */
function referenceEventHash(e: {
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}): string {
  const { hash: _ignored, ...metadata } = e.metadata;
  return sha256Hex(referenceCanonicalJson({ streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, metadata }));
}

const data = fc.jsonValue();
const metadata = fc.record(
  { schemaVersion: fc.nat(), recordedAt: fc.string(), commandId: fc.string(), prevHash: fc.string(), hash: fc.string() },
  { requiredKeys: ['schemaVersion', 'recordedAt'] },
);

describe('event hash: byte-identical to the original definition', () => {
  it('for arbitrary data and metadata, as written or as read back', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string(), data, metadata, (streamId, revision, type, d, m) => {
        const event = { streamId, revision, type, data: d, metadata: m };
        const expected = referenceEventHash(event);
        return eventHash(event) === expected && eventHash(JSON.parse(JSON.stringify(event))) === expected;
      }),
      { numRuns: 1000 },
    );
  });

  it('sealBatch stores data and metadata in canonical key order; the stored event verifies with the original hash', () => {
    const [sealed] = sealBatch(
      'person-P1',
      [
        {
          id: 'e1',
          type: 'VisitSettled',
          data: { z: { b: 1, a: [{ d: 2, c: 3 }] }, a: undefined, m: '1e21' },
          metadata: { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00Z', commandId: 'c1' },
        },
      ],
      undefined,
    );
    expect(JSON.stringify(sealed.data)).toBe('{"m":"1e21","z":{"a":[{"c":3,"d":2}],"b":1}}');
    expect(Object.keys(sealed.metadata)).toEqual(['commandId', 'hash', 'prevHash', 'recordedAt', 'schemaVersion']);
    const stored: RecordedEvent = JSON.parse(JSON.stringify({ ...sealed, streamId: 'person-P1', revision: 0, position: 1 }));
    expect(stored.metadata.hash).toBe(referenceEventHash(stored));
    expect(verifyChain('person-P1', [stored]).intact).toBe(true);
  });
});
