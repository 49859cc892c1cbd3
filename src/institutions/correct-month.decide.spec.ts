/**
 * Issue 15 item 4: the CorrectMonth command through the institution decider, given/when/then,
 * and the corrected state folded by `evolve` (a second correction starts from it; the year
 * view shows original, corrected and net figures).
 *
 * 焦医保〔2024〕32号 附件 例2 spread over August–December 2024: each month 70,000 visits,
 * 21,000,000.00 cost, 9,000,000.00 fund due approved; advance 95 % = 8,550,000.00, held
 * 450,000.00 (四（二））. Base 265.00, cap 6.5 % → ceiling 282.225 a visit; the period is over
 * the cap, payable = 350,000 × 282.225 × fund due / cost (四（一）, 附件).
 */
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { foldInstitution, InstitutionEvent } from './institution.events';
import { explainInstitutionYear, institutionYearView } from './institution-year';
import type { InstitutionProfile } from './institution.types';
import { RECOVERY_CLAUSE, TOP_UP_CLAUSE } from './month-correction';
import type { MonthFigures } from './month-correction.events';
import { settlementParameters } from './settlement-parameters';
import { defaultCatalog } from '../../test/support/policy';
import { ledgerRule } from '../policy/citation';

const P = settlementParameters(defaultCatalog());

function given(history: InstitutionEvent[]) {
  const state = foldInstitution(history);
  return {
    when: (command: InstitutionCommand) => ({
      then: (expected: InstitutionEvent[]) => expect(decideInstitution(command, state, P)).toEqual(expected),
      thenRefuses: (code: string, clause: string) =>
        expect(() => decideInstitution(command, state, P)).toThrow(expect.objectContaining({ code, clause })),
    }),
  };
}

function run(history: InstitutionEvent[], commands: InstitutionCommand[]): InstitutionEvent[] {
  const all = [...history];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

const CITY_L3: InstitutionProfile = {
  code: 'JZ-H001',
  name: '焦作市某三级综合医院',
  category: 'city_level3_general',
  level: 'level3',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
};
const MONTHS = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];
const ADVANCE_CLAUSE = '焦医保〔2024〕32号 四（二）';

/** The year through the advances; December approved at `decemberApproved` (default 9,000,000.00). */
function advancedYear(decemberApproved = '9000000'): InstitutionEvent[] {
  const commands: InstitutionCommand[] = [{ type: 'SetCostBase', data: { year: 2024 } }];
  for (const month of MONTHS) {
    const next = month === '2024-12' ? '2025-01' : `2024-${String(Number(month.slice(5)) + 1).padStart(2, '0')}`;
    const approvedAmount = month === '2024-12' ? decemberApproved : '9000000';
    commands.push(
      { type: 'DeclareMonth', data: { month, visits: 70_000, totalCost: '21000000', fundDue: '9000000.50', declaredOn: `${next}-08` } },
      { type: 'ApproveMonth', data: { month, approvedAmount } },
      { type: 'PayAdvance', data: { month } },
    );
  }
  return run([{ type: 'InstitutionRegistered', data: CITY_L3 }], commands);
}

/** … then settled, reviewed (25 % violating: 75 % of the overspend restored, 六（一）), assessed (passed), paid. */
function finalYear(): InstitutionEvent[] {
  return run(advancedYear(), [
    { type: 'SettlePeriod', data: { year: 2024 } },
    { type: 'RecordOverspendReview', data: { year: 2024, reviewedVisits: 100, violatingCost: '12000.00', reviewedCost: '48000.00' } },
    { type: 'AssessYear', data: { year: 2024, passed: true } },
    { type: 'MakeFinalPayment', data: { year: 2024 } },
  ]);
}

const REASON = 'violating costs found on audit';
const correct = (month: string, corrected: MonthFigures, correctionId = 'COR-1'): InstitutionCommand => ({
  type: 'CorrectMonth',
  data: { correctionId, month, corrected, reason: REASON, correctedOn: '2025-03-01' },
});
const figures = (visits: number, totalCost: string, fundDue: string): MonthFigures => ({ visits, totalCost, fundDue });
const ORIGINAL = figures(70_000, '21000000.00', '9000000.00');

describe('CorrectMonth (焦医保〔2024〕32号 五（二）)', () => {
  it('the original year: 8,550,000.00 advanced a month, and after the year 44,333,437.50 paid (payable 42,333,750.00 + 1,999,687.50 restored)', () => {
    const state = foldInstitution(finalYear());
    expect(state.years[2024].months['2024-12'].advance).toMatchObject({ amount: '8550000.00', held: '450000.00', clause: ADVANCE_CLAUSE });
    expect(state.years[2024].settlement).toMatchObject({ payable: '42333750.00', overspend: '2666250.00' });
    expect(state.years[2024].final).toMatchObject({ compensation: '1999687.50', finalPayment: '44333437.50' });
  });

  it('downward after the advance: December due 8,700,000.00 → advance 8,265,000.00, held 435,000.00, 285,000.00 recovered', () => {
    given(advancedYear())
      .when(correct('2024-12', figures(70_000, '20300000', '8700000')))
      .then([
        {
          type: 'InstitutionMonthCorrected',
          data: {
            correctionId: 'COR-1',
            month: '2024-12',
            previous: ORIGINAL,
            corrected: figures(70_000, '20300000.00', '8700000.00'),
            reason: REASON,
            correctedOn: '2025-03-01',
            clause: RECOVERY_CLAUSE,
          },
        },
        {
          type: 'InstitutionAdvanceRecomputed',
          data: {
            correctionId: 'COR-1',
            month: '2024-12',
            previous: { amount: '8550000.00', held: '450000.00' },
            recomputed: { amount: '8265000.00', held: '435000.00' },
            clause: ADVANCE_CLAUSE,
          },
        },
        { type: 'InstitutionFundRecovered', data: { correctionId: 'COR-1', year: 2024, amount: '285000.00', clause: RECOVERY_CLAUSE } },
      ]);
  });

  it('upward: December due 9,100,000.00 → advance 8,645,000.00, 95,000.00 topped up (a ledger rule: no document speaks of it)', () => {
    given(advancedYear())
      .when(correct('2024-12', figures(70_000, '21000000', '9100000')))
      .then([
        {
          type: 'InstitutionMonthCorrected',
          data: {
            correctionId: 'COR-1',
            month: '2024-12',
            previous: ORIGINAL,
            corrected: figures(70_000, '21000000.00', '9100000.00'),
            reason: REASON,
            correctedOn: '2025-03-01',
            clause: RECOVERY_CLAUSE,
          },
        },
        {
          type: 'InstitutionAdvanceRecomputed',
          data: {
            correctionId: 'COR-1',
            month: '2024-12',
            previous: { amount: '8550000.00', held: '450000.00' },
            recomputed: { amount: '8645000.00', held: '455000.00' },
            clause: ADVANCE_CLAUSE,
          },
        },
        { type: 'InstitutionFundToppedUp', data: { correctionId: 'COR-1', year: 2024, amount: '95000.00', clause: TOP_UP_CLAUSE } },
      ]);
    expect(TOP_UP_CLAUSE).toBe(ledgerRule('institution-correction-top-up'));
  });

  it('one fen more due can move only the holdback (9,000,000.10 → .11: advance 8,550,000.10 either way, held 450,000.00 → 450,000.01); no money moves', () => {
    given(advancedYear('9000000.10'))
      .when(correct('2024-12', figures(70_000, '21000000', '9000000.11')))
      .then([
        {
          type: 'InstitutionMonthCorrected',
          data: {
            correctionId: 'COR-1',
            month: '2024-12',
            previous: figures(70_000, '21000000.00', '9000000.10'),
            corrected: figures(70_000, '21000000.00', '9000000.11'),
            reason: REASON,
            correctedOn: '2025-03-01',
            clause: RECOVERY_CLAUSE,
          },
        },
        {
          type: 'InstitutionAdvanceRecomputed',
          data: {
            correctionId: 'COR-1',
            month: '2024-12',
            previous: { amount: '8550000.10', held: '450000.00' },
            recomputed: { amount: '8550000.10', held: '450000.01' },
            clause: ADVANCE_CLAUSE,
          },
        },
      ]);
  });

  it('after the period settlement and final payment: December 14,000,000.00 cost, 6,000,000.00 due brings the period within the cap', () => {
    // Period: 98,000,000.00 / 350,000 = 280.00 ≤ 282.225 → payable = fund due 42,000,000.00, overspend 0;
    // the restored 1,999,687.50 is kept at most at the new overspend (0); the year pays 42,000,000.00:
    // 44,333,437.50 − 42,000,000.00 = 2,333,437.50 recovered.
    const history = finalYear();
    const settled = foldInstitution(history).years[2024].settlement!;
    const events = decideInstitution(correct('2024-12', figures(70_000, '14000000', '6000000')), foldInstitution(history), P);
    expect(events.map((e) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionPeriodResettled',
      'InstitutionFinalPaymentRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(events[1].data).toMatchObject({ recomputed: { amount: '5700000.00', held: '300000.00' } });
    expect(events[2].data).toEqual({
      correctionId: 'COR-1',
      year: 2024,
      previous: { payable: '42333750.00', overspend: '2666250.00' },
      outcome: expect.objectContaining({
        visits: 350000,
        totalCost: '98000000.00',
        fundDue: '42000000.00',
        actualAverage: '280.00',
        ceilingAverage: '282.23',
        withinCap: true,
        payable: '42000000.00',
        overspend: '0.00',
      }),
    });
    // The resettled trace cites what the recorded settlement cited.
    expect((events[2].data as any).outcome.trace.map((t: any) => t.clause)).toEqual(settled.trace.map((t) => t.clause));
    expect(events[3].data).toEqual({
      correctionId: 'COR-1',
      year: 2024,
      previous: { finalPayment: '44333437.50' },
      recomputed: expect.objectContaining({
        approvedTotal: '42000000.00',
        payable: '42000000.00',
        compensation: '0.00',
        entitlement: '42000000.00',
        advances: '39900000.00',
        held: '2100000.00',
        holdbackReleased: '2100000.00',
        forfeited: '0.00',
        adjustment: '0.00',
        finalPayment: '42000000.00',
      }),
    });
    expect(events[4]).toEqual({
      type: 'InstitutionFundRecovered',
      data: { correctionId: 'COR-1', year: 2024, amount: '2333437.50', clause: RECOVERY_CLAUSE },
    });
  });

  it('after the period settlement, before the final payment: December due 8,300,000.00 → payable 41,675,225.00; the advance difference 665,000.00 is recovered', () => {
    const history = run(advancedYear(), [{ type: 'SettlePeriod', data: { year: 2024 } }]);
    const events = decideInstitution(correct('2024-12', figures(70_000, '21000000', '8300000')), foldInstitution(history), P);
    expect(events.map((e) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionPeriodResettled',
      'InstitutionFundRecovered',
    ]);
    // 350,000 × 282.225 × 44,300,000 / 105,000,000 = 41,675,225.00
    expect(events[2].data).toMatchObject({ outcome: { fundDue: '44300000.00', payable: '41675225.00', overspend: '2624775.00' } });
    expect(events[3].data).toMatchObject({ amount: '665000.00' });
  });

  it('a month not approved is refused (422 MONTH_NOT_APPROVED, 五（二）); the same figures decide nothing', () => {
    const declaredOnly = run(advancedYear(), [
      { type: 'DeclareMonth', data: { month: '2025-01', visits: 1, totalCost: '100', fundDue: '50', declaredOn: '2025-02-05' } },
    ]);
    given(declaredOnly)
      .when(correct('2025-01', figures(1, '100', '40')))
      .thenRefuses('MONTH_NOT_APPROVED', RECOVERY_CLAUSE);
    given(advancedYear())
      .when(correct('2024-12', figures(70_000, '21000000.00', '9000000.00')))
      .then([]);
  });

  it.each(['2024-13', '2024-1', ['2024-12'] as unknown as string])(
    'a malformed month (%j) is an input error naming the field, as for every command',
    (month) => {
      expect(() => decideInstitution(correct(month, figures(1, '100', '40')), foldInstitution(advancedYear()), P)).toThrow(
        expect.objectContaining({ field: 'month', message: expect.stringContaining("must be 'YYYY-MM'") }),
      );
    },
  );
});

describe('evolve after a correction', () => {
  it('a second correction of the month starts from the corrected figures, another month from its own; the year view shows original, corrected and net', () => {
    const first = run(advancedYear(), [correct('2024-12', figures(70_000, '20300000', '8700000'), 'COR-1')]);
    const december = foldInstitution(first).years[2024].months['2024-12'];
    expect(december.approved!.approvedAmount).toBe('8700000.00');
    expect(december.advance).toMatchObject({ approvedAmount: '8700000.00', amount: '8265000.00', held: '435000.00' });

    // Back up to 8,800,000.00: previous is the corrected month; 95,000.00 topped up.
    const second = decideInstitution(correct('2024-12', figures(70_000, '20500000', '8800000'), 'COR-2'), foldInstitution(first), P);
    expect(second[0].data).toMatchObject({ previous: figures(70_000, '20300000.00', '8700000.00') });
    expect(second[1].data).toMatchObject({
      previous: { amount: '8265000.00', held: '435000.00' },
      recomputed: { amount: '8360000.00', held: '440000.00' },
    });
    expect(second[2]).toMatchObject({ type: 'InstitutionFundToppedUp', data: { amount: '95000.00' } });

    // November to 8,900,000.00: 95,000.00 recovered. Then the year is settled on the corrected months.
    const all = run(
      [...first, ...second],
      [correct('2024-11', figures(70_000, '21000000', '8900000'), 'COR-3'), { type: 'SettlePeriod', data: { year: 2024 } }],
    );
    const year = foldInstitution(all).years[2024];
    // Cost 4 × 21,000,000 + 20,500,000 = 104,500,000.00 (298.57 a visit, over 282.225):
    // payable = 350,000 × 282.225 × 44,700,000 / 104,500,000 = 42,252,728.47
    expect(year.settlement).toMatchObject({ totalCost: '104500000.00', fundDue: '44700000.00', payable: '42252728.47' });

    const view = institutionYearView(foldInstitution(all), 'JZ-H001', 2024);
    expect(view.months.find((m) => m.month === '2024-12')).toMatchObject({
      fundDue: '8800000.00',
      approved: '8800000.00',
      advanced: '8360000.00',
      original: { visits: 70_000, totalCost: '21000000.00', fundDue: '9000000.00', advanced: '8550000.00', held: '450000.00' },
    });
    expect(view.months.find((m) => m.month === '2024-10')!.original).toBeNull();
    expect(view.corrections).toEqual({
      correctionIds: ['COR-1', 'COR-2', 'COR-3'],
      // Settled after the corrections: one payable, the corrected one.
      original: { approved: '45000000.00', advanced: '42750000.00', held: '2250000.00', payable: '42252728.47', finalPayment: null },
      corrected: { approved: '44700000.00', advanced: '42465000.00', held: '2235000.00', payable: '42252728.47', finalPayment: null },
      recovered: '380000.00',
      toppedUp: '95000.00',
      net: '-285000.00',
    });
  });

  it('after the final payment the view keeps the original payable and final payment beside the corrected ones', () => {
    const history = finalYear();
    const all = run(history, [correct('2024-12', figures(70_000, '14000000', '6000000'))]);
    const view = institutionYearView(foldInstitution(all), 'JZ-H001', 2024);
    expect(view.settlement).toMatchObject({ payable: '42000000.00', overspend: '0.00', withinCap: true });
    expect(view.final).toMatchObject({ finalPayment: '42000000.00', compensation: '0.00' });
    expect(view.corrections).toMatchObject({
      original: { approved: '45000000.00', payable: '42333750.00', finalPayment: '44333437.50' },
      corrected: { approved: '42000000.00', payable: '42000000.00', finalPayment: '42000000.00' },
      recovered: '2333437.50',
      toppedUp: '0.00',
      net: '-2333437.50',
    });
    // Explain: the settlement and final payment as recomputed, then the correction and the money it moved, with clauses.
    const steps = explainInstitutionYear(foldInstitution(all), 'JZ-H001', 2024).steps;
    expect(steps.find((t) => t.step === 'final_payment')!.result).toMatchObject({ finalPayment: '42000000.00' });
    expect(steps.slice(-2)).toEqual([
      {
        step: 'month_corrected',
        clause: RECOVERY_CLAUSE,
        inputs: {
          month: '2024-12',
          correctionId: 'COR-1',
          correctedOn: '2025-03-01',
          reason: REASON,
          visits: 70_000,
          totalCost: '21000000.00',
          fundDue: '9000000.00',
        },
        result: figures(70_000, '14000000.00', '6000000.00'),
      },
      { step: 'fund_recovered', clause: RECOVERY_CLAUSE, inputs: { correctionId: 'COR-1' }, result: { amount: '2333437.50' } },
    ]);
    // A second correction after the final payment starts from the recomputed final payment.
    const again = decideInstitution(correct('2024-12', figures(70_000, '14000000', '6100000'), 'COR-2'), foldInstitution(all), P);
    expect(again.find((e) => e.type === 'InstitutionFinalPaymentRecomputed')!.data).toMatchObject({
      previous: { finalPayment: '42000000.00' },
      recomputed: { finalPayment: '42100000.00' },
    });
    expect(again.at(-1)).toMatchObject({ type: 'InstitutionFundToppedUp', data: { amount: '100000.00' } });
  });
});
