/**
 * Issue 15 item 4: the facts of a correction to an institution's declared month, on the
 * institution's stream. The original MonthDeclared / MonthApproved / AdvancePaid /
 * PeriodSettled / FinalPaymentMade events are never changed: these record what the
 * correction recomputed and the money that moves because of it.
 */
import type { LocalDate } from '../kernel/dates';
import type { FinalPaymentResult } from './final-payment';
import type { Month } from './institution.types';
import type { PeriodOutcome } from './period-settlement';

/** A month's declared figures as the agency verified them (fund due = the approved amount). */
export interface MonthFigures {
  visits: number;
  totalCost: string;
  fundDue: string;
}

export interface InstitutionMonthCorrected {
  type: 'InstitutionMonthCorrected';
  data: {
    correctionId: string;
    disputeId?: string;
    month: Month;
    previous: MonthFigures;
    corrected: MonthFigures;
    reason: string;
    correctedOn: LocalDate;
    clause: string;
  };
}

/** The month's 95 % advance and 5 % holdback on the corrected approved amount (四（二）). */
export interface InstitutionAdvanceRecomputed {
  type: 'InstitutionAdvanceRecomputed';
  data: {
    correctionId: string;
    month: Month;
    previous: { amount: string; held: string };
    recomputed: { amount: string; held: string };
    clause: string;
  };
}

/** The period settlement over the corrected months (四（一）). */
export interface InstitutionPeriodResettled {
  type: 'InstitutionPeriodResettled';
  data: { correctionId: string; year: number; previous: { payable: string; overspend: string }; outcome: PeriodOutcome };
}

/** The final payment on the corrected settlement (四（二）, 六（一）). */
export interface InstitutionFinalPaymentRecomputed {
  type: 'InstitutionFinalPaymentRecomputed';
  data: { correctionId: string; year: number; previous: { finalPayment: string }; recomputed: FinalPaymentResult };
}

/** Money the fund takes back from the institution: 追回违规费用 (焦医保〔2024〕32号 五（二）). */
export interface InstitutionFundRecovered {
  type: 'InstitutionFundRecovered';
  data: { correctionId: string; year: number; amount: string; clause: string };
}

/** Money the fund still owes the institution after a correction in its favour. */
export interface InstitutionFundToppedUp {
  type: 'InstitutionFundToppedUp';
  data: { correctionId: string; year: number; amount: string; clause: string };
}

export type InstitutionMonthCorrectionEvent =
  | InstitutionMonthCorrected
  | InstitutionAdvanceRecomputed
  | InstitutionPeriodResettled
  | InstitutionFinalPaymentRecomputed
  | InstitutionFundRecovered
  | InstitutionFundToppedUp;

const MONTH_CORRECTION_EVENT_TYPES: ReadonlyArray<InstitutionMonthCorrectionEvent['type']> = [
  'InstitutionMonthCorrected',
  'InstitutionAdvanceRecomputed',
  'InstitutionPeriodResettled',
  'InstitutionFinalPaymentRecomputed',
  'InstitutionFundRecovered',
  'InstitutionFundToppedUp',
];

export function isMonthCorrectionEvent(event: { type: string }): event is InstitutionMonthCorrectionEvent {
  return (MONTH_CORRECTION_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** What CorrectMonth writes after InstitutionMonthCorrected: decided with it, never a command of its own. */
export type MonthCorrectionConsequence = Exclude<InstitutionMonthCorrectionEvent, InstitutionMonthCorrected>;
export function isMonthCorrectionConsequence(event: { type: string }): event is MonthCorrectionConsequence {
  return isMonthCorrectionEvent(event) && event.type !== 'InstitutionMonthCorrected';
}
