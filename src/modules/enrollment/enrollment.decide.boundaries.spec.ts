/**
 * Issue 17: the enrollment decider's refusals (code, clause, message), input errors (field,
 * rule) and the first and last day of every period it checks.
 */
import { defaultCatalog } from '../../../test/support/policy';
import { ledgerRule } from '../../policy/citation';
import { enrollmentClauses } from '../../policy/person-rules';
import { foldPerson } from '../person-stream';
import { decideEnrollment, EnrollmentCommand, RegisteredInstitution } from './enrollment.decide';
import type { EnrollmentEvent, PersonEnrolled } from './enrollment.events';

const catalog = defaultCatalog();
const clausesOf = (region: string, scheme: 'employee' | 'resident', date: string) => {
  const pack = catalog.resolve(region, scheme, date);
  return enrollmentClauses(pack, pack?.framework ? catalog.byId(pack.framework) : undefined);
};
const NANYANG = clausesOf('nanyang', 'employee', '2023-06-01');
const ANYANG = clausesOf('anyang', 'resident', '2020-06-01');

const employee: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: {
    personId: 'P1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
    relatives: [],
  },
};
const resident: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: { personId: 'R1', scheme: 'resident', category: 'resident', region: 'anyang', enrolledOn: '2020-01-01', relatives: [] },
};
const township = (code: string, over: Partial<RegisteredInstitution> = {}): RegisteredInstitution => ({
  code,
  region: 'anyang',
  designations: ['resident'],
  tier: 'township',
  ...over,
});

/** Decides on the fold of `history`: the events, or the error thrown. */
function decide(history: EnrollmentEvent[], command: EnrollmentCommand, clauses = ANYANG): EnrollmentEvent[] {
  const state = foldPerson(history.map((e, revision) => ({ ...e, revision }))).enrollment;
  return decideEnrollment(command, state, clauses);
}
function thrown(history: EnrollmentEvent[], command: EnrollmentCommand, clauses = ANYANG): any {
  try {
    decide(history, command, clauses);
  } catch (e) {
    return e;
  }
  throw new Error(`expected ${command.type} to be refused`);
}

describe('enrolment', () => {
  const enrol = (over: Partial<PersonEnrolled['data']>): EnrollmentCommand => ({ type: 'Enrol', data: { ...employee.data, ...over } });

  it('a second enrolment names the person; no pack is needed to say so', () => {
    expect(thrown([employee], enrol({}))).toMatchObject({
      code: 'ALREADY_ENROLLED',
      clause: ledgerRule('one-enrollment-at-a-time'),
      message: 'person P1 is already enrolled',
    });
  });

  it("the categories of each scheme, named in the rule; an in-service employee's base is cited", () => {
    expect(thrown([], enrol({ category: 'student' }))).toMatchObject({
      field: 'category',
      rule: 'must be one of in_service, retired for scheme employee',
    });
    expect(thrown([], enrol({ scheme: 'resident', category: 'retired' }))).toMatchObject({
      field: 'category',
      rule: 'must be one of resident, student for scheme resident',
    });
    expect(thrown([], enrol({ contributionBase: undefined }), NANYANG)).toMatchObject({
      field: 'contributionBase',
      rule: 'is required for in-service employees (宛政办〔2022〕42号 第八条（一）)',
    });
    // A retired employee and a resident have no account credit from a base.
    for (const data of [{ category: 'retired' as const }, { scheme: 'resident' as const, category: 'student' as const }]) {
      expect(decide([], enrol({ ...data, contributionBase: undefined }))).toEqual([
        { type: 'PersonEnrolled', data: { ...employee.data, ...data, contributionBase: undefined } },
      ]);
    }
  });

  it('the person may not be their own relative, at enrolment or later', () => {
    const self = [
      { personId: 'P2', relation: 'child' as const },
      { personId: 'P1', relation: 'spouse' as const },
    ];
    expect(thrown([], enrol({ relatives: self }))).toMatchObject({ field: 'relatives', rule: 'must not contain the person themself' });
    expect(thrown([employee], { type: 'UpdateRelatives', data: { relatives: self } })).toMatchObject({
      field: 'relatives',
      rule: 'must not contain the person themself',
    });
    const others = { relatives: [{ personId: 'P2', relation: 'child' as const }] };
    expect(decide([employee], { type: 'UpdateRelatives', data: others })).toEqual([{ type: 'RelativesUpdated', data: others }]);
  });

  it('every other command needs an enrolled person, cited to the pack (安医保〔2019〕75号 二（一）)', () => {
    expect(thrown([], { type: 'UpdateRelatives', data: { relatives: [] } })).toMatchObject({
      code: 'NOT_ENROLLED',
      clause: '安医保〔2019〕75号 二（一）',
      message: 'the person is not (or no longer) enrolled',
    });
  });
});

describe('category switch and contribution base (宛政办〔2022〕42号 第六条, 第八条)', () => {
  const retire = (processedOn: string): EnrollmentCommand => ({ type: 'ChangeRetiredStatus', data: { processedOn } });

  it('processed on the first day of the current category: accepted; the day before: refused, naming that day', () => {
    expect(decide([employee], retire('2023-01-01'), NANYANG)).toEqual([
      { type: 'RetiredStatusChanged', data: { processedOn: '2023-01-01', effectiveFrom: '2023-02-01', from: 'in_service', to: 'retired' } },
    ]);
    expect(thrown([employee], retire('2022-12-31'), NANYANG)).toMatchObject({
      code: 'BEFORE_CATEGORY_START',
      clause: '宛政办〔2022〕42号 第六条',
      message: "processedOn 2022-12-31 is before the current category's start (2023-01-01)",
      details: { field: 'processedOn' },
    });
  });

  it('refusals: a resident, and a second retirement naming its start', () => {
    expect(thrown([resident], retire('2020-07-01'), NANYANG)).toMatchObject({
      code: 'NOT_AN_EMPLOYEE',
      clause: '宛政办〔2022〕42号 第六条',
      message: 'only employees change from in-service to retired',
    });
    const retired = decide([employee], retire('2023-05-15'), NANYANG);
    expect(thrown([employee, ...retired], retire('2023-07-01'), NANYANG)).toMatchObject({
      code: 'ALREADY_RETIRED',
      message: 'already retired from 2023-06-01',
    });
  });

  it('a contribution base is for employees only, changed or at enrolment', () => {
    const change: EnrollmentCommand = { type: 'ChangeContributionBase', data: { contributionBase: '5000', effectiveFrom: '2020-03-01' } };
    expect(thrown([resident], change)).toMatchObject({
      code: 'NOT_AN_EMPLOYEE',
      clause: ledgerRule('contribution-base-recorded'),
      message: 'a contribution base applies to employees only (the person is a resident)',
    });
    expect(thrown([], change)).toMatchObject({ code: 'NOT_ENROLLED' });
    // At enrolment too: a resident enrolled with a base was recorded with it.
    const residentWithBase: EnrollmentCommand = { type: 'Enrol', data: { ...resident.data, contributionBase: '100.00' } };
    expect(thrown([], residentWithBase)).toMatchObject({ field: 'contributionBase', rule: 'applies to employees only' });
  });
});

describe('inpatient stays and off-site residence: first and last days', () => {
  const admit = (admittedOn: string): EnrollmentCommand => ({ type: 'AdmitInpatient', data: { admittedOn, institutionCode: 'H1' } });
  const discharge = (dischargedOn: string): EnrollmentCommand => ({ type: 'DischargeInpatient', data: { dischargedOn } });
  const stay = [...decide([resident], admit('2020-03-01'))];

  it('an open stay refuses a second admission naming its start (安医保〔2019〕75号 二（二）)', () => {
    expect(thrown([resident, ...stay], admit('2020-03-02'))).toMatchObject({
      code: 'ALREADY_INPATIENT',
      clause: '安医保〔2019〕75号 二（二）',
      message: 'already an inpatient since 2020-03-01',
    });
  });

  it('discharged on the admission day is a stay; the day before is refused, naming the admission', () => {
    expect(decide([resident, ...stay], discharge('2020-03-01'))).toEqual([
      { type: 'InpatientDischarged', data: { dischargedOn: '2020-03-01' } },
    ]);
    expect(thrown([resident, ...stay], discharge('2020-02-29'))).toMatchObject({
      code: 'DISCHARGE_BEFORE_ADMISSION',
      clause: '安医保〔2019〕75号 二（二）',
      message: 'dischargedOn 2020-02-29 is before the admission (2020-03-01)',
    });
    const discharged = [resident, ...stay, ...decide([resident, ...stay], discharge('2020-03-10'))];
    expect(thrown(discharged, discharge('2020-03-10'))).toMatchObject({ code: 'NOT_INPATIENT' });
    expect(thrown([resident], discharge('2020-03-01'))).toMatchObject({
      code: 'NOT_INPATIENT',
      clause: '安医保〔2019〕75号 二（二）',
      message: 'the person is not an inpatient',
    });
  });

  it('a new admission on the last day of an ended stay overlaps it; the day after does not', () => {
    const ended = [resident, ...stay, ...decide([resident, ...stay], discharge('2020-03-10'))];
    expect(thrown(ended, admit('2020-03-10'))).toMatchObject({
      code: 'INPATIENT_STAYS_OVERLAP',
      clause: '安医保〔2019〕75号 二（二）',
      message: 'admittedOn 2020-03-10 falls in an earlier inpatient stay',
    });
    expect(thrown(ended, admit('2020-03-01'))).toMatchObject({ code: 'INPATIENT_STAYS_OVERLAP' });
    expect(decide(ended, admit('2020-03-11'))).toEqual([
      { type: 'InpatientAdmitted', data: { admittedOn: '2020-03-11', institutionCode: 'H1' } },
    ]);
  });

  it('off-site residence of one day, or open-ended, is recorded; ending before it starts is invalid', () => {
    for (const data of [
      { from: '2020-05-01', to: '2020-05-01', place: '郑州' },
      { from: '2020-05-01', place: '郑州' },
    ]) {
      expect(decide([resident], { type: 'RegisterOffSiteResidence', data })).toEqual([{ type: 'OffSiteResidenceRegistered', data }]);
    }
    expect(
      thrown([resident], { type: 'RegisterOffSiteResidence', data: { from: '2020-05-02', to: '2020-05-01', place: '郑州' } }),
    ).toMatchObject({ field: 'to', rule: 'must not be before from' });
  });
});

describe('referrals (人社部发〔2011〕59号 二)', () => {
  const referral = { referralId: 'RF1', referredOn: '2020-04-01', validUntil: '2020-04-01', fromInstitution: 'T1', toInstitution: 'C1' };
  const record = (
    from: RegisteredInstitution | undefined = township('T1'),
    to: RegisteredInstitution | undefined = township('C1', { tier: 'level3' }),
    data = referral,
  ): EnrollmentCommand => ({ type: 'RecordReferral', data, ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const REF = '人社部发〔2011〕59号 二';

  it('valid for the day it is issued; a validity ending before it is invalid', () => {
    expect(decide([resident], record())).toEqual([{ type: 'ReferralRecorded', data: referral }]);
    expect(thrown([resident], record(undefined, undefined, { ...referral, validUntil: '2020-03-31' }))).toMatchObject({
      field: 'validUntil',
      rule: 'must not be before referredOn',
    });
  });

  it('the registry facts of both institutions are required, for the codes named', () => {
    const RULE = 'the registry facts of the institution are required';
    expect(thrown([resident], record(township('T9')))).toMatchObject({ field: 'fromInstitution', rule: RULE });
    expect(thrown([resident], { type: 'RecordReferral', data: referral, from: township('T1') })).toMatchObject({
      field: 'toInstitution',
      rule: RULE,
    });
    expect(thrown([resident], record(township('T1'), township('C9')))).toMatchObject({ field: 'toInstitution', rule: RULE });
  });

  it('refusals name the referral, the institution, its region, level and scheme', () => {
    const recorded = decide([resident], record());
    const another = { ...referral, referralId: 'RF2' };
    expect(decide([resident, ...recorded], record(undefined, undefined, another))).toEqual([{ type: 'ReferralRecorded', data: another }]);
    expect(thrown([resident, ...recorded], record())).toMatchObject({
      code: 'DUPLICATE_REFERRAL',
      clause: ledgerRule('duplicate-referral'),
      message: 'referral RF1 is already recorded',
    });
    const cases: [RegisteredInstitution, RegisteredInstitution, string, string][] = [
      [township('T1', { pharmacy: true }), township('C1'), 'REFERRAL_FROM_NOT_A_MEDICAL_INSTITUTION', 'T1 is a pharmacy'],
      [
        township('T1', { region: 'nanyang' }),
        township('C1'),
        'REFERRAL_FROM_OTHER_REGION',
        'T1 is in region nanyang; the person is insured in anyang',
      ],
      [
        township('T1', { designations: ['employee'] }),
        township('C1'),
        'REFERRAL_FROM_NOT_DESIGNATED',
        'T1 is not designated for the resident scheme',
      ],
      [
        township('T1', { tier: 'level2' }),
        township('C1'),
        'REFERRAL_FROM_NOT_PRIMARY',
        'T1 is pooled at level level2; a referral comes from a primary institution (基层: village, township, level1)',
      ],
      [
        township('T1'),
        township('C1', { designations: ['employee'] }),
        'REFERRAL_TO_NOT_DESIGNATED',
        'C1 is not designated for the resident scheme',
      ],
    ];
    for (const [from, to, code, message] of cases) {
      expect(thrown([resident], record(from, to))).toMatchObject({ code, clause: REF, message });
    }
  });

  it('a pharmacy flag set to false is a medical institution', () => {
    expect(decide([resident], record(township('T1', { pharmacy: false })))).toHaveLength(1);
  });
});

describe('first-contact institution (人社部发〔2011〕59号 四)', () => {
  const designate = (year: number, institution: RegisteredInstitution | undefined = township('T1')): EnrollmentCommand => ({
    type: 'DesignateFirstContactInstitution',
    data: { year, institutionCode: 'T1' },
    ...(institution ? { institution } : {}),
  });
  const FC = '人社部发〔2011〕59号 四';

  it('refusals name the level, the institution already chosen; facts of another code are not the registry facts', () => {
    expect(thrown([resident], designate(2020, township('T1', { tier: 'level3' })))).toMatchObject({
      code: 'FIRST_CONTACT_NOT_PRIMARY',
      clause: FC,
      message: 'T1 is pooled at level level3; the first-contact institution must be primary (基层: village, township, level1)',
    });
    const chosen = decide([resident], designate(2020));
    expect(thrown([resident, ...chosen], designate(2020))).toMatchObject({
      code: 'FIRST_CONTACT_ALREADY_CHOSEN',
      clause: FC,
      message: 'first-contact institution for 2020 is already T1',
    });
    expect(thrown([resident], designate(2020, township('T2')))).toMatchObject({
      field: 'institutionCode',
      rule: 'the registry facts of the institution are required',
    });
    expect(thrown([resident], designate(2020, township('T1', { region: 'nanyang' })))).toMatchObject({
      code: 'FIRST_CONTACT_OTHER_REGION',
      clause: FC,
      message: 'T1 is in region nanyang; the person is insured in anyang',
    });
  });

  it('from the enrolment year on: the year before is refused, naming the enrolment year', () => {
    expect(decide([resident], designate(2020))).toEqual([
      { type: 'FirstContactInstitutionDesignated', data: { year: 2020, institutionCode: 'T1' } },
    ]);
    expect(thrown([resident], designate(2019))).toMatchObject({
      code: 'BEFORE_ENROLMENT',
      clause: '安医保〔2019〕75号 二（一）',
      message: 'year 2019 is before the enrollment year 2020',
    });
  });
});

describe('family-doctor contracts (安医保〔2019〕75号 三（二）, 附件)', () => {
  const rule = { perPersonYear: '18', clause: '安医保〔2019〕75号 附件' };
  const request = { contractId: 'FD1', institutionCode: 'T1', from: '2020-01-01', to: '2020-01-01', fee: '0.01' };
  const contract = (
    data = request,
    institution: RegisteredInstitution | null = township('T1'),
    contractFee: typeof rule | null = rule,
  ): EnrollmentCommand => ({
    type: 'RecordFamilyDoctorContract',
    data,
    ...(institution ? { institution } : {}),
    ...(contractFee ? { contractFee } : {}),
  });

  it('a one-day contract of one fen is recorded; a fee of 0 and a period ending before it starts are invalid', () => {
    expect(decide([resident], contract())).toEqual([
      { type: 'FamilyDoctorContracted', data: { ...request, fundPays: '0.01', personPays: '0.00', clause: rule.clause } },
    ]);
    expect(thrown([resident], contract({ ...request, fee: '0' }))).toMatchObject({ field: 'fee', rule: 'must be greater than 0' });
    expect(thrown([resident], contract({ ...request, to: '2019-12-31' }))).toMatchObject({ field: 'to', rule: 'must not be before from' });
    expect(thrown([resident], contract(request, null))).toMatchObject({
      field: 'institutionCode',
      rule: 'the registry facts of the institution are required',
    });
    expect(thrown([resident], contract(request, township('T2')))).toMatchObject({
      field: 'institutionCode',
      rule: 'the registry facts of the institution are required',
    });
  });

  it('refusals name the scheme and region without a pooled fee, the duplicate contract, the institution', () => {
    expect(thrown([resident], contract(request, township('T1'), null))).toMatchObject({
      code: 'CONTRACT_FEE_NOT_POOLED',
      message: 'the resident policy of anyang has no family-doctor contract fee paid by the pooling fund',
    });
    const first = decide([resident], contract({ ...request, fee: '30' }));
    expect(thrown([resident, ...first], contract())).toMatchObject({
      code: 'DUPLICATE_CONTRACT',
      clause: ledgerRule('duplicate-contract'),
      message: 'contract FD1 is already recorded',
    });
    expect(thrown([resident], contract(request, township('T1', { pharmacy: true })))).toMatchObject({
      code: 'CONTRACT_NOT_A_MEDICAL_INSTITUTION',
      clause: rule.clause,
      message: 'T1 is a pharmacy',
    });
  });

  it('once the 18.00 of the year is paid, the fund pays nothing more that year (never a negative share)', () => {
    const first = decide([resident], contract({ ...request, fee: '30' }));
    expect(first[0].data).toMatchObject({ fee: '30.00', fundPays: '18.00', personPays: '12.00' });
    const second = { ...request, contractId: 'FD2', from: '2020-12-31', to: '2020-12-31', fee: '5' };
    expect(decide([resident, ...first], contract(second))[0].data).toMatchObject({ fundPays: '0.00', personPays: '5.00' });
  });
});

describe('decider', () => {
  it('an unknown command is a programming error', () => {
    expect(() => decide([resident], { type: 'Emigrate', data: {} } as unknown as EnrollmentCommand)).toThrow(
      'unhandled case: {"type":"Emigrate","data":{}}',
    );
  });
});
