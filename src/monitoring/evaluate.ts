/**
 * Threshold crossings (pure): from indicators and thresholds to the alerts to raise.
 * Ratios and growth rates are only judged on months with enough visits
 * (`minVisitsPerMonth`): a share over the first handful of visits of a month says nothing.
 */
import { addDays, LocalDate } from '../kernel/dates';
import { Dec, fmt, money } from '../kernel/money';
import type { InstitutionFlagged, PersonFlagged } from './alerts.events';
import { growthOf, InstitutionMonthIndicators, InstitutionMonthSums, SHARES } from './indicators';
import { InstitutionAlertIndicator, MonitoringThresholds, PersonAlertIndicator, Threshold } from './thresholds';

export interface Crossing {
  indicator: string;
  value: string;
  threshold: string;
  clause: string;
  basis: Record<string, string | number | null>;
}

/** Thresholds parsed once (a Dec per threshold, not one per evaluation). */
const maxima = new WeakMap<Threshold, Dec>();
const maxOf = (t: Threshold): Dec => {
  let max = maxima.get(t);
  // Stryker disable next-line ConditionalExpression: equivalent because parsing again gives the same Dec
  if (!max) maxima.set(t, (max = new Dec(t.max)));
  return max;
};

const crosses = (value: string | null, t: Threshold | undefined): t is Threshold =>
  value !== null && t !== undefined && new Dec(value).greaterThan(maxOf(t));

interface Candidate {
  value: string | null;
  /** Enough data on both sides of the comparison. */
  judged: boolean;
  basis: Record<string, string | number | null>;
}

export function institutionCrossings(
  ind: InstitutionMonthIndicators,
  cur: InstitutionMonthSums,
  prev: InstitutionMonthSums | undefined,
  lastYear: InstitutionMonthSums | undefined,
  thresholds: MonitoringThresholds['institution'],
): Crossing[] {
  const enough = (s: InstitutionMonthSums | undefined) => s !== undefined && s.visits >= thresholds.minVisitsPerMonth;
  const share = (value: string | null, part: string): Candidate => ({
    value,
    judged: enough(cur),
    basis: { part, totalCost: cur.total, visits: cur.visits },
  });
  const vsPrev = (value: string | null, current: string | number | null, base: string | number | null): Candidate => ({
    value,
    judged: enough(cur) && enough(prev),
    basis: { current, base, baseMonth: prev?.month ?? null },
  });
  const vsLastYear = (
    value: string | null,
    current: string | number | null,
    base: string | number | null,
    judged = enough(cur) && enough(lastYear),
  ): Candidate => ({
    value,
    judged,
    basis: { current, base, baseMonth: lastYear?.month ?? null },
  });
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent because the base shows only with a growth: base visits
  const perVisitOf = (s: InstitutionMonthSums | undefined) => (s && s.visits > 0 ? fmt(money(s.total).div(s.visits)) : null);
  const drug = (s: InstitutionMonthSums | undefined) => (s ? fmt(money(s.byCategory.drug).plus(money(s.byCategory.herbal_pieces))) : null);
  const candidates: Record<InstitutionAlertIndicator, Candidate> = {
    perVisitCostGrowthMoM: vsPrev(ind.growth.mom.perVisitCost, ind.perVisitCost, perVisitOf(prev)),
    perVisitCostGrowthYoY: vsLastYear(ind.growth.yoy.perVisitCost, ind.perVisitCost, perVisitOf(lastYear)),
    selfPayShare: share(ind.selfPayShare, fmt(money(cur.total).minus(money(cur.fund)))),
    examinationShare: share(ind.examinationShare, cur.byCategory.examination),
    outOfCatalogueShare: share(ind.outOfCatalogueShare, cur.outOfCatalogue),
    totalCostGrowthYoY: vsLastYear(ind.growth.yoy.totalCost, cur.total, lastYear?.total ?? null),
    drugAmountGrowthYoY: vsLastYear(ind.growth.yoy.drugAmount, drug(cur), drug(lastYear)),
    examinationAmountGrowthYoY: vsLastYear(
      ind.growth.yoy.examinationAmount,
      cur.byCategory.examination,
      lastYear?.byCategory.examination ?? null,
    ),
    treatmentAmountGrowthYoY: vsLastYear(ind.growth.yoy.treatmentAmount, cur.byCategory.treatment, lastYear?.byCategory.treatment ?? null),
    visitsGrowthYoY: vsLastYear(ind.growth.yoy.visits, cur.visits, lastYear?.visits ?? null),
    inpatientAdmissionsGrowthYoY: vsLastYear(
      ind.growth.yoy.inpatientAdmissions,
      cur.inpatientAdmissions,
      lastYear?.inpatientAdmissions ?? null,
      lastYear !== undefined && lastYear.inpatientAdmissions >= thresholds.minAdmissionsPerMonth,
    ),
    disputesUpheld: {
      value: cur.disputes ? String(cur.disputes.upheld) : null,
      // Stryker disable next-line ConditionalExpression: equivalent because no disputes: value null, no crossing
      judged: cur.disputes !== undefined,
      basis: disputeBasis(cur),
    },
  };
  const out: Crossing[] = [];
  for (const [indicator, c] of Object.entries(candidates) as Array<[InstitutionAlertIndicator, Candidate]>) {
    const t = thresholds.indicators[indicator];
    if (c.judged && crosses(c.value, t)) out.push({ indicator, value: c.value!, threshold: t.max, clause: t.clause, basis: c.basis });
  }
  return out;
}

/** A candidate computed only when it has a threshold and enough data (what is judged at every visit). */
interface LazyCandidate {
  judged: boolean;
  value: () => string | null;
  basis: () => Record<string, string | number | null>;
}

/**
 * The same crossings as `institutionCrossings(institutionMonthIndicators(cur, prev, lastYear), …)`,
 * computing only the figures of indicators that have a threshold and are judged: this runs
 * at every settled visit, and most months are below the visit minimum or lack a base.
 */
export function institutionMonthCrossings(
  cur: InstitutionMonthSums,
  prev: InstitutionMonthSums | undefined,
  lastYear: InstitutionMonthSums | undefined,
  thresholds: MonitoringThresholds['institution'],
): Crossing[] {
  const enough = (s: InstitutionMonthSums | undefined) => s !== undefined && s.visits >= thresholds.minVisitsPerMonth;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: equivalent because basis() needs base visits
  const perVisitOf = (s: InstitutionMonthSums | undefined) => (s && s.visits > 0 ? fmt(money(s.total).div(s.visits)) : null);
  const drug = (s: InstitutionMonthSums | undefined) => (s ? fmt(money(s.byCategory.drug).plus(money(s.byCategory.herbal_pieces))) : null);
  const share = (of: (s: InstitutionMonthSums) => string | null, part: () => string): LazyCandidate => ({
    judged: enough(cur),
    value: () => of(cur),
    basis: () => ({ part: part(), totalCost: cur.total, visits: cur.visits }),
  });
  const vs = (
    base: InstitutionMonthSums | undefined,
    key: Parameters<typeof growthOf>[0],
    current: () => string | number | null,
    baseFigure: () => string | number | null,
    judged = enough(cur) && enough(base),
  ): LazyCandidate => ({
    judged,
    value: () => growthOf(key, cur, base),
    // Stryker disable next-line OptionalChaining: equivalent because basis() runs only when judged, with a base
    basis: () => ({ current: current(), base: baseFigure(), baseMonth: base?.month ?? null }),
  });
  const candidates: Record<InstitutionAlertIndicator, LazyCandidate> = {
    perVisitCostGrowthMoM: vs(
      prev,
      'perVisitCost',
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent because basis() needs a growth: visits
      () => (cur.visits > 0 ? fmt(money(cur.total).div(cur.visits)) : null),
      () => perVisitOf(prev),
    ),
    perVisitCostGrowthYoY: vs(
      lastYear,
      'perVisitCost',
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent because basis() needs a growth: visits
      () => (cur.visits > 0 ? fmt(money(cur.total).div(cur.visits)) : null),
      () => perVisitOf(lastYear),
    ),
    selfPayShare: share(SHARES.selfPayShare, () => fmt(money(cur.total).minus(money(cur.fund)))),
    examinationShare: share(SHARES.examinationShare, () => cur.byCategory.examination),
    outOfCatalogueShare: share(SHARES.outOfCatalogueShare, () => cur.outOfCatalogue),
    totalCostGrowthYoY: vs(
      lastYear,
      'totalCost',
      () => cur.total,
      // Stryker disable next-line OptionalChaining: equivalent because basis() runs only when judged, with a base
      () => lastYear?.total ?? null,
    ),
    drugAmountGrowthYoY: vs(
      lastYear,
      'drugAmount',
      () => drug(cur),
      () => drug(lastYear),
    ),
    examinationAmountGrowthYoY: vs(
      lastYear,
      'examinationAmount',
      () => cur.byCategory.examination,
      // Stryker disable next-line OptionalChaining: equivalent because basis() runs only when judged, with a base
      () => lastYear?.byCategory.examination ?? null,
    ),
    treatmentAmountGrowthYoY: vs(
      lastYear,
      'treatmentAmount',
      () => cur.byCategory.treatment,
      // Stryker disable next-line OptionalChaining: equivalent because basis() runs only when judged, with a base
      () => lastYear?.byCategory.treatment ?? null,
    ),
    visitsGrowthYoY: vs(
      lastYear,
      'visits',
      () => cur.visits,
      // Stryker disable next-line OptionalChaining: equivalent because basis() runs only when judged, with a base
      () => lastYear?.visits ?? null,
    ),
    inpatientAdmissionsGrowthYoY: vs(
      lastYear,
      'inpatientAdmissions',
      () => cur.inpatientAdmissions,
      // Stryker disable next-line OptionalChaining: equivalent because basis() runs only when judged, with a base
      () => lastYear?.inpatientAdmissions ?? null,
      lastYear !== undefined && lastYear.inpatientAdmissions >= thresholds.minAdmissionsPerMonth,
    ),
    // A count, judged on any month with a dispute: one upheld dispute is a fact, not a small sample.
    disputesUpheld: {
      // Stryker disable next-line ConditionalExpression: equivalent because no disputes: value null, no crossing
      judged: cur.disputes !== undefined,
      value: () => (cur.disputes ? String(cur.disputes.upheld) : null),
      basis: () => disputeBasis(cur),
    },
  };
  const out: Crossing[] = [];
  for (const [indicator, c] of Object.entries(candidates) as Array<[InstitutionAlertIndicator, LazyCandidate]>) {
    const t = thresholds.indicators[indicator];
    if (!t || !c.judged) continue;
    const value = c.value();
    if (crosses(value, t)) out.push({ indicator, value: value!, threshold: t.max, clause: t.clause, basis: c.basis() });
  }
  return out;
}

/** What an upheld-disputes alert shows beside the count: the month's disputes and corrections. */
function disputeBasis(cur: InstitutionMonthSums): Record<string, string | number | null> {
  const d = cur.disputes;
  return d
    ? { opened: d.opened, upheld: d.upheld, rejected: d.rejected, adjustments: d.adjustments, adjustmentFundDelta: d.adjustmentFundDelta }
    : {};
}

/** A person's settled (not reversed) visit: its date and institution. */
export interface PersonVisit {
  date: LocalDate;
  institutionCode: string;
}

export interface WindowCount {
  from: LocalDate;
  to: LocalDate;
  count: number;
}

/** Visits in the window of `days` days ending on `to` (inclusive). */
export function countInWindow(visits: readonly PersonVisit[], to: LocalDate, days: number): WindowCount {
  const from = addDays(to, -(days - 1));
  return { from, to, count: visits.filter((v) => v.date >= from && v.date <= to).length };
}

/** Day number of a 'YYYY-MM-DD' (days since 1970-01-01), and back: windows slide on integers. */
const dayNumber = (date: LocalDate): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOfDay = (day: number): LocalDate => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * The busiest window of `days` days that contains `date` (the earliest on a tie). A
 * visit settled late can complete a window that ends after it, so every window holding
 * the date is looked at, not only the one ending on it.
 */
export function busiestWindowContaining(visits: readonly PersonVisit[], date: LocalDate, days: number): WindowCount {
  const day = dayNumber(date);
  // Every window counted below lies within day ± (days − 1): no pre-filter needed.
  const near = visits.map((v) => dayNumber(v.date));
  let bestEnd = day;
  let best = -1;
  for (let end = day; end < day + days; end++) {
    let count = 0;
    for (const n of near) if (n <= end && n > end - days) count += 1;
    if (count > best) [best, bestEnd] = [count, end];
  }
  return { from: dateOfDay(bestEnd - days + 1), to: dateOfDay(bestEnd), count: best };
}

/** The visit-count indicators and their windows in days (the monitor's bounds read them too). */
export const PERSON_WINDOWS: ReadonlyArray<readonly [PersonAlertIndicator, number]> = [
  ['visitsIn7Days', 7],
  ['visitsIn30Days', 30],
];

export interface PersonCrossing extends Crossing {
  window: { from: LocalDate; to: LocalDate };
}

/** Frequency crossings that a visit on `date` can cause (焦医保〔2024〕32号 五（一） 高频次就诊). */
export function personCrossings(
  visits: readonly PersonVisit[],
  date: LocalDate,
  thresholds: MonitoringThresholds['person'],
): PersonCrossing[] {
  const out: PersonCrossing[] = [];
  for (const [indicator, days] of PERSON_WINDOWS) {
    const t = thresholds[indicator];
    // Stryker disable next-line ConditionalExpression: equivalent because crosses() is false without a threshold
    if (!t) continue;
    const w = busiestWindowContaining(visits, date, days);
    if (crosses(String(w.count), t))
      out.push({
        indicator,
        value: String(w.count),
        threshold: t.max,
        clause: t.clause,
        window: { from: w.from, to: w.to },
        basis: { days, visits: w.count },
      });
  }
  const t = thresholds.institutionsOnOneDay;
  const institutions = [...new Set(visits.filter((v) => v.date === date).map((v) => v.institutionCode))].sort();
  if (crosses(String(institutions.length), t)) {
    out.push({
      indicator: 'institutionsOnOneDay',
      value: String(institutions.length),
      threshold: t.max,
      clause: t.clause,
      window: { from: date, to: date },
      basis: { institutions: institutions.join(',') },
    });
  }
  return out;
}

export const institutionAlertId = (code: string, indicator: string, month: string): string => `institution-${code}:${indicator}:${month}`;
export const personAlertId = (personId: string, indicator: string, window: { from: string; to: string }): string =>
  `person-${personId}:${indicator}:${window.from}..${window.to}`;

export function institutionAlert(
  code: string,
  month: string,
  c: Crossing,
  triggeredBy: { streamId: string; revision: number },
): InstitutionFlagged['data'] {
  return {
    alertId: institutionAlertId(code, c.indicator, month),
    institutionCode: code,
    month,
    indicator: c.indicator,
    value: c.value,
    threshold: c.threshold,
    clause: c.clause,
    basis: c.basis,
    triggeredBy,
  };
}

export function personAlert(
  personId: string,
  c: PersonCrossing,
  triggeredBy: { streamId: string; revision: number },
): PersonFlagged['data'] {
  return {
    alertId: personAlertId(personId, c.indicator, c.window),
    personId,
    window: c.window,
    indicator: c.indicator,
    value: c.value,
    threshold: c.threshold,
    clause: c.clause,
    basis: c.basis,
    triggeredBy,
  };
}
