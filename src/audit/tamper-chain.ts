/**
 * Tamper evidence for person streams: every event's metadata carries
 *   hash     = sha256(canonical JSON of {streamId, revision, type, data, metadata without hash})
 *   prevHash = hash of the previous event of the same stream (64 zeros for revision 0).
 * Altering, removing or reordering a stored event breaks the chain at that event; since
 * `prevHash` is inside the hashed metadata, the next link breaks too. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { keepStoredDataText, NewEvent, RecordedEvent, storedDataText, storedMetadataText } from '../event-store/event-store.port';
import { StoredEventUnreadable } from '../event-store/errors';
import { canonicalJson, inCanonicalOrder, sha256Hex } from '../policy/canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashableEvent {
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

/** The hash an event must carry: everything that identifies and says the fact, except the hash itself. */
export function eventHash(event: HashableEvent): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  // Members listed in canonical order: only data or metadata out of order get copied.
  return sha256Hex(canonicalJson({ data: event.data, metadata, revision: event.revision, streamId: event.streamId, type: event.type }));
}

/**
 * Seals a batch about to be appended after `previous` (the last event of the stream, or
 * undefined for a new stream). The shape of runStreamCommand's `seal` hook, bound to a stream.
 */
export function sealBatch(streamId: string, events: NewEvent[], previous: RecordedEvent | undefined): NewEvent[] {
  return sealEach(streamId, events, previous, false);
}

/**
 * sealBatch, serialising each event's data once (issue 10, request path): the hash is taken
 * over that text, and the text is kept with the sealed event (`keepStoredDataText`) for the
 * adapter to store instead of serialising the same data again. The data is in canonical
 * order, so its JSON.stringify is its canonical JSON and the hash is sealBatch's.
 */
export function sealBatchWithText(streamId: string, events: NewEvent[], previous: RecordedEvent | undefined): NewEvent[] {
  return sealEach(streamId, events, previous, true);
}

function sealEach(streamId: string, events: NewEvent[], previous: RecordedEvent | undefined, withText: boolean): NewEvent[] {
  let prevHash = previous ? chainHashOf(previous) : GENESIS_HASH;
  let revision = previous ? previous.revision + 1 : 0;
  return events.map((event) => {
    const keys = sealedMetadataKeys(event.metadata);
    const metadata = metadataInOrder(keys, event.metadata, prevHash);
    // Stored in canonical key order (same JSON value, same hash): reading it back, the
    // chain check and replay serialise it without copying it (canonical-json.ts).
    const data = inCanonicalOrder(event.data);
    const dataText = withText ? (JSON.stringify(data) as string | undefined) : undefined;
    const unsealed = { streamId, revision, type: event.type, data, metadata };
    const hash = dataText === undefined ? eventHash(unsealed) : hashOverDataText(dataText, unsealed);
    prevHash = hash;
    revision += 1;
    const sealed = { ...event, data, metadata: withHash(keys, metadata, hash) };
    if (dataText !== undefined) keepStoredDataText(sealed, dataText);
    return sealed;
  });
}

/**
 * The sealed metadata's keys (the event's, `prevHash` and `hash`) in sorted order, so that
 * both metadata objects below are built in canonical order, without a spread, a `delete`
 * and a sorted copy each (issue 10, request path).
 */
function sealedMetadataKeys(metadata: NewEvent['metadata']): string[] {
  const keys = Object.keys(metadata);
  if (!Object.prototype.hasOwnProperty.call(metadata, 'prevHash')) keys.push('prevHash');
  if (!Object.prototype.hasOwnProperty.call(metadata, 'hash')) keys.push('hash');
  return keys.sort();
}

/** The metadata that is hashed: the event's without `hash`, with `prevHash`, in canonical order (undefined members dropped). */
function metadataInOrder(keys: string[], given: NewEvent['metadata'], prevHash: string): NewEvent['metadata'] {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === 'hash') continue;
    const value = key === 'prevHash' ? prevHash : inCanonicalOrder(given[key]);
    if (value !== undefined) out[key] = value;
  }
  // Keys inserted sorted give canonical order: the engine enumerates array-index keys first, ascending, as the canonical copy does.
  return out as NewEvent['metadata'];
}

/** The sealed metadata: the hashed one with `hash` in its place. */
function withHash(keys: string[], metadata: NewEvent['metadata'], hash: string): NewEvent['metadata'] {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = key === 'hash' ? hash : metadata[key];
    if (value !== undefined) out[key] = value;
  }
  return out as NewEvent['metadata'];
}

/** eventHash's text, in pieces around the data's canonical text (no ~4 KB string copy). */
function hashOverDataText(dataText: string, e: Omit<HashableEvent, 'data'>): string {
  return sha256OfPieces(dataText, restOfEventText(canonicalJson(e.metadata), e));
}

/** SHA-256 state after eventHash's first bytes, copied for each event (cheaper than a new hash each time). */
const AFTER_DATA_KEY = createHash('sha256').update('{"data":');

/** sha256Hex(`{"data":${dataText}${rest}`), without copying the ~4 KB data text into a new string. */
function sha256OfPieces(dataText: string, rest: string): string {
  return AFTER_DATA_KEY.copy().update(dataText, 'utf8').update(rest, 'utf8').digest('hex');
}

/** runStreamCommand's `seal` option for one stream, handing the data texts to the adapter. */
export const tamperSealWithText =
  (streamId: string) =>
  (events: NewEvent[], previous: RecordedEvent | undefined): NewEvent[] =>
    sealBatchWithText(streamId, events, previous);

/** runStreamCommand's `seal` option for one stream. */
export const tamperSeal =
  (streamId: string) =>
  (events: NewEvent[], previous: RecordedEvent | undefined): NewEvent[] =>
    sealBatch(streamId, events, previous);

/** The hash the next event links to; an unsealed predecessor (written before sealing) is hashed as it stands. */
function chainHashOf(previous: RecordedEvent): string {
  return typeof previous.metadata.hash === 'string' ? previous.metadata.hash : eventHash(previous);
}

/**
 * `eventHash(e)`, hashing the data's text as stored when the adapter handed it over
 * (issue 10 item 5: re-serialising ~4 KB of parsed data per event was most of a chain
 * check), and the metadata's stored text with its hash member cut out. The stored texts are
 * canonical when sealBatch wrote them; if their hash matches the recorded one, it is the
 * very text that was hashed at write time (sha256 collision resistance), so the answer is
 * eventHash's. Anything else (a non-canonical or tampered row) takes the next way: the
 * parsed metadata serialised natively, then eventHash on the parsed event.
 */
export function storedEventHash(e: RecordedEvent): string {
  const dataText = storedDataText(e);
  if (dataText === undefined) return eventHash(e);
  const { hash } = e.metadata;
  const metadataText = metadataTextWithoutHash(storedMetadataText(e), hash);
  if (metadataText !== undefined) {
    const asStored = sha256OfPieces(dataText, restOfEventText(metadataText, e));
    if (asStored === hash) return asStored;
  }
  return hashOverParsedMetadata(dataText, e);
}

/** storedEventHash before the metadata's stored text was handed over: the parsed metadata serialised natively. */
function hashOverParsedMetadata(dataText: string, e: RecordedEvent): string {
  const { hash, ...metadata } = e.metadata;
  const asStored = sha256OfPieces(dataText, restOfEventText(JSON.stringify(metadata), e));
  if (asStored === hash) return asStored;
  try {
    return eventHash(e);
  } catch (error) {
    // Data that no longer parses (a row edited behind the ledger's back) cannot be the value
    // that was sealed: the hash of its stored text names the mismatch, where a thrown parse
    // error would stop the whole check at this row. An adapter names the row (StoredEventUnreadable).
    if (error instanceof SyntaxError || error instanceof StoredEventUnreadable) return asStored;
    throw error;
  }
}

/** eventHash's text after the data: `,"metadata":…,"revision":…,"streamId":…,"type":…}`. */
function restOfEventText(metadataText: string, e: Pick<HashableEvent, 'revision' | 'streamId' | 'type'>): string {
  return `,"metadata":${metadataText},"revision":${JSON.stringify(e.revision)},"streamId":${JSON.stringify(e.streamId)},"type":${JSON.stringify(e.type)}}`;
}

/**
 * The stored metadata text without its `"hash":"…"` member and one comma beside it: what
 * JSON.stringify prints for the metadata without `hash` when the stored text is what
 * JSON.stringify printed for the whole metadata (the adapter stores exactly that). A member
 * text of JSON.stringify is unique in its object and cannot occur inside a string (its
 * quotes would be escaped), so a single occurrence is that member; none or several gives
 * undefined. A text of any other form yields a hash that does not match (storedEventHash
 * then takes the parsed way), unless whoever wrote the row hashed that very text.
 */
function metadataTextWithoutHash(text: string | undefined, hash: unknown): string | undefined {
  if (text === undefined || typeof hash !== 'string') return undefined;
  const member = `"hash":${JSON.stringify(hash)}`;
  const at = text.indexOf(member);
  if (at < 0 || text.includes(member, at + 1)) return undefined;
  const end = at + member.length;
  if (text[at - 1] === ',') return text.slice(0, at - 1) + text.slice(end);
  if (text[end] === ',') return text.slice(0, at) + text.slice(end + 1);
  return text.slice(0, at) + text.slice(end);
}

export type BrokenLinkReason = 'missing_hash' | 'hash_mismatch' | 'prev_hash_mismatch' | 'revision_gap';

export interface BrokenLink {
  streamId: string;
  revision: number;
  position: number;
  eventId: string;
  type: string;
  reason: BrokenLinkReason;
  expected: string;
  found: string;
}

export interface ChainVerification {
  streamId: string;
  events: number;
  intact: boolean;
  /** The first link that does not hold, in revision order. */
  firstBroken?: BrokenLink;
  /** Hash of the last event (the stream's head), when the chain is intact. */
  headHash?: string;
}

/** Checks every link of one stream's events, as stored (not upcast), in revision order. */
export function verifyChain(streamId: string, events: ReadonlyArray<RecordedEvent>): ChainVerification {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const link = (reason: BrokenLinkReason, expected: string, found: string): ChainVerification => ({
      streamId,
      events: events.length,
      intact: false,
      firstBroken: { streamId, revision: e.revision, position: e.position, eventId: e.id, type: e.type, reason, expected, found },
    });
    if (e.revision !== i) return link('revision_gap', String(i), String(e.revision));
    const stored = e.metadata.hash;
    if (typeof stored !== 'string') return link('missing_hash', storedEventHash(e), '(none)');
    const storedPrev = typeof e.metadata.prevHash === 'string' ? e.metadata.prevHash : '(none)';
    if (storedPrev !== prevHash) return link('prev_hash_mismatch', prevHash, storedPrev);
    const recomputed = storedEventHash(e);
    if (recomputed !== stored) return link('hash_mismatch', recomputed, stored);
    prevHash = stored;
  }
  return { streamId, events: events.length, intact: true, headHash: events.length ? prevHash : GENESIS_HASH };
}
