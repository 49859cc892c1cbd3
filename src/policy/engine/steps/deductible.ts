/**
 * Pack key `deductible` (起付标准): per visit with the 24-hour window, annual cumulative, or a
 * fixed copay per visit. Typical clause: 宛政办〔2022〕42号 第五条（一）; 安医保〔2019〕75号 三（三）;
 * 人社部发〔2011〕59号 二 (每次就诊定额自付).
 */
import { instantMs } from '../../../kernel/dates';
import { max, min, ZERO, type Dec } from '../../../kernel/money';
import { cite } from '../../citation';
import type { DeductibleRule } from '../../pack.types';
import type { InstitutionLevel } from '../types';
import { addReason, packFigure, type Adjudication } from './context';

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
    c.trace.push({
      step: 'deductible',
      clause,
      inputs: { mode: ded.mode, eligible },
      result: { deductible: '0.00' },
      note: 'not applied: the visit is not eligible',
    });
    return { deductible: ZERO, deductibleCharged: false };
  }
  if (ded.mode === 'per_visit') return perVisit(c, ded, tier, policyScope);
  if (ded.mode === 'annual') {
    const annual = packFigure(ded.amount);
    const amount = min(max(ZERO, annual.minus(deductibleMetBefore)), policyScope);
    c.trace.push({
      step: 'deductible',
      clause,
      inputs: { mode: ded.mode, annual: c.show(annual), metBefore: c.show(deductibleMetBefore), policyScope: c.show(policyScope) },
      result: { deductible: c.show(amount), metAfter: c.show(deductibleMetBefore.plus(amount)) },
    });
    return { deductible: amount, deductibleCharged: false };
  }
  if (ded.mode === 'fixed_copay') {
    const copay = packFigure(ded.amount);
    const amount = min(copay, policyScope);
    c.trace.push({
      step: 'deductible',
      clause,
      inputs: { mode: ded.mode, copay: c.show(copay), policyScope: c.show(policyScope) },
      result: { deductible: c.show(amount) },
    });
    return { deductible: amount, deductibleCharged: false };
  }
  c.trace.push({ step: 'deductible', clause, inputs: { mode: ded.mode }, result: { deductible: '0.00' } });
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
  c.trace.push({
    step: 'deductible',
    clause: cite(c.benefit.deductible),
    inputs: {
      mode: ded.mode,
      level: tier,
      standard: c.show(standard),
      policyScope: c.show(policyScope),
      windowHours: ded.windowHours,
      ...(eitherSide ? { window: 'either_side' } : {}),
      chargedWithinWindowOn: earlier?.visitId ?? null,
    },
    result: { deductible: c.show(amount), charged },
  });
  return { deductible: amount, deductibleCharged: charged };
}
