/**
 * Issue 17: the boundaries of an institution month correction (issue 15 item 4), so the
 * mutation run of month-correction.ts catches a wrong rule. Figures to the fen against
 * 焦医保〔2024〕32号 四（一）, 四（二）, 六（一）: the advance is 95 % of the approved amount rounded
 * once half-up, the holdback the rest; an exempt village clinic is paid its fund due as itemised
 * (四（一）1: 村卫生室（所）普通门诊暂不实行年度次均费用管理办法); a failed assessment keeps the holdback.
 */
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { foldInstitution, InstitutionEvent } from './institution.events';
import type { InstitutionProfile } from './institution.types';
import { RECOVERY_CLAUSE, TOP_UP_CLAUSE } from './month-correction';
import type { MonthFigures } from './month-correction.events';
import { settlementParameters } from './settlement-parameters';
import { defaultCatalog } from '../../test/support/policy';

const P = settlementParameters(defaultCatalog());

function run(history: InstitutionEvent[], commands: InstitutionCommand[]): InstitutionEvent[] {
  const all = [...history];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

/** The error a command throws on the given history (fails the test if it decides). */
function thrown(history: InstitutionEvent[], command: InstitutionCommand): any {
  try {
    decideInstitution(command, foldInstitution(history), P);
  } catch (e) {
    return e;
  }
  throw new Error(`expected ${command.type} to be refused`);
}

const decide = (history: InstitutionEvent[], command: InstitutionCommand) => decideInstitution(command, foldInstitution(history), P);
const types = (events: { type: string }[]) => events.map((e) => e.type);

const CITY_L3: InstitutionProfile = {
  code: 'JZ-H001',
  name: '焦作市某三级综合医院',
  category: 'city_level3_general',
  level: 'level3',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
};
const VILLAGE: InstitutionProfile = { ...CITY_L3, code: 'JZ-V001', category: 'village_clinic', level: 'village', location: 'village' };
const MONTHS = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];

const nextMonth = (month: string): string =>
  month.endsWith('-12')
    ? `${Number(month.slice(0, 4)) + 1}-01`
    : `${month.slice(0, 5)}${String(Number(month.slice(5)) + 1).padStart(2, '0')}`;
const declare = (month: string, visits: number, totalCost: string, fundDue: string): InstitutionCommand => ({
  type: 'DeclareMonth',
  data: { month, visits, totalCost, fundDue, declaredOn: `${nextMonth(month)}-08` },
});
const approve = (month: string, approvedAmount: string): InstitutionCommand => ({ type: 'ApproveMonth', data: { month, approvedAmount } });
const pay = (month: string): InstitutionCommand => ({ type: 'PayAdvance', data: { month } });

/** 附件 例2 over August–December 2024 (as correct-month.decide.spec.ts): 70,000 visits, 21,000,000.00 cost, 9,000,000.00 approved a month. */
function cityYear(decemberApproved = '9000000'): InstitutionEvent[] {
  const commands: InstitutionCommand[] = [{ type: 'SetCostBase', data: { year: 2024 } }];
  for (const month of MONTHS)
    commands.push(
      declare(month, 70_000, '21000000', '9000000.50'),
      approve(month, month === '2024-12' ? decemberApproved : '9000000'),
      pay(month),
    );
  return run([{ type: 'InstitutionRegistered', data: CITY_L3 }], commands);
}

/** A village clinic (exempt from the per-visit average): 1,000 visits, 100,000.00 cost, 60,000.00 approved a month; advance 57,000.00, held 3,000.00. */
function villageYear(): InstitutionEvent[] {
  return run(
    [{ type: 'InstitutionRegistered', data: VILLAGE }],
    MONTHS.flatMap((month) => [declare(month, 1_000, '100000', '60000'), approve(month, '60000'), pay(month)]),
  );
}

const REASON = 'violating costs found on audit';
const correct = (month: string, corrected: MonthFigures, disputeId?: string): InstitutionCommand => ({
  type: 'CorrectMonth',
  data: { correctionId: 'COR-1', ...(disputeId ? { disputeId } : {}), month, corrected, reason: REASON, correctedOn: '2025-03-01' },
});
const figures = (visits: number, totalCost: string, fundDue: string): MonthFigures => ({ visits, totalCost, fundDue });

describe('month correction: refusals (422 MONTH_NOT_APPROVED, 焦医保〔2024〕32号 五（二）)', () => {
  it.each([
    ['a month of a year with nothing recorded', '2030-01'],
    ['a month never declared in a year with months', '2024-07'],
  ])('%s is refused with the month in the message and details', (_, month) => {
    expect(thrown(cityYear(), correct(month, figures(1, '100', '50')))).toMatchObject({
      code: 'MONTH_NOT_APPROVED',
      clause: RECOVERY_CLAUSE,
      message: `${month} has not been approved: correct the declaration instead`,
      details: { month },
    });
  });
});

describe('month correction: input errors name the field and the rule (400), nothing decided', () => {
  it.each([
    ['visits not whole', figures(1.5, '100', '50'), 'corrected.visits', 'must be a whole number ≥ 0'],
    ['visits negative', figures(-1, '100', '50'), 'corrected.visits', 'must be a whole number ≥ 0'],
    ['a negative total cost', figures(10, '-0.01', '0'), 'corrected.totalCost', 'must be ≥ 0'],
    ['a negative fund due', figures(10, '100', '-0.01'), 'corrected.fundDue', 'must be ≥ 0 and at most the total cost'],
    ['fund due one fen over the cost', figures(10, '100', '100.01'), 'corrected.fundDue', 'must be ≥ 0 and at most the total cost'],
    // As DeclareMonth refuses it: a per-visit average has no cost without visits.
    ['a cost of one fen without visits', figures(0, '0.01', '0'), 'corrected.visits', 'a month with costs has visits'],
  ])('%s', (_, corrected, field, rule) => {
    expect(thrown(cityYear(), correct('2024-12', corrected))).toMatchObject({ kind: 'invalid', field, rule });
  });

  it('boundaries accepted: no visits, no cost, no fund due; fund due equal to the cost', () => {
    const none = decide(cityYear(), correct('2024-12', figures(0, '0', '0')));
    expect(none[0].data).toMatchObject({ corrected: figures(0, '0.00', '0.00') });
    // All of the month's 8,550,000.00 advance comes back.
    expect(none.at(-1)).toEqual({
      type: 'InstitutionFundRecovered',
      data: { correctionId: 'COR-1', year: 2024, amount: '8550000.00', clause: RECOVERY_CLAUSE },
    });
    const equal = decide(cityYear(), correct('2024-12', figures(70_000, '9000000', '9000000')));
    expect(types(equal)).toEqual(['InstitutionMonthCorrected']);
    expect(equal[0].data).toMatchObject({ corrected: figures(70_000, '9000000.00', '9000000.00') });
  });
});

describe('month correction: what changed decides what is recomputed', () => {
  it.each([
    ['only the visits', figures(69_999, '21000000', '9000000')],
    ['only the cost, by one fen', figures(70_000, '20999999.99', '9000000')],
  ])('a change in %s is recorded; the advance and the money stay', (_, corrected) => {
    expect(decide(cityYear(), correct('2024-12', corrected))).toEqual([
      {
        type: 'InstitutionMonthCorrected',
        data: {
          correctionId: 'COR-1',
          month: '2024-12',
          previous: figures(70_000, '21000000.00', '9000000.00'),
          corrected: {
            ...corrected,
            totalCost: corrected.totalCost === '21000000' ? '21000000.00' : corrected.totalCost,
            fundDue: '9000000.00',
          },
          reason: REASON,
          correctedOn: '2025-03-01',
          clause: RECOVERY_CLAUSE,
        },
      },
    ]);
  });

  it('one fen less due can move only the advance (9,000,000.10 → .09: advance 8,550,000.10 → .09, held 450,000.00 either way); 0.01 recovered', () => {
    // 9,000,000.10 × 0.95 = 8,550,000.095 → .10 (half up); 9,000,000.09 × 0.95 = 8,550,000.0855 → .09.
    const events = decide(cityYear('9000000.10'), correct('2024-12', figures(70_000, '21000000', '9000000.09')));
    expect(events.slice(1)).toEqual([
      {
        type: 'InstitutionAdvanceRecomputed',
        data: {
          correctionId: 'COR-1',
          month: '2024-12',
          previous: { amount: '8550000.10', held: '450000.00' },
          recomputed: { amount: '8550000.09', held: '450000.00' },
          clause: '焦医保〔2024〕32号 四（二）',
        },
      },
      { type: 'InstitutionFundRecovered', data: { correctionId: 'COR-1', year: 2024, amount: '0.01', clause: RECOVERY_CLAUSE } },
    ]);
  });

  it('a month approved but not yet advanced: only the correction is recorded, no money moves (the advance will be paid on the corrected amount)', () => {
    const approvedOnly = run(cityYear(), [declare('2025-01', 100, '10000', '6000'), approve('2025-01', '6000')]);
    const events = decide(approvedOnly, correct('2025-01', figures(100, '10000', '5000')));
    expect(types(events)).toEqual(['InstitutionMonthCorrected']);
    // The advance then paid is 95 % of the corrected 5,000.00.
    const paid = run([...approvedOnly, ...events], [pay('2025-01')]).at(-1)!;
    expect(paid).toMatchObject({ type: 'AdvancePaid', data: { approvedAmount: '5000.00', amount: '4750.00', held: '250.00' } });
  });

  it('a correction from a dispute carries its id; one without carries none', () => {
    expect(decide(cityYear(), correct('2024-12', figures(70_000, '21000000', '8999999.99'), 'DSP-7'))[0].data).toMatchObject({
      disputeId: 'DSP-7',
    });
    expect(decide(cityYear(), correct('2024-12', figures(70_000, '21000000', '8999999.99')))[0].data).not.toHaveProperty('disputeId');
  });
});

describe('month correction: the period settlement and the final payment', () => {
  it("the period's first month, after the settlement: resettled (August due 8,300,000.00 → payable 41,675,225.00), 665,000.00 recovered", () => {
    const settled = run(cityYear(), [{ type: 'SettlePeriod', data: { year: 2024 } }]);
    const events = decide(settled, correct('2024-08', figures(70_000, '21000000', '8300000')));
    expect(types(events)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionPeriodResettled',
      'InstitutionFundRecovered',
    ]);
    // 350,000 × 282.225 × 44,300,000 / 105,000,000 = 41,675,225.00; advance 8,550,000.00 → 7,885,000.00.
    expect(events[2].data).toMatchObject({ outcome: { fundDue: '44300000.00', payable: '41675225.00', overspend: '2624775.00' } });
    expect(events[3].data).toMatchObject({ amount: '665000.00' });
  });

  it('a month of the next year, after the year is paid: its own advance moves the money, the settled year is not touched', () => {
    const paid = run(cityYear(), [
      { type: 'SettlePeriod', data: { year: 2024 } },
      { type: 'RecordOverspendReview', data: { year: 2024, reviewedVisits: 100, violatingCost: '12000.00', reviewedCost: '48000.00' } },
      { type: 'AssessYear', data: { year: 2024, passed: true } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
      declare('2025-01', 100, '10000', '6000'),
      approve('2025-01', '6000'),
      pay('2025-01'),
    ]);
    const events = decide(paid, correct('2025-01', figures(100, '10000', '6100')));
    expect(types(events)).toEqual(['InstitutionMonthCorrected', 'InstitutionAdvanceRecomputed', 'InstitutionFundToppedUp']);
    // 5,700.00 → 5,795.00 advanced.
    expect(events[2]).toEqual({
      type: 'InstitutionFundToppedUp',
      data: { correctionId: 'COR-1', year: 2025, amount: '95.00', clause: TOP_UP_CLAUSE },
    });
  });

  it('an exempt village clinic, assessment failed, paid: resettled as itemised with the recorded clauses; the smaller holdback is kept; 9,500.00 recovered', () => {
    const history = run(villageYear(), [
      { type: 'SettlePeriod', data: { year: 2024 } },
      { type: 'AssessYear', data: { year: 2024, passed: false } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    ]);
    const year = foldInstitution(history).years[2024];
    // Payable 300,000.00 as itemised; the failed assessment keeps 5 × 3,000.00: 285,000.00 paid for the year.
    expect(year.settlement).toMatchObject({ payable: '300000.00', overspend: '0.00', base: null, growthCap: null });
    expect(year.final).toMatchObject({ finalPayment: '285000.00', forfeited: '15000.00' });

    const events = decide(history, correct('2024-12', figures(1_000, '90000', '50000')));
    expect(types(events)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionPeriodResettled',
      'InstitutionFinalPaymentRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(events[1].data).toMatchObject({ recomputed: { amount: '47500.00', held: '2500.00' } });
    const outcome = (events[2].data as any).outcome;
    expect(outcome).toMatchObject({
      fundDue: '290000.00',
      base: null,
      growthCap: null,
      withinCap: true,
      payable: '290000.00',
      overspend: '0.00',
    });
    // The exempt step cites the exemption, not the period rule: the trace cites what the recorded one cited.
    expect(outcome.trace.map((t: any) => [t.step, t.clause])).toEqual(year.settlement!.trace.map((t) => [t.step, t.clause]));
    expect(outcome.trace[1].clause).not.toBe(outcome.trace[0].clause);
    // No review: nothing restored. Held 14,500.00, all kept: 290,000.00 − 14,500.00 = 275,500.00.
    expect(events[3].data).toEqual({
      correctionId: 'COR-1',
      year: 2024,
      previous: { finalPayment: '285000.00' },
      recomputed: expect.objectContaining({
        approvedTotal: '290000.00',
        payable: '290000.00',
        compensation: '0.00',
        entitlement: '290000.00',
        advances: '275500.00',
        held: '14500.00',
        holdbackReleased: '0.00',
        forfeited: '14500.00',
        adjustment: '0.00',
        finalPayment: '275500.00',
      }),
    });
    expect(events[4]).toEqual({
      type: 'InstitutionFundRecovered',
      data: { correctionId: 'COR-1', year: 2024, amount: '9500.00', clause: RECOVERY_CLAUSE },
    });
  });
});

describe('institution decider: a month is a string', () => {
  it("an array holding a month string is refused although the pattern would pass it (RegExp.test reads String(['2024-08']))", () => {
    const month = ['2024-08'] as unknown as string;
    expect(String(month)).toBe('2024-08');
    expect(
      thrown([{ type: 'InstitutionRegistered', data: CITY_L3 }], {
        type: 'DeclareMonth',
        data: { month, visits: 1, totalCost: '100', fundDue: '50', declaredOn: '2024-09-08' },
      }),
    ).toMatchObject({
      kind: 'invalid',
      field: 'month',
      rule: "must be 'YYYY-MM'",
    });
  });
});
