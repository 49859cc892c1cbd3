/**
 * Enrollment decisions: one pure function per command, an exhaustive `decide` switch.
 * No I/O, no clock: the processing date of every fact is part of the command. Every clause
 * comes from the pack in force for the person's region on the command's date, resolved by
 * the handler into `EnrollmentClauses` (a named ledger rule where no document gives one).
 */
import { assertNever } from '../../kernel/decider';
import { firstDayOfNextMonth, LocalDate, yearOf } from '../../kernel/dates';
import { InvalidInput, PolicyRefusal } from '../../kernel/errors';
import { fmt, max, min, money, sum, ZERO } from '../../kernel/money';
import type { InstitutionLevel, PersonCategory, Scheme } from '../../policy/engine/types';
import { ledgerRule } from '../../policy/citation';
import { PRIMARY_LEVELS } from '../../policy/pack.types';
import { type EnrollmentClauses, enrollmentClauses } from '../../policy/person-rules';
import type { EnrollmentEvent, Relation } from './enrollment.events';
import { EnrollmentState, isInpatientOn } from './enrollment.state';

/** No pack resolved (e.g. a person not yet enrolled anywhere): every clause is a ledger rule. */
const NO_PACK: EnrollmentClauses = enrollmentClauses(undefined);

export type EnrollmentCommand =
  | {
      type: 'Enrol';
      data: {
        personId: string;
        scheme: Scheme;
        category: PersonCategory;
        region: string;
        enrolledOn: LocalDate;
        contributionBase?: string;
        relatives: Array<{ personId: string; relation: Relation }>;
      };
    }
  | { type: 'ChangeRetiredStatus'; data: { processedOn: LocalDate } }
  | { type: 'ChangeContributionBase'; data: { contributionBase: string; effectiveFrom: LocalDate } }
  | { type: 'UpdateRelatives'; data: { relatives: Array<{ personId: string; relation: Relation }> } }
  | { type: 'AdmitInpatient'; data: { admittedOn: LocalDate; institutionCode: string } }
  | { type: 'DischargeInpatient'; data: { dischargedOn: LocalDate } }
  | { type: 'RegisterOffSiteResidence'; data: { from: LocalDate; to?: LocalDate; place: string } }
  | {
      type: 'RecordReferral';
      data: { referralId: string; referredOn: LocalDate; validUntil: LocalDate; fromInstitution: string; toInstitution: string };
      from?: RegisteredInstitution;
      to?: RegisteredInstitution;
    }
  | { type: 'DesignateFirstContactInstitution'; data: { year: number; institutionCode: string }; institution?: RegisteredInstitution }
  | {
      type: 'RecordFamilyDoctorContract';
      data: FamilyDoctorContractRequest;
      institution?: RegisteredInstitution;
      contractFee?: ContractFeeRule;
    };

/** What the registry says of an institution, with the pooling tier the person's pack gives it (the handler looks both up). */
export interface RegisteredInstitution {
  code: string;
  region: string;
  designations: Scheme[];
  tier: InstitutionLevel;
  pharmacy?: boolean;
}

export interface FamilyDoctorContractRequest {
  contractId: string;
  institutionCode: string;
  from: LocalDate;
  to: LocalDate;
  fee: string;
}

/** The pack's rule for the contract fee: the fund pays up to `perPersonYear` (安医保〔2019〕75号 附件). */
export interface ContractFeeRule {
  perPersonYear: string;
  clause: string;
}

const EMPLOYEE_CATEGORIES: PersonCategory[] = ['in_service', 'retired'];
const RESIDENT_CATEGORIES: PersonCategory[] = ['resident', 'student'];

function requireEnrolled(state: EnrollmentState, clauses: EnrollmentClauses): void {
  if (!state.enrolled) {
    throw new PolicyRefusal('NOT_ENROLLED', clauses.enrollment, 'the person is not (or no longer) enrolled');
  }
}

export function enrol(
  cmd: Extract<EnrollmentCommand, { type: 'Enrol' }>['data'],
  state: EnrollmentState,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  if (state.enrolled)
    throw new PolicyRefusal('ALREADY_ENROLLED', ledgerRule('one-enrollment-at-a-time'), `person ${cmd.personId} is already enrolled`);
  const allowed = cmd.scheme === 'employee' ? EMPLOYEE_CATEGORIES : RESIDENT_CATEGORIES;
  if (!allowed.includes(cmd.category)) {
    throw new InvalidInput('category', `must be one of ${allowed.join(', ')} for scheme ${cmd.scheme}`);
  }
  // As ChangeContributionBase: a resident pays a flat contribution; a base on the event would be read by nothing.
  if (cmd.scheme !== 'employee' && cmd.contributionBase !== undefined)
    throw new InvalidInput('contributionBase', 'applies to employees only');
  if (cmd.category === 'in_service' && !cmd.contributionBase) {
    // The in-service account credit is a share of the contribution base (the pack's account.credits.in_service);
    // in_service is an employee category (checked above).
    throw new InvalidInput('contributionBase', `is required for in-service employees (${clauses.contributionBase})`);
  }
  if (cmd.relatives.some((r) => r.personId === cmd.personId)) {
    throw new InvalidInput('relatives', 'must not contain the person themself');
  }
  return [{ type: 'PersonEnrolled', data: { ...cmd, relatives: cmd.relatives } }];
}

/** The pack's `benefit.categorySwitch` (宛政办〔2022〕42号 第六条): rates, cap and account allocation switch from the next month. */
export function changeRetiredStatus(cmd: { processedOn: LocalDate }, state: EnrollmentState, clauses = NO_PACK): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  if (state.scheme !== 'employee') {
    throw new PolicyRefusal('NOT_AN_EMPLOYEE', clauses.categorySwitch, 'only employees change from in-service to retired');
  }
  const effectiveFrom = firstDayOfNextMonth(cmd.processedOn);
  const last = state.categoryTimeline[state.categoryTimeline.length - 1];
  if (last.category === 'retired') {
    throw new PolicyRefusal('ALREADY_RETIRED', clauses.categorySwitch, `already retired from ${last.from}`);
  }
  if (cmd.processedOn < last.from) {
    throw new PolicyRefusal(
      'BEFORE_CATEGORY_START',
      clauses.categorySwitch,
      `processedOn ${cmd.processedOn} is before the current category's start (${last.from})`,
      { field: 'processedOn' },
    );
  }
  return [{ type: 'RetiredStatusChanged', data: { processedOn: cmd.processedOn, effectiveFrom, from: last.category, to: 'retired' } }];
}

export function changeContributionBase(
  cmd: { contributionBase: string; effectiveFrom: LocalDate },
  state: EnrollmentState,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  if (state.scheme !== 'employee')
    throw new PolicyRefusal(
      'NOT_AN_EMPLOYEE',
      clauses.contributionBase,
      `a contribution base applies to employees only (the person is a ${state.scheme})`,
      {
        field: 'contributionBase',
      },
    );
  return [{ type: 'ContributionBaseChanged', data: cmd }];
}

export function updateRelatives(
  cmd: { relatives: Array<{ personId: string; relation: Relation }> },
  state: EnrollmentState,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  if (cmd.relatives.some((r) => r.personId === state.personId)) throw new InvalidInput('relatives', 'must not contain the person themself');
  return [{ type: 'RelativesUpdated', data: cmd }];
}

export function admitInpatient(
  cmd: { admittedOn: LocalDate; institutionCode: string },
  state: EnrollmentState,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  const open = state.inpatientStays.find((s) => s.to === undefined);
  if (open) throw new PolicyRefusal('ALREADY_INPATIENT', clauses.inpatient, `already an inpatient since ${open.from}`);
  if (isInpatientOn(state, cmd.admittedOn)) {
    throw new PolicyRefusal(
      'INPATIENT_STAYS_OVERLAP',
      clauses.inpatient,
      `admittedOn ${cmd.admittedOn} falls in an earlier inpatient stay`,
      {
        field: 'admittedOn',
      },
    );
  }
  return [{ type: 'InpatientAdmitted', data: cmd }];
}

export function dischargeInpatient(cmd: { dischargedOn: LocalDate }, state: EnrollmentState, clauses = NO_PACK): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  const open = state.inpatientStays.find((s) => s.to === undefined);
  if (!open) throw new PolicyRefusal('NOT_INPATIENT', clauses.inpatient, 'the person is not an inpatient');
  if (cmd.dischargedOn < open.from)
    throw new PolicyRefusal(
      'DISCHARGE_BEFORE_ADMISSION',
      clauses.inpatient,
      `dischargedOn ${cmd.dischargedOn} is before the admission (${open.from})`,
      {
        field: 'dischargedOn',
      },
    );
  return [{ type: 'InpatientDischarged', data: cmd }];
}

export function registerOffSiteResidence(
  cmd: { from: LocalDate; to?: LocalDate; place: string },
  state: EnrollmentState,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  // Stryker disable next-line ConditionalExpression: equivalent because undefined < a date is false
  if (cmd.to !== undefined && cmd.to < cmd.from) throw new InvalidInput('to', 'must not be before from');
  return [{ type: 'OffSiteResidenceRegistered', data: cmd }];
}

/**
 * 人社部发〔2011〕59号 二: "未经基层医疗机构转诊的原则上不支付" — a referral is issued by a primary
 * (基层) institution designated for the person's scheme in the person's region (issue 16.1), to a
 * registered institution designated for the scheme (possibly in another region).
 */
export function recordReferral(
  cmd: Extract<EnrollmentCommand, { type: 'RecordReferral' }>['data'],
  state: EnrollmentState,
  from?: RegisteredInstitution,
  to?: RegisteredInstitution,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  if (cmd.validUntil < cmd.referredOn) throw new InvalidInput('validUntil', 'must not be before referredOn');
  if (state.referrals.some((r) => r.referralId === cmd.referralId)) {
    throw new PolicyRefusal('DUPLICATE_REFERRAL', ledgerRule('duplicate-referral'), `referral ${cmd.referralId} is already recorded`);
  }
  if (!from || from.code !== cmd.fromInstitution)
    throw new InvalidInput('fromInstitution', 'the registry facts of the institution are required');
  if (!to || to.code !== cmd.toInstitution) throw new InvalidInput('toInstitution', 'the registry facts of the institution are required');
  requireDesignatedHere(from, state, clauses.referral, 'REFERRAL_FROM');
  if (!PRIMARY_LEVELS.includes(from.tier)) {
    throw new PolicyRefusal(
      'REFERRAL_FROM_NOT_PRIMARY',
      clauses.referral,
      `${from.code} is pooled at level ${from.tier}; a referral comes from a primary institution (基层: ${PRIMARY_LEVELS.join(', ')})`,
    );
  }
  if (!to.designations.includes(state.scheme!)) {
    throw new PolicyRefusal('REFERRAL_TO_NOT_DESIGNATED', clauses.referral, `${to.code} is not designated for the ${state.scheme} scheme`);
  }
  return [{ type: 'ReferralRecorded', data: cmd }];
}

/**
 * 人社部发〔2011〕59号 四: "确定首诊基层医疗机构……一般一年一定，参保人只能选择一家": a registered
 * primary (基层) institution, designated for the person's scheme, in the person's region.
 */
export function designateFirstContactInstitution(
  cmd: { year: number; institutionCode: string },
  state: EnrollmentState,
  institution?: RegisteredInstitution,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  if (!institution || institution.code !== cmd.institutionCode)
    throw new InvalidInput('institutionCode', 'the registry facts of the institution are required');
  requireDesignatedHere(institution, state, clauses.firstContact, 'FIRST_CONTACT');
  if (!PRIMARY_LEVELS.includes(institution.tier)) {
    throw new PolicyRefusal(
      'FIRST_CONTACT_NOT_PRIMARY',
      clauses.firstContact,
      `${institution.code} is pooled at level ${institution.tier}; the first-contact institution must be primary (基层: ${PRIMARY_LEVELS.join(', ')})`,
    );
  }
  const existing = state.firstContactInstitutions[String(cmd.year)];
  if (existing) {
    throw new PolicyRefusal(
      'FIRST_CONTACT_ALREADY_CHOSEN',
      clauses.firstContact,
      `first-contact institution for ${cmd.year} is already ${existing}`,
    );
  }
  const enrolledYear = yearOf(state.enrollments[0].from);
  if (cmd.year < enrolledYear)
    throw new PolicyRefusal('BEFORE_ENROLMENT', clauses.enrollment, `year ${cmd.year} is before the enrollment year ${enrolledYear}`, {
      field: 'year',
    });
  return [{ type: 'FirstContactInstitutionDesignated', data: cmd }];
}

/** The institution is a designated medical institution of the person's scheme and region. */
function requireDesignatedHere(institution: RegisteredInstitution, state: EnrollmentState, clause: string, prefix: string): void {
  if (institution.pharmacy === true)
    throw new PolicyRefusal(`${prefix}_NOT_A_MEDICAL_INSTITUTION`, clause, `${institution.code} is a pharmacy`);
  if (institution.region !== state.region) {
    throw new PolicyRefusal(
      `${prefix}_OTHER_REGION`,
      clause,
      `${institution.code} is in region ${institution.region}; the person is insured in ${state.region}`,
    );
  }
  if (!institution.designations.includes(state.scheme!)) {
    throw new PolicyRefusal(`${prefix}_NOT_DESIGNATED`, clause, `${institution.code} is not designated for the ${state.scheme} scheme`);
  }
}

/**
 * 安医保〔2019〕75号 三（二）: a family-doctor contract whose fee the pooling fund pays; the fund
 * pays at most the 附件's 18 yuan per person in the contract's start year, the rest is the person's.
 */
export function recordFamilyDoctorContract(
  cmd: FamilyDoctorContractRequest,
  state: EnrollmentState,
  institution?: RegisteredInstitution,
  rule?: ContractFeeRule,
  clauses = NO_PACK,
): EnrollmentEvent[] {
  requireEnrolled(state, clauses);
  if (!rule)
    throw new PolicyRefusal(
      'CONTRACT_FEE_NOT_POOLED',
      ledgerRule('contract-fee-pooled-where-the-pack-says'),
      `the ${state.scheme} policy of ${state.region} has no family-doctor contract fee paid by the pooling fund`,
    );
  if (!institution || institution.code !== cmd.institutionCode)
    throw new InvalidInput('institutionCode', 'the registry facts of the institution are required');
  if (cmd.to < cmd.from) throw new InvalidInput('to', 'must not be before from');
  const fee = money(cmd.fee);
  if (!fee.greaterThan(0)) throw new InvalidInput('fee', 'must be greater than 0');
  if (state.familyDoctorContracts.some((c) => c.contractId === cmd.contractId)) {
    throw new PolicyRefusal('DUPLICATE_CONTRACT', ledgerRule('duplicate-contract'), `contract ${cmd.contractId} is already recorded`);
  }
  requireDesignatedHere(institution, state, rule.clause, 'CONTRACT');
  const year = yearOf(cmd.from);
  const paidThisYear = sum(state.familyDoctorContracts.filter((c) => yearOf(c.from) === year).map((c) => money(c.fundPays)));
  const fundPays = min(fee, max(ZERO, money(rule.perPersonYear).minus(paidThisYear)));
  return [
    {
      type: 'FamilyDoctorContracted',
      data: { ...cmd, fee: fmt(fee), fundPays: fmt(fundPays), personPays: fmt(fee.minus(fundPays)), clause: rule.clause },
    },
  ];
}

/** `clauses`: from the pack in force for the person's region on the command's date (the handler resolves it). */
export function decideEnrollment(
  command: EnrollmentCommand,
  state: EnrollmentState,
  clauses: EnrollmentClauses = NO_PACK,
): EnrollmentEvent[] {
  switch (command.type) {
    case 'Enrol':
      return enrol(command.data, state, clauses);
    case 'ChangeRetiredStatus':
      return changeRetiredStatus(command.data, state, clauses);
    case 'ChangeContributionBase':
      return changeContributionBase(command.data, state, clauses);
    case 'UpdateRelatives':
      return updateRelatives(command.data, state, clauses);
    case 'AdmitInpatient':
      return admitInpatient(command.data, state, clauses);
    case 'DischargeInpatient':
      return dischargeInpatient(command.data, state, clauses);
    case 'RegisterOffSiteResidence':
      return registerOffSiteResidence(command.data, state, clauses);
    case 'RecordReferral':
      return recordReferral(command.data, state, command.from, command.to, clauses);
    case 'DesignateFirstContactInstitution':
      return designateFirstContactInstitution(command.data, state, command.institution, clauses);
    case 'RecordFamilyDoctorContract':
      return recordFamilyDoctorContract(command.data, state, command.institution, command.contractFee, clauses);
    default:
      return assertNever(command);
  }
}
