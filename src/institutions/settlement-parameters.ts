/**
 * Institution-side settlement parameters, read from their one home: the `institution`
 * section of the policy packs (validated when the packs load, src/policy/loader/
 * institution-body.ts). Conditional fee-for-service (焦医保〔2024〕32号 四/六) comes from the pack
 * that publishes per-visit average bases; capitation (安医保〔2019〕75号 四/附件) from the pack
 * that publishes a per-person funding standard. Each carries its pack version, which the
 * decisions record and replay uses. The settlement logic takes these as an argument and
 * hard-codes no figure.
 */
import type { LocalDate } from '../kernel/dates';
import type { PolicyCatalog } from '../policy/catalog';
import { cite, type Cited } from '../policy/citation';
import type { Scheme } from '../policy/engine/types';
import type { InstitutionRuleValues } from '../policy/loader/institution-body';
import type { CityPack } from '../policy/pack.types';
import { INSTITUTION_CATEGORIES, InstitutionCategory, JIAOZUO_BASE_CATEGORIES, JiaozuoBaseCategory } from './institution.types';

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

/** The pack versions an institution decision used (absent: the packs in force now). */
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

/** The pack of this kind: by version when given, else the one in force last. */
function pick(catalog: PolicyCatalog, has: (p: CityPack) => boolean, version: string | undefined, what: string): CityPack {
  if (version !== undefined) {
    const p = catalog.byVersion(version);
    if (p?.kind === 'city' && has(p)) return p;
    throw new SettlementPackMissing(`${what} of version ${version}`);
  }
  const found = catalog
    .cityPacks()
    .filter(has)
    .sort((a, b) => b.effective.from.localeCompare(a.effective.from))[0];
  if (!found) throw new SettlementPackMissing(what);
  return found;
}

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

/** The parameters from the catalogue's packs (the versions given, or those in force now). */
export function settlementParameters(catalog: PolicyCatalog, versions: SettlementPackVersions = {}): SettlementParameters {
  return {
    jiaozuo: conditionalFeeForService(
      pick(catalog, (p) => rulesOf(p).perVisitAverageBase !== undefined, versions.jiaozuo, 'per-visit average bases'),
    ),
    anyang: capitation(pick(catalog, (p) => rulesOf(p).fundingPerPerson !== undefined, versions.anyang, 'capitation funding standard')),
  };
}

/**
 * The categories an institution of `region` is registered under: the list its pack
 * declares (`institution.categories`), or undefined where the region's packs declare none
 * (then the category is optional).
 */
export function categoriesOf(catalog: PolicyCatalog, region: string): Cited<InstitutionCategory[]> | undefined {
  const pack = catalog
    .cityPacks()
    .filter((p) => p.region === region && rulesOf(p).categories !== undefined)
    .sort((a, b) => b.effective.from.localeCompare(a.effective.from))[0];
  const rule = pack ? rulesOf(pack).categories : undefined;
  if (!rule) return undefined;
  const unknown = rule.value.filter((c) => !(INSTITUTION_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length) throw new SettlementPackMissing(`institution category ${unknown.join(', ')} (pack ${pack!.id})`);
  return part(rule, rule.value as InstitutionCategory[]);
}

/** The region a registry command puts the institution in (its new region, or the one it has). */
export function registryRegion(command: { type: string; data: unknown }, current: { region: string } | undefined): string | undefined {
  if (command.type === 'RegisterInstitution') return (command.data as { region?: string }).region;
  if (command.type === 'ChangeInstitutionProfile')
    return (command.data as { changes: { region?: string } }).changes.region ?? current?.region;
  return undefined;
}
