import { InvalidInput } from '../kernel/errors';
import { Dec, fmt, money, toFen, ZERO } from '../kernel/money';
import type { TraceEntry } from '../policy/engine/types';
import { cite, SettlementParameters } from './settlement-parameters';

/**
 * Year-end review of a reasonable overspend (焦医保〔2024〕32号 六（一）). Pure.
 *
 * Experts review the costliest visits (100 by default; the document allows more, fewer or
 * a random sample). Violation share = violating cost / total cost of the reviewed visits
 * — we read "门诊总费用" as the reviewed sample's total, since the share measures the
 * sample. No violation → the overspend is paid in full; share below 60% → only the
 * compliant share of the overspend (overspend × (1 − share)); 60% or more → nothing.
 */
export type ReviewOutcome = 'paid_in_full' | 'compliant_share' | 'not_paid';

export interface ReviewFindings {
  reviewedVisits: number;
  violatingCost: string;
  reviewedCost: string;
}

export interface ReviewResult {
  reviewedVisits: number;
  violatingCost: string;
  reviewedCost: string;
  /** Violating / reviewed, 8 decimals, for display; the decision uses the exact ratio. */
  share: string;
  band: string;
  outcome: ReviewOutcome;
  overspend: string;
  compensation: string;
  /** Set when the sample size differs from the document's default (allowed, but noted). */
  sampleNote: string | null;
  clause: string;
  trace: TraceEntry[];
}

export function reviewOverspend(overspendAmount: string, findings: ReviewFindings, params: SettlementParameters): ReviewResult {
  const overspend = money(overspendAmount);
  const violating = money(findings.violatingCost);
  const reviewed = money(findings.reviewedCost);
  if (!Number.isInteger(findings.reviewedVisits) || findings.reviewedVisits <= 0)
    throw new InvalidInput('reviewedVisits', 'must be a positive integer');
  if (reviewed.lessThanOrEqualTo(0)) throw new InvalidInput('reviewedCost', 'must be positive');
  if (violating.isNegative() || violating.greaterThan(reviewed))
    throw new InvalidInput('violatingCost', 'must be between 0 and reviewedCost');

  const bandParam = params.jiaozuo.review.noCompensationFromShare;
  const band = new Dec(bandParam.value);
  const clause = cite(bandParam);
  const shareExact = violating.dividedBy(reviewed);
  let outcome: ReviewOutcome;
  let compensation: Dec;
  if (violating.isZero()) {
    outcome = 'paid_in_full';
    compensation = overspend;
  } else if (shareExact.lessThan(band)) {
    outcome = 'compliant_share';
    // overspend × (reviewed − violating) / reviewed: the exact compliant share, one rounding.
    compensation = toFen(overspend.times(reviewed.minus(violating)).dividedBy(reviewed));
  } else {
    outcome = 'not_paid';
    compensation = ZERO;
  }
  const sampleSize = params.jiaozuo.review.sampleSize.value;
  const sampleNote =
    findings.reviewedVisits === sampleSize
      ? null
      : `sample of ${findings.reviewedVisits} visits instead of ${sampleSize} (六（一） allows adjusting the sample)`;
  const share = shareExact.toDecimalPlaces(8, Dec.ROUND_HALF_UP).toFixed(8);
  return {
    reviewedVisits: findings.reviewedVisits,
    violatingCost: fmt(violating),
    reviewedCost: fmt(reviewed),
    share,
    band: bandParam.value,
    outcome,
    overspend: fmt(overspend),
    compensation: fmt(compensation),
    sampleNote,
    clause,
    trace: [
      {
        step: 'overspend_review',
        clause,
        inputs: {
          overspend: fmt(overspend),
          reviewedVisits: findings.reviewedVisits,
          violatingCost: fmt(violating),
          reviewedCost: fmt(reviewed),
          band: bandParam.value,
        },
        result: { share, outcome, compensation: fmt(compensation) },
        ...(sampleNote ? { note: sampleNote } : {}),
      },
    ],
  };
}
