/**
 * Personal-account (个人账户) facts, on the holder's stream `person-<id>`.
 * Every event that moves money names its amount as a decimal string; the balance is
 * never stored in an event, only derived (credits − debits).
 */
import type { LocalDate } from '../../kernel/dates';
import type { PersonCategory } from '../../policy/engine/types';
import type { Relation } from '../enrollment/enrollment.events';

/** 宛政办〔2022〕42号 第八条: monthly credit (in-service from the base, retired a fixed amount). */
export interface AccountCredited {
  type: 'AccountCredited';
  data: { month: string; amount: string; category: PersonCategory; basis: Record<string, string>; clause: string; packVersion: string };
}

/**
 * What the holder's own account may be asked to pay. 第十条's forbidden purposes are
 * accepted as input so that the refusal names its clause; they are never written.
 */
export type OwnAccountPurpose =
  'pharmacy' | 'own_self_pay' | 'own_large_amount_contribution' | 'public_health' | 'fitness_wellness' | 'outside_basic_insurance';

/** Own-account purchase at a designated pharmacy, or own self-pay outside a settlement (第九条). */
export interface AccountPurchasePaid {
  type: 'AccountPurchasePaid';
  data: { paymentId: string; purpose: OwnAccountPurpose; amount: string; reference: string; paidOn: LocalDate; clause: string };
}

/** 宛政办〔2022〕42号 第九条（二）（三）: the holder's account pays for a spouse, parent or child. */
export interface FamilyAccountPayment {
  type: 'FamilyAccountPayment';
  data: {
    paymentId: string;
    beneficiaryId: string;
    relation: Relation;
    purpose: 'relative_self_pay' | 'relative_resident_contribution';
    amount: string;
    /** The beneficiary's settlement it pays, for 'relative_self_pay' at a settlement. */
    settlementId?: string;
    reference: string;
    paidOn: LocalDate;
    clause: string;
  };
}

/**
 * Gives back (part of) a family payment: its settlement was reversed, never completed, recomputed,
 * or (found by the ledger's reconciler after a crash) never recorded.
 */
export interface FamilyAccountPaymentRefunded {
  type: 'FamilyAccountPaymentRefunded';
  data: {
    paymentId: string;
    amount: string;
    reason: 'settlement_reversed' | 'settlement_not_completed' | 'settlement_recomputed' | 'settlement_not_recorded';
  };
}

/** 宛政办〔2022〕42号 第十二条: the balance moves with the person on a transfer. */
export interface AccountTransferred {
  type: 'AccountTransferred';
  data: {
    transferId: string;
    direction: 'out' | 'in';
    amount: string;
    counterpartRegion: string;
    transferredOn: LocalDate;
    clause: string;
  };
}

/** 第十二条: one-time payout on emigration, death or voluntary exit; the balance goes to zero. */
export interface AccountPaidOut {
  type: 'AccountPaidOut';
  data: { reason: 'death' | 'emigration' | 'voluntary_exit'; amount: string; paidOn: LocalDate; payee: string; clause: string };
}

/** 第十二条: inheritance, the deceased's side (balance to zero) ... */
export interface AccountBequeathed {
  type: 'AccountBequeathed';
  data: { heirId: string; amount: string; on: LocalDate; clause: string };
}

/** ... and the heir's side. */
export interface AccountInherited {
  type: 'AccountInherited';
  data: { fromPersonId: string; amount: string; on: LocalDate; clause: string };
}

export type AccountEvent =
  | AccountCredited
  | AccountPurchasePaid
  | FamilyAccountPayment
  | FamilyAccountPaymentRefunded
  | AccountTransferred
  | AccountPaidOut
  | AccountBequeathed
  | AccountInherited;
