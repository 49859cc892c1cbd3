/**
 * Pack key `deductible` (起付标准): per visit with the 24-hour window, annual cumulative, or a
 * fixed copay per visit. Typical clause: 宛政办〔2022〕42号 第五条（一）; 安医保〔2019〕75号 三（三）;
 * 人社部发〔2011〕59号 二 (每次就诊定额自付).
 */
import { instantMs } from '../../../kernel/dates';
import { max, min, ZERO, type Dec } from '../../../kernel/money';
import { cite } from '../../citation';
import type { DeductibleRule } from '../../pack.types';
import type { InstitutionLevel, TraceEntry } from '../types';
import { addReason, packFigure, traceStep, type Adjudication } from './context';

export interface Deductible {
  deductible: Dec;
  /** This visit charged a per-visit deductible (it opens a window). */
  deductibleCharged: boolean;
}

const MS_PER_HOUR = 3_600_000;

export function deductible(
  c: Adjudication,
  eligible: boolean,
  tier: InstitutionLevel,
  policyScope: Dec,
  deductibleMetBefore: Dec,
): Deductible {
  const rule = c.benefit.deductible;
  const ded = rule.value;
  const clause = cite(rule);
  if (!eligible) {
    traceStep(c, 'deductible', clause, { eligible, mode: ded.mode }, { deductible: '0.00' }, 'not applied: the visit is not eligible');
    return { deductible: ZERO, deductibleCharged: false };
  }
  if (ded.mode === 'per_visit') return perVisit(c, ded, tier, policyScope);
  if (ded.mode === 'annual') {
    const annual = packFigure(ded.amount);
    const amount = min(max(ZERO, annual.minus(deductibleMetBefore)), policyScope);
    traceStep(
      c,
      'deductible',
      clause,
      { annual: c.show(annual), metBefore: c.show(deductibleMetBefore), mode: ded.mode, policyScope: c.show(policyScope) },
      { deductible: c.show(amount), metAfter: c.show(deductibleMetBefore.plus(amount)) },
    );
    return { deductible: amount, deductibleCharged: false };
  }
  if (ded.mode === 'fixed_copay') {
    const copay = packFigure(ded.amount);
    const amount = min(copay, policyScope);
    traceStep(
      c,
      'deductible',
      clause,
      { copay: c.show(copay), mode: ded.mode, policyScope: c.show(policyScope) },
      { deductible: c.show(amount) },
    );
    return { deductible: amount, deductibleCharged: false };
  }
  traceStep(c, 'deductible', clause, { mode: ded.mode }, { deductible: '0.00' });
  return { deductible: ZERO, deductibleCharged: false };
}

/** One deductible per window at one institution, counted from the visit that was charged (宛政办〔2022〕42号 第五条（一）: 24 小时内). */
function perVisit(
  c: Adjudication,
  ded: Extract<DeductibleRule, { mode: 'per_visit' }>,
  tier: InstitutionLevel,
  policyScope: Dec,
): Deductible {
  const { visit, yearToDate } = c.input;
  const institution = visit.institution;
  const standard = packFigure(ded.byLevel[tier] ?? '0');
  const windowMs = ded.windowHours * MS_PER_HOUR;
  const eitherSide = ded.window === 'either_side';
  // "Within 24 hours" is strict: a visit exactly windowHours from the charged one opens a new window.
  const inWindow = (age: number): boolean => (eitherSide ? Math.abs(age) < windowMs : age >= 0 && age < windowMs);
  const earlier = standard.greaterThan(0)
    ? yearToDate.deductibleCharges.find(
        (k) => k.institutionCode === institution.code && k.visitId !== visit.visitId && inWindow(c.occurredMs - instantMs(k.at)),
      )
    : undefined;
  let amount = ZERO;
  let charged = false;
  if (earlier) {
    addReason(
      c.flags,
      'DEDUCTIBLE_WAIVED_24H',
      c.benefit.deductible,
      `a deductible was charged at ${institution.code} on visit ${earlier.visitId} at ${earlier.at}, within ${ded.windowHours} hours`,
    );
  } else {
    amount = min(standard, policyScope);
    charged = amount.greaterThan(0);
  }
  traceStep(c, 'deductible', cite(c.benefit.deductible), perVisitInputs(c, ded, tier, policyScope, standard, earlier?.visitId ?? null), {
    charged,
    deductible: c.show(amount),
  });
  return { deductible: amount, deductibleCharged: charged };
}

/** The per-visit trace inputs, members in canonical order (context.ts); `window` only for an either-side window. */
function perVisitInputs(
  c: Adjudication,
  ded: Extract<DeductibleRule, { mode: 'per_visit' }>,
  tier: InstitutionLevel,
  policyScope: Dec,
  standard: Dec,
  chargedWithinWindowOn: string | null,
): TraceEntry['inputs'] {
  const level = tier;
  const { mode, windowHours } = ded;
  const scope = c.show(policyScope);
  const shown = c.show(standard);
  // Two literals, not a spread of a common part: this runs for most decisions.
  return ded.window === 'either_side'
    ? { chargedWithinWindowOn, level, mode, policyScope: scope, standard: shown, window: 'either_side', windowHours }
    : { chargedWithinWindowOn, level, mode, policyScope: scope, standard: shown, windowHours };
}
