/** `?asOf`: the ledger as it stood at a global position or at the end of an Asia/Shanghai day. */
import type { RecordedEvent } from '../../event-store/event-store.port';
import { LocalDate, shanghaiDate } from '../../kernel/dates';

/** A point in the ledger's history: a global position, or the end of an Asia/Shanghai day. */
export type AsOf = { position: number } | { date: LocalDate };

/** Parses `?asOf=`: digits = a global position, 'YYYY-MM-DD' = as the ledger stood at the end of that day. */
export function parseAsOf(raw: string | undefined): AsOf | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{1,15}$/.test(raw)) return { position: Number(raw) };
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return { date: raw };
  return undefined;
}

/** Whether an event was already in the ledger at `asOf` (recorded on or before that day / position). */
export function recordedBy(event: Pick<RecordedEvent, 'position' | 'metadata'>, asOf: AsOf | undefined): boolean {
  if (!asOf) return true;
  if ('position' in asOf) return event.position <= asOf.position;
  return shanghaiDate(event.metadata.recordedAt) <= asOf.date;
}
