/**
 * sealBatch as first defined (every stored hash was computed with it): metadata = the event's
 * with `prevHash` set and `hash` removed, hash = sha256 of the reference canonical JSON of
 * {data, metadata, revision, streamId, type}, sealed metadata = that metadata with `hash`.
 * The reference the faster sealEach in src/audit/tamper-chain.ts is held to, as texts.
 */
import { createHash } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../../../src/event-store/event-store.port';
import { referenceCanonicalJson } from './canonical-json.reference';

export interface ReferenceSealed {
  dataText: string;
  metadataText: string;
  hash: string;
}

export function referenceSealBatch(streamId: string, events: NewEvent[], previous: RecordedEvent | undefined): ReferenceSealed[] {
  let prevHash = previous ? (previous.metadata.hash as string) : '0'.repeat(64);
  let revision = previous ? previous.revision + 1 : 0;
  return events.map((event) => {
    const metadata: Record<string, unknown> = { ...event.metadata, prevHash };
    delete metadata.hash;
    const text = referenceCanonicalJson({ streamId, revision, type: event.type, data: event.data, metadata });
    const hash = createHash('sha256').update(text, 'utf8').digest('hex');
    prevHash = hash;
    revision += 1;
    return { dataText: referenceCanonicalJson(event.data), metadataText: referenceCanonicalJson({ ...metadata, hash }), hash };
  });
}
