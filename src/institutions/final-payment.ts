import { fmt, min, money, ZERO } from '../kernel/money';
import type { TraceEntry } from '../policy/engine/types';

/**
 * Year-end final payment (焦医保〔2024〕32号 四（二）, 六（一）, 附件 "经年度考核合格后"). Pure.
 *
 * entitlement   = period payable + review compensation
 * forfeited     = holdback kept by a failed assessment, at most the entitlement
 * final payment = entitlement − forfeited  (what the fund pays for the year in total)
 * adjustment    = final payment − advances − holdback released   (negative = recovered)
 *
 * so advances + holdback released + adjustment = final payment, exactly (all in fen).
 */
export interface FinalPaymentInputs {
  approvedTotal: string;
  advances: string;
  held: string;
  payable: string;
  compensation: string;
  holdbackReleased: string;
  holdbackKept: string;
}

export interface FinalPaymentResult {
  approvedTotal: string;
  payable: string;
  compensation: string;
  entitlement: string;
  advances: string;
  held: string;
  holdbackReleased: string;
  forfeited: string;
  adjustment: string;
  /** Money moved at year end: holdback released + adjustment (negative = recovered). */
  yearEndTransfer: string;
  finalPayment: string;
  trace: TraceEntry[];
}

export function computeFinalPayment(i: FinalPaymentInputs, clause: string): FinalPaymentResult {
  const entitlement = money(i.payable).plus(money(i.compensation));
  const forfeited = min(money(i.holdbackKept), entitlement);
  const finalPayment = entitlement.minus(forfeited);
  const advances = money(i.advances);
  const released = money(i.holdbackReleased);
  const adjustment = finalPayment.minus(advances).minus(released);
  const out = {
    approvedTotal: fmt(money(i.approvedTotal)),
    payable: fmt(money(i.payable)),
    compensation: fmt(money(i.compensation)),
    entitlement: fmt(entitlement),
    advances: fmt(advances),
    held: fmt(money(i.held)),
    holdbackReleased: fmt(released),
    forfeited: fmt(forfeited.isNegative() ? ZERO : forfeited),
    adjustment: fmt(adjustment),
    yearEndTransfer: fmt(released.plus(adjustment)),
    finalPayment: fmt(finalPayment),
  };
  return {
    ...out,
    trace: [
      {
        step: 'final_payment',
        clause,
        inputs: {
          payable: out.payable,
          compensation: out.compensation,
          advances: out.advances,
          holdbackReleased: out.holdbackReleased,
          holdbackKept: fmt(money(i.holdbackKept)),
        },
        result: {
          entitlement: out.entitlement,
          forfeited: out.forfeited,
          finalPayment: out.finalPayment,
          adjustment: out.adjustment,
          yearEndTransfer: out.yearEndTransfer,
        },
      },
    ],
  };
}
