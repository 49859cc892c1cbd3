/**
 * Reconciliation of an imported settlement (issue 12 item 2): where the historical fund,
 * account or cash payment differs from the policy's decision, the trace step and clause
 * where they part. Pure: a decision and the historical figures in, a finding out.
 */
import { Dec, money } from '../kernel/money';
import type { Decision, TraceEntry } from '../policy/engine/types';
import type { HistoricalSettlement } from '../modules/claims/claims.events';

export interface Finding {
  setl_id: string;
  psn_no: string;
  line: number;
  historical: { fund: string; account: string; cash: string };
  policy: { fund: string; account: string; cash: string };
  /** Policy minus historical, per payer. */
  difference: { fund: string; account: string; cash: string };
  step: string;
  clause: string;
  explanation: string;
  policyVersion: string;
}

const fen = (d: Dec): string => d.toFixed(2);
const stepOf = (d: Decision, step: string): TraceEntry | undefined => d.trace.find((t) => t.step === step);

/** The first step whose figure the historical payment contradicts, with why. */
function partingStep(d: Decision, histFund: Dec): { step: string; explanation: string } {
  const a = d.amounts;
  const failed = d.trace.find((t) => t.step.startsWith('eligibility') && t.result.ok === false);
  if (failed) return { step: failed.step, explanation: `the policy pays nothing (${failed.step}); the fund paid ${fen(histFund)}` };
  if (money(a.fund).lessThan(money(a.fundBeforeCap)) && histFund.greaterThan(money(a.fund))) {
    return { step: 'fund', explanation: `the annual cap leaves ${a.capRemainingBefore}; the fund paid ${fen(histFund)}` };
  }
  const scope = money(a.policyScope);
  const base = scope.minus(money(a.deductible));
  // Rates are whole half-percents and deductibles whole yuan: whichever the historical fund
  // fits (to the fen's rounding) names the step. The rate is tried first: it needs no guess.
  const impliedRate = base.isZero() ? undefined : histFund.dividedBy(base).toDecimalPlaces(3, Dec.ROUND_HALF_UP);
  if (impliedRate && fitsToTheFen(base.times(impliedRate), histFund) && impliedRate.times(200).isInteger()) {
    return {
      step: 'rate',
      explanation: `the policy pays ${a.rate} of ${fen(base)}; the historical fund is ${impliedRate.toString()} of it`,
    };
  }
  const rate = new Dec(a.rate);
  if (!rate.isZero()) {
    const impliedDeductible = scope.minus(histFund.dividedBy(rate)).toDecimalPlaces(0, Dec.ROUND_HALF_UP);
    if (impliedDeductible.greaterThanOrEqualTo(0) && fitsToTheFen(scope.minus(impliedDeductible).times(rate), histFund)) {
      return {
        step: 'deductible',
        explanation: `the policy deducts ${a.deductible}; the historical fund implies ${fen(impliedDeductible)} at rate ${a.rate}`,
      };
    }
  }
  return {
    step: 'rate',
    explanation: `the policy pays ${a.rate} of ${fen(base)}; the historical fund (${fen(histFund)}) fits no whole rate or deductible`,
  };
}

/** Equal once rounded to the fen, half-up (how every payment is rounded). */
function fitsToTheFen(exact: Dec, paid: Dec): boolean {
  return exact.toDecimalPlaces(2, Dec.ROUND_HALF_UP).equals(paid);
}

/** A finding when any of fund, account, cash differ; undefined when the history agrees with the policy. */
export function reconcile(d: Decision, h: HistoricalSettlement, psnNo: string, line: number): Finding | undefined {
  const historical = { fund: fen(money(h.fund_pay_sumamt)), account: fen(money(h.acct_pay)), cash: fen(money(h.psn_cash_pay)) };
  const policy = { fund: d.amounts.fund, account: d.amounts.account, cash: d.amounts.cash };
  if (historical.fund === policy.fund && historical.account === policy.account && historical.cash === policy.cash) return undefined;
  const difference = {
    fund: fen(money(policy.fund).minus(money(historical.fund))),
    account: fen(money(policy.account).minus(money(historical.account))),
    cash: fen(money(policy.cash).minus(money(historical.cash))),
  };
  const parting =
    historical.fund !== policy.fund
      ? partingStep(d, money(historical.fund))
      : { step: 'account', explanation: `the account pays ${policy.account} under the policy; historically ${historical.account}` };
  return {
    setl_id: h.setl_id,
    psn_no: psnNo,
    line,
    historical,
    policy,
    difference,
    step: parting.step,
    clause: stepOf(d, parting.step)?.clause ?? '',
    explanation: parting.explanation,
    policyVersion: d.policy.version,
  };
}
