/**
 * Issue 15 item 2: the correction engine's figures, to the fen, against 宛政办〔2022〕42号
 * (Nanyang employees): per-visit deductible 30 at level 2, none at level 1 (第五条（一）);
 * rates in service 60% level 1 / 55% level 2, retired 70% / 65% (第五条（二）); annual caps
 * 1500 in service, 2000 retired (第五条（三）); the account pays the person's part (第九条（二）).
 */
import { planPersonCorrection, PersonCorrectionPlan } from '../../src/corrections/correction-engine';
import type { PersonCorrectionSpec as CorrectionSpec } from '../../src/corrections/correction.events';
import type { CityPack } from '../../src/policy/pack.types';
import { reverseSettlement } from '../../src/modules/claims/claims.decide';
import { catalog, inst, PersonHistory } from './person-history';

/** The Nanyang pack's reversal window (a deployment parameter: no document gives one). */
const REVERSAL_WINDOW = (catalog.packs().find((p) => p.id === 'nanyang-employee-2022') as CityPack).benefit.reversalWindowDays;

const NY_L1 = inst('NY-L1', 'level1');
const NY_L2 = inst('NY-L2', 'level2');
const NY_H = inst('NY-H', 'level2');
const AT = '2024-03-01T10:00:00+08:00';
let n = 0;
const ctx = () => ({ correctionId: `C${++n}`, at: AT });

function apply(h: PersonHistory, spec: CorrectionSpec, context = ctx()): PersonCorrectionPlan {
  const plan = planPersonCorrection(h.personId, h.events, spec, catalog, context);
  h.push(...plan.events);
  return plan;
}

const kinds = (plan: PersonCorrectionPlan) => plan.events.map((e) => e.type);
const data = (plan: PersonCorrectionPlan, type: string) => plan.events.filter((e) => e.type === type).map((e) => e.data as any);

describe('category corrected (in service → retired from 2023-01-01): rate and cap change', () => {
  it('2000.00 then 1000.00 at level 2: 1083.50 + 416.50 (in-service cap 1500) become 1280.50 + 630.50 (65%, retired cap 2000)', () => {
    const h = new PersonHistory('P-CAT')
      .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '2000.00', institution: NY_L2 })
      .settle({ id: 'S2', at: '2023-04-01T09:00:00+08:00', amount: '1000.00', institution: NY_L2 });
    expect(h.net()).toEqual({
      S1: { fund: '1083.50', account: '0.00', cash: '916.50' },
      S2: { fund: '416.50', account: '0.00', cash: '583.50' },
    });
    const plan = apply(h, { kind: 'person-category', personId: 'P-CAT', category: 'retired', from: '2023-01-01' });
    expect(kinds(plan)).toEqual([
      'PersonCategoryCorrected',
      'SettlementAdjusted',
      'ReceivableRecorded',
      'SettlementAdjusted',
      'ReceivableRecorded',
    ]);
    const [a1, a2] = data(plan, 'SettlementAdjusted');
    expect([a1.previous, a1.adjusted, a1.delta]).toEqual([
      { fund: '1083.50', account: '0.00', cash: '916.50' },
      { fund: '1280.50', account: '0.00', cash: '719.50' },
      { fund: '197.00', account: '0.00', cash: '-197.00' },
    ]);
    expect([a2.adjusted, a2.delta]).toEqual([
      { fund: '630.50', account: '0.00', cash: '369.50' },
      { fund: '214.00', account: '0.00', cash: '-214.00' },
    ]);
    expect(a1.decision.amounts).toMatchObject({ rate: '0.65', capAnnual: '2000.00' });
    expect(a1.divergence).toEqual({ step: 'category', clause: expect.stringContaining('宛政办〔2022〕42号') });
    expect(data(plan, 'ReceivableRecorded').map((r) => [r.owedTo, r.amount])).toEqual([
      ['person', '197.00'],
      ['person', '214.00'],
    ]);
    expect(plan.totals).toEqual({ fund: '411.00', account: '0.00', cash: '-411.00' });
    // Folded: the timeline says retired and the year-to-date is 1911.00, so a visit settled
    // after the correction gets (300 − 30) × 65% = 175.50 capped at the 89.00 left of 2000.
    expect(h.state().enrollment.categoryTimeline).toEqual([{ from: '2023-01-01', category: 'retired' }]);
    h.settle({ id: 'S3', at: '2023-05-01T09:00:00+08:00', amount: '300.00', institution: NY_L2 });
    expect(h.net().S3.fund).toBe('89.00');
    expect(h.state().claims.settlements.map((s) => s.fund)).toEqual(['1280.50', '630.50', '89.00']);
  });

  it('own account: the account paid 27.00 too much → AccountRefunded 27.00, balance 48.50 → 75.50', () => {
    const h = new PersonHistory('P-REF')
      .credit('2023-01', '200.00')
      .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '300.00', institution: NY_L2, account: 'own' });
    expect(h.net().S1).toEqual({ fund: '148.50', account: '151.50', cash: '0.00' });
    const plan = apply(h, { kind: 'person-category', personId: 'P-REF', category: 'retired', from: '2023-01-01' });
    expect(kinds(plan)).toEqual(['PersonCategoryCorrected', 'SettlementAdjusted', 'AccountRefunded']);
    expect(data(plan, 'SettlementAdjusted')[0].adjusted).toEqual({ fund: '175.50', account: '124.50', cash: '0.00' });
    expect(data(plan, 'AccountRefunded')[0]).toMatchObject({
      amount: '27.00',
      settlementId: 'S1',
      clause: 'ledger rule correction-account-refund',
    });
    expect(h.state().account.balance).toBe('75.50');
  });
});

describe('institution level corrected', () => {
  it('level 2 → level 1 moves a later settlement past the cap: 1083.50 + 313.50 become 1200.00 + 300.00, the fund stops at 1500.00', () => {
    const h = new PersonHistory('P-LVL')
      .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '2000.00', institution: NY_H })
      .settle({ id: 'S2', at: '2023-04-01T09:00:00+08:00', amount: '600.00', institution: NY_L2 });
    expect([h.net().S1.fund, h.net().S2.fund]).toEqual(['1083.50', '313.50']);
    const plan = apply(h, { kind: 'institution-level', institutionCode: 'NY-H', level: 'level1', from: '2023-01-01' });
    const [a1, a2] = data(plan, 'SettlementAdjusted');
    expect(a1.delta).toEqual({ fund: '116.50', account: '0.00', cash: '-116.50' });
    expect(a2.adjusted).toEqual({ fund: '300.00', account: '0.00', cash: '300.00' });
    expect(a2.delta).toEqual({ fund: '-13.50', account: '0.00', cash: '13.50' });
    expect(a2.decision.reasons.map((r: any) => r.code)).toContain('CAP_REACHED');
    expect(a2.divergence.step).toBe('fund');
    expect(data(plan, 'ReceivableRecorded').map((r) => [r.settlementId, r.owedTo, r.amount])).toEqual([
      ['S1', 'person', '116.50'],
      ['S2', 'fund', '13.50'],
    ]);
    expect(plan.affected.map((a) => [a.settlementId, a.changed])).toEqual([
      ['S1', true],
      ['S2', true],
    ]);
    expect(h.state().claims.settlements.reduce((t, s) => t + Number(s.fund), 0)).toBe(1500);
  });

  it('level 1 → level 2 with the account nearly empty now: recovers 10.00 (the balance), the other 21.50 is owed to the fund', () => {
    const h = new PersonHistory('P-REC')
      .credit('2023-01', '200.00')
      .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '300.00', institution: NY_L1, account: 'own' })
      .purchase('PAY-1', '70.00', '2023-03-05');
    expect(h.net().S1).toEqual({ fund: '180.00', account: '120.00', cash: '0.00' });
    expect(h.state().account.balance).toBe('10.00');
    const plan = apply(h, { kind: 'institution-level', institutionCode: 'NY-L1', level: 'level2', from: '2023-01-01' });
    expect(data(plan, 'SettlementAdjusted')[0].delta).toEqual({ fund: '-31.50', account: '31.50', cash: '0.00' });
    expect(data(plan, 'AccountRecovered')[0]).toMatchObject({ amount: '10.00' });
    expect(data(plan, 'ReceivableRecorded')[0]).toMatchObject({ owedTo: 'fund', amount: '21.50' });
    expect(h.state().account.balance).toBe('0.00');
    // A reversal afterwards gives back what the account actually paid: 120.00 + 10.00, not 151.50.
    const [reversal] = reverseSettlement(
      { settlementId: 'S1', reversedAt: '2023-03-20T09:00:00+08:00', reason: 'test' },
      h.state(),
      REVERSAL_WINDOW,
    );
    expect(reversal.data).toMatchObject({ fundRestored: '148.50', accountRestored: '130.00' });
  });

  it('the level it already has: nothing changes, nothing to write', () => {
    const h = new PersonHistory('P-SAME')
      .credit('2023-01', '200.00')
      .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '300.00', institution: NY_L2, account: 'own' })
      .retire('2023-03-10', '2023-04-01')
      .settle({ id: 'S2', at: '2023-04-02T09:00:00+08:00', amount: '300.00', institution: NY_L2, account: 'own' })
      .settle({ id: 'S3', at: '2023-04-02T15:00:00+08:00', amount: '80.00', institution: NY_L2, account: 'own' });
    const plan = apply(h, { kind: 'institution-level', institutionCode: 'NY-L2', level: 'level2', from: '2023-01-01' });
    expect(plan.events).toEqual([]);
    expect(plan.affected.every((a) => !a.changed)).toBe(true);
    expect(plan.affected).toHaveLength(3);
  });
});

describe('bill lines corrected', () => {
  it('line A01 was 100.00 not 1000.00 at level 1: fund 600.00 → 60.00, cash 400.00 → 40.00, 360.00 owed to the person', () => {
    const h = new PersonHistory('P-LIN').settle({
      id: 'S1',
      at: '2023-03-01T09:00:00+08:00',
      lines: [{ code: 'A01', amount: '1000.00', inCatalogue: true }],
      institution: NY_L1,
    });
    const plan = apply(h, {
      kind: 'settlement-lines',
      personId: 'P-LIN',
      settlementId: 'S1',
      lines: [{ code: 'A01', amount: '100.00', inCatalogue: true }],
    });
    const [a] = data(plan, 'SettlementAdjusted');
    expect([a.previous, a.adjusted, a.delta]).toEqual([
      { fund: '600.00', account: '0.00', cash: '400.00' },
      { fund: '60.00', account: '0.00', cash: '40.00' },
      { fund: '-540.00', account: '0.00', cash: '-360.00' },
    ]);
    expect(a.divergence.step).toBe('policyScope');
    expect(data(plan, 'ReceivableRecorded')[0]).toMatchObject({ owedTo: 'person', amount: '360.00' });
  });

  it('a second correction builds on the first: previous is the last adjusted figures', () => {
    const h = new PersonHistory('P-TWO').settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '300.00', institution: NY_L2 });
    apply(h, { kind: 'person-category', personId: 'P-TWO', category: 'retired', from: '2023-01-01' });
    const plan = apply(h, {
      kind: 'settlement-lines',
      personId: 'P-TWO',
      settlementId: 'S1',
      lines: [{ code: 'L1', amount: '200.00', inCatalogue: true }],
    });
    const [a] = data(plan, 'SettlementAdjusted');
    // Retired at level 2: (300 − 30) × 65% = 175.50, then (200 − 30) × 65% = 110.50.
    expect([a.previous.fund, a.adjusted.fund, a.delta.fund]).toEqual(['175.50', '110.50', '-65.00']);
    expect(h.state().claims.settlements[0]).toMatchObject({ fund: '110.50', adjustedBy: ['C' + (n - 1), 'C' + n] });
  });

  it('the same correction again writes nothing (the person state knows it)', () => {
    const h = new PersonHistory('P-AGAIN').settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '300.00', institution: NY_L2 });
    const context = ctx();
    apply(h, { kind: 'person-category', personId: 'P-AGAIN', category: 'retired', from: '2023-01-01' }, context);
    const again = apply(h, { kind: 'person-category', personId: 'P-AGAIN', category: 'retired', from: '2023-01-01' }, context);
    expect(again).toMatchObject({ alreadyApplied: true, events: [] });
  });
});

describe('policy parameter corrected for a period', () => {
  it('the retired cap read as 2500 for 2023: the capped 69.50 becomes 305.50, under a derived pack replay can rebuild', () => {
    const h = new PersonHistory('P-POL', 'retired')
      .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '3000.00', institution: NY_L2 })
      .settle({ id: 'S2', at: '2023-04-01T09:00:00+08:00', amount: '500.00', institution: NY_L2 })
      .settle({ id: 'S3', at: '2024-02-01T09:00:00+08:00', amount: '500.00', institution: NY_L2 });
    expect([h.net().S1.fund, h.net().S2.fund]).toEqual(['1930.50', '69.50']);
    const spec: CorrectionSpec = {
      kind: 'policy-parameter',
      packId: 'nanyang-employee-2022',
      path: 'benefit.annualCaps',
      value: { in_service: '1500', retired: '2500' },
      from: '2023-01-01',
      to: '2023-12-31',
      document: '宛政办〔2022〕42号',
      clause: '第五条（三）',
    };
    const plan = apply(h, spec);
    const adjusted = data(plan, 'SettlementAdjusted');
    // S1 (1930.50, under either cap) is recorded under the corrected pack with a zero delta, so a
    // later correction of it still uses the corrected cap; S3 (2024) is outside the period.
    expect(adjusted.map((a) => [a.settlementId, a.delta.fund, a.decision.amounts.capAnnual])).toEqual([
      ['S1', '0.00', '2500.00'],
      ['S2', '236.00', '2500.00'],
    ]);
    expect(adjusted[1].adjusted.fund).toBe('305.50');
    expect(data(plan, 'ReceivableRecorded').map((r) => [r.settlementId, r.owedTo, r.amount])).toEqual([['S2', 'person', '236.00']]);
    const base = catalog.byId('nanyang-employee-2022')!;
    expect(adjusted[1].policyOverride).toMatchObject({ basePolicyVersion: base.version, path: 'benefit.annualCaps' });
    expect(adjusted[1].policyVersion).not.toBe(base.version);
    expect(plan.affected.map((a) => [a.settlementId, a.changed])).toEqual([
      ['S1', true],
      ['S2', true],
    ]);
    // Corrected again with the value it already has: nothing to write.
    expect(apply(h, spec).events).toEqual([]);
  });
});

it('a reversed settlement is not adjusted, and no longer counts for the next', () => {
  const h = new PersonHistory('P-REV')
    .settle({ id: 'S1', at: '2023-03-01T09:00:00+08:00', amount: '300.00', institution: NY_L2 })
    .settle({ id: 'S2', at: '2023-03-02T09:00:00+08:00', amount: '300.00', institution: NY_L2 });
  h.push(...reverseSettlement({ settlementId: 'S1', reversedAt: '2023-03-05T09:00:00+08:00', reason: 'test' }, h.state(), REVERSAL_WINDOW));
  const plan = apply(h, { kind: 'person-category', personId: 'P-REV', category: 'retired', from: '2023-01-01' });
  expect(data(plan, 'SettlementAdjusted').map((a) => a.settlementId)).toEqual(['S2']);
});
