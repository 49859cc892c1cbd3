/**
 * storedEventHash as it was before the metadata's stored text was handed over (commit
 * 6ee4687): the stored data text, the parsed metadata serialised natively, else eventHash.
 * The reference the text-cutting version is held to (test/audit/chain-metadata-stored-text.spec.ts).
 */
import { createHash } from 'node:crypto';
import { eventHash } from '../../../src/audit/tamper-chain';
import { RecordedEvent, storedDataText } from '../../../src/event-store/event-store.port';

export function referenceStoredEventHash(e: RecordedEvent): string {
  const dataText = storedDataText(e);
  if (dataText === undefined) return eventHash(e);
  const { hash, ...metadata } = e.metadata;
  const rest = `,"metadata":${JSON.stringify(metadata)},"revision":${JSON.stringify(e.revision)},"streamId":${JSON.stringify(e.streamId)},"type":${JSON.stringify(e.type)}}`;
  const asStored = createHash('sha256').update(`{"data":${dataText}${rest}`, 'utf8').digest('hex');
  return asStored === hash ? asStored : eventHash(e);
}
