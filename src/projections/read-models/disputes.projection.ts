/**
 * Issue 15 item 1 (read side): the dispute list. One row per dispute from its lifecycle
 * on `dispute-<id>`, kept by status, institution, person and opening day, ordered by the
 * position it was opened at (immutable, so pages never shift: src/http/pagination.ts).
 */
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { DisputeOpened, DisputeRejected, DisputeSubject, DisputeUpheld } from '../../disputes/dispute.events';
import { Page, pageOf } from '../../http/pagination';
import { shanghaiDate } from '../../kernel/dates';
import type { Projection } from '../projection';
import type { ReadModelStore } from '../read-model-store';

export type DisputeStatus = 'open' | 'upheld' | 'rejected';

export interface DisputeListItem {
  disputeId: string;
  status: DisputeStatus;
  openedAt: string;
  /** Asia/Shanghai day it was opened (what `openedBefore` compares). */
  openedOn: string;
  openedBy: DisputeOpened['data']['openedBy'];
  institutionCode: string | null;
  personId: string | null;
  subject: DisputeSubject;
  grounds: DisputeOpened['data']['grounds'];
  /** What the ledger's analysis on opening said would change (fund, account, cash). */
  analysisTotals: DisputeOpened['data']['analysis']['totals'];
  resolvedAt?: string;
  correctionId?: string;
  reason?: string;
  /** Log position it was opened at: the list's sort key. */
  position: number;
}

export interface DisputeFilter {
  status?: DisputeStatus;
  institutionCode?: string;
  personId?: string;
  /** Opened before this Asia/Shanghai day (exclusive): disputes at least so old. */
  openedBefore?: string;
}

const personOf = (s: DisputeSubject): string | null => (s.kind === 'institution-month' ? null : s.personId);
const institutionOf = (d: DisputeOpened['data']): string | null =>
  d.institutionCode ?? (d.subject.kind === 'institution-month' ? d.subject.institutionCode : null);

export class DisputesProjection implements Projection {
  readonly name = 'disputes';
  readonly tables = ['rm_dispute'];
  readonly schema = `
    CREATE TABLE IF NOT EXISTS rm_dispute (
      dispute_id TEXT PRIMARY KEY, position INTEGER NOT NULL, status TEXT NOT NULL, opened_on TEXT NOT NULL,
      institution_code TEXT, person_id TEXT, item TEXT NOT NULL);
    CREATE UNIQUE INDEX IF NOT EXISTS rm_dispute_position ON rm_dispute (position);
    CREATE INDEX IF NOT EXISTS rm_dispute_institution ON rm_dispute (institution_code, position);`;

  apply(event: RecordedEvent, store: ReadModelStore): void {
    if (!event.streamId.startsWith('dispute-')) return;
    if (event.type === 'DisputeOpened') this.opened(event, store);
    else if (event.type === 'DisputeUpheld') {
      const d = event.data as DisputeUpheld['data'];
      this.resolve(store, d.disputeId, { status: 'upheld', resolvedAt: d.resolvedAt, correctionId: d.correctionId });
    } else if (event.type === 'DisputeRejected') {
      const d = event.data as DisputeRejected['data'];
      this.resolve(store, d.disputeId, { status: 'rejected', resolvedAt: d.resolvedAt, reason: d.reason });
    }
  }

  private opened(event: RecordedEvent, store: ReadModelStore): void {
    const d = event.data as DisputeOpened['data'];
    const item: DisputeListItem = {
      disputeId: d.disputeId,
      status: 'open',
      openedAt: d.openedAt,
      openedOn: shanghaiDate(d.openedAt),
      openedBy: d.openedBy,
      institutionCode: institutionOf(d),
      personId: personOf(d.subject),
      subject: d.subject,
      grounds: d.grounds,
      analysisTotals: d.analysis.totals,
      position: event.position,
    };
    store
      .stmt(
        'INSERT INTO rm_dispute (dispute_id, position, status, opened_on, institution_code, person_id, item) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dispute_id) DO NOTHING',
      )
      .run(item.disputeId, item.position, item.status, item.openedOn, item.institutionCode, item.personId, JSON.stringify(item));
  }

  private resolve(
    store: ReadModelStore,
    disputeId: string,
    outcome: Pick<DisputeListItem, 'status' | 'resolvedAt' | 'correctionId' | 'reason'>,
  ): void {
    const row = store.stmt('SELECT item FROM rm_dispute WHERE dispute_id = ?').get(disputeId) as { item: string } | undefined;
    if (!row) return;
    const item: DisputeListItem = { ...(JSON.parse(row.item) as DisputeListItem), ...outcome };
    store.stmt('UPDATE rm_dispute SET status = ?, item = ? WHERE dispute_id = ?').run(item.status, JSON.stringify(item), disputeId);
  }
}

/** Up to `limit` disputes opened after position `after`, filtered, in the order they were opened. */
export function listDisputes(store: ReadModelStore, filter: DisputeFilter, limit: number, after: number): Page<DisputeListItem> {
  const rows = store
    .stmt(
      `SELECT item FROM rm_dispute WHERE position > ?
         AND (? IS NULL OR status = ?) AND (? IS NULL OR institution_code = ?) AND (? IS NULL OR person_id = ?) AND (? IS NULL OR opened_on < ?)
       ORDER BY position LIMIT ?`,
    )
    .all(
      after,
      ...twice(filter.status),
      ...twice(filter.institutionCode),
      ...twice(filter.personId),
      ...twice(filter.openedBefore),
      limit + 1,
    ) as Array<{ item: string }>;
  return pageOf(
    rows.map((r) => JSON.parse(r.item) as DisputeListItem),
    limit,
    (i) => i.position,
  );
}

const twice = (value: string | undefined): [string | null, string | null] => [value ?? null, value ?? null];
