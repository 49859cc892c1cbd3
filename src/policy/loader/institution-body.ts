/**
 * The institution-side section of a city pack (the settlement figures the institution module
 * reads: 焦医保〔2024〕32号 四/六, 安医保〔2019〕75号 四/附件), shape-checked with zod when the
 * pack loads. Cross-field rules the schemas cannot state are checked as code below.
 */
import { z } from 'zod';
import { Dec, MONEY_PATTERN, RATE_PATTERN } from '../../kernel/money';
import { Checker, isObject, type Json } from './checker';

const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case name');
const year = z.number().int().min(1900).max(2999);
const positiveInt = z.number().int().positive();
const money = z
  .string()
  .regex(MONEY_PATTERN, 'must be a money string')
  .refine((v) => new Dec(v).greaterThan(0), 'must be greater than 0');
const share = z
  .string()
  .regex(RATE_PATTERN, 'must be a rate string')
  .refine((v) => new Dec(v).greaterThan(0) && new Dec(v).lessThanOrEqualTo(1), 'must be in (0, 1]');

/** Each known key of `institution` and the shape of its value. Other keys need only be cited. */
export const INSTITUTION_RULES = {
  categories: z.array(slug).min(1),
  perVisitAverageBase: z.object({ year, byCategory: z.record(slug, money) }),
  growthCap: z.object({ year, rate: share }),
  specialtyBaseWeights: z.object({
    weightsOldestToNewest: z.array(positiveInt).min(1),
    covidBestOf: z.object({ best: positiveInt, of: positiveInt }).refine((b) => b.best <= b.of, 'best must not exceed of'),
  }),
  otherInstitutions: z.object({ urbanLevel1OrUnrated: slug, townshipLevel1OrUnrated: slug, villageClinicsExempt: z.boolean() }),
  monthlySettlement: z.object({
    declareByDay: positiveInt.max(28, 'must be a day every month has (1..28)'),
    advanceShare: share,
    heldShare: share,
  }),
  overspendReview: z.object({
    sampleSize: positiveInt,
    fullPaymentWhenNoViolations: z.boolean(),
    partialBelowShare: share,
    nothingAtOrAboveShare: share,
  }),
  fundingPerPerson: z.object({ year, total: money, consultationOrContract: money }),
} as const;

export type InstitutionRuleValues = { [K in keyof typeof INSTITUTION_RULES]: z.infer<(typeof INSTITUTION_RULES)[K]> };

export function checkInstitution(c: Checker, section: unknown): void {
  if (!c.object(section, 'institution')) return;
  for (const [key, rule] of Object.entries(section)) {
    const schema = (INSTITUTION_RULES as Record<string, z.ZodType>)[key];
    c.cited(rule, `institution.${key}`, (value, path) => {
      if (!schema) return;
      const parsed = schema.safeParse(value);
      if (!parsed.success) for (const issue of parsed.error.issues) c.fail([path, ...issue.path].join('.'), issue.message);
    });
  }
  if (c.violations.length === 0) crossChecks(c, section);
}

const valueOf = (section: Json, key: string): Json | undefined =>
  isObject(section[key]) ? ((section[key] as Json).value as Json) : undefined;

function crossChecks(c: Checker, section: Json): void {
  const base = valueOf(section, 'perVisitAverageBase');
  const growth = valueOf(section, 'growthCap');
  if (base && growth && base.year !== growth.year)
    c.fail('institution.growthCap.value.year', `must be the base's year ${String(base.year)}`);
  const weights = valueOf(section, 'specialtyBaseWeights');
  if (weights) {
    const { weightsOldestToNewest, covidBestOf } = weights as { weightsOldestToNewest: number[]; covidBestOf: { of: number } };
    if (covidBestOf.of < weightsOldestToNewest.length)
      c.fail('institution.specialtyBaseWeights.value.covidBestOf.of', 'must cover at least the weighted years');
  }
  const monthly = valueOf(section, 'monthlySettlement');
  if (monthly && !new Dec(monthly.advanceShare as string).plus(monthly.heldShare as string).equals(1)) {
    c.fail('institution.monthlySettlement.value', 'advanceShare + heldShare must equal 1');
  }
  const funding = valueOf(section, 'fundingPerPerson');
  if (funding && new Dec(funding.consultationOrContract as string).greaterThan(funding.total as string)) {
    c.fail('institution.fundingPerPerson.value.consultationOrContract', 'must not exceed total');
  }
}
