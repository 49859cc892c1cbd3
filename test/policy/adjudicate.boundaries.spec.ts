/**
 * Issue 17: the engine's boundaries and branches that mutation testing showed untested —
 * first and last day of every period, exactly 24 hours, day 30 of the settlement window,
 * each signal of off-site care alone, the policy-scope account base, the uncovered level.
 * Figures to the fen from the packs' own rates (宛政办〔2022〕42号 第五条, 安医保〔2019〕75号,
 * 焦医保〔2024〕32号 with the deployment's example rates, the Gansu test fixture).
 */
import { InvalidInput } from '../../src/kernel/errors';
import { ledgerRule } from '../../src/policy/citation';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { CityPack } from '../../src/policy/pack.types';
import type { Decision } from '../../src/policy/engine/types';
import { catalog, cityPack, input, line, VisitSpec } from './helpers';
import { preIssue16Pack } from './pre-issue-16';

const catalogPack = (id: string) => catalog().byId(id)!;

const nanyang = () => cityPack('nanyang-employee-2022');
const anyang = () => cityPack('anyang-resident-2020');
const jiaozuo = () => cityPack('jiaozuo-employee-2024');
const gansu = () => cityPack('gansu-lanzhou-2023');
const run = (spec: VisitSpec): Decision => adjudicate(input(spec), spec.pack);
const codes = (d: Decision) => d.reasons.map((r) => r.code);
const flagCodes = (d: Decision) => d.flags.map((r) => r.code);
const step = (d: Decision, name: string) => d.trace.find((t) => t.step === name);
/** A pack with some benefit entries replaced (packs are frozen; the engine reads plain values). */
const withBenefit = (pack: CityPack, benefit: Partial<CityPack['benefit']>): CityPack => ({
  ...pack,
  benefit: { ...pack.benefit, ...benefit },
});

// Nanyang level 1 in service: 60%, no deductible → a 100.00 visit pays 60.00.
const NY = { pack: nanyang(), at: '2023-03-10T09:00:00+08:00' } as const;

describe('periods include their first and last day', () => {
  it('宛政办〔2022〕42号 第二条: enrolled on the last day of an enrollment pays 60.00; the day after pays 0.00 (NOT_ENROLLED)', () => {
    const person = { enrollments: [{ from: '2023-01-01', to: '2023-03-10' }] };
    expect(run({ ...NY, person }).amounts.fund).toBe('60.00');
    expect(run({ ...NY, person: { enrollments: [{ from: '2023-03-10' }] } }).amounts.fund).toBe('60.00');
    const after = run({ ...NY, at: '2023-03-11T09:00:00+08:00', person });
    expect(codes(after)).toEqual(['NOT_ENROLLED']);
    expect(after.reasons[0]).toEqual({
      code: 'NOT_ENROLLED',
      clause: expect.stringMatching(/^宛政办〔2022〕42号 /),
      message: 'not enrolled in the employee scheme on 2023-03-11',
    });
    expect(after.amounts.fund).toBe('0.00');
  });

  it('an earlier, ended enrollment does not refuse a visit under the current one: 60.00', () => {
    const d = run({ ...NY, person: { enrollments: [{ from: '2010-01-01', to: '2015-12-31' }, { from: '2020-01-01' }] } });
    expect(codes(d)).toEqual([]);
    expect(d.amounts.fund).toBe('60.00');
  });

  it('a visit before the first category entry is not enrolled, whatever the enrollments say', () => {
    const d = run({ ...NY, person: { categoryTimeline: [{ from: '2023-03-11', category: 'in_service' }] } });
    expect(codes(d)).toEqual(['NOT_ENROLLED']);
    expect(d.category).toBe('in_service');
    expect(step(d, 'category')!.inputs).toEqual({ visitDate: '2023-03-10', timelineEntryFrom: null });
  });

  it('宛政办〔2022〕42号 第六条: a category change effective on the visit date applies that day (retired: 70.00 on 100.00)', () => {
    const timeline = [
      { from: '2000-01-01', category: 'in_service' as const },
      { from: '2023-03-10', category: 'retired' as const },
    ];
    const d = run({ ...NY, person: { categoryTimeline: timeline } });
    expect(d.category).toBe('retired');
    expect(d.amounts).toMatchObject({ rate: '0.7', fund: '70.00', capAnnual: '2000.00' });
    expect(step(d, 'category')!.result).toEqual({ category: 'retired', switchedThisYear: true });
    expect(step(d, 'fund')!.note).toBe('category changed this year: earlier payments under the old category count against this cap');
    const before = run({ ...NY, at: '2023-03-09T09:00:00+08:00', person: { categoryTimeline: timeline } });
    expect(before.amounts).toMatchObject({ rate: '0.6', fund: '60.00' });
    expect(step(before, 'category')!.result).toEqual({ category: 'in_service', switchedThisYear: false });
    expect(step(before, 'fund')!.note).toBeUndefined();
  });

  it('a category change in an earlier year is not a switch this year; the latest entry in force wins whatever the order', () => {
    const d = run({
      ...NY,
      person: {
        categoryTimeline: [
          { from: '2000-01-01', category: 'in_service' },
          { from: '2022-12-31', category: 'retired' },
        ],
      },
    });
    expect(step(d, 'category')!.result).toEqual({ category: 'retired', switchedThisYear: false });
    const unordered = run({
      ...NY,
      person: {
        categoryTimeline: [
          { from: '2022-06-01', category: 'retired' },
          { from: '2000-01-01', category: 'in_service' },
        ],
      },
    });
    expect(unordered.category).toBe('retired');
    const sameAgain = run({
      ...NY,
      person: {
        categoryTimeline: [
          { from: '2000-01-01', category: 'in_service' },
          { from: '2023-02-01', category: 'in_service' },
        ],
      },
    });
    expect(step(sameAgain, 'category')!.result).toEqual({ category: 'in_service', switchedThisYear: false });
    const yearStart = run({
      ...NY,
      person: {
        categoryTimeline: [
          { from: '2000-01-01', category: 'in_service' },
          { from: '2023-01-01', category: 'retired' },
        ],
      },
    });
    expect(step(yearStart, 'category')!.result).toEqual({ category: 'retired', switchedThisYear: true });
  });

  it('a category of another scheme is an input error naming the timeline', () => {
    expect(() => run({ ...NY, person: { categoryTimeline: [{ from: '2000-01-01', category: 'resident' }] } })).toThrow(
      expect.objectContaining({ field: 'person.categoryTimeline' }),
    );
  });

  it('宛政办〔2022〕42号: an inpatient on the first and the last day of the stay gets nothing; the day after, 60.00', () => {
    for (const stay of [
      { from: '2023-03-10', to: '2023-03-20' },
      { from: '2023-03-01', to: '2023-03-10' },
    ]) {
      const d = run({ ...NY, person: { inpatientStays: [stay] } });
      expect(codes(d)).toEqual(['INPATIENT']);
      expect(d.reasons[0].message).toBe('an inpatient on 2023-03-10: no outpatient pooling');
      expect(step(d, 'eligibility.inpatient')!.inputs).toEqual({ visitDate: '2023-03-10', inpatient: true });
      expect(d.amounts.fund).toBe('0.00');
    }
    expect(
      run({ ...NY, at: '2023-03-11T09:00:00+08:00', person: { inpatientStays: [{ from: '2023-03-01', to: '2023-03-10' }] } }).amounts.fund,
    ).toBe('60.00');
  });

  it('a pack that does not exclude inpatients records no inpatient step', () => {
    const p = withBenefit(nanyang(), { inpatientExcluded: { ...nanyang().benefit.inpatientExcluded, value: false } });
    const d = run({ ...NY, pack: p, person: { inpatientStays: [{ from: '2023-03-01' }] } });
    expect(codes(d)).toEqual([]);
    expect(step(d, 'eligibility.inpatient')).toBeUndefined();
  });

  it('安医保〔2019〕75号: in force on its first and last day (2020-01-01, 2020-12-31), not the day after', () => {
    for (const at of ['2020-01-01T09:00:00+08:00', '2020-12-31T09:00:00+08:00']) {
      expect(run({ pack: anyang(), at, level: 'village' }).amounts.fund).toBe('60.00');
    }
    const base = input({ pack: anyang(), at: '2020-12-31T09:00:00+08:00', level: 'village' });
    const nextDay = {
      ...base,
      visit: { ...base.visit, occurredAt: '2021-01-01T09:00:00+08:00', settledAt: '2021-01-01T09:00:00+08:00' },
      yearToDate: { ...base.yearToDate, year: 2021 },
    };
    expect(() => adjudicate(nextDay, anyang())).toThrow(/not in force on 2021-01-01/);
  });

  it('宛政办〔2022〕42号 第二十五条: in force from 2022-07-01 (first day pays 60.00)', () => {
    expect(run({ pack: nanyang(), at: '2022-07-01T00:00:00+08:00' }).amounts.fund).toBe('60.00');
  });
});

describe('off-site care: either signal alone makes a visit off-site', () => {
  const registered = { offSiteRegistrations: [{ from: '2023-01-01', to: '2023-03-10' }] };

  it('the visit flag alone (institution of the person’s region): registration and direct settlement are required', () => {
    const d = run({ ...NY, visit: { offSite: true } });
    expect(codes(d)).toEqual(['OFFSITE_NOT_REGISTERED', 'OFFSITE_NOT_DIRECT']);
    expect(d.reasons.map((r) => r.message)).toEqual([
      'no off-site registration in force on 2023-03-10',
      'off-site care not settled directly through the insurance system: the fund pays nothing',
    ]);
    expect(step(d, 'eligibility.offSite')!.inputs).toEqual({ offSite: true, registered: false, directSettlement: false });
  });

  it('another region’s institution alone (no visit flag): the same refusals', () => {
    const d = run({ ...NY, institution: { region: 'zhengzhou' } });
    expect(codes(d)).toEqual(['OFFSITE_NOT_REGISTERED', 'OFFSITE_NOT_DIRECT']);
  });

  it('registered on the last day of the registration and settled directly: 60.00; the day after, not registered', () => {
    const ok = run({ ...NY, visit: { offSite: true, directSettlement: true }, person: registered });
    expect(codes(ok)).toEqual([]);
    expect(ok.amounts.fund).toBe('60.00');
    expect(step(ok, 'eligibility.offSiteRegistration')!.result).toEqual({ ok: true });
    const late = run({ ...NY, at: '2023-03-11T09:00:00+08:00', visit: { offSite: true, directSettlement: true }, person: registered });
    expect(codes(late)).toEqual(['OFFSITE_NOT_REGISTERED']);
  });

  it('registered but not settled directly: OFFSITE_NOT_DIRECT only', () => {
    expect(codes(run({ ...NY, visit: { offSite: true }, person: registered }))).toEqual(['OFFSITE_NOT_DIRECT']);
  });

  it('a pack that does not cover off-site care refuses it without asking for registration', () => {
    const p = withBenefit(nanyang(), {
      offSite: { ...nanyang().benefit.offSite, value: { covered: false, requiresRegistration: true, requiresDirectSettlement: true } },
    });
    const d = run({ ...NY, pack: p, visit: { offSite: true } });
    expect(codes(d)).toEqual(['OFFSITE_NOT_COVERED']);
    expect(d.reasons[0].message).toBe('off-site care is not pooled by this policy');
  });

  it('焦医保〔2024〕32号 一（一）: no registration rule, direct settlement required', () => {
    const at = '2024-09-02T09:00:00+08:00';
    expect(codes(run({ pack: jiaozuo(), at, visit: { offSite: true } }))).toEqual(['OFFSITE_NOT_DIRECT']);
    expect(codes(run({ pack: jiaozuo(), at, visit: { offSite: true, directSettlement: true } }))).toEqual([]);
  });

  it('a visit at home with no flag is not off-site: no off-site step', () => {
    expect(run(NY).trace.some((t) => t.step.startsWith('eligibility.offSite'))).toBe(false);
  });
});

describe('焦医保〔2024〕32号 一（一）: settled within 30 days', () => {
  const at = '2024-09-02T09:00:00+08:00';
  it('settled on day 30 pays (level 1: 60.00); day 31 is SETTLEMENT_TOO_LATE', () => {
    const onDay30 = run({ pack: jiaozuo(), at, settledAt: '2024-10-02T18:00:00+08:00' });
    expect(codes(onDay30)).toEqual([]);
    expect(onDay30.amounts.fund).toBe('60.00');
    expect(step(onDay30, 'eligibility.settlementWindow')!.inputs).toEqual({ days: 30, limit: 30 });
    const onDay31 = run({ pack: jiaozuo(), at, settledAt: '2024-10-03T08:00:00+08:00' });
    expect(codes(onDay31)).toEqual(['SETTLEMENT_TOO_LATE']);
    expect(onDay31.reasons[0]).toEqual({
      code: 'SETTLEMENT_TOO_LATE',
      clause: '焦医保〔2024〕32号 一（一）',
      message: 'settled 31 days after the visit; the limit is 30',
    });
  });
});

describe('焦医保〔2024〕32号 二（二）: prescription days, a flag only', () => {
  const at = '2024-09-02T09:00:00+08:00';
  it('7 days for an ordinary visit is within the limit; 8 is flagged and the money is unchanged (60.00)', () => {
    const seven = run({ pack: jiaozuo(), at, visit: { prescriptionDays: 7 } });
    expect(flagCodes(seven)).toEqual([]);
    expect(step(seven, 'prescriptionDays')!.result).toEqual({ exceeded: false });
    const eight = run({ pack: jiaozuo(), at, visit: { prescriptionDays: 8 } });
    expect(eight.flags).toEqual([
      {
        code: 'PRESCRIPTION_DAYS_EXCEEDED',
        clause: '焦医保〔2024〕32号 二（二）',
        message: '8 days prescribed; the limit for ordinary is 7',
      },
    ]);
    expect(eight.amounts.fund).toBe('60.00');
  });
});

describe('the per-visit deductible’s 24 hours', () => {
  // Jiaozuo (deployment example): level 2 deductible 30.00, counted only from a charge before the visit.
  const at = '2024-09-02T09:00:00+08:00';
  const charge = (chargedAt: string, institutionCode = 'H1', visitId = 'v-earlier') => ({
    deductibleCharges: [{ visitId, institutionCode, at: chargedAt }],
  });
  const jz = (ytd: VisitSpec['ytd']) => run({ pack: jiaozuo(), at, level: 'level2', lines: [line('200')], ytd });

  it('a charge 23 h 59 min before at the same institution waives it (fund 200 × 55% = 110.00)', () => {
    const d = jz(charge('2024-09-01T09:01:00+08:00'));
    expect(d.amounts).toMatchObject({ deductible: '0.00', fund: '110.00' });
    expect(d.deductibleCharged).toBe(false);
    expect(d.flags).toEqual([
      {
        code: 'DEDUCTIBLE_WAIVED_24H',
        clause: expect.any(String),
        message: 'a deductible was charged at H1 on visit v-earlier at 2024-09-01T09:01:00+08:00, within 24 hours',
      },
    ]);
    expect(step(d, 'deductible')!.inputs).toMatchObject({ chargedWithinWindowOn: 'v-earlier', windowHours: 24 });
    expect(step(d, 'deductible')!.inputs).not.toHaveProperty('window');
  });

  it('exactly 24 hours before opens a new window: (200 − 30) × 55% = 93.50', () => {
    const d = jz(charge('2024-09-01T09:00:00+08:00'));
    expect(d.amounts).toMatchObject({ deductible: '30.00', fund: '93.50' });
    expect(d.deductibleCharged).toBe(true);
    expect(step(d, 'deductible')!.result).toEqual({ deductible: '30.00', charged: true });
  });

  it('a charge after the visit does not waive it under a backward-looking window: 93.50', () => {
    expect(jz(charge('2024-09-02T10:00:00+08:00')).amounts).toMatchObject({ deductible: '30.00', fund: '93.50' });
  });

  it('a charge at the same instant (another visit) waives it; the visit’s own charge or another institution’s does not', () => {
    expect(jz(charge(at, 'H1', 'v-other')).amounts.deductible).toBe('0.00');
    expect(jz(charge('2024-09-02T08:00:00+08:00', 'H1', `v-${at}`)).amounts.deductible).toBe('30.00');
    expect(jz(charge('2024-09-02T08:00:00+08:00', 'H2')).amounts.deductible).toBe('30.00');
  });

  it('宛政办〔2022〕42号 第五条（一） either side: 23 h after waives; exactly 24 h after does not', () => {
    const ny = (chargedAt: string) => run({ ...NY, level: 'level2', lines: [line('200')], ytd: charge(chargedAt) });
    const after = ny('2023-03-11T08:00:00+08:00');
    expect(after.amounts).toMatchObject({ deductible: '0.00', fund: '110.00' });
    expect(step(after, 'deductible')!.inputs).toMatchObject({ window: 'either_side' });
    expect(ny('2023-03-11T09:00:00+08:00').amounts).toMatchObject({ deductible: '30.00', fund: '93.50' });
    expect(ny('2023-03-09T09:00:00+08:00').amounts.deductible).toBe('30.00');
  });

  it('a level without a deductible does not look for a charge (level 1: deductible 0.00, not charged)', () => {
    const d = run({ ...NY, ytd: charge('2023-03-10T08:00:00+08:00') });
    expect(flagCodes(d)).toEqual([]);
    expect(d.deductibleCharged).toBe(false);
    expect(step(d, 'deductible')!.inputs).toMatchObject({ standard: '0.00', chargedWithinWindowOn: null });
  });

  it('the deductible is never more than the policy scope: a 20.00 level-2 visit pays 20.00 deductible, fund 0.00, charged', () => {
    const d = run({ ...NY, level: 'level2', lines: [line('20')] });
    expect(d.amounts).toMatchObject({ deductible: '20.00', fund: '0.00' });
    expect(d.deductibleCharged).toBe(true);
  });

  it('an ineligible visit charges no deductible and says why in the trace', () => {
    const d = run({ ...NY, level: 'level2', lines: [line('200')], institution: { designated: false } });
    expect(d.amounts).toMatchObject({ deductible: '0.00', rate: '0', fund: '0.00' });
    expect(d.deductibleCharged).toBe(false);
    expect(step(d, 'deductible')).toMatchObject({
      inputs: { mode: 'per_visit', eligible: false },
      result: { deductible: '0.00' },
      note: 'not applied: the visit is not eligible',
    });
    expect(step(d, 'rate')).toMatchObject({ result: { rate: '0' }, note: 'the fund pays nothing for an ineligible visit' });
    expect(step(run(NY), 'rate')!.note).toBeUndefined();
  });
});

describe('annual deductible and cap (Gansu fixture: 200 a year, level 1 in service 65%)', () => {
  const at = '2023-03-10T09:00:00+08:00';
  it('the remaining deductible is charged, then the rate: met 150 of 200, a 100.00 visit → deductible 50.00, fund 32.50', () => {
    const d = run({ pack: gansu(), at, ytd: { deductibleMet: '150.00' } });
    expect(d.amounts).toMatchObject({ deductible: '50.00', fund: '32.50' });
    expect(step(d, 'deductible')).toMatchObject({
      inputs: { mode: 'annual', annual: '200.00', metBefore: '150.00', policyScope: '100.00' },
      result: { deductible: '50.00', metAfter: '200.00' },
    });
  });
  it('met more than the annual amount: no deductible (never negative), fund 65.00', () => {
    expect(run({ pack: gansu(), at, ytd: { deductibleMet: '250.00' } }).amounts).toMatchObject({ deductible: '0.00', fund: '65.00' });
  });
  it('a malformed year-to-date figure is an input error naming it', () => {
    expect(() => run({ pack: gansu(), at, ytd: { deductibleMet: 'abc' } })).toThrow(
      expect.objectContaining({ field: 'yearToDate.deductibleMet' }),
    );
    expect(() => run({ pack: gansu(), at, ytd: { deductibleMet: '-0.01' } })).toThrow(/must not be negative/);
  });
});

describe('fixed copay and no deductible', () => {
  it('a fixed copay of 5 per visit is the deductible, capped at the policy scope', () => {
    const p = withBenefit(nanyang(), {
      deductible: { ...nanyang().benefit.deductible, value: { mode: 'fixed_copay', amount: '5' } } as CityPack['benefit']['deductible'],
    });
    const d = run({ ...NY, pack: p });
    expect(d.amounts).toMatchObject({ deductible: '5.00', fund: '57.00' });
    expect(step(d, 'deductible')).toMatchObject({
      inputs: { mode: 'fixed_copay', copay: '5.00', policyScope: '100.00' },
      result: { deductible: '5.00' },
    });
    expect(run({ ...NY, pack: p, lines: [line('3')] }).amounts).toMatchObject({ deductible: '3.00', fund: '0.00' });
  });
  it('安医保〔2019〕75号 三（三）: no deductible (mode none)', () => {
    const d = run({ pack: anyang(), at: '2020-05-10T09:00:00+08:00', level: 'village' });
    expect(step(d, 'deductible')).toEqual({
      step: 'deductible',
      clause: '安医保〔2019〕75号 三（三）',
      inputs: { mode: 'none' },
      result: { deductible: '0.00' },
    });
  });
});

describe('levels', () => {
  it('a level no rule lists is refused (LEVEL_NOT_COVERED): Gansu fixture, unrated', () => {
    const d = run({ pack: gansu(), at: '2023-03-10T09:00:00+08:00', level: 'unrated' });
    expect(d.reasons).toEqual([
      { code: 'LEVEL_NOT_COVERED', clause: 'TEST FIXTURE fixture', message: 'institution level unrated is not covered' },
    ]);
    expect(d.amounts.fund).toBe('0.00');
    expect(step(d, 'eligibility.level')).toEqual({
      step: 'eligibility.level',
      clause: 'TEST FIXTURE fixture',
      inputs: { level: 'unrated' },
      result: { ok: false },
    });
  });
  it('安医保〔2019〕75号 五: a level-1 institution the county has not designated is refused; designated pays 60.00', () => {
    const at = '2020-05-10T09:00:00+08:00';
    const refused = run({ pack: anyang(), at, level: 'level1' });
    expect(codes(refused)).toEqual(['LEVEL_NOT_COVERED']);
    expect(refused.reasons[0].message).toBe('level level1 is pooled only where the county designates the institution');
    expect(run({ pack: anyang(), at, level: 'level1', institution: { countyDesignated: true } }).amounts.fund).toBe('60.00');
  });
  it('the level step cites every rule listing the level', () => {
    const d = run({ pack: anyang(), at: '2020-05-10T09:00:00+08:00', level: 'level1', institution: { countyDesignated: true } });
    expect(step(d, 'eligibility.level')!.clause).toBe('安医保〔2019〕75号 五');
  });
});

describe('exclusions and the policy scope', () => {
  it('each excluded cost kind has its own reason code and the fund pays only the catalogue lines (60% of 100.00)', () => {
    const lines = [
      line('100'),
      line('1', { code: 'A', costKind: 'work_injury' }),
      line('2', { code: 'B', costKind: 'third_party' }),
      line('3', { code: 'C', costKind: 'public_health' }),
      line('4', { code: 'D', costKind: 'fitness_wellness' }),
      line('5', { code: 'E', costKind: 'health_checkup' }),
      line('6', { code: 'F', inCatalogue: false }),
    ];
    const d = run({ ...NY, lines });
    expect(d.reasons.map((r) => [r.code, r.lineCode, r.message])).toEqual([
      ['EXCLUDED_WORK_INJURY', 'A', 'line A (1.00) excluded: work_injury'],
      ['EXCLUDED_THIRD_PARTY', 'B', 'line B (2.00) excluded: third_party'],
      ['EXCLUDED_PUBLIC_HEALTH', 'C', 'line C (3.00) excluded: public_health'],
      ['EXCLUDED_FITNESS_WELLNESS', 'D', 'line D (4.00) excluded: fitness_wellness'],
      ['EXCLUDED_HEALTH_CHECKUP', 'E', 'line E (5.00) excluded: health_checkup'],
      ['EXCLUDED_NOT_IN_CATALOGUE', 'F', 'line F (6.00) excluded: not in the catalogue'],
    ]);
    expect(d.amounts).toMatchObject({ total: '121.00', excluded: '21.00', policyScope: '100.00', fund: '60.00' });
    expect(step(d, 'exclusion')).toEqual({
      step: 'exclusion',
      clause: expect.any(String),
      inputs: { line: 'A', amount: '1.00', costKind: 'work_injury', inCatalogue: true },
      result: { code: 'EXCLUDED_WORK_INJURY' },
    });
    expect(step(d, 'policyScope')!.result).toEqual({ excluded: '21.00', policyScope: '100.00' });
    expect(step(d, 'policyScope')!.inputs).toEqual({ total: '121.00', lines: 7 });
  });

  it('an empty visit and a line of a negative amount are input errors', () => {
    expect(() => run({ ...NY, lines: [] })).toThrow(expect.objectContaining({ field: 'visit.lines' }));
    expect(() => run({ ...NY, lines: [line('-1', { code: 'N' })] })).toThrow(expect.objectContaining({ field: 'visit.lines[N].amount' }));
  });
});

describe('the annual cap', () => {
  it('宛政办〔2022〕42号 第五条（三）: 1450.00 paid, 100.00 more would pay 60.00, only 50.00 is left', () => {
    const d = run({ ...NY, ytd: { fundPaid: '1450.00' } });
    expect(d.amounts).toMatchObject({ fundBeforeCap: '60.00', capRemainingBefore: '50.00', fund: '50.00', cash: '50.00' });
    expect(d.reasons).toEqual([
      {
        code: 'CAP_REACHED',
        clause: '宛政办〔2022〕42号 第五条（三）; 宛政办〔2022〕42号 第六条',
        message: 'the fund would pay 60.00; 50.00 is left of the in_service cap 1500.00',
      },
    ]);
  });
  it('exactly the remaining cap is no refusal: 1440.00 paid, 60.00 left, 60.00 paid', () => {
    const d = run({ ...NY, ytd: { fundPaid: '1440.00' } });
    expect(codes(d)).toEqual([]);
    expect(d.amounts.fund).toBe('60.00');
  });
  it('paid beyond the cap leaves 0.00, never a negative remainder', () => {
    expect(run({ ...NY, ytd: { fundPaid: '1600.00' } }).amounts).toMatchObject({ capRemainingBefore: '0.00', fund: '0.00' });
  });
});

describe('the personal account', () => {
  it('policy_scope_self_pay (Gansu fixture): the account pays the policy-scope share only, not excluded lines', () => {
    // 100.00 in catalogue + 20.00 not: deductible 100.00 of the 200 annual → fund 0.00; policy scope share 100.00.
    const d = run({
      pack: gansu(),
      at: '2023-03-10T09:00:00+08:00',
      lines: [line('100'), line('20', { code: 'X', inCatalogue: false })],
      ytd: { deductibleMet: '200.00' },
      account: { source: 'own', balance: '500.00' },
    });
    // fund 65% of 100 = 65.00; payable = 100 − 65 = 35.00; the 20.00 out of catalogue is cash.
    expect(d.amounts).toMatchObject({ fund: '65.00', account: '35.00', cash: '20.00' });
    expect(d.flags).toEqual([
      {
        code: 'ACCOUNT_EXCLUDED_COSTS',
        clause: 'TEST FIXTURE fixture',
        message: "20.00 of the person's share may not be paid from the account",
      },
    ]);
    expect(step(d, 'account')!.result).toEqual({ allowed: true, payable: '35.00', paid: '35.00' });
  });

  it('person_part_medical (宛政办〔2022〕42号 第九条): the account pays out-of-catalogue medical cost too, not an excluded cost kind', () => {
    const d = run({
      ...NY,
      lines: [line('100'), line('20', { code: 'X', inCatalogue: false }), line('7', { code: 'W', costKind: 'work_injury' })],
      account: { source: 'own', balance: '500.00' },
    });
    expect(d.amounts).toMatchObject({ fund: '60.00', account: '60.00', cash: '7.00' });
    expect(d.flags.map((f) => [f.code, f.message])).toEqual([
      ['ACCOUNT_EXCLUDED_COSTS', "7.00 of the person's share may not be paid from the account"],
    ]);
  });

  it('a balance of exactly the share pays it all with no flag; a fen less is flagged', () => {
    const exact = run({ ...NY, account: { source: 'own', balance: '40.00' } });
    expect(exact.amounts).toMatchObject({ account: '40.00', cash: '0.00' });
    expect(exact.flags).toEqual([]);
    const short = run({ ...NY, account: { source: 'own', balance: '39.99' } });
    expect(short.amounts).toMatchObject({ account: '39.99', cash: '0.01' });
    expect(short.flags).toEqual([
      { code: 'ACCOUNT_INSUFFICIENT', clause: '宛政办〔2022〕42号 第九条（二）', message: 'balance 39.99 covers 39.99 of 40.00' },
    ]);
    expect(step(short, 'account')!.inputs).toEqual({
      source: 'own',
      balance: '39.99',
      relation: null,
      holderId: null,
      personPart: '40.00',
    });
  });

  it('a malformed or negative balance is an input error naming account.balance', () => {
    expect(() => run({ ...NY, account: { source: 'own', balance: 'ten' } })).toThrow(expect.objectContaining({ field: 'account.balance' }));
    expect(() => run({ ...NY, account: { source: 'own', balance: '-1.00' } })).toThrow(
      expect.objectContaining({ field: 'account.balance' }),
    );
    expect(() => run({ ...NY, account: { source: 'own', balance: 'ten' } })).toThrow(InvalidInput);
  });

  it('宛政办〔2022〕42号 第九条（二）: a spouse’s account pays as the relative account; the holder and relation are traced', () => {
    const d = run({ ...NY, account: { source: 'relative', balance: '25.00', relation: 'spouse', holderId: 'H9' } });
    expect(d.amounts).toMatchObject({ account: '0.00', relativeAccount: '25.00', cash: '15.00' });
    expect(d.national).toMatchObject({ acct_pay: '0.00', acct_mulaid_pay: '25.00', psn_cash_pay: '15.00' });
    expect(step(d, 'account')!.inputs).toEqual({
      source: 'relative',
      balance: '25.00',
      relation: 'spouse',
      holderId: 'H9',
      personPart: '40.00',
    });
  });

  it('a relative with no declared relation is read as "other" and refused; the balance is not read', () => {
    const d = run({ ...NY, account: { source: 'relative', balance: 'not read' } });
    expect(d.reasons).toEqual([
      {
        code: 'RELATION_NOT_ALLOWED',
        clause: expect.stringMatching(/^宛政办〔2022〕42号 /),
        message: "a other may not use the holder's account",
      },
    ]);
    expect(d.amounts).toMatchObject({ relativeAccount: '0.00', cash: '40.00' });
    expect(step(d, 'account')!.inputs).toMatchObject({ balance: null });
    expect(step(d, 'account')!.result).toEqual({ allowed: false, payable: '0.00', paid: '0.00' });
  });

  it('a pack without account rules: the share is cash, ACCOUNT_RULES_ABSENT with the document', () => {
    const d = run({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', account: { source: 'own', balance: '100.00' } });
    expect(d.reasons).toEqual([
      {
        code: 'ACCOUNT_RULES_ABSENT',
        clause: 'ledger rule no-personal-account-rules',
        message: 'policy jiaozuo-employee-2024 has no personal-account rules; the share is paid in cash',
      },
    ]);
    expect(step(d, 'account')!.clause).toBe('ledger rule no-personal-account-rules');
    expect(d.amounts).toMatchObject({ account: '0.00', cash: '40.00' });
  });

  it('the account at an undesignated institution when the pack does not require designation pays the share', () => {
    const base = nanyang();
    const p: CityPack = {
      ...base,
      account: {
        ...base.account!,
        visitPayment: { ...base.account!.visitPayment, value: { ...base.account!.visitPayment.value, designatedOnly: false } },
      },
    };
    const d = run({ ...NY, pack: p, institution: { designated: false }, account: { source: 'own', balance: '500.00' } });
    expect(codes(d)).toEqual(['INSTITUTION_NOT_DESIGNATED']);
    expect(d.amounts).toMatchObject({ fund: '0.00', account: '100.00', cash: '0.00' });
  });
});

describe('the national fields and the trace', () => {
  it('every national field of a mixed visit, and the trace step names the identities', () => {
    const d = run({
      ...NY,
      level: 'level2',
      lines: [line('200'), line('10', { code: 'X', inCatalogue: false })],
      account: { source: 'own', balance: '50.00' },
    });
    expect(d.national).toEqual({
      medfee_sumamt: '210.00',
      fulamt_ownpay_amt: '10.00',
      overlmt_selfpay: '0.00',
      preselfpay_amt: '0.00',
      inscp_scp_amt: '200.00',
      act_pay_dedc: '30.00',
      hifp_pay: '93.50',
      fund_pay_sumamt: '93.50',
      psn_part_amt: '116.50',
      acct_pay: '50.00',
      acct_mulaid_pay: '0.00',
      psn_cash_pay: '66.50',
    });
    expect(step(d, 'national')).toEqual({
      step: 'national',
      clause: ledgerRule('national-settlement-identities'),
      inputs: {},
      result: d.national,
    });
    expect(step(d, 'fund')).toEqual({
      step: 'fund',
      clause: '宛政办〔2022〕42号 第五条（三）; 宛政办〔2022〕42号 第六条',
      inputs: { policyScope: '200.00', deductible: '30.00', rate: '0.55', capAnnual: '1500.00', fundPaidBefore: '0.00' },
      result: { fundBeforeCap: '93.50', capRemainingBefore: '1500.00', fund: '93.50' },
    });
    expect(step(d, 'rate')).toEqual({
      step: 'rate',
      clause: '宛政办〔2022〕42号 第五条（二）',
      inputs: { category: 'in_service', level: 'level2', eligible: true },
      result: { rate: '0.55' },
    });
    expect(step(d, 'eligibility.designation')).toEqual({
      step: 'eligibility.designation',
      clause: expect.any(String),
      inputs: { institution: 'H1', designated: true },
      result: { ok: true },
    });
    expect(step(d, 'eligibility.medType')!.inputs).toEqual({ medType: 'ordinary' });
    expect(step(d, 'eligibility.enrolment')!.inputs).toEqual({ visitDate: '2023-03-10' });
  });

  it('a pack without a category-switch rule cites the caps alone (Anyang: 安医保〔2019〕75号)', () => {
    const d = run({ pack: anyang(), at: '2020-05-10T09:00:00+08:00', level: 'village' });
    expect(step(d, 'fund')!.clause).toBe(`${anyang().benefit.annualCaps.document} ${anyang().benefit.annualCaps.clause}`);
    expect(step(d, 'category')!.clause).toBe(`${anyang().benefit.rates.document} ${anyang().benefit.rates.clause}`);
  });
});

describe('what an auditor reads: each refusal’s message and clause', () => {
  it('designation, visit type, pharmacy and the account’s refusals, in order', () => {
    const p = cityPack('anyang-resident-2020');
    const d = run({
      pack: p,
      at: '2020-05-10T09:00:00+08:00',
      level: 'village',
      institution: { designated: false, pharmacy: true },
      visit: { medType: 'chronic' },
      account: { source: 'own', balance: '100' },
    });
    expect(d.reasons.map((r) => [r.code, r.message])).toEqual([
      ['INSTITUTION_NOT_DESIGNATED', 'institution H1 is not designated for the scheme'],
      ['PHARMACY_NOT_COVERED', 'retail-pharmacy purchases are not pooled by this policy'],
      ['MED_TYPE_NOT_COVERED', 'visit type chronic is not pooled by this policy'],
      ['ACCOUNT_USE_NOT_ALLOWED', 'the account may not pay for pharmacy'],
    ]);
    expect(step(d, 'eligibility.pharmacy')).toEqual({
      step: 'eligibility.pharmacy',
      clause: expect.stringMatching(/^安医保〔2019〕75号 /),
      inputs: { pharmacy: true },
      result: { ok: false },
    });
  });

  it('the account at an undesignated institution: ACCOUNT_NOT_AT_DESIGNATED with the institution', () => {
    const d = run({ ...NY, institution: { designated: false }, account: { source: 'own', balance: '100' } });
    expect(d.reasons[1]).toEqual({
      code: 'ACCOUNT_NOT_AT_DESIGNATED',
      clause: '宛政办〔2022〕42号 第九条（二）',
      message: 'institution H1 is not designated',
    });
  });

  it('安医保〔2019〕75号 二: a level needing a referral with none on record: the message names the level, the institution and the date', () => {
    const d = run({
      pack: anyang(),
      at: '2020-05-10T09:00:00+08:00',
      level: 'level2',
      institution: { countyDesignated: true },
      person: { referrals: [] },
    });
    expect(d.reasons.map((r) => r.message)).toEqual([
      "level level2 requires a referral to H1 recorded in the person's stream and valid on 2020-05-10",
    ]);
    expect(d.flags).toEqual([]);
  });
});

describe('issue 17 follow-up: what the mutation run of the engine steps still let through', () => {
  const thrown = (spec: VisitSpec, pack: CityPack | ReturnType<typeof catalog> = spec.pack): Record<string, unknown> => {
    try {
      adjudicate(input(spec), pack as CityPack);
    } catch (e) {
      return { ...(e as object), message: (e as Error).message };
    }
    throw new Error('expected an input error');
  };

  it('the facts that do not fit the pack: field and message of each input error', () => {
    const framework = catalogPack('gansu-employee-framework-2021');
    expect(thrown({ pack: gansu(), at: '2023-03-10T09:00:00+08:00' }, framework as never)).toMatchObject({
      field: 'pack',
      message: 'pack: framework pack gansu-employee-framework-2021 bounds city packs; it cannot adjudicate a visit',
    });
    expect(thrown({ ...NY, person: { scheme: 'resident' } })).toMatchObject({
      field: 'pack',
      message: 'pack: pack nanyang-employee-2022 is for nanyang/employee, the person is nanyang/resident',
    });
    expect(thrown({ pack: nanyang(), at: '2022-06-30T09:00:00+08:00' })).toMatchObject({
      field: 'pack',
      message: 'pack: pack nanyang-employee-2022 is not in force on 2022-06-30',
    });
    expect(thrown({ ...NY, ytd: { year: 2022 } })).toMatchObject({
      field: 'yearToDate.year',
      message: 'yearToDate.year: is 2022, the visit is in 2023',
    });
    expect(thrown({ ...NY, settledAt: '2023-03-10T08:59:59+08:00' })).toMatchObject({
      field: 'visit.settledAt',
      message: 'visit.settledAt: is before the visit',
    });
    expect(thrown({ ...NY, lines: [] })).toMatchObject({
      field: 'visit.lines',
      message: 'visit.lines: a visit needs at least one bill line',
    });
    expect(thrown({ ...NY, ytd: { fundPaid: 'x' } })).toMatchObject({
      field: 'yearToDate.fundPaid',
      message: 'yearToDate.fundPaid: is not a money amount: "x"',
    });
    expect(thrown({ ...NY, person: { categoryTimeline: [{ from: '2000-01-01', category: 'student' }] } })).toMatchObject({
      message: 'person.categoryTimeline: category student is not of the employee scheme',
    });
  });

  it('two category entries from the same day: the later one recorded wins (retired 70.00); an empty timeline is not enrolled, not an error', () => {
    const d = run({
      ...NY,
      person: {
        categoryTimeline: [
          { from: '2000-01-01', category: 'in_service' },
          { from: '2000-01-01', category: 'retired' },
        ],
      },
    });
    expect(d.category).toBe('retired');
    expect(d.amounts.fund).toBe('70.00');
    const empty = run({ ...NY, person: { categoryTimeline: [] } });
    expect(codes(empty)).toEqual(['NOT_ENROLLED']);
    expect(empty.category).toBe('in_service');
  });

  it('a reason without a bill line has no lineCode key at all', () => {
    expect(run({ ...NY, ytd: { fundPaid: '1450.00' } }).reasons[0]).toStrictEqual({
      code: 'CAP_REACHED',
      clause: expect.any(String),
      message: expect.any(String),
    });
  });

  it('only the per-visit mode charges a deductible in the 24-hour sense: annual, fixed copay and none are never "charged"', () => {
    expect(run({ pack: gansu(), at: '2023-03-10T09:00:00+08:00' }).deductibleCharged).toBe(false);
    const copay = withBenefit(nanyang(), {
      deductible: { ...nanyang().benefit.deductible, value: { mode: 'fixed_copay', amount: '5' } } as CityPack['benefit']['deductible'],
    });
    expect(run({ ...NY, pack: copay }).deductibleCharged).toBe(false);
    expect(run({ pack: anyang(), at: '2020-05-10T09:00:00+08:00', level: 'village' }).deductibleCharged).toBe(false);
    expect(run({ ...NY, level: 'level2', institution: { designated: false } }).deductibleCharged).toBe(false);
  });

  it('a level missing from the per-visit table has no deductible (0.00)', () => {
    const base = nanyang().benefit.deductible;
    const value = base.value as { mode: 'per_visit'; byLevel: Record<string, string>; windowHours: number };
    const { level2: _dropped, ...byLevel } = value.byLevel;
    const p = withBenefit(nanyang(), { deductible: { ...base, value: { ...value, byLevel } } as CityPack['benefit']['deductible'] });
    expect(run({ ...NY, pack: p, level: 'level2', lines: [line('200')] }).amounts).toMatchObject({ deductible: '0.00', fund: '110.00' });
  });

  it('a pack without account rules reads no balance (trace balance null, nothing paid)', () => {
    const d = run({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', account: { source: 'own', balance: 'not read' } });
    expect(step(d, 'account')).toMatchObject({ inputs: { balance: null }, result: { allowed: false, payable: '0.00', paid: '0.00' } });
  });

  it('a relative’s payment is judged as relative_self_pay, not the holder’s own use', () => {
    const base = nanyang();
    const p: CityPack = {
      ...base,
      account: {
        ...base.account!,
        mayPay: { ...base.account!.mayPay, relative_self_pay: { ...base.account!.mayPay.relative_self_pay, value: false } },
      },
    };
    const d = run({ ...NY, pack: p, account: { source: 'relative', balance: '50', relation: 'spouse', holderId: 'H9' } });
    expect(d.reasons).toEqual([
      {
        code: 'ACCOUNT_USE_NOT_ALLOWED',
        clause: '宛政办〔2022〕42号 第九条（二）',
        message: 'the account may not pay for relative_self_pay',
      },
    ]);
    expect(d.amounts.relativeAccount).toBe('0.00');
  });

  it('off-site trace steps name their inputs', () => {
    const d = run({ ...NY, visit: { offSite: true } });
    expect(d.trace.filter((t) => t.step.startsWith('eligibility.offSite'))).toEqual([
      {
        step: 'eligibility.offSite',
        clause: expect.any(String),
        inputs: { offSite: true, registered: false, directSettlement: false },
        result: { ok: true },
      },
      { step: 'eligibility.offSiteRegistration', clause: expect.any(String), inputs: { registered: false }, result: { ok: false } },
      { step: 'eligibility.offSiteDirect', clause: expect.any(String), inputs: { directSettlement: false }, result: { ok: false } },
    ]);
  });

  it('安医保〔2019〕75号: the level, county-designation, tier and referral trace an auditor reads', () => {
    const d = run({
      pack: anyang(),
      at: '2020-05-10T09:00:00+08:00',
      level: 'level2',
      institution: { countyDesignated: true },
      visit: { referral: true },
    });
    expect(
      d.trace.filter(
        (t) =>
          t.step.startsWith('eligibility.') &&
          !['eligibility.enrolment', 'eligibility.inpatient', 'eligibility.designation', 'eligibility.medType'].includes(t.step),
      ),
    ).toEqual([
      {
        step: 'eligibility.tier',
        clause: expect.stringMatching(/^安医保〔2019〕75号 /),
        inputs: { category: null, level: 'level2' },
        result: { tier: 'level2', byCategory: false },
      },
      {
        step: 'eligibility.level',
        clause: '安医保〔2019〕75号 五; 人社部发〔2011〕59号 二',
        inputs: { level: 'level2' },
        result: { ok: true },
      },
      {
        step: 'eligibility.countyDesignation',
        clause: '安医保〔2019〕75号 五',
        inputs: { level: 'level2', countyDesignated: true },
        result: { ok: true },
      },
      {
        step: 'eligibility.referral',
        clause: '人社部发〔2011〕59号 二; 人社部发〔2011〕59号 二',
        inputs: { level: 'level2', institution: 'H1', visitDate: '2020-05-10', referralsOnRecord: 0, visitReferralField: true },
        result: { ok: false, referralId: null, referralRevision: null, referredOn: null, validUntil: null },
      },
    ]);
    expect(d.flags).toEqual([
      {
        code: 'REFERRAL_FIELD_IGNORED',
        clause: '人社部发〔2011〕59号 二',
        message: "the visit's referral field is ignored: only referrals recorded in the person's stream count",
      },
    ]);
    expect(
      run({ pack: anyang(), at: '2020-05-10T09:00:00+08:00', level: 'level2', institution: { countyDesignated: true } }).trace.find(
        (t) => t.step === 'eligibility.referral',
      )!.inputs,
    ).toMatchObject({ visitReferralField: null });
  });

  it('人社部发〔2011〕59号 二 under the pack before issue 16 (the visit’s own referral field): none sent is REFERRAL_REQUIRED', () => {
    const old = preIssue16Pack('anyang-resident-2020');
    const d = run({ pack: old, at: '2020-05-10T09:00:00+08:00', level: 'level2', institution: { countyDesignated: true } });
    expect(d.reasons).toEqual([
      {
        code: 'REFERRAL_REQUIRED',
        clause: '人社部发〔2011〕59号 二',
        message: 'level level2 requires a referral from a primary institution',
      },
    ]);
    expect(step(d, 'eligibility.referral')).toEqual({
      step: 'eligibility.referral',
      clause: '人社部发〔2011〕59号 二',
      inputs: { level: 'level2', referral: false },
      result: { ok: false },
    });
    expect(
      run({
        pack: old,
        at: '2020-05-10T09:00:00+08:00',
        level: 'level2',
        institution: { countyDesignated: true },
        visit: { referral: false },
      }).amounts.fund,
    ).toBe('0.00');
  });
});

describe('安医保〔2019〕75号 三（二）: a family-doctor contract on its first and last day', () => {
  const contract = {
    contractId: 'FD-1',
    institutionCode: 'AY-TWN',
    from: '2020-05-10',
    to: '2020-06-10',
    feePaidByPooling: true,
    revision: 2,
  };
  const lines = [line('80.00', { code: 'DRUG' }), line('10.00', { code: 'GEN', category: 'consultation' })];
  const visit = (at: string, contracts = [contract]) =>
    run({ pack: anyang(), at, level: 'township', lines, person: { familyDoctorContracts: contracts } });

  it('in force on its first and last day: the 10.00 consultation fee is excluded (fund 80.00 × 60% = 48.00); the message names the contract', () => {
    for (const at of ['2020-05-10T09:00:00+08:00', '2020-06-10T09:00:00+08:00']) {
      const d = visit(at);
      expect(d.amounts).toMatchObject({ excluded: '10.00', fund: '48.00' });
      expect(d.reasons[0].message).toBe(
        "line GEN (10.00): the fund pays family-doctor contract FD-1's fee, so not the general consultation fee",
      );
    }
    const first = visit('2020-05-10T09:00:00+08:00');
    expect(step(first, 'exclusion.consultationFee')!.inputs).toEqual({ line: 'GEN', amount: '10.00', visitDate: '2020-05-10' });
  });

  it('the day before and the day after: the fee is pooled (fund 90.00 × 60% = 54.00), traced as not excluded', () => {
    for (const at of ['2020-05-09T09:00:00+08:00', '2020-06-11T09:00:00+08:00']) {
      const d = visit(at);
      expect(d.amounts).toMatchObject({ excluded: '0.00', fund: '54.00' });
      expect(step(d, 'exclusion.consultationFee')!.result).toEqual({ contractId: null, contractRevision: null, excluded: false });
    }
  });
});

describe('rates and prescription days without a figure', () => {
  it('a category without a rate in the table pays 0 even when eligible', () => {
    const base = nanyang().benefit.rates;
    const { retired: _none, ...rates } = base.value as Record<string, unknown>;
    const p = withBenefit(nanyang(), { rates: { ...base, value: rates } as CityPack['benefit']['rates'] });
    const d = run({ ...NY, pack: p, category: 'retired' });
    expect(d.amounts).toMatchObject({ rate: '0', fund: '0.00' });
  });

  it('焦医保〔2024〕32号 二（二）: no prescription days sent, no step; the step names its inputs when sent', () => {
    expect(step(run({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00' }), 'prescriptionDays')).toBeUndefined();
    expect(
      step(run({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', visit: { prescriptionDays: 3 } }), 'prescriptionDays')!.inputs,
    ).toEqual({ medType: 'ordinary', days: 3, limit: 7 });
    expect(step(run({ ...NY, visit: { prescriptionDays: 99 } }), 'prescriptionDays')).toBeUndefined();
  });
});

describe('an annual cap table without the category', () => {
  it('caps the fund at 0.00 (nothing is paid beyond a cap the pack does not give)', () => {
    const base = nanyang().benefit.annualCaps;
    const p = withBenefit(nanyang(), { annualCaps: { ...base, value: { in_service: '1500' } } as CityPack['benefit']['annualCaps'] });
    const d = run({ ...NY, pack: p, category: 'retired' });
    expect(d.amounts).toMatchObject({ capAnnual: '0.00', fundBeforeCap: '70.00', fund: '0.00' });
    expect(codes(d)).toEqual(['CAP_REACHED']);
  });
});
