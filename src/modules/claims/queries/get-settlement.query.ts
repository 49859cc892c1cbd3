import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../kernel/errors';
import { AsOf, recordedBy } from '../../../projections/person-views';
import { PersonStreamWriter } from '../../person-writer.service';
import type { SettlementReversed, VisitSettled } from '../claims.events';
import type { SettlementRecord } from '../commands/settlement-facts';

/** What the engine was given for the decision, as recorded. */
export type RecordedFacts = Pick<VisitSettled['data'], 'visit' | 'institution' | 'yearToDate' | 'account' | 'policyVersion' | 'historical'>;

/** The settlement record of `POST …/visits` (decision under `decision`), with the facts behind it and any reversal. */
export interface SettlementDetail extends SettlementRecord {
  recordedAt: string;
  facts: RecordedFacts;
  reversal?: SettlementReversed['data'];
}

/**
 * One settlement's full record: decision and trace, visit facts, institution facts,
 * year-to-date; with `asOf` (a global position or a date), as the ledger stood then — a
 * reversal recorded later is not shown, and a settlement recorded later is not found.
 */
export class GetSettlementQuery extends Query<SettlementDetail> {
  constructor(
    readonly personId: string,
    readonly settlementId: string,
    readonly asOf?: AsOf,
  ) {
    super();
  }
}

@QueryHandler(GetSettlementQuery)
export class GetSettlementHandler implements IQueryHandler<GetSettlementQuery, SettlementDetail> {
  constructor(private readonly writer: PersonStreamWriter) {}

  async execute({ personId, settlementId, asOf }: GetSettlementQuery): Promise<SettlementDetail> {
    const events = (await this.writer.loadExisting(personId)).events.filter((e) => recordedBy(e, asOf));
    const found = events.find((e) => e.type === 'VisitSettled' && (e.data as VisitSettled['data']).settlementId === settlementId);
    if (!found) throw new NotFound('settlement', settlementId);
    const reversal = events.find(
      (e) => e.type === 'SettlementReversed' && (e.data as SettlementReversed['data']).settlementId === settlementId,
    );
    const { decision, familyPayment, visit, institution, yearToDate, account, policyVersion, historical } =
      found.data as VisitSettled['data'];
    return {
      personId,
      settlementId,
      revision: found.revision,
      position: found.position,
      decision,
      ...(familyPayment ? { familyPayment } : {}),
      recordedAt: found.metadata.recordedAt,
      facts: { visit, institution, yearToDate, account, policyVersion, ...(historical ? { historical } : {}) },
      ...(reversal ? { reversal: reversal.data as SettlementReversed['data'] } : {}),
    };
  }
}

export const ClaimsQueryHandlers = [GetSettlementHandler];
