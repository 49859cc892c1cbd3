/**
 * One person, one stream: `person-<id>` holds the person's enrollment, visit and account
 * facts, so every command is one atomic append checked against the stream's revision.
 * Each module folds its own part; unrelated events pass through its evolve untouched.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { AccountState, evolveAccount, initialAccountState } from './accounts/accounts.state';
import { ClaimsState, evolveClaims, initialClaimsState } from './claims/claims.state';
import { EnrollmentState, evolveEnrollment, initialEnrollmentState } from './enrollment/enrollment.state';
// Upcasters register on import: whatever folds a person stream reads current shapes.
import './person-upcasters';

export const personStreamId = (personId: string): string => `person-${personId}`;

export interface PersonState {
  enrollment: EnrollmentState;
  claims: ClaimsState;
  account: AccountState;
  /** Revision of the last event folded (-1 = no stream). */
  revision: number;
}

export const initialPersonState = (): PersonState => ({
  enrollment: initialEnrollmentState(),
  claims: initialClaimsState(),
  account: initialAccountState(),
  revision: -1,
});

export function evolvePerson(state: PersonState, event: Pick<RecordedEvent, 'type' | 'data' | 'revision'>): PersonState {
  return {
    enrollment: evolveEnrollment(state.enrollment, event),
    claims: evolveClaims(state.claims, event),
    account: evolveAccount(state.account, event),
    revision: event.revision,
  };
}

export function foldPerson(events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'data' | 'revision'>>): PersonState {
  return events.reduce(evolvePerson, initialPersonState());
}

/** When the fact happened (the event's `occurredAt`), read from its own data; recordedAt comes from the clock. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any event type's stored data, read by field name
export function occurredAtOf(event: { type: string; data: any }): string | undefined {
  const d = event.data ?? {};
  switch (event.type) {
    case 'PersonEnrolled':
      return d.enrolledOn;
    case 'RetiredStatusChanged':
      return d.processedOn;
    case 'ContributionBaseChanged':
      return d.effectiveFrom;
    case 'InpatientAdmitted':
      return d.admittedOn;
    case 'InpatientDischarged':
      return d.dischargedOn;
    case 'OffSiteResidenceRegistered':
      return d.from;
    case 'ReferralRecorded':
      return d.referredOn;
    case 'FamilyDoctorContracted':
      return d.from;
    case 'VisitSettled':
      return d.visit?.occurredAt;
    case 'SettlementReversed':
      return d.reversedAt;
    case 'AccountCredited':
      return d.month ? `${d.month}-01` : undefined;
    case 'AccountPurchasePaid':
    case 'FamilyAccountPayment':
      return d.paidOn;
    case 'AccountTransferred':
      return d.transferredOn;
    case 'AccountPaidOut':
      return d.paidOn;
    case 'AccountBequeathed':
    case 'AccountInherited':
      return d.on;
    case 'EnrolmentEnded':
      return d.endedOn;
    // Issue 15: a correction happens when it is applied; the settlement it adjusts keeps its own date.
    case 'SettlementAdjusted':
      return d.adjustedAt;
    case 'AccountRefunded':
    case 'AccountRecovered':
    case 'ReceivableRecorded':
    case 'RelativeAccountRefunded':
    case 'RelativeAccountRecovered':
      return d.on;
    case 'PersonCategoryCorrected':
      return d.correctedAt;
    default:
      return undefined;
  }
}
