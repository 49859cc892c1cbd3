/** One person's stream folded into profile and settlements (reversals marked): the input of every person view. */
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { LocalDate } from '../../kernel/dates';
import type { VisitSettled, SettlementReversed } from '../../modules/claims/claims.events';
import type { InstitutionLevel, PersonCategory } from '../../policy/engine/types';
import { adjustmentRecordOf, AdjustmentRecord } from './adjustments';
import { AsOf, recordedBy } from './as-of';
import { evolveProfile, PersonProfile } from './person-profile';

/** One settlement as the read side keeps it (a row of the visits table). */
export interface VisitRecord {
  personId: string;
  settlementId: string;
  visitId: string;
  year: number;
  visitDate: LocalDate;
  occurredAt: string;
  institutionCode: string;
  institutionLevel: InstitutionLevel;
  category: PersonCategory;
  eligible: boolean;
  policyVersion: string;
  packId: string;
  total: string;
  policyScope: string;
  deductible: string;
  rate: string;
  fund: string;
  account: string;
  relativeAccount: string;
  cash: string;
  capAnnual: string;
  position: number;
  recordedAt: string;
  reversedPosition?: number;
  reversedRecordedAt?: string;
  /** Corrections of this settlement, in log order (issue 15): the last one's figures are in force. */
  adjustments?: AdjustmentRecord[];
}

export function visitRecordOf(personId: string, event: Pick<RecordedEvent, 'data' | 'position' | 'metadata'>): VisitRecord {
  const d = event.data as VisitSettled['data'];
  const a = d.decision.amounts;
  return {
    personId,
    settlementId: d.settlementId,
    visitId: d.visit.visitId,
    year: d.decision.year,
    visitDate: d.decision.visitDate,
    occurredAt: d.visit.occurredAt,
    institutionCode: d.institution.code,
    institutionLevel: d.institution.level,
    category: d.decision.category,
    eligible: d.decision.eligible,
    policyVersion: d.policyVersion,
    packId: d.decision.policy.packId,
    total: a.total,
    policyScope: a.policyScope,
    deductible: a.deductible,
    rate: a.rate,
    fund: a.fund,
    account: a.account,
    relativeAccount: a.relativeAccount,
    cash: a.cash,
    capAnnual: a.capAnnual,
    position: event.position,
    recordedAt: event.metadata.recordedAt,
  };
}

/** Facts of one person folded from the stream: profile and settlements (reversals marked). */
export interface PersonFold {
  profile?: PersonProfile;
  visits: VisitRecord[];
  lastPosition: number;
}

export function foldPersonView(events: ReadonlyArray<RecordedEvent>, asOf?: AsOf): PersonFold {
  let profile: PersonProfile | undefined;
  const visits: VisitRecord[] = [];
  let lastPosition = 0;
  for (const e of events) {
    if (!recordedBy(e, asOf)) continue;
    lastPosition = e.position;
    profile = evolveProfile(profile, e);
    if (e.type === 'VisitSettled') visits.push(visitRecordOf(profile?.personId ?? '', e));
    if (e.type === 'SettlementReversed') {
      const r = e.data as SettlementReversed['data'];
      const v = visits.find((x) => x.settlementId === r.settlementId);
      if (v) {
        v.reversedPosition = e.position;
        v.reversedRecordedAt = e.metadata.recordedAt;
      }
    }
    if (e.type === 'SettlementAdjusted') addAdjustment(visits, e);
  }
  return { profile, visits, lastPosition };
}

/** Appends a SettlementAdjusted to the adjustments of the settlement it names (ignored if unknown). */
export function addAdjustment(visits: VisitRecord[], event: Pick<RecordedEvent, 'data' | 'position' | 'metadata'>): void {
  const record = adjustmentRecordOf(event);
  const settlementId = (event.data as { settlementId: string }).settlementId;
  const v = visits.find((x) => x.settlementId === settlementId);
  if (v) v.adjustments = [...(v.adjustments ?? []), record];
}
