/**
 * Issue 15 item 2: a correction moves money on a relative's account as it does on the
 * person's own (宛政办〔2022〕42号 第九条（二）: a spouse's account pays the person's share).
 * Figures: Nanyang employees in service at level 1, 60% with no deductible (第五条（一）（二）).
 * A 182.50 bill: A01 137.50 in the catalogue, A02 45.00 entered as outside it → fund
 * 137.50 × 60% = 82.50, the person's share 100.00, all paid from the spouse's account.
 * Corrected to A02 in the catalogue: fund 182.50 × 60% = 109.50 (27.00 more), share 73.00.
 */
import { planPersonCorrection, PersonCorrectionPlan, relativeAccountHolders } from '../../src/corrections/correction-engine';
import type { PersonCorrectionSpec } from '../../src/corrections/correction.events';
import { settleVisit } from '../../src/modules/claims/claims.decide';
import type { BillLine } from '../../src/policy/engine/types';
import { catalog, inst, PersonHistory } from './person-history';

const NY_L1 = inst('NY-L1', 'level1');
const VISIT_AT = '2023-03-01T09:00:00+08:00';
const AT = '2024-03-01T10:00:00+08:00';
const A01: BillLine = { code: 'A01', amount: '137.50', inCatalogue: true };
const A02_OUT: BillLine = { code: 'A02', amount: '45.00', inCatalogue: false };
const A02_IN: BillLine = { ...A02_OUT, inCatalogue: true };

const lines = (a02: BillLine): PersonCorrectionSpec => ({
  kind: 'settlement-lines',
  personId: 'P-BEN',
  settlementId: 'S1',
  lines: [A01, a02],
});

/** The spouse (holder) with 200.00 credited, having paid 100.00 for the person's S1; the person's S1. */
function family(): { spouse: PersonHistory; person: PersonHistory } {
  const spouse = new PersonHistory('P-SPOUSE').credit('2023-01', '200.00');
  spouse.push({
    type: 'FamilyAccountPayment',
    data: {
      paymentId: 'FAM-1',
      beneficiaryId: 'P-BEN',
      relation: 'spouse',
      purpose: 'relative_self_pay',
      amount: '100.00',
      settlementId: 'S1',
      reference: 'settlement S1',
      paidOn: '2023-03-01',
      clause: '宛政办〔2022〕42号 第九条（二）',
    },
  });
  const person = new PersonHistory('P-BEN');
  const pack = catalog.resolve('nanyang', 'employee', '2023-03-01')!;
  person.push(
    ...settleVisit(
      {
        type: 'SettleVisit',
        data: {
          settlementId: 'S1',
          visit: {
            visitId: 'V-S1',
            occurredAt: VISIT_AT,
            settledAt: VISIT_AT,
            institution: NY_L1,
            medType: 'ordinary',
            lines: [A01, A02_OUT],
          },
          institution: NY_L1,
          account: { source: 'relative', balance: '100.00', holderId: 'P-SPOUSE', relation: 'spouse' },
          familyPayment: { holderId: 'P-SPOUSE', paymentId: 'FAM-1', amount: '100.00' },
        },
        pack,
      },
      person.state(),
    ),
  );
  return { spouse, person };
}

/** Plans the person's part, appends the holder's part to the spouse's stream and the person's to the person's. */
function apply(spouse: PersonHistory, person: PersonHistory, spec: PersonCorrectionSpec, correctionId: string): PersonCorrectionPlan {
  const ctx = { correctionId, at: AT };
  const plan = planPersonCorrection('P-BEN', person.events, spec, catalog, ctx, new Map([['P-SPOUSE', spouse.events]]));
  for (const part of plan.holders) spouse.push(...part.events);
  person.push(...plan.events);
  return plan;
}

const of = (plan: PersonCorrectionPlan, type: string) => plan.events.filter((e) => e.type === type).map((e) => e.data as any);
const relative = (p: PersonHistory) => p.state().claims.settlements[0].relativeAccount;

describe("a settlement paid from a spouse's account, corrected (lines: A02 was in the catalogue)", () => {
  it("the settlement as recorded: fund 82.50, spouse 100.00, cash 0.00; the spouse's balance 200.00 − 100.00", () => {
    const { spouse, person } = family();
    expect(person.state().claims.settlements[0]).toMatchObject({ fund: '82.50', relativeAccount: '100.00' });
    expect(spouse.state().account.balance).toBe('100.00');
    expect(relativeAccountHolders(person.events)).toEqual(['P-SPOUSE']);
  });

  it("the fund pays 27.00 more: the spouse's account refunded 27.00 on the spouse's stream, nothing owed to the person", () => {
    const { spouse, person } = family();
    const plan = apply(spouse, person, lines(A02_IN), 'C-DOWN');
    expect(of(plan, 'SettlementAdjusted')[0].adjusted).toEqual({ fund: '109.50', account: '0.00', cash: '0.00' });
    expect(of(plan, 'SettlementAdjusted')[0].decision.amounts.relativeAccount).toBe('73.00');
    expect(plan.events.map((e) => e.type)).toEqual(['SettlementAdjusted']);
    expect(plan.holders).toEqual([
      {
        holderId: 'P-SPOUSE',
        events: [
          {
            type: 'RelativeAccountRefunded',
            data: {
              correctionId: 'C-DOWN',
              beneficiaryId: 'P-BEN',
              settlementId: 'S1',
              paymentId: 'FAM-1',
              amount: '27.00',
              on: AT,
              clause: 'ledger rule correction-relative-account-refund',
            },
          },
        ],
      },
    ]);
    expect(spouse.state().account.balance).toBe('127.00');
    // What the payment still holds follows: a later reversal gives back 73.00, not 100.00.
    expect(spouse.state().account.familyPayments['FAM-1'].outstanding).toBe('73.00');
    expect(relative(person)).toBe('73.00');
  });

  it("corrected back (the share rises 27.00) with 10.00 left on the spouse's account: 10.00 recovered, 17.00 owed by the person", () => {
    const { spouse, person } = family();
    apply(spouse, person, lines(A02_IN), 'C-DOWN');
    spouse.purchase('PAY-1', '117.00', '2024-03-02');
    expect(spouse.state().account.balance).toBe('10.00');
    const plan = apply(spouse, person, lines(A02_OUT), 'C-UP');
    expect(of(plan, 'SettlementAdjusted')[0].decision.amounts.relativeAccount).toBe('100.00');
    expect(plan.holders[0].events).toEqual([
      {
        type: 'RelativeAccountRecovered',
        data: expect.objectContaining({ correctionId: 'C-UP', beneficiaryId: 'P-BEN', settlementId: 'S1', amount: '10.00' }),
      },
    ]);
    expect(of(plan, 'ReceivableRecorded')).toEqual([expect.objectContaining({ owedTo: 'fund', amount: '17.00', settlementId: 'S1' })]);
    expect(spouse.state().account.balance).toBe('0.00');
    expect(spouse.state().account.familyPayments['FAM-1'].outstanding).toBe('83.00');
  });

  it("the spouse's account closed since: nothing moves there, the 27.00 is owed to the person", () => {
    const { spouse, person } = family();
    spouse.push({
      type: 'AccountPaidOut',
      data: { reason: 'emigration', amount: '100.00', paidOn: '2024-01-10', payee: 'P-SPOUSE', clause: '宛政办〔2022〕42号 第十二条' },
    });
    const plan = apply(spouse, person, lines(A02_IN), 'C-CLOSED');
    expect(plan.holders).toEqual([]);
    expect(of(plan, 'ReceivableRecorded')).toEqual([expect.objectContaining({ owedTo: 'person', amount: '27.00' })]);
  });

  it("once the holder's part is on its stream, the person's plan reads it as decided (a retry moves nothing twice)", () => {
    const { spouse, person } = family();
    const ctx = { correctionId: 'C-RETRY', at: AT };
    const first = planPersonCorrection('P-BEN', person.events, lines(A02_IN), catalog, ctx, new Map([['P-SPOUSE', spouse.events]]));
    spouse.push(...first.holders[0].events);
    // A crash before the person's part: planned again, the refund made is the refund, not made twice.
    const again = planPersonCorrection('P-BEN', person.events, lines(A02_IN), catalog, ctx, new Map([['P-SPOUSE', spouse.events]]));
    expect(again.holders).toEqual([]);
    expect(again.events).toEqual(first.events);
  });

  it("without the holder's stream the difference is owed to the person, as before", () => {
    const { person } = family();
    const plan = planPersonCorrection('P-BEN', person.events, lines(A02_IN), catalog, { correctionId: 'C-NONE', at: AT });
    expect(plan.holders).toEqual([]);
    expect(of(plan, 'ReceivableRecorded')).toEqual([expect.objectContaining({ owedTo: 'person', amount: '27.00' })]);
  });
});
