import type { LocalDate } from '../../kernel/dates';
import { money } from '../../kernel/money';
import type { DatedPeriod, PersonCategory, PersonFacts, RecordedContract, RecordedReferral, Scheme } from '../../policy/engine/types';
import type { PersonCategoryCorrected } from '../../corrections/correction.events';
import type { EnrollmentEvent, ExitReason, Relation } from './enrollment.events';

export interface EnrollmentState {
  enrolled: boolean;
  personId?: string;
  scheme?: Scheme;
  region?: string;
  enrollments: DatedPeriod[];
  /** Category changes in effect order. */
  categoryTimeline: Array<{ from: LocalDate; category: PersonCategory }>;
  contributionBases: Array<{ from: LocalDate; amount: string }>;
  relatives: Array<{ personId: string; relation: Relation }>;
  inpatientStays: DatedPeriod[];
  offSiteRegistrations: DatedPeriod[];
  /** With the revision of the event that recorded each (the decision trace names it). */
  referrals: RecordedReferral[];
  firstContactInstitutions: Record<string, string>;
  familyDoctorContracts: Array<RecordedContract & { fee: string; fundPays: string }>;
  ended?: { on: LocalDate; reason: ExitReason };
}

export const initialEnrollmentState = (): EnrollmentState => ({
  enrolled: false,
  enrollments: [],
  categoryTimeline: [],
  contributionBases: [],
  relatives: [],
  inpatientStays: [],
  offSiteRegistrations: [],
  referrals: [],
  firstContactInstitutions: {},
  familyDoctorContracts: [],
});

/** Folds enrollment facts; events of other modules on the same stream pass through. */
export function evolveEnrollment(state: EnrollmentState, event: { type: string; data: unknown; revision?: number }): EnrollmentState {
  const e = event as EnrollmentEvent | PersonCategoryCorrected;
  const revision = event.revision ?? -1;
  switch (e.type) {
    case 'PersonEnrolled':
      return {
        ...state,
        enrolled: true,
        personId: e.data.personId,
        scheme: e.data.scheme,
        region: e.data.region,
        enrollments: [...state.enrollments, { from: e.data.enrolledOn }],
        categoryTimeline: [{ from: e.data.enrolledOn, category: e.data.category }],
        contributionBases: e.data.contributionBase ? [{ from: e.data.enrolledOn, amount: e.data.contributionBase }] : [],
        relatives: e.data.relatives,
        ended: undefined,
      };
    case 'RetiredStatusChanged':
      return { ...state, categoryTimeline: [...state.categoryTimeline, { from: e.data.effectiveFrom, category: 'retired' }] };
    case 'PersonCategoryCorrected':
      return { ...state, categoryTimeline: correctedTimeline(state.categoryTimeline, e.data) };
    case 'ContributionBaseChanged':
      return { ...state, contributionBases: [...state.contributionBases, { from: e.data.effectiveFrom, amount: e.data.contributionBase }] };
    case 'RelativesUpdated':
      return { ...state, relatives: e.data.relatives };
    case 'InpatientAdmitted':
      return { ...state, inpatientStays: [...state.inpatientStays, { from: e.data.admittedOn }] };
    case 'InpatientDischarged': {
      const stays = state.inpatientStays.slice();
      stays[stays.length - 1] = { ...stays[stays.length - 1], to: e.data.dischargedOn };
      return { ...state, inpatientStays: stays };
    }
    case 'OffSiteResidenceRegistered':
      return { ...state, offSiteRegistrations: [...state.offSiteRegistrations, { from: e.data.from, to: e.data.to }] };
    case 'ReferralRecorded':
      return {
        ...state,
        referrals: [
          ...state.referrals,
          {
            referralId: e.data.referralId,
            referredOn: e.data.referredOn,
            validUntil: e.data.validUntil,
            fromInstitution: e.data.fromInstitution,
            toInstitution: e.data.toInstitution,
            revision,
          },
        ],
      };
    case 'FamilyDoctorContracted': {
      const { contractId, institutionCode, from, to, fee, fundPays } = e.data;
      const contract = { contractId, institutionCode, from, to, fee, fundPays, feePaidByPooling: money(fundPays).greaterThan(0), revision };
      return { ...state, familyDoctorContracts: [...state.familyDoctorContracts, contract] };
    }
    case 'FirstContactInstitutionDesignated':
      return { ...state, firstContactInstitutions: { ...state.firstContactInstitutions, [String(e.data.year)]: e.data.institutionCode } };
    case 'EnrolmentEnded': {
      const enrollments = state.enrollments.slice();
      enrollments[enrollments.length - 1] = { ...enrollments[enrollments.length - 1], to: e.data.endedOn };
      return { ...state, enrolled: false, enrollments, ended: { on: e.data.endedOn, reason: e.data.reason } };
    }
    default:
      return state;
  }
}

/**
 * Issue 15: a category corrected from a date overrides every entry recorded before it from
 * that date on (they were wrong); entries before the date stand. Entries recorded after
 * the correction (a later retirement) are appended to the result as usual.
 */
export function correctedTimeline(
  timeline: EnrollmentState['categoryTimeline'],
  correction: { category: PersonCategory; from: LocalDate },
): EnrollmentState['categoryTimeline'] {
  return [...timeline.filter((entry) => entry.from < correction.from), { from: correction.from, category: correction.category }];
}

/** Whether the person is an inpatient on `date` (an open stay counts). */
export function isInpatientOn(state: EnrollmentState, date: LocalDate): boolean {
  return state.inpatientStays.some((s) => s.from <= date && (s.to === undefined || date <= s.to));
}

/** Category in force on a date: the last timeline entry that starts on or before it. */
export function categoryOn(state: EnrollmentState, date: LocalDate): PersonCategory | undefined {
  let found: PersonCategory | undefined;
  for (const entry of state.categoryTimeline) if (entry.from <= date) found = entry.category;
  return found;
}

export function contributionBaseOn(state: EnrollmentState, date: LocalDate): string | undefined {
  let found: string | undefined;
  for (const entry of state.contributionBases) if (entry.from <= date) found = entry.amount;
  return found;
}

/** The person's facts as the policy engine reads them. */
export function personFacts(state: EnrollmentState): PersonFacts {
  return {
    personId: state.personId ?? '',
    scheme: state.scheme ?? 'employee',
    region: state.region ?? '',
    enrollments: state.enrollments,
    categoryTimeline: state.categoryTimeline,
    inpatientStays: state.inpatientStays,
    offSiteRegistrations: state.offSiteRegistrations,
    firstContactInstitutions: state.firstContactInstitutions,
    referrals: state.referrals,
    familyDoctorContracts: state.familyDoctorContracts.map(({ contractId, institutionCode, from, to, feePaidByPooling, revision }) => ({
      contractId,
      institutionCode,
      from,
      to,
      feePaidByPooling,
      revision,
    })),
  };
}
