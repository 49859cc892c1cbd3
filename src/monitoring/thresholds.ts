/**
 * Early-warning thresholds: configuration, not code (config/monitoring-thresholds.json).
 * Each names the clause it serves; the whole file is validated when loaded and a bad one
 * stops the service from starting, naming the field.
 */
import { Dec, RATE_PATTERN } from '../kernel/money';

/** Institution-month indicators that can carry a threshold. */
export const INSTITUTION_ALERT_INDICATORS = [
  'perVisitCostGrowthMoM',
  'perVisitCostGrowthYoY',
  'selfPayShare',
  'examinationShare',
  'outOfCatalogueShare',
  'totalCostGrowthYoY',
  'drugAmountGrowthYoY',
  'examinationAmountGrowthYoY',
  'treatmentAmountGrowthYoY',
  'visitsGrowthYoY',
  'inpatientAdmissionsGrowthYoY',
  'disputesUpheld',
] as const;
export type InstitutionAlertIndicator = (typeof INSTITUTION_ALERT_INDICATORS)[number];

/** Institution indicators that are counts (a whole-number `max`), not ratios. */
const INSTITUTION_COUNT_INDICATORS: ReadonlySet<string> = new Set(['disputesUpheld']);

export const PERSON_ALERT_INDICATORS = ['visitsIn7Days', 'visitsIn30Days', 'institutionsOnOneDay'] as const;
export type PersonAlertIndicator = (typeof PERSON_ALERT_INDICATORS)[number];

export interface Threshold {
  /** Crosses when the value is strictly greater (decimal string). */
  max: string;
  clause: string;
  why?: string;
}

export interface MonitoringThresholds {
  institution: {
    /** Ratios and growth are judged only on months with at least this many visits (and growth only against such a month). */
    minVisitsPerMonth: number;
    /** Admissions growth only against a month with at least this many admissions. */
    minAdmissionsPerMonth: number;
    indicators: Partial<Record<InstitutionAlertIndicator, Threshold>>;
  };
  person: Partial<Record<PersonAlertIndicator, Threshold>>;
}

export class InvalidThresholds extends Error {
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`monitoring thresholds: ${field}: ${rule}`);
  }
}

/** A document number with its clause, e.g. '宛政办〔2022〕42号 第二十二条（二）'. */
const CLAUSE_PATTERN = /〔\d{4}〕\d+号\s*\S+/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown, field: string): number {
  if (!Number.isInteger(v) || (v as number) < 0) throw new InvalidThresholds(field, 'must be a whole number ≥ 0');
  return v as number;
}

function threshold(v: unknown, field: string, kind: 'ratio' | 'count'): Threshold {
  if (!isObject(v)) throw new InvalidThresholds(field, 'must be an object { max, clause, why? }');
  let max: string;
  if (kind === 'count') {
    max = String(count(v.max, `${field}.max`));
  } else {
    // Ratios as strings, like money: a JSON number would go through binary floating point.
    if (typeof v.max !== 'string' || !RATE_PATTERN.test(v.max))
      throw new InvalidThresholds(`${field}.max`, 'must be a decimal string ≥ 0, e.g. "0.30"');
    max = new Dec(v.max).toString();
  }
  if (typeof v.clause !== 'string' || !CLAUSE_PATTERN.test(v.clause))
    throw new InvalidThresholds(`${field}.clause`, 'must cite a document number and clause, e.g. "宛政办〔2022〕42号 第二十二条（二）"');
  if (v.why !== undefined && typeof v.why !== 'string') throw new InvalidThresholds(`${field}.why`, 'must be a string');
  const known = new Set(['max', 'clause', 'why']);
  for (const k of Object.keys(v)) if (!known.has(k)) throw new InvalidThresholds(`${field}.${k}`, 'unknown field');
  return { max, clause: v.clause, ...(v.why !== undefined ? { why: v.why as string } : {}) };
}

/** Validates parsed JSON; throws InvalidThresholds naming the first bad field. */
export function parseMonitoringThresholds(json: unknown): MonitoringThresholds {
  if (!isObject(json)) throw new InvalidThresholds('(root)', 'must be an object');
  for (const k of Object.keys(json))
    if (!['description', 'institution', 'person'].includes(k)) throw new InvalidThresholds(k, 'unknown field');
  const inst = json.institution;
  if (!isObject(inst)) throw new InvalidThresholds('institution', 'must be an object');
  if (!isObject(inst.indicators)) throw new InvalidThresholds('institution.indicators', 'must be an object');
  const indicators: MonitoringThresholds['institution']['indicators'] = {};
  for (const [name, v] of Object.entries(inst.indicators)) {
    if (!(INSTITUTION_ALERT_INDICATORS as readonly string[]).includes(name)) {
      throw new InvalidThresholds(
        `institution.indicators.${name}`,
        `unknown indicator (known: ${INSTITUTION_ALERT_INDICATORS.join(', ')})`,
      );
    }
    indicators[name as InstitutionAlertIndicator] = threshold(
      v,
      `institution.indicators.${name}`,
      INSTITUTION_COUNT_INDICATORS.has(name) ? 'count' : 'ratio',
    );
  }
  const person = json.person;
  if (!isObject(person)) throw new InvalidThresholds('person', 'must be an object');
  const personThresholds: MonitoringThresholds['person'] = {};
  for (const [name, v] of Object.entries(person)) {
    if (!(PERSON_ALERT_INDICATORS as readonly string[]).includes(name)) {
      throw new InvalidThresholds(`person.${name}`, `unknown indicator (known: ${PERSON_ALERT_INDICATORS.join(', ')})`);
    }
    personThresholds[name as PersonAlertIndicator] = threshold(v, `person.${name}`, 'count');
  }
  return {
    institution: {
      minVisitsPerMonth: count(inst.minVisitsPerMonth, 'institution.minVisitsPerMonth'),
      minAdmissionsPerMonth: count(inst.minAdmissionsPerMonth, 'institution.minAdmissionsPerMonth'),
      indicators,
    },
    person: personThresholds,
  };
}
