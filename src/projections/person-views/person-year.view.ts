/** The person-year view: fund paid, cap in force, cap remaining, by category period, with every settlement. */
import { addDays, LocalDate } from '../../kernel/dates';
import { fmt, money } from '../../kernel/money';
import { fenOf, fenText } from '../read-models/fen';
import type { InstitutionLevel, PersonCategory, Scheme } from '../../policy/engine/types';
import { categoryOn, PackSource, packOn, packsOf, PersonProfile } from './person-profile';
import type { Money3 } from '../../corrections/correction.events';
import { AdjustedFigures, adjustedFigures, AdjustmentRecord, sum3 } from './adjustments';
import type { VisitRecord } from './visit-records';

export interface CategoryPeriod {
  category: PersonCategory;
  from: LocalDate;
  to: LocalDate;
  /** Annual cap of this category under the pack in force (宛政办〔2022〕42号 第五条（三）). */
  cap: string | null;
  fundPaid: string;
  visits: number;
}

export interface YearSettlement {
  settlementId: string;
  visitId: string;
  visitDate: LocalDate;
  occurredAt: string;
  institutionCode: string;
  institutionLevel: InstitutionLevel;
  category: PersonCategory;
  eligible: boolean;
  total: string;
  policyScope: string;
  deductible: string;
  rate: string;
  fund: string;
  account: string;
  relativeAccount: string;
  cash: string;
  capAnnual: string;
  position: number;
  reversed: boolean;
  /** Fund paid in the year up to and including this visit, net of corrections (reversed visits not counted). */
  fundPaidAfter: string;
  /** Issue 15: the figures as settled (`fund`, `account`, `cash` above), the corrections' sum, and what stands now. */
  figures: AdjustedFigures;
  adjustments: AdjustmentRecord[];
}

export interface PersonYearView {
  personId: string;
  year: number;
  scheme: Scheme;
  region: string;
  /** Category at the end of the year, as the ledger knows it. */
  category: PersonCategory | null;
  fundPaid: string;
  /** Cap of the category that binds the rest of the year; earlier payments count against it (第六条). */
  capInForce: string | null;
  capRemaining: string | null;
  visits: number;
  reversedVisits: number;
  /** Live settlements with at least one correction. */
  adjustedVisits: number;
  /** Original, adjustment and net totals of the live settlements; `fundPaid` is the net fund. */
  totals: AdjustedFigures;
  byCategory: CategoryPeriod[];
  settlements: YearSettlement[];
}

function capOf(packs: PackSource, profile: PersonProfile, category: PersonCategory, date: LocalDate): string | null {
  const cap = packOn(packs, profile, date)?.benefit.annualCaps.value[category];
  return cap === undefined ? null : fmt(money(cap));
}

/** The last day of `[from, to]` covered by a pack of the person's region and scheme (the cap's reference day). */
function lastCoveredDay(packs: PackSource, profile: PersonProfile, from: LocalDate, to: LocalDate): LocalDate {
  let best = to;
  for (const p of packsOf(packs, profile)) {
    if (p.effective.from > to || (p.effective.to !== undefined && p.effective.to < from)) continue;
    best = p.effective.to !== undefined && p.effective.to < to ? p.effective.to : to;
  }
  return best;
}

const live = (v: VisitRecord): boolean => v.reversedPosition === undefined;

const figuresOf = (v: VisitRecord): AdjustedFigures => adjustedFigures({ fund: v.fund, account: v.account, cash: v.cash }, v.adjustments);

/** One settlement as the year shows it; `fundPaidAfter`: the year's live fund up to and including it. */
function settlementOf(v: VisitRecord, figures: AdjustedFigures, fundPaidAfter: string): YearSettlement {
  return {
    settlementId: v.settlementId,
    visitId: v.visitId,
    visitDate: v.visitDate,
    occurredAt: v.occurredAt,
    institutionCode: v.institutionCode,
    institutionLevel: v.institutionLevel,
    category: v.category,
    eligible: v.eligible,
    total: v.total,
    policyScope: v.policyScope,
    deductible: v.deductible,
    rate: v.rate,
    fund: v.fund,
    account: v.account,
    relativeAccount: v.relativeAccount,
    cash: v.cash,
    capAnnual: v.capAnnual,
    position: v.position,
    reversed: !live(v),
    fundPaidAfter,
    figures,
    adjustments: v.adjustments ?? [],
  };
}

/** The year's settlements in the view's order: by visit date, then log position. */
function settlementsInOrder(visits: ReadonlyArray<VisitRecord>, year: number): VisitRecord[] {
  return visits
    .filter((v) => v.year === year)
    .sort((a, b) => (a.visitDate < b.visitDate ? -1 : a.visitDate > b.visitDate ? 1 : a.position - b.position));
}

/** The year's settlements as the view lists them; `figures[i]`: the figures of `ofYear[i]`. */
function listedSettlements(ofYear: ReadonlyArray<VisitRecord>, figures: ReadonlyArray<AdjustedFigures>): YearSettlement[] {
  // In integer fen: the text of the Decimal running sum (see plusText).
  let running = 0n;
  return ofYear.map((v, i) => {
    if (live(v)) running += fenOf(figures[i].net.fund);
    return settlementOf(v, figures[i], fenText(running));
  });
}

/** A person's year without its settlements: what the persons projection stores (the list is read from the settlement rows). */
export type PersonYearSummary = Omit<PersonYearView, 'settlements'>;

/** A person's year from the profile and the settlements: the one summary both the projection and the fold use. */
export function summarizeYear(packs: PackSource, profile: PersonProfile, visits: ReadonlyArray<VisitRecord>, year: number): PersonYearView {
  const ofYear = settlementsInOrder(visits, year);
  const figures = ofYear.map(figuresOf);
  return { ...summaryOf(packs, profile, ofYear, figures, year), settlements: listedSettlements(ofYear, figures) };
}

/** `summarizeYear` without the settlements' list (the persons projection stores this; issue 10). */
export function summarizeYearTotals(
  packs: PackSource,
  profile: PersonProfile,
  visits: ReadonlyArray<VisitRecord>,
  year: number,
): PersonYearSummary {
  const ofYear = settlementsInOrder(visits, year);
  return summaryOf(packs, profile, ofYear, ofYear.map(figuresOf), year);
}

/** `summarizeYear(…).settlements`: the list alone, from the year's settlement rows. */
export function yearSettlements(visits: ReadonlyArray<VisitRecord>, year: number): YearSettlement[] {
  const ofYear = settlementsInOrder(visits, year);
  return listedSettlements(ofYear, ofYear.map(figuresOf));
}

/** The summary of `ofYear` (the year's settlements in order, `figures[i]` those of `ofYear[i]`). */
function summaryOf(
  packs: PackSource,
  profile: PersonProfile,
  ofYear: ReadonlyArray<VisitRecord>,
  figures: ReadonlyArray<AdjustedFigures>,
  year: number,
): PersonYearSummary {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const liveVisits = ofYear.filter(live);
  const figuresOfVisit = new Map(ofYear.map((v, i) => [v, figures[i]]));
  const liveFigures = liveVisits.map((v) => figuresOfVisit.get(v)!);
  const original = sum3(liveFigures.map((f) => f.original));
  // Unadjusted, each net is its original: the same sum (one Decimal pass fewer per replay).
  const adjusted = liveVisits.some((v) => v.adjustments?.length);
  const totals: AdjustedFigures = {
    original,
    adjustment: sum3(liveFigures.map((f) => f.adjustment)),
    net: adjusted ? sum3(liveFigures.map((f) => f.net)) : { ...original },
  };
  const fundPaid = fenOf(totals.net.fund);

  // Category periods inside the year (and inside the enrollment).
  const start = profile.enrolledOn > first ? profile.enrolledOn : first;
  const end = profile.endedOn !== undefined && profile.endedOn < last ? profile.endedOn : last;
  const byCategory: CategoryPeriod[] = [];
  const tl = profile.categoryTimeline;
  for (let i = 0; i < tl.length; i++) {
    const from = tl[i].from > start ? tl[i].from : start;
    const nextFrom = i + 1 < tl.length ? tl[i + 1].from : undefined;
    const to = nextFrom !== undefined && addDays(nextFrom, -1) < end ? addDays(nextFrom, -1) : end;
    if (from > to) continue;
    const inPeriod = liveVisits.filter((v) => v.visitDate >= from && v.visitDate <= to);
    byCategory.push({
      category: tl[i].category,
      from,
      to,
      cap: capOf(packs, profile, tl[i].category, lastCoveredDay(packs, profile, from, to)),
      fundPaid: fenText(inPeriod.reduce((total, v) => total + fenOf(figuresOfVisit.get(v)!.net.fund), 0n)),
      visits: inPeriod.length,
    });
  }
  const category = byCategory.length ? byCategory[byCategory.length - 1].category : (categoryOn(profile, last) ?? null);
  const capInForce = byCategory.length ? byCategory[byCategory.length - 1].cap : null;
  return {
    personId: profile.personId,
    year,
    scheme: profile.scheme,
    region: profile.region,
    category,
    fundPaid: fenText(fundPaid),
    capInForce,
    capRemaining: capInForce === null ? null : remainingText(capInForce, fundPaid),
    visits: liveVisits.length,
    reversedVisits: ofYear.length - liveVisits.length,
    adjustedVisits: liveVisits.filter((v) => v.adjustments?.length).length,
    totals,
    byCategory,
  };
}

/**
 * `fmt(money(a).plus(money(b)))` on exact integer fen: the same text (or the same
 * InvalidMoney), ~6× cheaper than parsing two Decimals and printing one (issue 10; the
 * read side's running sums, see README "Money on the read side").
 */
const plusText = (a: string, b: string): string => fenText(fenOf(a) + fenOf(b));

const plus3 = (a: Money3, b: Money3): Money3 => ({
  fund: plusText(a.fund, b.fund),
  account: plusText(a.account, b.account),
  cash: plusText(a.cash, b.cash),
});

/** `fmt(max(money('0'), money(cap).minus(money(fundPaid))))` in fen (`fundPaid` already in fen). */
const remainingText = (cap: string, fundPaid: bigint): string => {
  const left = fenOf(cap) - fundPaid;
  return fenText(left > 0n ? left : 0n);
};

/** Whether `summarizeYearTotals` counts `visit` as a settlement of the year, at its figures as settled: live, not corrected. */
const settledInYear = (summary: PersonYearSummary, visit: VisitRecord): boolean =>
  visit.year === summary.year && live(visit) && !visit.adjustments?.length;

/**
 * `summarizeYearTotals(packs, profile, [...visits, visit], year)` from `summary`, the summary
 * of `visits` (same profile): the visit's fund added to the year's sums and to its category
 * period. None of the summary depends on the settlements' order (sums of exact fen amounts,
 * counts), so a visit dated before others extends it too. O(1) work and copies instead of
 * O(visits) (issue 10: the live read side summarises a person-year at every visit), its sums
 * in integer fen. Undefined when the visit is not simply counted (a reversal, a correction,
 * another year): summarise the whole year then.
 */
export function summarizeYearWith(summary: PersonYearSummary, visit: VisitRecord): PersonYearSummary | undefined {
  if (!settledInYear(summary, visit)) return undefined;
  const figures = figuresOf(visit);
  const fund = figures.net.fund;
  const fundFen = fenOf(fund);
  const fundPaid = fenOf(summary.fundPaid) + fundFen;
  const original = plus3(summary.totals.original, figures.original);
  const totals: AdjustedFigures = {
    original,
    adjustment: plus3(summary.totals.adjustment, figures.adjustment),
    net: summary.adjustedVisits > 0 ? plus3(summary.totals.net, figures.net) : { ...original },
  };
  const inPeriod = (p: CategoryPeriod) => p.from <= visit.visitDate && visit.visitDate <= p.to;
  return {
    ...summary,
    fundPaid: fenText(fundPaid),
    capRemaining: summary.capInForce === null ? null : remainingText(summary.capInForce, fundPaid),
    visits: summary.visits + 1,
    totals,
    byCategory: summary.byCategory.map((p) => (inPeriod(p) ? { ...p, fundPaid: plusText(p.fundPaid, fund), visits: p.visits + 1 } : p)),
  };
}
