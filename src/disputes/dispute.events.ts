/**
 * Issue 15: a dispute's lifecycle on its own stream `dispute-<disputeId>`. This file is the
 * contract between the write side and the read side (lists, monitoring, auditor page).
 */
import type { CorrectionSpec, Money3 } from '../corrections/correction.events';

export type DisputeSubject =
  | { kind: 'settlements'; personId: string; settlementIds: string[] }
  | { kind: 'account-movement'; personId: string; movementId: string }
  | { kind: 'institution-month'; institutionCode: string; month: string };

/** Who opened it: the agency, the institution whose settlement it is, or someone on a person's behalf. */
export interface DisputeOpener {
  role: 'agency' | 'institution' | 'on-behalf';
  institutionCode?: string;
  onBehalfOf?: string;
  keyId?: string;
}

/** The ledger's analysis on opening: the alleged facts re-adjudicated by the what-if engine. */
export interface DisputeAnalysis {
  changes: Array<{ settlementId: string; recorded: Money3; alleged: Money3; delta: Money3; divergence?: { step: string; clause: string } }>;
  totals: Money3;
  /** An institution-month dispute (issue 15 item 4): what the correction of the month would write and move. */
  institutionMonth?: {
    institutionCode: string;
    month: string;
    changed: boolean;
    recovered: string;
    toppedUp: string;
    /** Types of the events CorrectMonth would write, in order. */
    events: string[];
  };
  /** Why the alleged facts could not be analysed, if so. */
  error?: string;
}

export interface DisputeOpened {
  type: 'DisputeOpened';
  data: {
    disputeId: string;
    openedAt: string;
    openedBy: DisputeOpener;
    subject: DisputeSubject;
    /** Involved institution (for listing and monitoring), when known. */
    institutionCode?: string;
    grounds: { code: string; text: string };
    allegedFacts?: CorrectionSpec;
    analysis: DisputeAnalysis;
  };
}

export interface DisputeRejected {
  type: 'DisputeRejected';
  data: { disputeId: string; resolvedAt: string; reason: string; by: { role: 'agency'; keyId?: string } };
}

export interface DisputeUpheld {
  type: 'DisputeUpheld';
  data: { disputeId: string; resolvedAt: string; correctionId: string; by: { role: 'agency'; keyId?: string } };
}

export type DisputeEvent = DisputeOpened | DisputeRejected | DisputeUpheld;
export const disputeStreamId = (disputeId: string): string => `dispute-${disputeId}`;
export const correctionStreamId = (correctionId: string): string => `correction-${correctionId}`;
