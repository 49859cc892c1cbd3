/**
 * Issue 15: the facts of a retroactive correction. This file is the contract between the
 * write side (src/corrections, src/disputes) and the read side (projections, audit,
 * monitoring, auditor page). Original `VisitSettled` events are never changed: a
 * correction appends, on each affected person's stream, one `SettlementAdjusted` per
 * settlement whose figures change, and the money that moves because of it.
 *
 * Amounts are decimal strings to the fen. Deltas are `adjusted − previous` (signed).
 */
import type { AdjudicationInput, Decision, InstitutionLevel, PersonCategory } from '../policy/engine/types';
import type { PolicyOverride } from './derived-pack';
import type { LocalDate } from '../kernel/dates';
import type { MonthFigures } from '../institutions/month-correction.events';

/** What a correction changes. One kind per correction. */
export type CorrectionSpec = PersonCorrectionSpec | InstitutionMonthSpec;

/**
 * Issue 15 item 4: an institution's month as verified (visits, total cost, fund due = the
 * approved amount), after approval or advance. Recomputed by CorrectMonth on the
 * institution's stream (src/institutions/month-correction.ts); `correctedOn` defaults to
 * the day the correction is applied.
 */
export interface InstitutionMonthSpec {
  kind: 'institution-month';
  institutionCode: string;
  month: string;
  corrected: MonthFigures;
  reason: string;
  correctedOn?: LocalDate;
}

/** The kinds the engine re-adjudicates settlements for (src/corrections/correction-engine.ts). */
export type PersonCorrectionSpec =
  /** The person's category from a date (e.g. retired from 2023-01-01 instead of in service). */
  | { kind: 'person-category'; personId: string; category: PersonCategory; from: LocalDate }
  /** An institution's level (or designation) from a date. */
  | { kind: 'institution-level'; institutionCode: string; level: InstitutionLevel; from: LocalDate }
  /** One settlement's bill lines as they should have been (the whole corrected list). */
  | { kind: 'settlement-lines'; personId: string; settlementId: string; lines: unknown[] }
  /**
   * A policy parameter corrected for a period: `path` is the pack key (e.g.
   * "caps.in_service"), `value` the corrected cited value, applied to settlements under
   * `packId` with visit dates in [from, to].
   */
  | {
      kind: 'policy-parameter';
      packId: string;
      path: string;
      value: unknown;
      from: LocalDate;
      to: LocalDate;
      document: string;
      clause: string;
    };

export interface Money3 {
  fund: string;
  account: string;
  cash: string;
}

/** On `correction-<correctionId>`: the correction as decided, before any person stream is touched. */
export interface CorrectionApplied {
  type: 'CorrectionApplied';
  data: {
    correctionId: string;
    disputeId?: string;
    spec: CorrectionSpec;
    appliedAt: string;
    appliedBy: { role: string; keyId?: string };
    /** The derived pack version, when the correction is to a policy parameter. */
    correctedPolicyVersion?: string;
    /**
     * Every settlement re-adjudicated that the correction is about or that changed, in order.
     * `changed`: a SettlementAdjusted is written for it — its figures change, or its own
     * facts or pack were corrected and its decision reads differently even though its money
     * does not move (delta zero; later corrections start from the corrected facts).
     */
    affected: Array<{ personId: string; settlementId: string; changed: boolean; delta: Money3 }>;
    totals: Money3;
  };
}

/** On `person-<id>`: a settlement's figures after a correction. */
export interface SettlementAdjusted {
  type: 'SettlementAdjusted';
  data: {
    settlementId: string;
    correctionId: string;
    disputeId?: string;
    adjustedAt: string;
    /** Pack version the new decision was made under (the original's, or the derived one). */
    policyVersion: string;
    /** Set when the correction is to a policy parameter: replay derives the pack with derivePack(). */
    policyOverride?: PolicyOverride;
    /**
     * Everything the engine was given, corrected (visit with its institution, person facts,
     * year-to-date threaded in visit order, account request): replay recomputes
     * adjudicate(input, pack) and compares with `decision`, as it does for VisitSettled.
     */
    input: AdjudicationInput;
    previous: Money3;
    adjusted: Money3;
    delta: Money3;
    /** The whole new decision with its trace; `explain` shows it beside the original. */
    decision: Decision;
    /** First trace step where the two decisions part, with its clause. */
    divergence: { step: string; clause: string };
  };
}

/** On `person-<id>`: money back to the personal account (the account paid too much). */
export interface AccountRefunded {
  type: 'AccountRefunded';
  data: { correctionId: string; settlementId: string; amount: string; on: string; clause: string };
}

/** On `person-<id>`: money taken back from the personal account (it paid too little), never below zero. */
export interface AccountRecovered {
  type: 'AccountRecovered';
  data: { correctionId: string; settlementId: string; amount: string; on: string; clause: string };
}

/**
 * On `person-<id>`: cash owed because of a correction. `owedTo: 'person'` — the fund or the
 * account now pays more, so the person is owed what they paid in cash; `owedTo: 'fund'` —
 * the person must pay back (including what the account could not cover).
 */
export interface ReceivableRecorded {
  type: 'ReceivableRecorded';
  data: { correctionId: string; settlementId: string; owedTo: 'person' | 'fund'; amount: string; on: string; clause: string };
}

/**
 * On `person-<id>`: the person's category corrected from a date. Folded into the category
 * timeline, so visits settled after the correction use it too.
 */
export interface PersonCategoryCorrected {
  type: 'PersonCategoryCorrected';
  data: { correctionId: string; disputeId?: string; category: PersonCategory; from: LocalDate; correctedAt: string };
}

/** On the institution's stream: its level corrected from a date; later settlements use it too. */
export interface InstitutionLevelCorrected {
  type: 'InstitutionLevelCorrected';
  data: {
    correctionId: string;
    disputeId?: string;
    institutionCode: string;
    level: InstitutionLevel;
    from: LocalDate;
    correctedAt: string;
  };
}

/**
 * On the holder's `person-<holderId>`: money back to a relative's account that paid for the
 * beneficiary's settlement (family payment `paymentId`) more than the corrected decision takes,
 * up to what it still holds for that settlement.
 */
export interface RelativeAccountRefunded {
  type: 'RelativeAccountRefunded';
  data: RelativeAccountMoney;
}

/** On the holder's `person-<holderId>`: what the corrected decision takes more from the relative's account, never below its balance. */
export interface RelativeAccountRecovered {
  type: 'RelativeAccountRecovered';
  data: RelativeAccountMoney;
}

/** Which correction, whose settlement, which family payment; the amount moved on the holder's account. */
export interface RelativeAccountMoney {
  correctionId: string;
  disputeId?: string;
  beneficiaryId: string;
  settlementId: string;
  paymentId: string;
  amount: string;
  on: string;
  clause: string;
}

export type CorrectionHolderEvent = RelativeAccountRefunded | RelativeAccountRecovered;

export type CorrectionPersonEvent = SettlementAdjusted | AccountRefunded | AccountRecovered | ReceivableRecorded | PersonCategoryCorrected;
