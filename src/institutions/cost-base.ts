import { InvalidInput, PolicyRefusal } from '../kernel/errors';
import { Dec, fmt, money, sum, toFen } from '../kernel/money';
import type { TraceEntry } from '../policy/engine/types';
import { CategorisedProfile, isJiaozuoBaseCategory, JiaozuoBaseCategory } from './institution.types';
import { cite, SettlementParameters } from './settlement-parameters';

/**
 * The per-visit average cost base of one institution for one year
 * (焦医保〔2024〕32号 四（一）1 and 3（1）). Pure.
 */
export type CostBaseMethod =
  /** The category's published base. */
  | 'category'
  /** Unrated / level-1 general institution, mapped by location to a published base. */
  | 'unrated_mapping'
  /** Own history, last three years weighted 1:2:7. */
  | 'weighted_history'
  /** Own history, the three highest of the last five years (COVID-low years). */
  | 'best_of_history'
  /** The province yearbook figure, when the own figure is markedly above it. */
  | 'province';

export interface YearAverage {
  year: number;
  /** Per-visit average cost of that year (money string). */
  average: string;
  /** The agency marks a year as clearly low because of COVID. */
  covidLow?: boolean;
}

export interface CostBaseRequest {
  year: number;
  /** Own per-visit averages of earlier years (other specialty, or sole institution of a category). */
  history?: YearAverage[];
  /** 四（一）1: a category with only one institution is treated like other specialty institutions. */
  soleInCategory?: boolean;
  /** Latest province yearbook figure for this kind of institution (money string). */
  provinceAverage?: string;
  /** The agency's finding that the own figure is markedly (明显) above the province figure. */
  markedlyAboveProvince?: boolean;
}

export interface CostBaseDetermination {
  year: number;
  base: string;
  method: CostBaseMethod;
  inputs: Record<string, string | number | boolean | null>;
  clause: string;
  trace: TraceEntry[];
}

export const COST_BASE_REASONS = {
  exempt: 'INSTITUTION_EXEMPT_FROM_COST_BASE',
  noBaseForYear: 'NO_COST_BASE_PUBLISHED_FOR_YEAR',
  unmappedLocation: 'UNRATED_LOCATION_NOT_MAPPED',
  historyIncomplete: 'COST_BASE_HISTORY_INCOMPLETE',
  notAboveProvince: 'OWN_AVERAGE_NOT_ABOVE_PROVINCE',
} as const;

export function isExemptFromCostBase(profile: CategorisedProfile, params: SettlementParameters): boolean {
  return params.jiaozuo.exemptCategories.value.includes(profile.category);
}

/** The published category whose base applies, or undefined when the base comes from own history. */
export function publishedBaseCategory(profile: CategorisedProfile, params: SettlementParameters): JiaozuoBaseCategory | undefined {
  if (isJiaozuoBaseCategory(profile.category)) return profile.category;
  if (profile.category === 'other_general') {
    const mapping = params.jiaozuo.unratedMapping.value;
    if (profile.location === 'city') return mapping.city;
    if (profile.location === 'township') return mapping.township;
    throw new PolicyRefusal(
      COST_BASE_REASONS.unmappedLocation,
      cite(params.jiaozuo.unratedMapping),
      `the document maps unrated general institutions only in urban districts (城区) or townships (乡镇); location '${profile.location}' is not mapped`,
    );
  }
  return undefined;
}

export function determineCostBase(
  profile: CategorisedProfile,
  request: CostBaseRequest,
  params: SettlementParameters,
): CostBaseDetermination {
  const { year } = request;
  const p = params.jiaozuo;
  if (isExemptFromCostBase(profile, params)) {
    throw new PolicyRefusal(
      COST_BASE_REASONS.exempt,
      cite(p.exemptCategories),
      `category ${profile.category} is exempt from per-visit average management`,
    );
  }
  const usesOwnHistory =
    profile.category === 'other_specialty' || (request.soleInCategory === true && isJiaozuoBaseCategory(profile.category));
  if (!usesOwnHistory) {
    if (request.history || request.provinceAverage || request.markedlyAboveProvince) {
      throw new InvalidInput(
        'history',
        `category ${profile.category} takes the published base; own history applies only to other specialty institutions or the sole institution of a category`,
      );
    }
    const category = publishedBaseCategory(profile, params);
    if (!category) {
      throw new PolicyRefusal(
        'NO_BASE_FOR_CATEGORY',
        `${p.effectiveFrom.document} 四（一）1`,
        `the document publishes no per-visit average base for category ${profile.category}`,
      );
    }
    const yearParams = p.years[String(year)];
    if (!yearParams) {
      throw new PolicyRefusal(
        COST_BASE_REASONS.noBaseForYear,
        `${p.effectiveFrom.document} 四（一）3`,
        `no per-visit average base is published for ${year}`,
      );
    }
    const published = yearParams.categoryBases[category];
    const method: CostBaseMethod = category === profile.category ? 'category' : 'unrated_mapping';
    const clause = method === 'category' ? cite(published) : `${cite(p.unratedMapping)}; ${cite(published)}`;
    const inputs = { category: profile.category, baseCategory: category, location: profile.location };
    return {
      year,
      base: fmt(money(published.value)),
      method,
      inputs,
      clause,
      trace: [{ step: 'cost_base', clause, inputs, result: { base: fmt(money(published.value)), method } }],
    };
  }
  return ownHistoryBase(profile, request, params);
}

function ownHistoryBase(profile: CategorisedProfile, request: CostBaseRequest, params: SettlementParameters): CostBaseDetermination {
  const { year } = request;
  const own = params.jiaozuo.ownHistory;
  const weights = own.weights.value;
  const { best, of } = own.covidBestOf.value;
  const byYear = new Map<number, YearAverage>();
  for (const h of request.history ?? []) {
    if (byYear.has(h.year)) throw new InvalidInput('history', `year ${h.year} appears twice`);
    money(h.average);
    byYear.set(h.year, h);
  }
  const need = (n: number, clause: string): YearAverage[] => {
    const years = Array.from({ length: n }, (_, i) => year - n + i);
    const missing = years.filter((y) => !byYear.has(y));
    if (missing.length > 0) {
      throw new PolicyRefusal(COST_BASE_REASONS.historyIncomplete, clause, `the per-visit averages of ${missing.join(', ')} are needed`, {
        missing,
      });
    }
    return years.map((y) => byYear.get(y)!);
  };
  const trace: TraceEntry[] = [];
  const inputs: Record<string, string | number | boolean | null> = { category: profile.category };
  for (const h of [...byYear.values()].sort((a, b) => a.year - b.year)) {
    inputs[`average_${h.year}`] = h.average;
    if (h.covidLow) inputs[`covidLow_${h.year}`] = true;
  }
  if (request.soleInCategory) inputs.soleInCategory = true;

  const lastYears = need(weights.length, cite(own.weights));
  let ownBase: Dec;
  let method: CostBaseMethod;
  let clause: string;
  if (lastYears.some((h) => h.covidLow)) {
    // A COVID-low year among the last three: mean of the highest `best` of the last `of`.
    clause = cite(own.covidBestOf);
    const chosen = need(of, clause)
      .sort((a, b) => money(b.average).comparedTo(money(a.average)) || b.year - a.year)
      .slice(0, best);
    ownBase = toFen(sum(chosen.map((h) => money(h.average))).dividedBy(best));
    method = 'best_of_history';
    trace.push({
      step: 'own_history_best_of',
      clause,
      inputs: {
        ...inputs,
        best,
        of,
        chosenYears: chosen
          .map((h) => h.year)
          .sort()
          .join(','),
      },
      result: { ownBase: fmt(ownBase) },
    });
  } else {
    // Oldest year gets the first weight, the latest the last (越近的年份权重越高).
    clause = cite(own.weights);
    const weighted = sum(lastYears.map((h, i) => money(h.average).times(weights[i])));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    ownBase = toFen(weighted.dividedBy(totalWeight));
    method = 'weighted_history';
    trace.push({
      step: 'own_history_weighted',
      clause,
      inputs: { ...inputs, weights: weights.join(':'), years: lastYears.map((h) => h.year).join(',') },
      result: { ownBase: fmt(ownBase) },
    });
  }
  inputs.ownBase = fmt(ownBase);

  let base = ownBase;
  if (request.markedlyAboveProvince) {
    if (request.provinceAverage === undefined) throw new InvalidInput('provinceAverage', 'required when markedlyAboveProvince is true');
    const province = money(request.provinceAverage);
    const provinceClause = `${params.jiaozuo.ownHistory.weights.document} 四（一）1`;
    if (!ownBase.greaterThan(province)) {
      throw new PolicyRefusal(
        COST_BASE_REASONS.notAboveProvince,
        provinceClause,
        `own figure ${fmt(ownBase)} is not above the province figure ${fmt(province)}`,
      );
    }
    // "明显高于" has no threshold in the document: the agency's finding is an input.
    base = province;
    method = 'province';
    clause = provinceClause;
    inputs.provinceAverage = fmt(province);
    inputs.markedlyAboveProvince = true;
    trace.push({
      step: 'province_figure',
      clause,
      inputs: { ownBase: fmt(ownBase), provinceAverage: fmt(province) },
      result: { base: fmt(base) },
    });
  } else if (request.provinceAverage !== undefined) {
    inputs.provinceAverage = fmt(money(request.provinceAverage));
  }
  return { year, base: fmt(base), method, inputs, clause, trace };
}
