/**
 * Claims facts on the person's stream. `VisitSettled` carries everything replay needs:
 * the visit facts as given, the institution facts used, the year-to-date state the
 * engine saw, the policy version, and the whole decision with its trace.
 */
import type { AccountRequest, Decision, InstitutionFacts, VisitFacts, YearToDate } from '../../policy/engine/types';

export interface VisitSettled {
  type: 'VisitSettled';
  data: {
    settlementId: string;
    visit: VisitFacts;
    institution: InstitutionFacts;
    yearToDate: YearToDate;
    /** Account request as adjudicated (the balance seen, and for a relative the holder). */
    account: AccountRequest;
    /** Family payment on the holder's stream that pays this settlement's relative part. */
    familyPayment?: { holderId: string; paymentId: string; amount: string };
    policyVersion: string;
    decision: Decision;
    /** Issue 12.2: an imported settlement's figures as paid at the time; replay recomputes `decision` only. */
    historical?: HistoricalSettlement;
  };
}

/** What was paid historically (national names), kept beside the re-adjudicated decision. */
export interface HistoricalSettlement {
  setl_id: string;
  fund_pay_sumamt: string;
  acct_pay: string;
  psn_cash_pay: string;
  source: string;
}

/**
 * Reversal (national interface 2208). Restores the cap usage and the own-account payment
 * on this stream; a relative's account is refunded by `FamilyAccountPaymentRefunded` on
 * the holder's stream.
 */
export interface SettlementReversed {
  type: 'SettlementReversed';
  data: {
    settlementId: string;
    reversedAt: string;
    reason: string;
    fundRestored: string;
    accountRestored: string;
    relativeAccountRestored: string;
    clause: string;
  };
}

export type ClaimsEvent = VisitSettled | SettlementReversed;
