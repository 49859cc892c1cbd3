import type { RecordedEvent } from '../event-store/event-store.port';
import type { Principal } from '../http/roles';

/** The settlement events an institution key may follow (its own institution's, nothing else). */
export const INSTITUTION_FEED_TYPES = ['VisitSettled', 'SettlementReversed'] as const;

/** A stream's category: what its id starts with (`person-P1` → person, `alerts-person-P1` → alerts, `seals` → seals). */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}

export interface FeedFilter {
  types?: ReadonlySet<string>;
  categories?: ReadonlySet<string>;
}

/** Type and category filters the caller asked for (pure). */
export function matchesFilter(event: RecordedEvent, filter: FeedFilter): boolean {
  if (filter.types && !filter.types.has(event.type)) return false;
  if (filter.categories && !filter.categories.has(streamCategory(event.streamId))) return false;
  return true;
}

/**
 * The institution a settlement event belongs to. A reversal does not carry the code: the
 * caller resolves it from the VisitSettled it reverses (`settledAt`).
 */
export type SettlementInstitution = (event: RecordedEvent) => Promise<string | undefined>;

/** Whether the principal may see this event; agency and auditor keys see everything. */
export async function visibleTo(principal: Principal, event: RecordedEvent, institutionOf: SettlementInstitution): Promise<boolean> {
  if (principal.role !== 'institution') return true;
  if (!(INSTITUTION_FEED_TYPES as readonly string[]).includes(event.type)) return false;
  return principal.institutionCode !== undefined && (await institutionOf(event)) === principal.institutionCode;
}
