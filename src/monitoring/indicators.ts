/**
 * Institution-month indicators (pure). The sums are what the projection keeps; the
 * indicators are derived from them when read, so a rebuild that reproduces the sums
 * reproduces every indicator byte for byte.
 *
 * What is watched, and why:
 * - visits, settlement count, per-visit average, and their growth — 焦医保〔2024〕32号 五（一）
 *   (次均费用、结算人次), 安医保〔2019〕75号 五（一）（二） (就诊人次及增长率、次均门诊费用及增长率),
 *   人社部发〔2011〕59号 三 (次均费用);
 * - total cost growth, per-visit average, self-pay share, examination share, out-of-catalogue
 *   share — 宛政办〔2022〕42号 第二十二条（二）;
 * - drug (incl. herbal pieces), examination and treatment amounts and their growth —
 *   焦医保〔2024〕32号 五（一） (异常增长的药品（含中药饮片）、检验检查、诊疗项目);
 * - cost structure (amount by line category) and referral share — 人社部发〔2011〕59号 三
 *   (费用结构、转诊率);
 * - inpatient admissions and their growth — 安医保〔2019〕75号 五（一） (住院人次及增长率).
 */
import { Dec, fmt, money, toFen } from '../kernel/money';
import type { LineCategory } from '../policy/engine/types';

export const LINE_CATEGORIES: readonly LineCategory[] = [
  'drug',
  'herbal_pieces',
  'examination',
  'treatment',
  'consumable',
  'consultation',
  'other',
];

/**
 * A bill line's category. Lines written without one (VisitSettled v1, or a v2 settlement
 * whose sender gave none) count as 'other': nothing says they are drugs, examinations or
 * treatments, so counting them in any of those would invent a share; in 'other' they
 * still count in the total, the per-visit average and the self-pay share.
 */
export const lineCategoryOf = (line: { category?: LineCategory }): LineCategory => line.category ?? 'other';

/** What one settled visit adds to its institution's month. */
export interface VisitContribution {
  total: string;
  fund: string;
  outOfCatalogue: string;
  outOfCatalogueLines: number;
  referral: boolean;
  byCategory: Record<LineCategory, string>;
}

/** Running sums of an institution's month (money as strings). */
export interface InstitutionMonthSums {
  institutionCode: string;
  month: string;
  /** VisitSettled events dated in the month (结算人次, reversed ones included). */
  settlements: number;
  /** Of those, reversed since. */
  reversals: number;
  /** Settlements not reversed (就诊人次). */
  visits: number;
  /** Distinct persons among the visits. */
  persons: number;
  referrals: number;
  total: string;
  fund: string;
  outOfCatalogue: string;
  outOfCatalogueLines: number;
  byCategory: Record<LineCategory, string>;
  /** InpatientAdmitted at this institution in the month. */
  inpatientAdmissions: number;
  /** Issue 15: disputes and corrections involving the institution (absent until the first one). */
  disputes?: DisputeCounts;
}

/**
 * Disputes opened, upheld and rejected in the month (by the day each happened), and the
 * corrections of settlements dated in the month: how many, and the net change of fund paid.
 */
export interface DisputeCounts {
  opened: number;
  upheld: number;
  rejected: number;
  adjustments: number;
  adjustmentFundDelta: string;
}

export const emptyDisputeCounts = (): DisputeCounts => ({ opened: 0, upheld: 0, rejected: 0, adjustments: 0, adjustmentFundDelta: '0.00' });

/** The sums with dispute counts changed: same money, so the parsed figures carry over. */
export function withDisputeCounts(sums: InstitutionMonthSums, change: (c: DisputeCounts) => DisputeCounts): InstitutionMonthSums {
  const next = { ...sums, disputes: change(sums.disputes ?? emptyDisputeCounts()) };
  parsed.set(next, parsedOf(sums));
  return next;
}

export const emptyByCategory = (): Record<LineCategory, string> =>
  Object.fromEntries(LINE_CATEGORIES.map((c) => [c, '0.00'])) as Record<LineCategory, string>;

export function emptyMonthSums(institutionCode: string, month: string): InstitutionMonthSums {
  return {
    institutionCode,
    month,
    settlements: 0,
    reversals: 0,
    visits: 0,
    persons: 0,
    referrals: 0,
    total: '0.00',
    fund: '0.00',
    outOfCatalogue: '0.00',
    outOfCatalogueLines: 0,
    byCategory: emptyByCategory(),
    inpatientAdmissions: 0,
  };
}

/** One visit's contribution, from the settled visit's bill lines and decision. */
export function visitContribution(
  visit: { lines: Array<{ amount: string; inCatalogue: boolean; category?: LineCategory }>; referral?: boolean },
  amounts: { total: string; fund: string },
): VisitContribution {
  const byCategory = Object.fromEntries(LINE_CATEGORIES.map((c) => [c, new Dec(0)])) as Record<LineCategory, Dec>;
  let outOfCatalogue = new Dec(0);
  let outOfCatalogueLines = 0;
  for (const line of visit.lines) {
    const amount = money(line.amount);
    byCategory[lineCategoryOf(line)] = byCategory[lineCategoryOf(line)].plus(amount);
    if (!line.inCatalogue) {
      outOfCatalogue = outOfCatalogue.plus(amount);
      outOfCatalogueLines += 1;
    }
  }
  return {
    total: fmt(money(amounts.total)),
    fund: fmt(money(amounts.fund)),
    outOfCatalogue: fmt(outOfCatalogue),
    outOfCatalogueLines,
    referral: visit.referral === true,
    byCategory: Object.fromEntries(LINE_CATEGORIES.map((c) => [c, fmt(byCategory[c])])) as Record<LineCategory, string>,
  };
}

/**
 * Money fields of sums parsed once per object: each visit judges its month (and the base
 * months) on a dozen figures, and parsing decimal strings dominated that. Sums and
 * contributions are never mutated (every change makes a new object), so a parse stays valid.
 */
const parsed = new WeakMap<object, Map<string, Dec>>();

function parsedOf(owner: object): Map<string, Dec> {
  let fields = parsed.get(owner);
  // Stryker disable next-line ConditionalExpression: equivalent because a fresh cache only parses again
  if (!fields) parsed.set(owner, (fields = new Map()));
  return fields;
}

/** `money(text)` for the field `key` of `owner`, parsed at most once. */
function moneyOf(owner: object, key: string, text: string): Dec {
  const fields = parsedOf(owner);
  let value = fields.get(key);
  // Stryker disable next-line ConditionalExpression: equivalent because parsing again gives the same value
  if (!value) fields.set(key, (value = money(text)));
  return value;
}

const MONEY_FIELDS = ['total', 'fund', 'outOfCatalogue'] as const;

/** The sums with other counts (persons, admissions): same money, so the parsed figures carry over. */
export function withCounts(
  sums: InstitutionMonthSums,
  counts: Partial<Pick<InstitutionMonthSums, 'persons' | 'inpatientAdmissions'>>,
): InstitutionMonthSums {
  const next = { ...sums, ...counts };
  parsed.set(next, parsedOf(sums));
  return next;
}

/** Adds (sign 1) or removes (sign −1, a reversal) one visit. */
export function addVisit(sums: InstitutionMonthSums, c: VisitContribution, sign: 1 | -1): InstitutionMonthSums {
  const sumsOf = (key: string, a: string, b: string): [string, Dec] => {
    const x = moneyOf(sums, key, a);
    const y = moneyOf(c, key, b);
    // Both have at most two places: the sum is exact and equals the parse of its formatted string.
    const value = toFen(sign === 1 ? x.plus(y) : x.minus(y));
    return [fmt(value), value.isZero() ? new Dec(0) : value];
  };
  const next = {
    ...sums,
    settlements: sums.settlements + (sign === 1 ? 1 : 0),
    reversals: sums.reversals + (sign === 1 ? 0 : 1),
    visits: sums.visits + sign,
    referrals: sums.referrals + (c.referral ? sign : 0),
    outOfCatalogueLines: sums.outOfCatalogueLines + sign * c.outOfCatalogueLines,
    // Stryker disable next-line ObjectLiteral: equivalent because the loop below sets every line category
    byCategory: { ...sums.byCategory },
  };
  const fields = new Map<string, Dec>();
  for (const k of MONEY_FIELDS) {
    const [text, value] = sumsOf(k, sums[k], c[k]);
    next[k] = text;
    fields.set(k, value);
  }
  for (const k of LINE_CATEGORIES) {
    const [text, value] = sumsOf(`byCategory.${k}`, sums.byCategory[k], c.byCategory[k]);
    next.byCategory[k] = text;
    // Stryker disable next-line StringLiteral: equivalent because a missed cache key only parses again
    fields.set(`byCategory.${k}`, value);
  }
  parsed.set(next, fields);
  return next;
}

/** Ratios and growth rates: decimal strings to four places, half-up (0.1234 = 12.34%). */
export const RATIO_PLACES = 4;

export function ratio(numerator: Dec, denominator: Dec): string | null {
  if (denominator.isZero()) return null;
  const r = numerator.div(denominator).toDecimalPlaces(RATIO_PLACES, Dec.ROUND_HALF_UP);
  return (r.isZero() ? new Dec(0) : r).toFixed(RATIO_PLACES);
}

/** (current − base) / base; null without a base (no month to compare with, or zero in it). */
export function growth(current: Dec, base: Dec | undefined): string | null {
  if (!base || base.isZero()) return null;
  return ratio(current.minus(base), base);
}

export interface InstitutionMonthIndicators {
  month: string;
  visits: number;
  settlements: number;
  reversals: number;
  persons: number;
  /** visits / distinct persons: the visit rate available per institution (人社部发〔2011〕59号 三 门诊就诊率 needs the enrolled population, which an institution has not). */
  visitsPerPerson: string | null;
  totalCost: string;
  fund: string;
  /** Money, rounded once to the fen. */
  perVisitCost: string | null;
  selfPayShare: string | null;
  examinationShare: string | null;
  outOfCatalogueShare: string | null;
  outOfCatalogueLines: number;
  referralShare: string | null;
  /** Cost structure: amount by line category. */
  amounts: Record<LineCategory, string> & { drugIncludingHerbal: string };
  inpatientAdmissions: number;
  /** Issue 15: disputes and corrections, when there were any. */
  disputes?: DisputeCounts;
  growth: {
    /** Against the previous month. */
    mom: GrowthSet;
    /** Against the same month last year. */
    yoy: GrowthSet;
  };
}

export interface GrowthSet {
  visits: string | null;
  settlements: string | null;
  totalCost: string | null;
  perVisitCost: string | null;
  drugAmount: string | null;
  examinationAmount: string | null;
  treatmentAmount: string | null;
  inpatientAdmissions: string | null;
}

// Stryker disable next-line StringLiteral: equivalent because another cache key only parses again
const totalOf = (s: InstitutionMonthSums): Dec => moneyOf(s, 'total', s.total);
const categoryOf = (s: InstitutionMonthSums, k: LineCategory): Dec => moneyOf(s, `byCategory.${k}`, s.byCategory[k]);
const drugOf = (s: InstitutionMonthSums): Dec => categoryOf(s, 'drug').plus(categoryOf(s, 'herbal_pieces'));
const perVisit = (s: InstitutionMonthSums): Dec | undefined => (s.visits > 0 ? toFen(totalOf(s).div(s.visits)) : undefined);

/** The quantity each growth rate compares (per-visit cost apart: it needs visits on both sides). */
const GROWTH_BASES: Record<Exclude<keyof GrowthSet, 'perVisitCost'>, (s: InstitutionMonthSums) => Dec> = {
  visits: (s) => new Dec(s.visits),
  settlements: (s) => new Dec(s.settlements),
  totalCost: totalOf,
  drugAmount: drugOf,
  examinationAmount: (s) => categoryOf(s, 'examination'),
  treatmentAmount: (s) => categoryOf(s, 'treatment'),
  inpatientAdmissions: (s) => new Dec(s.inpatientAdmissions),
};

/** One growth rate of `cur` against `base`: the same figure `institutionMonthIndicators` reports, computed alone. */
export function growthOf(key: keyof GrowthSet, cur: InstitutionMonthSums, base: InstitutionMonthSums | undefined): string | null {
  if (key === 'perVisitCost') {
    const curPerVisit = perVisit(cur);
    return curPerVisit ? growth(curPerVisit, base ? perVisit(base) : undefined) : null;
  }
  const of = GROWTH_BASES[key];
  return growth(of(cur), base && of(base));
}

function growthSet(cur: InstitutionMonthSums, base: InstitutionMonthSums | undefined): GrowthSet {
  const keys: Array<keyof GrowthSet> = [
    'visits',
    'settlements',
    'totalCost',
    'perVisitCost',
    'drugAmount',
    'examinationAmount',
    'treatmentAmount',
    'inpatientAdmissions',
  ];
  return Object.fromEntries(keys.map((k) => [k, growthOf(k, cur, base)])) as unknown as GrowthSet;
}

/** Shares of the month's total cost: the same figures `institutionMonthIndicators` reports, computed alone. */
export const SHARES = {
  // Stryker disable next-line StringLiteral: equivalent because another cache key only parses again
  selfPayShare: (s: InstitutionMonthSums): string | null => ratio(totalOf(s).minus(moneyOf(s, 'fund', s.fund)), totalOf(s)),
  examinationShare: (s: InstitutionMonthSums): string | null => ratio(categoryOf(s, 'examination'), totalOf(s)),
  // Stryker disable next-line StringLiteral: equivalent because another cache key only parses again
  outOfCatalogueShare: (s: InstitutionMonthSums): string | null => ratio(moneyOf(s, 'outOfCatalogue', s.outOfCatalogue), totalOf(s)),
};

/** The month's indicators, with growth against the previous month and the same month last year. */
export function institutionMonthIndicators(
  cur: InstitutionMonthSums,
  previousMonth?: InstitutionMonthSums,
  sameMonthLastYear?: InstitutionMonthSums,
): InstitutionMonthIndicators {
  const pv = perVisit(cur);
  return {
    month: cur.month,
    visits: cur.visits,
    settlements: cur.settlements,
    reversals: cur.reversals,
    persons: cur.persons,
    visitsPerPerson: ratio(new Dec(cur.visits), new Dec(cur.persons)),
    totalCost: cur.total,
    fund: cur.fund,
    perVisitCost: pv ? fmt(pv) : null,
    selfPayShare: SHARES.selfPayShare(cur),
    examinationShare: SHARES.examinationShare(cur),
    outOfCatalogueShare: SHARES.outOfCatalogueShare(cur),
    outOfCatalogueLines: cur.outOfCatalogueLines,
    referralShare: ratio(new Dec(cur.referrals), new Dec(cur.visits)),
    amounts: { ...cur.byCategory, drugIncludingHerbal: fmt(drugOf(cur)) },
    inpatientAdmissions: cur.inpatientAdmissions,
    ...(cur.disputes ? { disputes: cur.disputes } : {}),
    growth: { mom: growthSet(cur, previousMonth), yoy: growthSet(cur, sameMonthLastYear) },
  };
}

/** 'YYYY-MM' of the month before. */
export function previousMonthOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function sameMonthLastYearOf(month: string): string {
  return `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`;
}
