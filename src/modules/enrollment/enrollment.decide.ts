/**
 * Enrolment decisions: one pure function per command, an exhaustive `decide` switch.
 * No I/O, no clock: the processing date of every fact is part of the command.
 */
import { assertNever } from '../../kernel/decider';
import { firstDayOfNextMonth, LocalDate, yearOf } from '../../kernel/dates';
import { InvalidInput, PolicyRefusal } from '../../kernel/errors';
import type { PersonCategory, Scheme } from '../../policy/engine/types';
import type { EnrollmentEvent, Relation } from './enrollment.events';
import { categoryOn, EnrollmentState, isInpatientOn } from './enrollment.state';

export const CLAUSE = {
  retirementSwitch: '宛政办〔2022〕42号 第六条',
  accountAllocationSwitch: '宛政办〔2022〕42号 第十一条',
  inpatientExclusionResident: '安医保〔2019〕75号 三（二）',
  offSite: '宛政办〔2022〕42号 第十五条',
  firstContact: '人社部发〔2011〕59号 四',
  referral: '人社部发〔2011〕59号 二',
} as const;

export type EnrollmentCommand =
  | { type: 'Enrol'; data: { personId: string; scheme: Scheme; category: PersonCategory; region: string; enrolledOn: LocalDate; contributionBase?: string; relatives: Array<{ personId: string; relation: Relation }> } }
  | { type: 'ChangeRetiredStatus'; data: { processedOn: LocalDate } }
  | { type: 'ChangeContributionBase'; data: { contributionBase: string; effectiveFrom: LocalDate } }
  | { type: 'UpdateRelatives'; data: { relatives: Array<{ personId: string; relation: Relation }> } }
  | { type: 'AdmitInpatient'; data: { admittedOn: LocalDate; institutionCode: string } }
  | { type: 'DischargeInpatient'; data: { dischargedOn: LocalDate } }
  | { type: 'RegisterOffSiteResidence'; data: { from: LocalDate; to?: LocalDate; place: string } }
  | { type: 'RecordReferral'; data: { referralId: string; referredOn: LocalDate; validUntil: LocalDate; fromInstitution: string; toInstitution: string } }
  | { type: 'DesignateFirstContactInstitution'; data: { year: number; institutionCode: string } };

const EMPLOYEE_CATEGORIES: PersonCategory[] = ['in_service', 'retired'];
const RESIDENT_CATEGORIES: PersonCategory[] = ['resident', 'student'];

function requireEnrolled(state: EnrollmentState): void {
  if (!state.enrolled) {
    throw new PolicyRefusal('NOT_ENROLLED', 'enrolment', 'the person is not (or no longer) enrolled');
  }
}

export function enrol(cmd: Extract<EnrollmentCommand, { type: 'Enrol' }>['data'], state: EnrollmentState): EnrollmentEvent[] {
  if (state.enrolled) throw new PolicyRefusal('ALREADY_ENROLLED', 'enrolment', `person ${cmd.personId} is already enrolled`);
  const allowed = cmd.scheme === 'employee' ? EMPLOYEE_CATEGORIES : RESIDENT_CATEGORIES;
  if (!allowed.includes(cmd.category)) {
    throw new InvalidInput('category', `must be one of ${allowed.join(', ')} for scheme ${cmd.scheme}`);
  }
  if (cmd.scheme === 'employee' && cmd.category === 'in_service' && !cmd.contributionBase) {
    // 宛政办〔2022〕42号 第八条（一）: the in-service account credit is 2% of the contribution base.
    throw new InvalidInput('contributionBase', 'is required for in-service employees (宛政办〔2022〕42号 第八条（一）)');
  }
  if (cmd.relatives.some((r) => r.personId === cmd.personId)) {
    throw new InvalidInput('relatives', 'must not contain the person themself');
  }
  return [{ type: 'PersonEnrolled', data: { ...cmd, relatives: cmd.relatives } }];
}

/** 宛政办〔2022〕42号 第六条 / 第十一条: rates, cap and account allocation switch from the next month. */
export function changeRetiredStatus(cmd: { processedOn: LocalDate }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  if (state.scheme !== 'employee') {
    throw new PolicyRefusal('NOT_AN_EMPLOYEE', CLAUSE.retirementSwitch, 'only employees change from in-service to retired');
  }
  const effectiveFrom = firstDayOfNextMonth(cmd.processedOn);
  const last = state.categoryTimeline[state.categoryTimeline.length - 1];
  if (last.category === 'retired') {
    throw new PolicyRefusal('ALREADY_RETIRED', CLAUSE.retirementSwitch, `already retired from ${last.from}`);
  }
  if (cmd.processedOn < last.from) {
    throw new InvalidInput('processedOn', `must not be before the current category's start (${last.from})`);
  }
  return [{ type: 'RetiredStatusChanged', data: { processedOn: cmd.processedOn, effectiveFrom, from: last.category, to: 'retired' } }];
}

export function changeContributionBase(cmd: { contributionBase: string; effectiveFrom: LocalDate }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  if (state.scheme !== 'employee') throw new InvalidInput('contributionBase', 'applies to employees only');
  return [{ type: 'ContributionBaseChanged', data: cmd }];
}

export function updateRelatives(cmd: { relatives: Array<{ personId: string; relation: Relation }> }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  if (cmd.relatives.some((r) => r.personId === state.personId)) throw new InvalidInput('relatives', 'must not contain the person themself');
  return [{ type: 'RelativesUpdated', data: cmd }];
}

export function admitInpatient(cmd: { admittedOn: LocalDate; institutionCode: string }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  const open = state.inpatientStays.find((s) => s.to === undefined);
  if (open) throw new PolicyRefusal('ALREADY_INPATIENT', CLAUSE.inpatientExclusionResident, `already an inpatient since ${open.from}`);
  if (isInpatientOn(state, cmd.admittedOn)) {
    throw new InvalidInput('admittedOn', 'overlaps an earlier inpatient stay');
  }
  return [{ type: 'InpatientAdmitted', data: cmd }];
}

export function dischargeInpatient(cmd: { dischargedOn: LocalDate }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  const open = state.inpatientStays.find((s) => s.to === undefined);
  if (!open) throw new PolicyRefusal('NOT_INPATIENT', CLAUSE.inpatientExclusionResident, 'the person is not an inpatient');
  if (cmd.dischargedOn < open.from) throw new InvalidInput('dischargedOn', `must not be before the admission (${open.from})`);
  return [{ type: 'InpatientDischarged', data: cmd }];
}

export function registerOffSiteResidence(cmd: { from: LocalDate; to?: LocalDate; place: string }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  if (cmd.to !== undefined && cmd.to < cmd.from) throw new InvalidInput('to', 'must not be before from');
  return [{ type: 'OffSiteResidenceRegistered', data: cmd }];
}

export function recordReferral(cmd: Extract<EnrollmentCommand, { type: 'RecordReferral' }>['data'], state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  if (cmd.validUntil < cmd.referredOn) throw new InvalidInput('validUntil', 'must not be before referredOn');
  if (state.referrals.some((r) => r.referralId === cmd.referralId)) {
    throw new PolicyRefusal('DUPLICATE_REFERRAL', CLAUSE.referral, `referral ${cmd.referralId} is already recorded`);
  }
  return [{ type: 'ReferralRecorded', data: cmd }];
}

/** 人社部发〔2011〕59号 四: "一般一年一定，参保人只能选择一家". */
export function designateFirstContactInstitution(cmd: { year: number; institutionCode: string }, state: EnrollmentState): EnrollmentEvent[] {
  requireEnrolled(state);
  const existing = state.firstContactInstitutions[String(cmd.year)];
  if (existing) {
    throw new PolicyRefusal('FIRST_CONTACT_ALREADY_CHOSEN', CLAUSE.firstContact, `first-contact institution for ${cmd.year} is already ${existing}`);
  }
  const enrolledYear = yearOf(state.enrolments[0].from);
  if (cmd.year < enrolledYear) throw new InvalidInput('year', `must not be before the enrolment year ${enrolledYear}`);
  return [{ type: 'FirstContactInstitutionDesignated', data: cmd }];
}

export function decideEnrollment(command: EnrollmentCommand, state: EnrollmentState): EnrollmentEvent[] {
  switch (command.type) {
    case 'Enrol':
      return enrol(command.data, state);
    case 'ChangeRetiredStatus':
      return changeRetiredStatus(command.data, state);
    case 'ChangeContributionBase':
      return changeContributionBase(command.data, state);
    case 'UpdateRelatives':
      return updateRelatives(command.data, state);
    case 'AdmitInpatient':
      return admitInpatient(command.data, state);
    case 'DischargeInpatient':
      return dischargeInpatient(command.data, state);
    case 'RegisterOffSiteResidence':
      return registerOffSiteResidence(command.data, state);
    case 'RecordReferral':
      return recordReferral(command.data, state);
    case 'DesignateFirstContactInstitution':
      return designateFirstContactInstitution(command.data, state);
    default:
      return assertNever(command);
  }
}

export { categoryOn };
