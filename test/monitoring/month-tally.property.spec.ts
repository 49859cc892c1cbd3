/**
 * Issue 10 item 5: the monitor keeps each institution month as running sums in fen and
 * judges it on integers. Over random sequences of visits, reversals, admissions and
 * disputes, the running tally must equal the month summed from scratch with decimal.js, and
 * the indicators it finds crossing must be exactly those of the full evaluation
 * (`institutionCrossings` over `institutionMonthIndicators`).
 */
import fc from 'fast-check';
import { Dec, fmt, InvalidMoney, money } from '../../src/kernel/money';
import { institutionCrossings, personCrossings, PersonVisit } from '../../src/monitoring/evaluate';
import {
  emptyMonthSums,
  InstitutionMonthSums,
  institutionMonthIndicators,
  LINE_CATEGORIES,
  VisitContribution,
  visitContribution,
} from '../../src/monitoring/indicators';
import {
  contributionFen,
  contributionJson,
  contributionText,
  crossingIndicators,
  fenContribution,
  MonthTally,
} from '../../src/monitoring/month-tally';
import { fenOf, fenPlus, fenText } from '../../src/projections/read-models/fen';
import { INSTITUTION_ALERT_INDICATORS, MonitoringThresholds } from '../../src/monitoring/thresholds';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import type { LineCategory } from '../../src/policy/engine/types';

/**
 * Money strings as senders write them: one or two places or none, now and then huge (up to
 * 10^12 yuan, so that thirty visits' sums stay within the money pattern's 15 digits) or negative.
 */
const moneyText = fc.oneof(
  fc.integer({ min: 0, max: 2_000_000 }).map((n) => (n / 100).toFixed(2)),
  fc.integer({ min: 0, max: 20_000 }).map((n) => (n / 10).toFixed(1)),
  fc.integer({ min: 0, max: 5_000 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 14n }).map((n) => fenText(n)),
  fc.integer({ min: -50_000, max: 0 }).map((n) => (n / 100).toFixed(2)),
);

describe('fen conversion', () => {
  it('reads and prints every money string as money() and fmt() do', () => {
    fc.assert(
      fc.property(moneyText, (text) => {
        expect(fenText(fenOf(text))).toBe(fmt(money(text)));
        expect(new Dec(fenOf(text).toString()).div(100).equals(money(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('adds to a running sum as fmt(money(sum).plus(money(amount))) does, and fails on a sum money() would not read', () => {
    fc.assert(
      fc.property(moneyText, moneyText, (a, b) => {
        expect(fenText(fenPlus(fenOf(a), b))).toBe(fmt(money(a).plus(money(b))));
      }),
      { numRuns: 1000 },
    );
    expect(() => fenPlus(10n ** 17n, '1.00')).toThrow(InvalidMoney);
    expect(() => fenPlus(-(10n ** 17n), '1.00')).toThrow(InvalidMoney);
    expect(fenPlus(10n ** 17n - 1n, '1.00')).toBe(10n ** 17n + 99n);
  });

  it('reads the largest amounts the money pattern admits, past 2^53 fen', () => {
    expect(fenOf('999999999999999.99')).toBe(99999999999999999n);
    expect(fenText(99999999999999999n)).toBe('999999999999999.99');
    expect(fenText(-5n)).toBe('-0.05');
  });

  it.each(['1.234', '1e3', '', ' 1', '01', '-', '1.', 12 as unknown as string])('refuses %p as money() does', (text) => {
    expect(() => money(text)).toThrow(InvalidMoney);
    expect(() => fenOf(text)).toThrow(InvalidMoney);
  });
});

const line = fc.record({
  amount: moneyText.filter((t) => !t.startsWith('-')),
  inCatalogue: fc.boolean(),
  category: fc.option(fc.constantFrom(...LINE_CATEGORIES), { nil: undefined }),
});
const visit = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 5 }),
  referral: fc.option(fc.boolean(), { nil: undefined }),
  amounts: fc.record({ total: moneyText, fund: moneyText }),
});

describe('a visit in fen', () => {
  it('is stored as visitContribution makes it, key for key', () => {
    fc.assert(
      fc.property(visit, (v) => {
        const lines = v.lines.map((l) => (l.category === undefined ? { amount: l.amount, inCatalogue: l.inCatalogue } : l));
        const expected = visitContribution({ lines, referral: v.referral }, v.amounts);
        const text = contributionText(fenContribution({ lines, referral: v.referral }, v.amounts));
        expect(JSON.stringify(text)).toBe(JSON.stringify(expected));
        expect(contributionJson(fenContribution({ lines, referral: v.referral }, v.amounts))).toBe(JSON.stringify(expected));
        expect(contributionFen(text)).toEqual(fenContribution({ lines, referral: v.referral }, v.amounts));
      }),
      { numRuns: 500 },
    );
  });
});

/** One thing that happens to an institution month. */
type Step =
  | { kind: 'visit'; contribution: VisitContribution; person: number }
  | { kind: 'reversal'; pick: number }
  | { kind: 'admission' }
  | { kind: 'dispute'; count: 'opened' | 'upheld' | 'rejected' };

const step: fc.Arbitrary<Step> = fc
  .oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('visit' as const), v: visit, person: fc.integer({ min: 0, max: 6 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reversal' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('admission' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('dispute' as const), count: fc.constantFrom('opened', 'upheld', 'rejected') }) },
  )
  .map((s): Step => (s.kind === 'visit' ? { kind: 'visit', contribution: visitContribution(s.v, s.v.amounts), person: s.person } : s));

interface Visit {
  contribution: VisitContribution;
  person: number;
  reversed: boolean;
}

/** The month as the monitor runs it: each step applied to the tally in place. */
function runTally(month: string, steps: readonly Step[], each?: (tally: MonthTally, visits: Visit[]) => void): MonthTally {
  const tally = new MonthTally('X', month);
  const visits: Visit[] = [];
  for (const s of steps) {
    if (s.kind === 'visit') {
      if (!visits.some((v) => !v.reversed && v.person === s.person)) tally.persons += 1;
      visits.push({ contribution: s.contribution, person: s.person, reversed: false });
      tally.addVisit(contributionFen(s.contribution), 1);
    } else if (s.kind === 'reversal') {
      const live = visits.filter((v) => !v.reversed);
      if (live.length === 0) continue;
      const v = live[s.pick % live.length];
      v.reversed = true;
      tally.addVisit(contributionFen(v.contribution), -1);
      if (!visits.some((w) => !w.reversed && w.person === v.person)) tally.persons -= 1;
    } else if (s.kind === 'admission') {
      tally.inpatientAdmissions += 1;
    } else {
      const c = tally.disputes ?? { opened: 0, upheld: 0, rejected: 0, adjustments: 0, adjustmentFundDelta: '0.00' };
      tally.disputes = { ...c, [s.count]: c[s.count] + 1 };
    }
    each?.(tally, visits);
  }
  return tally;
}

/** The month summed from scratch with decimal.js: every visit ever settled, the live ones' money. */
function fromScratch(month: string, visits: readonly Visit[], tally: MonthTally): InstitutionMonthSums {
  const live = visits.filter((v) => !v.reversed);
  const total = (of: (c: VisitContribution) => string) => fmt(live.reduce((s, v) => s.plus(money(of(v.contribution))), new Dec(0)));
  return {
    ...emptyMonthSums('X', month),
    settlements: visits.length,
    reversals: visits.length - live.length,
    visits: live.length,
    persons: new Set(live.map((v) => v.person)).size,
    referrals: live.filter((v) => v.contribution.referral).length,
    total: total((c) => c.total),
    fund: total((c) => c.fund),
    outOfCatalogue: total((c) => c.outOfCatalogue),
    outOfCatalogueLines: live.reduce((n, v) => n + v.contribution.outOfCatalogueLines, 0),
    byCategory: Object.fromEntries(LINE_CATEGORIES.map((k) => [k, total((c) => c.byCategory[k])])) as Record<LineCategory, string>,
    inpatientAdmissions: tally.inpatientAdmissions,
    ...(tally.disputes ? { disputes: tally.disputes } : {}),
  };
}

/** Thresholds from the configuration, or random ones with two or four places (four hit a ratio exactly now and then). */
const thresholds: fc.Arbitrary<MonitoringThresholds['institution']> = fc.oneof(
  fc.constant(loadMonitoringThresholds().institution),
  fc
    .record({
      minVisitsPerMonth: fc.integer({ min: 0, max: 6 }),
      minAdmissionsPerMonth: fc.integer({ min: 0, max: 3 }),
      maxima: fc.array(
        fc.option(
          fc.oneof(
            fc.integer({ min: 0, max: 300 }).map((n) => (n / 100).toFixed(2)),
            fc.integer({ min: 0, max: 20_000 }).map((n) => (n / 10_000).toFixed(4)),
          ),
        ),
        { minLength: INSTITUTION_ALERT_INDICATORS.length, maxLength: INSTITUTION_ALERT_INDICATORS.length },
      ),
    })
    .map(({ minVisitsPerMonth, minAdmissionsPerMonth, maxima }) => ({
      minVisitsPerMonth,
      minAdmissionsPerMonth,
      indicators: Object.fromEntries(
        INSTITUTION_ALERT_INDICATORS.flatMap((k, i) => {
          const max = k === 'disputesUpheld' && maxima[i] !== null ? String(Math.floor(Number(maxima[i]))) : maxima[i];
          return max === null ? [] : [[k, { max: new Dec(max).toString(), clause: '宛政办〔2022〕42号 第二十二条（二）' }]];
        }),
      ),
    })),
);

const steps = fc.array(step, { maxLength: 30 });

describe('institution months kept as running sums in fen', () => {
  it('equal the month summed from scratch, and cross exactly where the full evaluation does, after every event', () => {
    fc.assert(
      fc.property(steps, fc.option(steps), fc.option(steps), thresholds, (curSteps, prevSteps, lastYearSteps, t) => {
        const prevVisits: Visit[] = [];
        const lastYearVisits: Visit[] = [];
        const prev = prevSteps && runTally('2024-04', prevSteps, (_t, v) => prevVisits.splice(0, prevVisits.length, ...v));
        const lastYear =
          lastYearSteps && runTally('2023-05', lastYearSteps, (_t, v) => lastYearVisits.splice(0, lastYearVisits.length, ...v));
        const prevSums = prev ? fromScratch('2024-04', prevVisits, prev) : undefined;
        const lastYearSums = lastYear ? fromScratch('2023-05', lastYearVisits, lastYear) : undefined;
        runTally('2024-05', curSteps, (tally, visits) => {
          const sums = fromScratch('2024-05', visits, tally);
          expect(JSON.stringify(tally.sums())).toBe(JSON.stringify(sums));
          const full = institutionCrossings(institutionMonthIndicators(sums, prevSums, lastYearSums), sums, prevSums, lastYearSums, t);
          expect(crossingIndicators(tally, prev ?? undefined, lastYear ?? undefined, t)).toEqual(full.map((c) => c.indicator));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('agree with the full evaluation on thresholds set at each figure and one ten-thousandth under it (the rounding edge)', () => {
    fc.assert(
      fc.property(steps, steps, fc.constantFrom('0', '0.0001'), (curSteps, baseSteps, under) => {
        const curVisits: Visit[] = [];
        const baseVisits: Visit[] = [];
        const cur = runTally('2024-05', curSteps, (_t, v) => curVisits.splice(0, curVisits.length, ...v));
        const base = runTally('2023-05', baseSteps, (_t, v) => baseVisits.splice(0, baseVisits.length, ...v));
        const sums = fromScratch('2024-05', curVisits, cur);
        const baseSums = fromScratch('2023-05', baseVisits, base);
        const ind = institutionMonthIndicators(sums, baseSums, baseSums);
        const figures: Record<string, string | null> = {
          perVisitCostGrowthMoM: ind.growth.mom.perVisitCost,
          perVisitCostGrowthYoY: ind.growth.yoy.perVisitCost,
          selfPayShare: ind.selfPayShare,
          examinationShare: ind.examinationShare,
          outOfCatalogueShare: ind.outOfCatalogueShare,
          totalCostGrowthYoY: ind.growth.yoy.totalCost,
          drugAmountGrowthYoY: ind.growth.yoy.drugAmount,
          examinationAmountGrowthYoY: ind.growth.yoy.examinationAmount,
          treatmentAmountGrowthYoY: ind.growth.yoy.treatmentAmount,
          visitsGrowthYoY: ind.growth.yoy.visits,
          inpatientAdmissionsGrowthYoY: ind.growth.yoy.inpatientAdmissions,
        };
        const t: MonitoringThresholds['institution'] = {
          minVisitsPerMonth: 0,
          minAdmissionsPerMonth: 0,
          indicators: Object.fromEntries(
            Object.entries(figures).flatMap(([k, v]) =>
              v === null ? [] : [[k, { max: new Dec(v).minus(under).toString(), clause: '宛政办〔2022〕42号 第二十二条（二）' }]],
            ),
          ),
        };
        const full = institutionCrossings(ind, sums, baseSums, baseSums, t);
        expect(crossingIndicators(cur, base, base, t)).toEqual(full.map((c) => c.indicator));
      }),
      { numRuns: 300 },
    );
  });

  it('read back from a stored row, give the same row and the same crossings', () => {
    fc.assert(
      fc.property(steps, thresholds, (s, t) => {
        const tally = runTally('2024-05', s);
        const stored = JSON.parse(JSON.stringify(tally.sums())) as InstitutionMonthSums;
        const again = MonthTally.of(stored);
        expect(JSON.stringify(again.sums())).toBe(JSON.stringify(stored));
        expect(crossingIndicators(again, undefined, undefined, t)).toEqual(crossingIndicators(tally, undefined, undefined, t));
      }),
      { numRuns: 200 },
    );
  });

  it('do not judge again an indicator already seen for the month', () => {
    const t = loadMonitoringThresholds().institution;
    const tally = new MonthTally('X', '2024-05');
    const selfPaid = contributionFen(
      visitContribution({ lines: [{ amount: '100.00', inCatalogue: true }] }, { total: '100.00', fund: '0.00' }),
    );
    for (let i = 0; i < t.minVisitsPerMonth; i++) tally.addVisit(selfPaid, 1);
    expect(crossingIndicators(tally, undefined, undefined, t)).toEqual(['selfPayShare']);
    tally.seen.add('selfPayShare');
    expect(crossingIndicators(tally, undefined, undefined, t)).toEqual([]);
  });
});

describe('person crossings', () => {
  const day = fc.integer({ min: 0, max: 40 }).map((n) => new Date(Date.UTC(2024, 4, 1 + n)).toISOString().slice(0, 10));
  const visits = fc.array(fc.record({ date: day, institutionCode: fc.constantFrom('A', 'B', 'C', 'D') }), { maxLength: 25 });

  it('are the same whatever the order of the visits (the monitor reads them unsorted)', () => {
    const t = loadMonitoringThresholds().person;
    fc.assert(
      fc.property(visits, day, fc.nat(), (vs: PersonVisit[], date, seed) => {
        const sorted = [...vs].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
        const shuffled = [...vs].sort((a, b) => ((a.date.charCodeAt(9) * 31 + seed) % 7) - ((b.date.charCodeAt(9) * 31 + seed) % 7));
        expect(personCrossings(shuffled, date, t)).toEqual(personCrossings(sorted, date, t));
      }),
      { numRuns: 500 },
    );
  });
});
