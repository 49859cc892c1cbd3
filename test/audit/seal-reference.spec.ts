/**
 * Issue 10, request path: sealEach builds the sealed metadata in canonical order without a
 * spread, a `delete` and a sorted copy. What it stores must be what the first definition
 * stored (support/seal.reference.ts): the same data and metadata texts and the same hashes,
 * whatever the metadata holds (a stale hash or prevHash, undefined members, index-like keys).
 */
import fc from 'fast-check';
import { sealBatch, sealBatchWithText } from '../../src/audit/tamper-chain';
import { NewEvent, RecordedEvent, storedDataText } from '../../src/event-store/event-store.port';
import { referenceSealBatch } from './support/seal.reference';

const STREAM = 'person-P1';

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0', '7', '10', 'hash', 'prevHash')), tie('value'), {
      maxKeys: 5,
    }),
  ),
})).value;

const metadata = fc
  .tuple(
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1', '02', 'actor', 'commandId', 'zeta', 'Z')), json, {
      maxKeys: 4,
    }),
    fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  )
  .map(([extra, hash, prevHash]) => ({
    ...extra,
    schemaVersion: 1,
    recordedAt: '2025-03-01T00:00:00Z',
    ...(hash === undefined ? {} : { hash }),
    ...(prevHash === undefined ? {} : { prevHash }),
    occurredAt: undefined,
  }));

const event = fc
  .tuple(json, metadata, fc.nat())
  .map(([data, meta, i]): NewEvent => ({ id: `e-${i}`, type: 'VisitSettled', data, metadata: meta }));

const recorded = (events: NewEvent[]): RecordedEvent[] => events.map((e, i) => ({ ...e, streamId: STREAM, revision: i, position: i + 1 }));

describe('sealBatch against its first definition', () => {
  it('property: the same stored data and metadata texts and the same hash chain, with and without the data text', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 3 }), fc.array(event, { minLength: 1, maxLength: 3 }), (first, second) => {
        const head = recorded(sealBatch(STREAM, first, undefined));
        expect(head.map((e) => JSON.stringify(e.metadata))).toEqual(
          referenceSealBatch(STREAM, first, undefined).map((r) => r.metadataText),
        );
        const expected = referenceSealBatch(STREAM, second, head.at(-1));
        for (const sealed of [sealBatch(STREAM, second, head.at(-1)), sealBatchWithText(STREAM, second, head.at(-1))]) {
          expect(sealed.map((e) => JSON.stringify(e.data))).toEqual(expected.map((r) => r.dataText));
          expect(sealed.map((e) => JSON.stringify(e.metadata))).toEqual(expected.map((r) => r.metadataText));
          expect(sealed.map((e) => e.metadata.hash)).toEqual(expected.map((r) => r.hash));
        }
        const withText = sealBatchWithText(STREAM, second, head.at(-1));
        expect(withText.map(storedDataText)).toEqual(expected.map((r) => r.dataText));
      }),
      { numRuns: 300 },
    );
  });
});
