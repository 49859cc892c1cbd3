import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../kernel/errors';
import { AsOf, recordedBy } from '../../../projections/person-views';
import { PersonStreamWriter } from '../../person-writer.service';
import type { SettlementReversed, VisitSettled } from '../claims.events';

export interface SettlementDetail {
  personId: string;
  settlementId: string;
  revision: number;
  position: number;
  recordedAt: string;
  settled: VisitSettled['data'];
  reversal?: SettlementReversed['data'];
}

/**
 * One settlement's full record: visit facts, institution facts, year-to-date, decision and
 * trace; with `asOf` (a global position or a date), as the ledger stood then — a reversal
 * recorded later is not shown, and a settlement recorded later is not found.
 */
export class GetSettlementQuery extends Query<SettlementDetail> {
  constructor(readonly personId: string, readonly settlementId: string, readonly asOf?: AsOf) {
    super();
  }
}

@QueryHandler(GetSettlementQuery)
export class GetSettlementHandler implements IQueryHandler<GetSettlementQuery, SettlementDetail> {
  constructor(private readonly writer: PersonStreamWriter) {}

  async execute({ personId, settlementId, asOf }: GetSettlementQuery): Promise<SettlementDetail> {
    const events = (await this.writer.loadExisting(personId)).events.filter((e) => recordedBy(e, asOf));
    const settled = events.find((e) => e.type === 'VisitSettled' && (e.data as VisitSettled['data']).settlementId === settlementId);
    if (!settled) throw new NotFound('settlement', settlementId);
    const reversal = events.find((e) => e.type === 'SettlementReversed' && (e.data as SettlementReversed['data']).settlementId === settlementId);
    return {
      personId,
      settlementId,
      revision: settled.revision,
      position: settled.position,
      recordedAt: settled.metadata.recordedAt,
      settled: settled.data as VisitSettled['data'],
      ...(reversal ? { reversal: reversal.data as SettlementReversed['data'] } : {}),
    };
  }
}

export const ClaimsQueryHandlers = [GetSettlementHandler];
