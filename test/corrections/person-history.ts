/** A person's stream built through the deciders, for the correction engine's specs. */
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { currentSchemaVersion } from '../../src/event-store/upcasting';
import { settleVisit } from '../../src/modules/claims/claims.decide';
import { foldPerson, PersonState } from '../../src/modules/person-stream';
import type { PolicyCatalog } from '../../src/policy/catalog';
import type { BillLine, InstitutionFacts, PersonCategory } from '../../src/policy/engine/types';
import type { PolicyPack } from '../../src/policy/pack.types';
import { defaultCatalog } from '../support/policy';

export const catalog: PolicyCatalog = defaultCatalog();
export const inst = (code: string, level: InstitutionFacts['level'], region = 'nanyang'): InstitutionFacts => ({
  code,
  level,
  region,
  designated: true,
});

export interface VisitSpec {
  id: string;
  at: string;
  amount?: string;
  lines?: BillLine[];
  institution: InstitutionFacts;
  account?: 'own' | 'none';
  /** Pack to settle with (default: the catalogue's pack in force). */
  pack?: PolicyPack;
}

export class PersonHistory {
  readonly events: RecordedEvent[] = [];

  constructor(
    readonly personId: string,
    category: PersonCategory = 'in_service',
    enrolledOn = '2023-01-01',
    region = 'nanyang',
  ) {
    const scheme = category === 'in_service' || category === 'retired' ? 'employee' : 'resident';
    this.push({
      type: 'PersonEnrolled',
      data: { personId, scheme, category, region, enrolledOn, contributionBase: '6000.00', relatives: [] },
    });
  }

  state(): PersonState {
    return foldPerson(this.events);
  }

  push(...events: Array<{ type: string; data: unknown }>): this {
    for (const e of events) {
      const revision = this.events.length;
      this.events.push({
        ...e,
        id: `e-${this.personId}-${revision}`,
        streamId: `person-${this.personId}`,
        revision,
        position: revision + 1,
        metadata: { schemaVersion: currentSchemaVersion(e.type), recordedAt: '2024-01-01T00:00:00Z' },
      });
    }
    return this;
  }

  credit(month: string, amount: string): this {
    return this.push({
      type: 'AccountCredited',
      data: { month, amount, category: 'in_service', basis: {}, clause: '宛政办〔2022〕42号 第八条（一）', packVersion: 'x' },
    });
  }

  purchase(paymentId: string, amount: string, paidOn: string): this {
    return this.push({
      type: 'AccountPurchasePaid',
      data: { paymentId, purpose: 'pharmacy', amount, reference: paymentId, paidOn, clause: '宛政办〔2022〕42号 第九条' },
    });
  }

  retire(processedOn: string, effectiveFrom: string): this {
    return this.push({ type: 'RetiredStatusChanged', data: { processedOn, effectiveFrom, from: 'in_service', to: 'retired' } });
  }

  settle(v: VisitSpec): this {
    const state = this.state();
    const lines = v.lines ?? [{ code: 'L1', amount: v.amount ?? '100.00', inCatalogue: true }];
    const pack = v.pack ?? catalog.resolve(v.institution.region, state.enrollment.scheme!, v.at.slice(0, 10))!;
    return this.push(
      ...settleVisit(
        {
          type: 'SettleVisit',
          data: {
            settlementId: v.id,
            visit: { visitId: `V-${v.id}`, occurredAt: v.at, settledAt: v.at, institution: v.institution, medType: 'ordinary', lines },
            institution: v.institution,
            account: { source: v.account ?? 'none', balance: '0.00' },
          },
          pack,
        },
        state,
      ),
    );
  }

  /** Net figures of each live settlement: original, overlaid by its adjustments. */
  net(): Record<string, { fund: string; account: string; cash: string }> {
    const out: Record<string, { fund: string; account: string; cash: string }> = {};
    for (const e of this.events) {
      const d = e.data as any;
      if (e.type === 'VisitSettled')
        out[d.settlementId] = { fund: d.decision.amounts.fund, account: d.decision.amounts.account, cash: d.decision.amounts.cash };
      if (e.type === 'SettlementAdjusted') out[d.settlementId] = d.adjusted;
    }
    return out;
  }
}
