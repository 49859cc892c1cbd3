/**
 * Issue 10 item 5: the chain check hashes the metadata's stored text with its `"hash":"…"`
 * member cut out, instead of serialising the parsed metadata again. Held to the function it
 * replaces (support/stored-event-hash.reference.ts) on sealed events whose stored texts are
 * canonical, rewritten in other forms, tampered, or left without a usable hash.
 */
import fc from 'fast-check';
import { eventHash, sealBatch, storedEventHash, verifyChain } from '../../src/audit/tamper-chain';
import { keepStoredTexts, NewEvent, RecordedEvent, storedDataText, storedMetadataText } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { referenceStoredEventHash } from './support/stored-event-hash.reference';

const STREAM = 'person-P1';

/** Metadata keys a row may hold: the ledger's, integer-like ones, and "hash" nested or near the top. */
const key = fc.constantFrom('actor', 'commandId', 'hash', 'hashes', 'h', 'zz', '0', '12', 'prevHash', 'recordedAt', 'note', 'ünï');
const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.oneof(leaf, fc.dictionary(key, leaf, { maxKeys: 3 }), fc.array(leaf, { maxLength: 3 }));
const metadata = fc
  .dictionary(key, value, { maxKeys: 6 })
  .map((extra) => ({ schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', ...extra, hash: undefined, prevHash: undefined }));
const data = fc.jsonValue().filter((v) => !(typeof v === 'number' && Object.is(v, -0)));

/** Ways a stored metadata text may differ from what the sealer wrote. */
const REWRITES = {
  none: (text: string) => text,
  spaced: (text: string) => JSON.stringify(JSON.parse(text), null, 1),
  reversed: (text: string) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse())),
  escaped: (text: string) => text.replace(/"hash"/, '"h\\u0061sh"'),
  nestedCopy: (text: string) => text.replace(/^\{/, `{"copy":{"hash":${JSON.stringify((JSON.parse(text) as { hash: string }).hash)}},`),
  tampered: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), recordedAt: '2000-01-01T00:00:00Z' }),
  otherHash: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), hash: 'a'.repeat(64) }),
  hashNumber: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), hash: 7 }),
  noHash: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), hash: undefined }),
  duplicateHash: (text: string) => text.replace(/^\{/, `{"hash":"${'b'.repeat(64)}",`),
};
type Rewrite = keyof typeof REWRITES;

/** A sealed event as the adapter hands it over: parsed from its stored texts, the texts kept. */
function asRead(sealed: NewEvent, revision: number, rewrite: Rewrite): RecordedEvent {
  const dataText = JSON.stringify(sealed.data);
  const metadataText = REWRITES[rewrite](JSON.stringify(sealed.metadata));
  const event = {
    streamId: STREAM,
    revision,
    position: revision + 1,
    id: sealed.id,
    type: sealed.type,
    data: JSON.parse(dataText) as unknown,
    metadata: JSON.parse(metadataText) as RecordedEvent['metadata'],
  };
  keepStoredTexts(event, { data: dataText, metadata: metadataText });
  return event;
}

/** The same event and stored texts, its parsed metadata changed in memory only. */
function withParsedMetadataChanged(e: RecordedEvent): RecordedEvent {
  const copy = { ...e, metadata: { ...e.metadata, changedInMemory: true } };
  keepStoredTexts(copy, { data: storedDataText(e)!, metadata: storedMetadataText(e)! });
  return copy;
}

it('property: the hash over the stored metadata text is the one the parsed metadata gave', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ data, metadata }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(...(Object.keys(REWRITES) as Rewrite[])),
      fc.nat(),
      (drafts, rewrite, pick) => {
        const fresh = drafts.map((d, i) => ({
          id: `e-${i}`,
          type: 'VisitSettled',
          data: d.data,
          metadata: d.metadata as NewEvent['metadata'],
        }));
        const sealed = sealBatch(STREAM, fresh, undefined);
        const changed = pick % sealed.length;
        const events = sealed.map((e, i) => asRead(e, i, i === changed ? rewrite : 'none'));
        for (const e of events) expect(storedEventHash(e)).toBe(referenceStoredEventHash(e));
        for (const e of events.filter((_, i) => i !== changed)) {
          expect(storedEventHash(e)).toBe(e.metadata.hash);
          // The stored text alone gives it: the canonical text is cut, the parsed metadata not serialised.
          expect(storedEventHash(withParsedMetadataChanged(e))).toBe(e.metadata.hash);
        }
      },
    ),
    { numRuns: 400 },
  );
});

it('hashes the stored metadata text, not a serialisation of the parsed metadata', () => {
  const [sealed] = sealBatch(
    STREAM,
    [{ id: 'e-0', type: 'VisitSettled', data: { fund: '1.00' }, metadata: { schemaVersion: 1, recordedAt: 'r' } }],
    undefined,
  );
  const event = asRead(sealed, 0, 'none');
  // The parsed copy changed in memory, the row not: the stored text still carries the recorded hash.
  event.metadata.recordedAt = 'changed in memory';
  expect(storedEventHash(event)).toBe(sealed.metadata.hash);
  expect(eventHash(event)).not.toBe(sealed.metadata.hash);
});

it('a sealed stream read back from SQLite verifies on the stored texts as on the parsed events', async () => {
  const store = new SqliteEventStore({ path: ':memory:' });
  try {
    const fresh = [0, 1, 2, 3].map((i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: 'VisitSettled',
      data: { fund: `${i}.00`, note: '门诊 "quoted" \\ ' },
      metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', actor: 'agency:"x"', causation: { hash: 'nested', at: i } },
    }));
    await store.append(STREAM, sealBatch(STREAM, fresh, undefined), 'no_stream');
    const withText = await store.readStream(STREAM, { withStoredText: true });
    for (const e of withText) expect(storedEventHash(e)).toBe(e.metadata.hash);
    expect(verifyChain(STREAM, withText)).toEqual(verifyChain(STREAM, await store.readStream(STREAM)));
    expect(verifyChain(STREAM, withText)).toMatchObject({ intact: true, events: 4 });
  } finally {
    await store.close();
  }
});
