/**
 * Issue 17: boundaries of the institution settlement functions (焦医保〔2024〕32号 四（二）,
 * 六（一）): the months of a year, the declaration due date in December, the 95/5 split,
 * the overspend review's input checks and trace, the final payment's forfeit and trace.
 */
import { capitationBudget, settleCapitationMonth } from './capitation';
import { computeFinalPayment } from './final-payment';
import { settlePeriod } from './period-settlement';
import { declarationDueDate, monthsOfYear, nextMonth, splitAdvance } from './monthly-cycle';
import { reviewOverspend } from './overspend-review';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());

describe('焦医保〔2024〕32号 四（二）: the monthly cycle', () => {
  it('the months of a year, from and through a month inclusive', () => {
    expect(monthsOfYear(2024)).toHaveLength(12);
    expect(monthsOfYear(2024)[0]).toBe('2024-01');
    expect(monthsOfYear(2024)[11]).toBe('2024-12');
    expect(monthsOfYear(2024, '2024-08')).toEqual(['2024-08', '2024-09', '2024-10', '2024-11', '2024-12']);
    expect(monthsOfYear(2024, undefined, '2024-02')).toEqual(['2024-01', '2024-02']);
    expect(monthsOfYear(2024, '2024-08', '2024-09')).toEqual(['2024-08', '2024-09']);
    expect(monthsOfYear(2024, '2024-09', '2024-09')).toEqual(['2024-09']);
  });

  it('the next month rolls over the year; December’s declaration is due on 10 January', () => {
    expect(nextMonth('2024-09')).toBe('2024-10');
    expect(nextMonth('2024-12')).toBe('2025-01');
    expect(declarationDueDate('2024-12', P)).toBe('2025-01-10');
    expect(declarationDueDate('2024-08', P)).toBe('2024-09-10');
  });

  it('a single-digit due day is written with two digits', () => {
    const early = {
      ...P,
      jiaozuo: { ...P.jiaozuo, monthly: { ...P.jiaozuo.monthly, declarationDueDay: { ...P.jiaozuo.monthly.declarationDueDay, value: 5 } } },
    };
    expect(declarationDueDate('2024-08', early)).toBe('2024-09-05');
  });

  it('the split carries the share and its clause; 0.01 approved → 0.01 advance (0.0095 rounds half-up), 0.00 held', () => {
    expect(splitAdvance('1000.00', P)).toEqual({
      approved: '1000.00',
      advance: '950.00',
      held: '50.00',
      advanceShare: '0.95',
      clause: '焦医保〔2024〕32号 四（二）',
    });
    expect(splitAdvance('0.01', P)).toMatchObject({ advance: '0.01', held: '0.00' });
    expect(splitAdvance('0.10', P)).toMatchObject({ advance: '0.10', held: '0.00' }); // 0.095 → 0.10
  });
});

describe('焦医保〔2024〕32号 六（一）: the overspend review', () => {
  const findings = (violatingCost: string, reviewedCost = '10000.00', reviewedVisits = 100) => ({
    reviewedVisits,
    violatingCost,
    reviewedCost,
  });

  it('refuses a sample of 0 or a fraction of a visit, a non-positive reviewed cost, a negative violating cost', () => {
    expect(() => reviewOverspend('100.00', findings('0', '10.00', 0), P)).toThrow('reviewedVisits: must be a positive integer');
    expect(() => reviewOverspend('100.00', findings('0', '0.00'), P)).toThrow('reviewedCost: must be positive');
    expect(() => reviewOverspend('100.00', findings('-0.01'), P)).toThrow('violatingCost: must be between 0 and reviewedCost');
    expect(() => reviewOverspend('100.00', findings('0', '10.00', 0), P)).toThrow(expect.objectContaining({ field: 'reviewedVisits' }));
    expect(() => reviewOverspend('100.00', findings('0', '10.00', 1.5), P)).toThrow(expect.objectContaining({ field: 'reviewedVisits' }));
    expect(() => reviewOverspend('100.00', findings('0', '0.00'), P)).toThrow(expect.objectContaining({ field: 'reviewedCost' }));
    expect(() => reviewOverspend('100.00', findings('-0.01'), P)).toThrow(expect.objectContaining({ field: 'violatingCost' }));
  });

  it('a sample of one visit and a violating cost equal to the reviewed cost are accepted (100% → not paid)', () => {
    const r = reviewOverspend('100.00', findings('10.00', '10.00', 1), P);
    expect(r).toMatchObject({
      outcome: 'not_paid',
      compensation: '0.00',
      share: '1.00000000',
      sampleNote: 'sample of 1 visits instead of 100 (六（一） allows adjusting the sample)',
    });
  });

  it('the trace records the inputs, the band and the outcome; a default sample has no note', () => {
    const r = reviewOverspend('100.00', findings('2500.00'), P);
    expect(r.trace).toEqual([
      {
        step: 'overspend_review',
        clause: '焦医保〔2024〕32号 六（一）',
        inputs: { overspend: '100.00', reviewedVisits: 100, violatingCost: '2500.00', reviewedCost: '10000.00', band: '0.6' },
        result: { share: '0.25000000', outcome: 'compliant_share', compensation: '75.00' },
      },
    ]);
    expect(r).toMatchObject({ reviewedVisits: 100, violatingCost: '2500.00', reviewedCost: '10000.00', band: '0.6', overspend: '100.00' });
    const noted = reviewOverspend('100.00', findings('0', '10000.00', 120), P);
    expect(noted.trace[0].note).toBe('sample of 120 visits instead of 100 (六（一） allows adjusting the sample)');
  });

  it('the share is shown to 8 places, half-up: 2/3 → 0.66666667', () => {
    expect(reviewOverspend('100.00', findings('2.00', '3.00'), P).share).toBe('0.66666667');
  });
});

describe('焦医保〔2024〕32号 四（二）/六（一）: the final payment', () => {
  const inputs = {
    approvedTotal: '1000.00',
    advances: '950.00',
    held: '50.00',
    payable: '1000.00',
    compensation: '0.00',
    holdbackReleased: '50.00',
    holdbackKept: '0.00',
  };

  it('a passed assessment: entitlement = payable + compensation, nothing forfeited, adjustment closes the identity', () => {
    const r = computeFinalPayment({ ...inputs, payable: '900.00', compensation: '30.00' }, 'C');
    expect(r).toMatchObject({
      entitlement: '930.00',
      forfeited: '0.00',
      finalPayment: '930.00',
      adjustment: '-70.00',
      yearEndTransfer: '-20.00',
      approvedTotal: '1000.00',
      held: '50.00',
    });
    expect(r.trace).toEqual([
      {
        step: 'final_payment',
        clause: 'C',
        inputs: { payable: '900.00', compensation: '30.00', advances: '950.00', holdbackReleased: '50.00', holdbackKept: '0.00' },
        result: { entitlement: '930.00', forfeited: '0.00', finalPayment: '930.00', adjustment: '-70.00', yearEndTransfer: '-20.00' },
      },
    ]);
  });

  it('a failed assessment forfeits the holdback, never more than the entitlement', () => {
    expect(computeFinalPayment({ ...inputs, holdbackReleased: '0.00', holdbackKept: '50.00' }, 'C')).toMatchObject({
      forfeited: '50.00',
      finalPayment: '950.00',
      adjustment: '0.00',
      yearEndTransfer: '0.00',
    });
    expect(
      computeFinalPayment({ ...inputs, payable: '30.00', advances: '0.00', holdbackReleased: '0.00', holdbackKept: '50.00' }, 'C'),
    ).toMatchObject({ entitlement: '30.00', forfeited: '30.00', finalPayment: '0.00' });
  });
});

describe('安医保〔2019〕75号 四: capitation under the total budget', () => {
  const budget = capitationBudget(2020, 100, P)!;

  it('2020: 90 a person, 18 of it earmarked for consultation / contract fees; no funding for another year', () => {
    expect(budget).toEqual({
      year: 2020,
      persons: 100,
      fundingPerPerson: '90.00',
      consultationPerPerson: '18.00',
      budget: '9000.00',
      consultationBudget: '1800.00',
      generalBudget: '7200.00',
      clause: '安医保〔2019〕75号 附件; 安医保〔2019〕75号 四',
    });
    expect(capitationBudget(2021, 100, P)).toBeUndefined();
    expect(capitationBudget(2020, 0, P)!.budget).toBe('0.00');
  });

  it('refuses a negative or fractional count, and a negative claim', () => {
    expect(() => capitationBudget(2020, -1, P)).toThrow('count: must be a non-negative integer');
    expect(() =>
      settleCapitationMonth(budget, { generalPaid: '0', consultationPaid: '0' }, { claimed: '-1', consultationClaimed: '0' }),
    ).toThrow('claimed: must not be negative');
    expect(() => capitationBudget(2020, -1, P)).toThrow(expect.objectContaining({ field: 'count' }));
    expect(() => capitationBudget(2020, 1.5, P)).toThrow(expect.objectContaining({ field: 'count' }));
    expect(() =>
      settleCapitationMonth(budget, { generalPaid: '0', consultationPaid: '0' }, { claimed: '-1', consultationClaimed: '0' }),
    ).toThrow(expect.objectContaining({ field: 'claimed' }));
    expect(() =>
      settleCapitationMonth(budget, { generalPaid: '0', consultationPaid: '0' }, { claimed: '0', consultationClaimed: '-1' }),
    ).toThrow(expect.objectContaining({ field: 'claimed' }));
  });

  it('pays within each sub-limit: exactly the room is paid, beyond it is not; the trace records the room', () => {
    const r = settleCapitationMonth(
      budget,
      { generalPaid: '7000.00', consultationPaid: '1700.00' },
      { claimed: '250.00', consultationClaimed: '100.00' },
    );
    expect(r).toMatchObject({
      claimed: '350.00',
      generalClaimed: '250.00',
      generalPaid: '200.00',
      consultationClaimed: '100.00',
      consultationPaid: '100.00',
      paid: '300.00',
      cumulativePaid: '9000.00',
      remaining: '0.00',
    });
    expect(r.trace).toEqual([
      {
        step: 'capitation_month',
        clause: budget.clause,
        inputs: { generalClaimed: '250.00', consultationClaimed: '100.00', generalRoom: '200.00', consultationRoom: '100.00' },
        result: { generalPaid: '200.00', consultationPaid: '100.00', paid: '300.00', cumulativePaid: '9000.00', remaining: '0.00' },
      },
    ]);
  });

  it('a sub-limit already overpaid leaves no room (never negative)', () => {
    const r = settleCapitationMonth(
      budget,
      { generalPaid: '7300.00', consultationPaid: '1900.00' },
      { claimed: '10.00', consultationClaimed: '10.00' },
    );
    expect(r).toMatchObject({ generalPaid: '0.00', consultationPaid: '0.00', paid: '0.00' });
    expect(r.trace[0].inputs).toMatchObject({ generalRoom: '0.00', consultationRoom: '0.00' });
  });
});

describe('焦医保〔2024〕32号 四（一）: period settlement edges', () => {
  const rule = { base: '200', growthCap: '0.05', baseClause: 'B', capClause: 'G', ruleClause: 'R' };

  it('exactly at the ceiling (10 visits × 210.00 = 2100.00) is within the cap and traced so', () => {
    const out = settlePeriod({ visits: 10, totalCost: '2100.00', fundDue: '1000.00' }, rule);
    expect(out).toMatchObject({
      withinCap: true,
      payable: '1000.00',
      overspend: '0.00',
      ceilingAverage: '210.00',
      growthOverBase: '5.00',
      base: '200.00',
      growthCap: '0.05',
    });
    expect(out.trace.map((t) => t.step)).toEqual(['actual_average', 'ceiling', 'within_cap']);
    expect(out.trace[1]).toEqual({
      step: 'ceiling',
      clause: 'B; G',
      inputs: { base: '200.00', growthCap: '0.05' },
      result: { ceilingAverage: '210.00', growthOverBasePercent: '5.00' },
    });
    expect(out.trace[2]).toEqual({
      step: 'within_cap',
      clause: 'R',
      inputs: { actualAverage: '210.00', ceilingAverage: '210.00', fundDue: '1000.00' },
      result: { payable: '1000.00' },
      note: 'average within base × (1 + cap): fund due paid as itemised',
    });
  });

  it('one fen over: 2100 × 1000 / 2100.01 = 999.995… → 1000.00 rounded once; 2200.00 → 954.55', () => {
    const over = settlePeriod({ visits: 10, totalCost: '2100.01', fundDue: '1000.00' }, rule);
    expect(over).toMatchObject({ withinCap: false, payable: '1000.00' });
    const far = settlePeriod({ visits: 10, totalCost: '2200.00', fundDue: '1000.00' }, rule);
    expect(far).toMatchObject({
      withinCap: false,
      payable: '954.55',
      overspend: '45.45',
      actualAverage: '220.00',
      growthOverBase: '10.00',
    });
    expect(far.trace[2]).toEqual({
      step: 'over_cap',
      clause: 'R',
      inputs: { visits: 10, base: '200.00', growthCap: '0.05', fundDue: '1000.00', totalCost: '2200.00' },
      result: { payable: '954.55' },
      note: 'visits × base × (1 + cap) × fund due / total cost, rounded once to the fen',
    });
  });

  it('no visits: average 0.00; a zero base shows no growth percentage', () => {
    expect(settlePeriod({ visits: 0, totalCost: '0', fundDue: '0' }, rule)).toMatchObject({
      actualAverage: '0.00',
      withinCap: true,
      payable: '0.00',
    });
    expect(settlePeriod({ visits: 1, totalCost: '0', fundDue: '0' }, { ...rule, base: '0' }).growthOverBase).toBeNull();
  });

  it('exempt (no base or no cap): fund due paid as itemised, with the note', () => {
    for (const r of [
      { ...rule, base: undefined },
      { ...rule, growthCap: undefined },
    ]) {
      const out = settlePeriod({ visits: 10, totalCost: '5000.00', fundDue: '1000.00' }, r);
      expect(out).toMatchObject({
        base: null,
        growthCap: null,
        ceilingAverage: null,
        growthOverBase: null,
        withinCap: true,
        payable: '1000.00',
        overspend: '0.00',
      });
      expect(out.trace[1]).toEqual({
        step: 'exempt',
        clause: 'B',
        inputs: {},
        result: { payable: '1000.00' },
        note: 'exempt from per-visit average management: fund due paid as itemised',
      });
    }
    expect(settlePeriod({ visits: 4, totalCost: '10.00', fundDue: '1' }, { ...rule, base: undefined }).trace[0]).toEqual({
      step: 'actual_average',
      clause: 'R',
      inputs: { visits: 4, totalCost: '10.00' },
      result: { actualAverage: '2.50' },
    });
  });
});
