/**
 * One person, one stream: `person-<id>` holds the person's enrolment, visit and account
 * facts, so every command is one atomic append checked against the stream's revision.
 * Each module folds its own part; unrelated events pass through its evolve untouched.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { AccountState, evolveAccount, initialAccountState } from './accounts/accounts.state';
import { ClaimsState, evolveClaims, initialClaimsState } from './claims/claims.state';
import { EnrollmentState, evolveEnrollment, initialEnrollmentState } from './enrollment/enrollment.state';

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
