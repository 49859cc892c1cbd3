import { given } from '../../../test/support/given-when-then';
import { foldPerson, PersonState } from '../person-stream';
import { defaultCatalog } from '../../../test/support/policy';
import { enrollmentClauses } from '../../policy/person-rules';
import { decideEnrollment, RegisteredInstitution } from './enrollment.decide';
import type { PersonEnrolled } from './enrollment.events';
import { categoryOn, personFacts } from './enrollment.state';

/** A township-level institution of Anyang designated for residents (the registry facts the handler passes). */
const primary = (code: string): RegisteredInstitution => ({ code, region: 'anyang', designations: ['resident'], tier: 'township' });
const nanyangInstitution = (code: string, tier: RegisteredInstitution['tier']): RegisteredInstitution => ({
  code,
  region: 'nanyang',
  designations: ['employee'],
  tier,
});

/** The clauses the handler resolves: the pack in force for the region on the date, and its framework. */
const catalog = defaultCatalog();
const clausesOf = (region: string, scheme: 'employee' | 'resident', date: string) => {
  const pack = catalog.resolve(region, scheme, date);
  return enrollmentClauses(pack, pack?.framework ? catalog.byId(pack.framework) : undefined);
};
const NANYANG = clausesOf('nanyang', 'employee', '2023-06-01');
const ANYANG = clausesOf('anyang', 'resident', '2020-06-01');

const enrolled: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: {
    personId: 'P1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
    relatives: [{ personId: 'P2', relation: 'spouse' }],
  },
};
const resident: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: { personId: 'R1', scheme: 'resident', category: 'resident', region: 'anyang', enrolledOn: '2020-01-01', relatives: [] },
};

describe('enrollment decider (given events / when command / then events)', () => {
  it('enrols a new person', () => {
    given([])
      .when((s) => decideEnrollment({ type: 'Enrol', data: enrolled.data }, s.enrollment))
      .then([enrolled]);
  });

  it('refuses a second enrollment', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'Enrol', data: enrolled.data }, s.enrollment))
      .thenRefuses('ALREADY_ENROLLED');
  });

  it('refuses a resident category for an employee scheme', () => {
    given([])
      .when((s) => decideEnrollment({ type: 'Enrol', data: { ...enrolled.data, category: 'student' } }, s.enrollment))
      .thenInvalid('category');
  });

  it('宛政办〔2022〕42号 第八条（一）: an in-service employee needs a contribution base', () => {
    const { contributionBase: _omit, ...noBase } = enrolled.data;
    given([])
      .when((s) => decideEnrollment({ type: 'Enrol', data: noBase }, s.enrollment))
      .thenInvalid('contributionBase');
  });

  it('宛政办〔2022〕42号 第六条: retirement processed 2023-05-15 takes effect 2023-06-01', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2023-05-15' } }, s.enrollment))
      .then([
        {
          type: 'RetiredStatusChanged',
          data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' },
        },
      ]);
  });

  it('宛政办〔2022〕42号 第六条: processed in December takes effect on 1 January', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2023-12-31' } }, s.enrollment))
      .then([
        {
          type: 'RetiredStatusChanged',
          data: { processedOn: '2023-12-31', effectiveFrom: '2024-01-01', from: 'in_service', to: 'retired' },
        },
      ]);
  });

  it('the category timeline switches on the effective date, not the processing date', () => {
    const g = given([
      enrolled,
      { type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } },
    ]);
    expect(categoryOn(g.state.enrollment, '2023-05-31')).toBe('in_service');
    expect(categoryOn(g.state.enrollment, '2023-06-01')).toBe('retired');
  });

  it("issue 14 item 1: clauses come from the pack of the person's region, not Nanyang's for everyone", () => {
    expect(NANYANG).toMatchObject({
      enrollment: '宛政办〔2022〕42号 第三条',
      categorySwitch: '宛政办〔2022〕42号 第六条',
      inpatient: '宛政办〔2022〕42号 第五条（二）',
      contributionBase: '宛政办〔2022〕42号 第八条（一）',
    });
    expect(clausesOf('jiaozuo', 'employee', '2024-09-01')).toMatchObject({
      enrollment: '焦医保〔2024〕32号 一（一）',
      categorySwitch: 'ledger rule category-switch-next-month',
      inpatient: '焦医保〔2024〕32号 三',
      contributionBase: 'ledger rule contribution-base-recorded',
    });
    expect(ANYANG).toMatchObject({
      enrollment: '安医保〔2019〕75号 二（一）',
      inpatient: '安医保〔2019〕75号 二（二）',
      firstContact: '人社部发〔2011〕59号 四',
    });
    given([resident, { type: 'EnrolmentEnded', data: { endedOn: '2020-03-01', reason: 'death' } }])
      .when((s) =>
        decideEnrollment({ type: 'AdmitInpatient', data: { admittedOn: '2020-04-01', institutionCode: 'H1' } }, s.enrollment, ANYANG),
      )
      .thenRefuses('NOT_ENROLLED', '安医保〔2019〕75号 二（一）');
    const jiaozuoBaseless = { ...enrolled.data, region: 'jiaozuo', enrolledOn: '2024-08-01', contributionBase: undefined };
    given([])
      .when((s) => decideEnrollment({ type: 'Enrol', data: jiaozuoBaseless }, s.enrollment, clausesOf('jiaozuo', 'employee', '2024-08-01')))
      .thenInvalid('contributionBase');
  });

  it('refuses retiring twice, and retiring a resident', () => {
    given([
      enrolled,
      { type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } },
    ])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2023-07-01' } }, s.enrollment, NANYANG))
      .thenRefuses('ALREADY_RETIRED', '宛政办〔2022〕42号 第六条');
    given([resident])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2020-07-01' } }, s.enrollment, ANYANG))
      .thenRefuses('NOT_AN_EMPLOYEE', 'ledger rule category-switch-next-month');
  });

  it('refuses commands for a person never enrolled', () => {
    given([])
      .when((s) => decideEnrollment({ type: 'AdmitInpatient', data: { admittedOn: '2023-03-01', institutionCode: 'H1' } }, s.enrollment))
      .thenRefuses('NOT_ENROLLED');
  });

  it('admits and discharges; refuses a second admission while in hospital and a discharge before admission', () => {
    const admitted = { type: 'InpatientAdmitted', data: { admittedOn: '2023-03-01', institutionCode: 'H1' } };
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'AdmitInpatient', data: { admittedOn: '2023-03-01', institutionCode: 'H1' } }, s.enrollment))
      .then([admitted]);
    given([enrolled, admitted])
      .when((s) => decideEnrollment({ type: 'AdmitInpatient', data: { admittedOn: '2023-03-02', institutionCode: 'H1' } }, s.enrollment))
      .thenRefuses('ALREADY_INPATIENT');
    given([enrolled, admitted])
      .when((s) => decideEnrollment({ type: 'DischargeInpatient', data: { dischargedOn: '2023-02-28' } }, s.enrollment))
      .thenRefuses('DISCHARGE_BEFORE_ADMISSION');
    given([enrolled, admitted])
      .when((s) => decideEnrollment({ type: 'DischargeInpatient', data: { dischargedOn: '2023-03-10' } }, s.enrollment))
      .then([{ type: 'InpatientDischarged', data: { dischargedOn: '2023-03-10' } }]);
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'DischargeInpatient', data: { dischargedOn: '2023-03-10' } }, s.enrollment))
      .thenRefuses('NOT_INPATIENT');
  });

  it('人社部发〔2011〕59号 四: one first-contact primary institution per year', () => {
    const chosen = { type: 'FirstContactInstitutionDesignated', data: { year: 2020, institutionCode: 'T1' } };
    given([resident])
      .when((s) =>
        decideEnrollment(
          { type: 'DesignateFirstContactInstitution', data: { year: 2020, institutionCode: 'T1' }, institution: primary('T1') },
          s.enrollment,
        ),
      )
      .then([chosen]);
    given([resident, chosen])
      .when((s) =>
        decideEnrollment(
          { type: 'DesignateFirstContactInstitution', data: { year: 2020, institutionCode: 'T2' }, institution: primary('T2') },
          s.enrollment,
          ANYANG,
        ),
      )
      .thenRefuses('FIRST_CONTACT_ALREADY_CHOSEN', '人社部发〔2011〕59号 四');
    given([resident, chosen])
      .when((s) =>
        decideEnrollment(
          { type: 'DesignateFirstContactInstitution', data: { year: 2021, institutionCode: 'T2' }, institution: primary('T2') },
          s.enrollment,
        ),
      )
      .then([{ type: 'FirstContactInstitutionDesignated', data: { year: 2021, institutionCode: 'T2' } }]);
  });

  describe('issue 16.2: the first-contact institution is a registered primary institution designated for the scheme in the region (人社部发〔2011〕59号 四)', () => {
    const designate = (institution: RegisteredInstitution | undefined) => (s: PersonState) =>
      decideEnrollment(
        { type: 'DesignateFirstContactInstitution', data: { year: 2020, institutionCode: 'X1' }, ...(institution ? { institution } : {}) },
        s.enrollment,
        ANYANG,
      );
    it.each(['village', 'township', 'level1'] as const)('accepts a %s institution', (tier) => {
      given([resident])
        .when(designate({ ...primary('X1'), tier }))
        .then([{ type: 'FirstContactInstitutionDesignated', data: { year: 2020, institutionCode: 'X1' } }]);
    });
    it.each(['level2', 'level3', 'unrated'] as const)('refuses a %s institution (not 基层)', (tier) => {
      given([resident])
        .when(designate({ ...primary('X1'), tier }))
        .thenRefuses('FIRST_CONTACT_NOT_PRIMARY', '人社部发〔2011〕59号 四');
    });
    it('refuses another region, another scheme, a pharmacy; needs the registry facts', () => {
      given([resident])
        .when(designate({ ...primary('X1'), region: 'nanyang' }))
        .thenRefuses('FIRST_CONTACT_OTHER_REGION', '人社部发〔2011〕59号 四');
      given([resident])
        .when(designate({ ...primary('X1'), designations: ['employee'] }))
        .thenRefuses('FIRST_CONTACT_NOT_DESIGNATED', '人社部发〔2011〕59号 四');
      given([resident])
        .when(designate({ ...primary('X1'), pharmacy: true }))
        .thenRefuses('FIRST_CONTACT_NOT_A_MEDICAL_INSTITUTION', '人社部发〔2011〕59号 四');
      given([resident]).when(designate(undefined)).thenInvalid('institutionCode');
    });
  });

  describe('issue 16.5: family-doctor contracts (安医保〔2019〕75号 三（二）, 附件)', () => {
    const rule = { perPersonYear: '18', clause: '安医保〔2019〕75号 附件' };
    const request = { contractId: 'FD1', institutionCode: 'T1', from: '2020-01-01', to: '2020-12-31', fee: '12.00' };
    const contract =
      (data: typeof request, contractFee = rule) =>
      (s: PersonState) =>
        decideEnrollment(
          { type: 'RecordFamilyDoctorContract', data, institution: primary(data.institutionCode), contractFee },
          s.enrollment,
        );
    const recorded = (data: typeof request, fundPays: string, personPays: string) => ({
      type: 'FamilyDoctorContracted',
      data: { ...data, fundPays, personPays, clause: rule.clause },
    });

    it('the fund pays the contract fee up to 18.00 per person-year; the rest is the person’s', () => {
      given([resident])
        .when(contract(request))
        .then([recorded(request, '12.00', '0.00')]);
      given([resident])
        .when(contract({ ...request, fee: '30.00' }))
        .then([recorded({ ...request, fee: '30.00' }, '18.00', '12.00')]);
      const second = { ...request, contractId: 'FD2', from: '2020-07-01', fee: '10.00' };
      given([resident, recorded(request, '12.00', '0.00')])
        .when(contract(second))
        .then([recorded(second, '6.00', '4.00')]);
      const nextYear = { ...request, contractId: 'FD3', from: '2021-01-01', to: '2021-12-31', fee: '10.00' };
      given([resident, recorded(request, '12.00', '0.00')])
        .when(contract(nextYear))
        .then([recorded(nextYear, '10.00', '0.00')]);
    });
    it('refuses a duplicate, an inverted period, a pack without a contract-fee rule, another region', () => {
      given([resident, recorded(request, '12.00', '0.00')])
        .when(contract(request))
        .thenRefuses('DUPLICATE_CONTRACT', 'ledger rule duplicate-contract');
      given([resident])
        .when(contract({ ...request, to: '2019-12-31' }))
        .thenInvalid('to');
      given([resident])
        .when((s) => decideEnrollment({ type: 'RecordFamilyDoctorContract', data: request, institution: primary('T1') }, s.enrollment))
        .thenRefuses('CONTRACT_FEE_NOT_POOLED', 'ledger rule contract-fee-pooled-where-the-pack-says');
      given([resident])
        .when((s) =>
          decideEnrollment(
            { type: 'RecordFamilyDoctorContract', data: request, institution: { ...primary('T1'), region: 'nanyang' }, contractFee: rule },
            s.enrollment,
          ),
        )
        .thenRefuses('CONTRACT_OTHER_REGION');
    });
    it('the person state carries the contract with its revision for the engine', () => {
      const state = foldPerson([resident, recorded(request, '12.00', '0.00')].map((e, revision) => ({ ...e, revision })));
      expect(personFacts(state.enrollment).familyDoctorContracts).toEqual([
        { contractId: 'FD1', institutionCode: 'T1', from: '2020-01-01', to: '2020-12-31', feePaidByPooling: true, revision: 1 },
      ]);
    });
  });

  it('records off-site registration and referrals; refuses inverted periods and duplicate referrals', () => {
    given([enrolled])
      .when((s) =>
        decideEnrollment(
          { type: 'RegisterOffSiteResidence', data: { from: '2023-02-01', to: '2023-01-01', place: 'Zhengzhou' } },
          s.enrollment,
        ),
      )
      .thenInvalid('to');
    const referral = { referralId: 'R1', referredOn: '2023-04-01', validUntil: '2023-04-30', fromInstitution: 'T1', toInstitution: 'C1' };
    const facts = { from: nanyangInstitution('T1', 'level1'), to: nanyangInstitution('C1', 'level3') };
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'RecordReferral', data: referral, ...facts }, s.enrollment))
      .then([{ type: 'ReferralRecorded', data: referral }]);
    given([enrolled, { type: 'ReferralRecorded', data: referral }])
      .when((s) => decideEnrollment({ type: 'RecordReferral', data: referral, ...facts }, s.enrollment))
      .thenRefuses('DUPLICATE_REFERRAL');
  });

  it('issue 16.1: a referral comes from a primary institution of the person’s region and scheme, to one designated for the scheme (人社部发〔2011〕59号 二)', () => {
    const referral = { referralId: 'R1', referredOn: '2023-04-01', validUntil: '2023-04-30', fromInstitution: 'T1', toInstitution: 'C1' };
    const record = (from: RegisteredInstitution | undefined, to: RegisteredInstitution | undefined) => (s: PersonState) =>
      decideEnrollment({ type: 'RecordReferral', data: referral, ...(from ? { from } : {}), ...(to ? { to } : {}) }, s.enrollment, NANYANG);
    const to = nanyangInstitution('C1', 'level3');
    // 人社部发〔2011〕59号 is resident guidance and 宛政办〔2022〕42号 has no referral rule: the ledger's own (issue 14 item 2).
    given([enrolled])
      .when(record(nanyangInstitution('T1', 'level2'), to))
      .thenRefuses('REFERRAL_FROM_NOT_PRIMARY', 'ledger rule referral-record');
    given([enrolled])
      .when(record({ ...nanyangInstitution('T1', 'township'), region: 'anyang' }, to))
      .thenRefuses('REFERRAL_FROM_OTHER_REGION', 'ledger rule referral-record');
    given([enrolled])
      .when(record(nanyangInstitution('T1', 'township'), { ...to, designations: ['resident'] }))
      .thenRefuses('REFERRAL_TO_NOT_DESIGNATED', 'ledger rule referral-record');
    // In Anyang the pack's referral rule is cited.
    const anyangReferral = (s: PersonState) =>
      decideEnrollment(
        { type: 'RecordReferral', data: referral, from: { ...primary('T1'), tier: 'level2' }, to: primary('C1') },
        s.enrollment,
        ANYANG,
      );
    given([resident]).when(anyangReferral).thenRefuses('REFERRAL_FROM_NOT_PRIMARY', '人社部发〔2011〕59号 二');
    given([enrolled]).when(record(undefined, to)).thenInvalid('fromInstitution');
    given([enrolled])
      .when(record(nanyangInstitution('T1', 'village'), { ...to, region: 'zhengzhou' }))
      .then([{ type: 'ReferralRecorded', data: referral }]);
  });

  it('relatives may not include the person themself', () => {
    given([enrolled])
      .when((s) =>
        decideEnrollment({ type: 'UpdateRelatives', data: { relatives: [{ personId: 'P1', relation: 'child' }] } }, s.enrollment),
      )
      .thenInvalid('relatives');
  });
});

describe('enrollment decider: contribution base', () => {
  it('changes the base of an employee from a date; refuses it for a resident', () => {
    given([enrolled])
      .when((s) =>
        decideEnrollment(
          { type: 'ChangeContributionBase', data: { contributionBase: '6500.00', effectiveFrom: '2023-07-01' } },
          s.enrollment,
        ),
      )
      .then([{ type: 'ContributionBaseChanged', data: { contributionBase: '6500.00', effectiveFrom: '2023-07-01' } }]);
    given([resident])
      .when((s) =>
        decideEnrollment(
          { type: 'ChangeContributionBase', data: { contributionBase: '6500.00', effectiveFrom: '2023-07-01' } },
          s.enrollment,
        ),
      )
      .thenRefuses('NOT_AN_EMPLOYEE');
  });
});
