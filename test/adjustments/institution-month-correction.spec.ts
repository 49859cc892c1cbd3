import { decideInstitution, InstitutionCommand } from '../../src/institutions/institution.decide';
import { foldInstitution, InstitutionEvent } from '../../src/institutions/institution.events';
import type { InstitutionProfile } from '../../src/institutions/institution.types';
import { correctInstitutionMonth, RECOVERY_CLAUSE, TOP_UP_CLAUSE } from '../../src/institutions/month-correction';
import { settlementParameters } from '../../src/institutions/settlement-parameters';
import { defaultCatalog } from '../support/policy';

const P = settlementParameters(defaultCatalog());

/**
 * Issue 15 item 4, to the fen, on 焦医保〔2024〕32号 附件 例2 spread over August–December 2024
 * (70,000 visits, 21,000,000.00 cost, 9,000,000.00 fund due a month; base 265, cap 6.5 %):
 * payable 42,333,750.00, advances 95 % = 8,550,000.00 a month (四（二）).
 */
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

function run(history: InstitutionEvent[], commands: InstitutionCommand[]): InstitutionEvent[] {
  const all = [...history];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

function example2(through: 'advances' | 'final'): InstitutionEvent[] {
  const commands: InstitutionCommand[] = [{ type: 'SetCostBase', data: { year: 2024 } }];
  for (const month of MONTHS) {
    const next = month === '2024-12' ? '2025-01' : `2024-${String(Number(month.slice(5)) + 1).padStart(2, '0')}`;
    commands.push(
      { type: 'DeclareMonth', data: { month, visits: 70_000, totalCost: '21000000', fundDue: '9000000', declaredOn: `${next}-08` } },
      { type: 'ApproveMonth', data: { month, approvedAmount: '9000000' } },
      { type: 'PayAdvance', data: { month } },
    );
  }
  if (through === 'final')
    commands.push(
      { type: 'SettlePeriod', data: { year: 2024 } },
      { type: 'AssessYear', data: { year: 2024, passed: true } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    );
  return run([{ type: 'InstitutionRegistered', data: CITY_L3 }], commands);
}

const december = (corrected: { visits: number; totalCost: string; fundDue: string }) => ({
  correctionId: 'IC-1',
  month: '2024-12',
  corrected,
  reason: 'violating costs found on audit',
  correctedOn: '2025-03-01',
});
const data = (events: Array<{ type: string; data: any }>, type: string) => events.find((e) => e.type === type)?.data;

describe('institution month correction (焦医保〔2024〕32号)', () => {
  it('before the period settlement: December fund due 9,000,000.00 → 8,700,000.00 recomputes the advance (8,265,000.00) and recovers 285,000.00', () => {
    const events = correctInstitutionMonth(
      foldInstitution(example2('advances')),
      december({ visits: 70_000, totalCost: '20300000', fundDue: '8700000' }),
    );
    expect(events.map((e) => e.type)).toEqual(['InstitutionMonthCorrected', 'InstitutionAdvanceRecomputed', 'InstitutionFundRecovered']);
    expect(data(events, 'InstitutionMonthCorrected')).toMatchObject({
      previous: { visits: 70000, totalCost: '21000000.00', fundDue: '9000000.00' },
      corrected: { visits: 70000, totalCost: '20300000.00', fundDue: '8700000.00' },
    });
    expect(data(events, 'InstitutionAdvanceRecomputed')).toMatchObject({
      previous: { amount: '8550000.00', held: '450000.00' },
      recomputed: { amount: '8265000.00', held: '435000.00' },
    });
    expect(data(events, 'InstitutionFundRecovered')).toEqual({
      correctionId: 'IC-1',
      year: 2024,
      amount: '285000.00',
      clause: RECOVERY_CLAUSE,
    });
    expect(RECOVERY_CLAUSE).toBe('焦医保〔2024〕32号 五（二）');
  });

  it("a correction in the institution's favour is a top-up: fund due 9,100,000.00 → advance 8,645,000.00, 95,000.00 owed", () => {
    const events = correctInstitutionMonth(
      foldInstitution(example2('advances')),
      december({ visits: 70_000, totalCost: '21000000', fundDue: '9100000' }),
    );
    expect(data(events, 'InstitutionFundToppedUp')).toEqual({
      correctionId: 'IC-1',
      year: 2024,
      amount: '95000.00',
      clause: TOP_UP_CLAUSE,
    });
  });

  it('after the final payment: fund due cut by 700,000.00 → payable 41,675,225.00 (over the cap: visits × 282.225 × due / cost), 658,525.00 recovered', () => {
    const history = example2('final');
    expect(data(history, 'FinalPaymentMade')).toMatchObject({ finalPayment: '42333750.00' });
    const events = correctInstitutionMonth(
      foldInstitution(history),
      december({ visits: 70_000, totalCost: '21000000', fundDue: '8300000' }),
    );
    expect(events.map((e) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionPeriodResettled',
      'InstitutionFinalPaymentRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(data(events, 'InstitutionPeriodResettled').outcome).toMatchObject({
      visits: 350000,
      totalCost: '105000000.00',
      fundDue: '44300000.00',
      withinCap: false,
      payable: '41675225.00',
      overspend: '2624775.00',
    });
    expect(data(events, 'InstitutionPeriodResettled').previous).toEqual({ payable: '42333750.00', overspend: '2666250.00' });
    expect(data(events, 'InstitutionFinalPaymentRecomputed').recomputed).toMatchObject({
      advances: '42085000.00',
      held: '2215000.00',
      holdbackReleased: '2215000.00',
      finalPayment: '41675225.00',
      adjustment: '-2624775.00',
    });
    expect(data(events, 'InstitutionFundRecovered').amount).toBe('658525.00');
  });

  it('phantom visits (December 70,000 → 60,000 visits, cost unchanged) lower the payable to 41,124,214.29: 1,209,535.71 recovered, advance unchanged', () => {
    const events = correctInstitutionMonth(
      foldInstitution(example2('final')),
      december({ visits: 60_000, totalCost: '21000000', fundDue: '9000000' }),
    );
    expect(events.map((e) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionPeriodResettled',
      'InstitutionFinalPaymentRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(data(events, 'InstitutionPeriodResettled').outcome.payable).toBe('41124214.29');
    expect(data(events, 'InstitutionFundRecovered').amount).toBe('1209535.71');
  });

  it('a correction that changes nothing writes nothing; a month not approved is refused; bad figures are 400s naming the field', () => {
    const state = foldInstitution(example2('advances'));
    expect(correctInstitutionMonth(state, december({ visits: 70_000, totalCost: '21000000.00', fundDue: '9000000' }))).toEqual([]);
    expect(() => correctInstitutionMonth(state, { ...december({ visits: 1, totalCost: '1', fundDue: '1' }), month: '2025-01' })).toThrow(
      expect.objectContaining({ code: 'MONTH_NOT_APPROVED' }),
    );
    expect(() => correctInstitutionMonth(state, december({ visits: 70_000, totalCost: '100', fundDue: '200' }))).toThrow(
      expect.objectContaining({ field: 'corrected.fundDue' }),
    );
    expect(() => correctInstitutionMonth(state, december({ visits: -1, totalCost: '100', fundDue: '20' }))).toThrow(
      expect.objectContaining({ field: 'corrected.visits' }),
    );
  });
});
