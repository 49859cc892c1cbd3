/**
 * Institution-side settlement parameters, read from their one home: the `institution`
 * section of the policy packs (validated when the packs load, src/policy/loader/
 * institution-body.ts). Conditional fee-for-service (焦医保〔2024〕32号 四/六) comes from a pack
 * that publishes per-visit average bases; capitation (安医保〔2019〕75号 四/附件) from one that
 * publishes a per-person funding standard; in each case the pack in force for the
 * institution's region and the month or year the decision concerns. Each carries its pack
 * version, which the decisions record and replay uses. The settlement logic takes these as
 * an argument and hard-codes no figure. (The keys `jiaozuo` and `anyang` name the two
 * methods after the documents that define them; the figures are the region's own.)
 */
import { addDays, firstDayOfNextMonth, type LocalDate } from '../kernel/dates';
import type { PolicyCatalog } from '../policy/catalog';
import { cite, type Cited } from '../policy/citation';
import type { Scheme } from '../policy/engine/types';
import type { InstitutionRuleValues } from '../policy/loader/institution-body';
import type { CityPack } from '../policy/pack.types';
import {
  INSTITUTION_CATEGORIES,
  InstitutionCategory,
  JIAOZUO_BASE_CATEGORIES,
  JiaozuoBaseCategory,
  MONTH_PATTERN,
} from './institution.types';

export { cite, type Cited };

export interface JiaozuoYearParameters {
  categoryBases: Record<JiaozuoBaseCategory, Cited<string>>;
  growthCap: Cited<string>;
}

export interface ConditionalFeeForServiceParameters {
  /** The version of the pack these figures come from (recorded in every decision). */
  packVersion: string;
  region: Cited<string>;
  scheme: Cited<Scheme>;
  effectiveFrom: Cited<LocalDate>;
  years: Record<string, JiaozuoYearParameters>;
  unratedMapping: Cited<{ city: JiaozuoBaseCategory; township: JiaozuoBaseCategory }>;
  exemptCategories: Cited<InstitutionCategory[]>;
  ownHistory: { weights: Cited<number[]>; covidBestOf: Cited<{ best: number; of: number }> };
  monthly: { advanceShare: Cited<string>; heldShare: Cited<string>; declarationDueDay: Cited<number> };
  review: { sampleSize: Cited<number>; noCompensationFromShare: Cited<string> };
}

export interface CapitationParameters {
  packVersion: string;
  region: Cited<string>;
  scheme: Cited<Scheme>;
  years: Record<string, { fundingPerPerson: Cited<string>; consultationPerPerson: Cited<string> }>;
}

export interface SettlementParameters {
  jiaozuo: ConditionalFeeForServiceParameters;
  anyang: CapitationParameters;
}

/** The pack versions an institution decision used (absent: the packs in force for its region and period). */
export interface SettlementPackVersions {
  jiaozuo?: string;
  anyang?: string;
}

export class SettlementPackMissing extends Error {
  constructor(what: string) {
    super(`no policy pack gives the ${what}`);
    this.name = 'SettlementPackMissing';
  }
}

type Rules = Partial<{ [K in keyof InstitutionRuleValues]: Cited<InstitutionRuleValues[K]> }>;
const rulesOf = (pack: CityPack): Rules => (pack.institution ?? {}) as Rules;
const part = <T>(rule: Cited<unknown>, value: T): Cited<T> => ({ value, document: rule.document, clause: rule.clause });
const mapValues = <K extends string, A, B>(o: Record<K, A>, f: (a: A) => B): Record<K, B> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v as A)])) as Record<K, B>;

function baseCategory(name: string): JiaozuoBaseCategory {
  if (!(JIAOZUO_BASE_CATEGORIES as readonly string[]).includes(name)) throw new SettlementPackMissing(`base category ${name}`);
  return name as JiaozuoBaseCategory;
}

/** The dates a decision concerns: its month, its year, or (registry commands) the day it is made. */
export interface SettlementPeriod {
  from: LocalDate;
  to: LocalDate;
}

/** Where and when a decision is made: the institution's region and the period it concerns. */
export interface SettlementContext {
  region?: string;
  period: SettlementPeriod;
}

const byEffectiveFrom = (a: CityPack, b: CityPack) => a.effective.from.localeCompare(b.effective.from);
const overlaps = (p: CityPack, period: SettlementPeriod) => p.effective.from <= period.to && period.from <= (p.effective.to ?? period.from);

/**
 * The pack in force for the region and period: of the region's packs of this kind, the
 * latest whose effective dates overlap the period; before the first, the first (whose
 * effective date the decider's refusal cites); after the last, the last (whose missing
 * year the decider names). A region with no pack of this kind gets the latest of any
 * region, so the decider refuses with the method's own region and clause.
 */
function inForce(catalog: PolicyCatalog, has: (p: CityPack) => boolean, at: SettlementContext, what: string): CityPack {
  const all = catalog.cityPacks().filter(has).sort(byEffectiveFrom);
  if (all.length === 0) throw new SettlementPackMissing(what);
  const regional = all.filter((p) => p.region === at.region);
  const pool = regional.length ? regional : all.slice(-1);
  const started = pool.filter((p) => p.effective.from <= at.period.to);
  return started.filter((p) => overlaps(p, at.period)).pop() ?? started.pop() ?? pool[0];
}

/** The pack of this kind: by the version a decision recorded, else the one in force for the context. */
function pick(
  catalog: PolicyCatalog,
  has: (p: CityPack) => boolean,
  version: string | undefined,
  at: SettlementContext | undefined,
  what: string,
): CityPack {
  if (version !== undefined) {
    const p = catalog.byVersion(version);
    if (p?.kind === 'city' && has(p)) return p;
    throw new SettlementPackMissing(`${what} of version ${version}`);
  }
  return inForce(catalog, has, at ?? { period: LATEST }, what);
}

/** No context (tests and tools reading "the figures"): the latest pack of each kind. */
const LATEST: SettlementPeriod = { from: '9999-12-31', to: '9999-12-31' };

/** 焦医保〔2024〕32号 四: the figures of conditional fee-for-service, from one pack. */
export function conditionalFeeForService(pack: CityPack): ConditionalFeeForServiceParameters {
  const r = rulesOf(pack);
  const {
    perVisitAverageBase: base,
    growthCap: growth,
    specialtyBaseWeights: weights,
    otherInstitutions: other,
    monthlySettlement: m,
    overspendReview: review,
  } = r;
  if (!base || !growth || !weights || !other || !m || !review)
    throw new SettlementPackMissing(`conditional fee-for-service figures in ${pack.id}`);
  const designated = pack.benefit.designationRequired;
  return {
    packVersion: pack.version,
    region: part(designated, pack.region),
    scheme: part(designated, pack.scheme),
    effectiveFrom: { value: pack.effective.from, document: pack.document, clause: pack.effective.clause ?? '' },
    years: {
      [String(base.value.year)]: {
        categoryBases: mapValues(base.value.byCategory as Record<JiaozuoBaseCategory, string>, (v) => part(base, v)),
        growthCap: part(growth, growth.value.rate),
      },
    },
    unratedMapping: part(other, {
      city: baseCategory(other.value.urbanLevel1OrUnrated),
      township: baseCategory(other.value.townshipLevel1OrUnrated),
    }),
    exemptCategories: part(other, other.value.villageClinicsExempt ? (['village_clinic'] as InstitutionCategory[]) : []),
    ownHistory: { weights: part(weights, weights.value.weightsOldestToNewest), covidBestOf: part(weights, weights.value.covidBestOf) },
    monthly: {
      advanceShare: part(m, m.value.advanceShare),
      heldShare: part(m, m.value.heldShare),
      declarationDueDay: part(m, m.value.declareByDay),
    },
    review: {
      sampleSize: part(review, review.value.sampleSize),
      noCompensationFromShare: part(review, review.value.nothingAtOrAboveShare),
    },
  };
}

/** 安医保〔2019〕75号 附件: the per-person funding standard of capitation, from one pack. */
export function capitation(pack: CityPack): CapitationParameters {
  const funding = rulesOf(pack).fundingPerPerson;
  if (!funding) throw new SettlementPackMissing(`capitation funding in ${pack.id}`);
  const designated = pack.benefit.designationRequired;
  return {
    packVersion: pack.version,
    region: part(designated, pack.region),
    scheme: part(designated, pack.scheme),
    years: {
      [String(funding.value.year)]: {
        fundingPerPerson: part(funding, funding.value.total),
        consultationPerPerson: part(funding, funding.value.consultationOrContract),
      },
    },
  };
}

/**
 * The parameters a decision uses: the pack versions it recorded (replay), else the packs in
 * force for the institution's region and the period the decision concerns.
 */
export function settlementParameters(
  catalog: PolicyCatalog,
  versions: SettlementPackVersions = {},
  at?: SettlementContext,
): SettlementParameters {
  const hasBases = (p: CityPack) => rulesOf(p).perVisitAverageBase !== undefined;
  const hasFunding = (p: CityPack) => rulesOf(p).fundingPerPerson !== undefined;
  return {
    jiaozuo: conditionalFeeForService(pick(catalog, hasBases, versions.jiaozuo, at, 'per-visit average bases')),
    anyang: capitation(pick(catalog, hasFunding, versions.anyang, at, 'capitation funding standard')),
  };
}

/**
 * The categories an institution of `region` is registered under on `date`: the list the
 * region's pack in force then declares (`institution.categories`), or undefined where the
 * region's packs declare none (then the category is optional).
 */
export function categoriesOf(catalog: PolicyCatalog, region: string, date: LocalDate): Cited<InstitutionCategory[]> | undefined {
  const declaring = catalog.cityPacks().filter((p) => p.region === region && rulesOf(p).categories !== undefined);
  if (declaring.length === 0) return undefined;
  const pack = inForce(catalog, (p) => declaring.includes(p), { region, period: { from: date, to: date } }, 'institution categories');
  const rule = rulesOf(pack).categories!;
  const unknown = rule.value.filter((c) => !(INSTITUTION_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length) throw new SettlementPackMissing(`institution category ${unknown.join(', ')} (pack ${pack.id})`);
  return part(rule, rule.value as InstitutionCategory[]);
}

/** The region a registry command puts the institution in (its new region, or the one it has). */
export function registryRegion(command: { type: string; data: unknown }, current: { region: string } | undefined): string | undefined {
  if (command.type === 'RegisterInstitution') return (command.data as { region?: string }).region;
  if (command.type === 'ChangeInstitutionProfile')
    return (command.data as { changes: { region?: string } }).changes.region ?? current?.region;
  return undefined;
}

/**
 * The period a command concerns: its month, its year, else `today` (registry commands, and
 * a month or year the decider will refuse as malformed).
 */
export function periodOfCommand(command: { data: unknown }, today: LocalDate): SettlementPeriod {
  const { month, year } = (command.data ?? {}) as { month?: unknown; year?: unknown };
  if (typeof month === 'string' && MONTH_PATTERN.test(month))
    return { from: `${month}-01`, to: addDays(firstDayOfNextMonth(`${month}-01`), -1) };
  if (typeof year === 'number' && Number.isInteger(year) && year >= 1000 && year <= 9999)
    return { from: `${year}-01-01`, to: `${year}-12-31` };
  return { from: today, to: today };
}

export type DecisionInputs = [SettlementParameters, Cited<InstitutionCategory[]> | undefined];

/**
 * What the decider needs beside the command and the state: the figures of the packs in
 * force for the institution's region and the command's period (or, on replay, of the
 * versions the event recorded), and for a registry command the categories its region's
 * pack declares on `today`.
 */
export function decisionInputs(
  catalog: PolicyCatalog,
  command: { type: string; data: unknown },
  state: { profile?: { region: string } },
  today: LocalDate,
  versions: SettlementPackVersions = {},
): DecisionInputs {
  const registryIn = registryRegion(command, state.profile);
  const region = registryIn ?? state.profile?.region;
  const params = settlementParameters(catalog, versions, { region, period: periodOfCommand(command, today) });
  return [params, registryIn ? categoriesOf(catalog, registryIn, today) : undefined];
}
