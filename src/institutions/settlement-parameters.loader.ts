import { isLocalDate, LocalDate } from '../kernel/dates';
import { Dec, MONEY_PATTERN, RATE_PATTERN } from '../kernel/money';
import type { Scheme } from '../policy/engine/types';
import {
  INSTITUTION_CATEGORIES,
  InstitutionCategory,
  JIAOZUO_BASE_CATEGORIES,
  JiaozuoBaseCategory,
} from './institution.types';
import raw from './settlement-parameters.json';

/**
 * Institution-side settlement parameters (焦医保〔2024〕32号 四/六, 安医保〔2019〕75号 四/附件),
 * each value carried with its document and clause. Temporary home: to be merged into the
 * policy packs in src/policy/ once their API exists. The settlement logic takes these as
 * an argument and hard-codes no figure.
 */
export interface Cited<T> {
  value: T;
  document: string;
  clause: string;
}

export interface JiaozuoYearParameters {
  categoryBases: Record<JiaozuoBaseCategory, Cited<string>>;
  growthCap: Cited<string>;
}

export interface SettlementParameters {
  jiaozuo: {
    region: Cited<string>;
    scheme: Cited<Scheme>;
    effectiveFrom: Cited<LocalDate>;
    years: Record<string, JiaozuoYearParameters>;
    unratedMapping: Cited<{ city: JiaozuoBaseCategory; township: JiaozuoBaseCategory }>;
    exemptCategories: Cited<InstitutionCategory[]>;
    ownHistory: {
      weights: Cited<number[]>;
      covidBestOf: Cited<{ best: number; of: number }>;
    };
    monthly: {
      advanceShare: Cited<string>;
      heldShare: Cited<string>;
      declarationDueDay: Cited<number>;
    };
    review: {
      sampleSize: Cited<number>;
      noCompensationFromShare: Cited<string>;
    };
  };
  anyang: {
    region: Cited<string>;
    scheme: Cited<Scheme>;
    years: Record<string, { fundingPerPerson: Cited<string>; consultationPerPerson: Cited<string> }>;
  };
}

export class InvalidSettlementParameters extends Error {
  constructor(readonly path: string, readonly rule: string) {
    super(`settlement parameters: ${path}: ${rule}`);
    this.name = 'InvalidSettlementParameters';
  }
}

type Check<T> = (v: unknown, path: string) => T;

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidSettlementParameters(path, 'must be an object');
  return v as Record<string, unknown>;
}

function cited<T>(v: unknown, path: string, check: Check<T>): Cited<T> {
  const o = obj(v, path);
  for (const key of ['document', 'clause'] as const) {
    if (typeof o[key] !== 'string' || (o[key] as string).trim() === '') {
      throw new InvalidSettlementParameters(`${path}.${key}`, 'must cite a non-empty document and clause');
    }
  }
  if (!('value' in o)) throw new InvalidSettlementParameters(`${path}.value`, 'missing');
  return { value: check(o.value, `${path}.value`), document: o.document as string, clause: o.clause as string };
}

const nonEmptyString: Check<string> = (v, p) => {
  if (typeof v !== 'string' || v === '') throw new InvalidSettlementParameters(p, 'must be a non-empty string');
  return v;
};
const positiveMoney: Check<string> = (v, p) => {
  if (typeof v !== 'string' || !MONEY_PATTERN.test(v) || !new Dec(v).isPositive() || new Dec(v).isZero()) {
    throw new InvalidSettlementParameters(p, 'must be a positive money string');
  }
  return v;
};
const fraction: Check<string> = (v, p) => {
  if (typeof v !== 'string' || !RATE_PATTERN.test(v)) throw new InvalidSettlementParameters(p, 'must be a rate string');
  const d = new Dec(v);
  if (d.lessThanOrEqualTo(0) || d.greaterThan(1)) throw new InvalidSettlementParameters(p, 'must be in (0, 1]');
  return v;
};
const positiveInt: Check<number> = (v, p) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new InvalidSettlementParameters(p, 'must be a positive integer');
  return v;
};
const scheme: Check<Scheme> = (v, p) => {
  if (v !== 'employee' && v !== 'resident') throw new InvalidSettlementParameters(p, "must be 'employee' or 'resident'");
  return v;
};
const baseCategory: Check<JiaozuoBaseCategory> = (v, p) => {
  if (typeof v !== 'string' || !(JIAOZUO_BASE_CATEGORIES as readonly string[]).includes(v)) {
    throw new InvalidSettlementParameters(p, 'must be one of the eight base categories');
  }
  return v as JiaozuoBaseCategory;
};
const yearKey = (k: string, p: string) => {
  if (!/^\d{4}$/.test(k)) throw new InvalidSettlementParameters(`${p}.${k}`, 'year keys are four digits');
};

/** Validates raw parameters; throws InvalidSettlementParameters naming the first bad path. */
export function loadSettlementParameters(input: unknown): SettlementParameters {
  const root = obj(input, '$');
  const j = obj(root.jiaozuo, 'jiaozuo');
  const years: Record<string, JiaozuoYearParameters> = {};
  for (const [year, yv] of Object.entries(obj(j.years, 'jiaozuo.years'))) {
    yearKey(year, 'jiaozuo.years');
    const y = obj(yv, `jiaozuo.years.${year}`);
    const basesRaw = obj(y.categoryBases, `jiaozuo.years.${year}.categoryBases`);
    const extra = Object.keys(basesRaw).filter((k) => !(JIAOZUO_BASE_CATEGORIES as readonly string[]).includes(k));
    if (extra.length > 0) throw new InvalidSettlementParameters(`jiaozuo.years.${year}.categoryBases.${extra[0]}`, 'unknown category');
    const categoryBases = {} as Record<JiaozuoBaseCategory, Cited<string>>;
    for (const cat of JIAOZUO_BASE_CATEGORIES) {
      categoryBases[cat] = cited(basesRaw[cat], `jiaozuo.years.${year}.categoryBases.${cat}`, positiveMoney);
    }
    years[year] = { categoryBases, growthCap: cited(y.growthCap, `jiaozuo.years.${year}.growthCap`, fraction) };
  }

  const effectiveFrom = cited(j.effectiveFrom, 'jiaozuo.effectiveFrom', (v, p) => {
    if (!isLocalDate(v)) throw new InvalidSettlementParameters(p, "must be a 'YYYY-MM-DD' date");
    return v;
  });
  const unratedMapping = cited(j.unratedMapping, 'jiaozuo.unratedMapping', (v, p) => {
    const o = obj(v, p);
    return { city: baseCategory(o.city, `${p}.city`), township: baseCategory(o.township, `${p}.township`) };
  });
  const exemptCategories = cited(j.exemptCategories, 'jiaozuo.exemptCategories', (v, p) => {
    if (!Array.isArray(v)) throw new InvalidSettlementParameters(p, 'must be an array');
    return v.map((c, i) => {
      if (!(INSTITUTION_CATEGORIES as readonly string[]).includes(c)) throw new InvalidSettlementParameters(`${p}[${i}]`, 'unknown category');
      return c as InstitutionCategory;
    });
  });
  const own = obj(j.ownHistory, 'jiaozuo.ownHistory');
  const weights = cited(own.weights, 'jiaozuo.ownHistory.weights', (v, p) => {
    if (!Array.isArray(v) || v.length === 0) throw new InvalidSettlementParameters(p, 'must be a non-empty array');
    return v.map((w, i) => positiveInt(w, `${p}[${i}]`));
  });
  const covidBestOf = cited(own.covidBestOf, 'jiaozuo.ownHistory.covidBestOf', (v, p) => {
    const o = obj(v, p);
    const best = positiveInt(o.best, `${p}.best`);
    const of = positiveInt(o.of, `${p}.of`);
    if (best > of) throw new InvalidSettlementParameters(p, 'best must not exceed of');
    return { best, of };
  });
  if (covidBestOf.value.of < weights.value.length) {
    throw new InvalidSettlementParameters('jiaozuo.ownHistory.covidBestOf.value.of', 'must cover at least the weighted years');
  }
  const m = obj(j.monthly, 'jiaozuo.monthly');
  const advanceShare = cited(m.advanceShare, 'jiaozuo.monthly.advanceShare', fraction);
  const heldShare = cited(m.heldShare, 'jiaozuo.monthly.heldShare', fraction);
  if (!new Dec(advanceShare.value).plus(heldShare.value).equals(1)) {
    throw new InvalidSettlementParameters('jiaozuo.monthly', 'advanceShare + heldShare must equal 1');
  }
  const declarationDueDay = cited(m.declarationDueDay, 'jiaozuo.monthly.declarationDueDay', (v, p) => {
    const d = positiveInt(v, p);
    if (d > 28) throw new InvalidSettlementParameters(p, 'must be a day that every month has (1..28)');
    return d;
  });
  const r = obj(j.review, 'jiaozuo.review');

  const a = obj(root.anyang, 'anyang');
  const anyangYears: SettlementParameters['anyang']['years'] = {};
  for (const [year, yv] of Object.entries(obj(a.years, 'anyang.years'))) {
    yearKey(year, 'anyang.years');
    const y = obj(yv, `anyang.years.${year}`);
    const fundingPerPerson = cited(y.fundingPerPerson, `anyang.years.${year}.fundingPerPerson`, positiveMoney);
    const consultationPerPerson = cited(y.consultationPerPerson, `anyang.years.${year}.consultationPerPerson`, positiveMoney);
    if (new Dec(consultationPerPerson.value).greaterThan(fundingPerPerson.value)) {
      throw new InvalidSettlementParameters(`anyang.years.${year}.consultationPerPerson`, 'must not exceed fundingPerPerson');
    }
    anyangYears[year] = { fundingPerPerson, consultationPerPerson };
  }

  return {
    jiaozuo: {
      region: cited(j.region, 'jiaozuo.region', nonEmptyString),
      scheme: cited(j.scheme, 'jiaozuo.scheme', scheme),
      effectiveFrom,
      years,
      unratedMapping,
      exemptCategories,
      ownHistory: { weights, covidBestOf },
      monthly: { advanceShare, heldShare, declarationDueDay },
      review: {
        sampleSize: cited(r.sampleSize, 'jiaozuo.review.sampleSize', positiveInt),
        noCompensationFromShare: cited(r.noCompensationFromShare, 'jiaozuo.review.noCompensationFromShare', fraction),
      },
    },
    anyang: {
      region: cited(a.region, 'anyang.region', nonEmptyString),
      scheme: cited(a.scheme, 'anyang.scheme', scheme),
      years: anyangYears,
    },
  };
}

/** "<document> <clause>", the citation form used in traces and refusals. */
export function cite(p: Cited<unknown>): string {
  return `${p.document} ${p.clause}`;
}

/** The shipped parameters, validated once when this module is first imported. */
export const SETTLEMENT_PARAMETERS: SettlementParameters = loadSettlementParameters(raw);
