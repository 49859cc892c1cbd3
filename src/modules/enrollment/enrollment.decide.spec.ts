import { given } from '../../../test/support/given-when-then';
import { decideEnrollment } from './enrollment.decide';
import type { PersonEnrolled } from './enrollment.events';
import { categoryOn } from './enrollment.state';

const enrolled: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: { personId: 'P1', scheme: 'employee', category: 'in_service', region: 'nanyang', enrolledOn: '2023-01-01', contributionBase: '6000.00', relatives: [{ personId: 'P2', relation: 'spouse' }] },
};
const resident: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: { personId: 'R1', scheme: 'resident', category: 'resident', region: 'anyang', enrolledOn: '2020-01-01', relatives: [] },
};

describe('enrolment decider (given events / when command / then events)', () => {
  it('enrols a new person', () => {
    given([])
      .when((s) => decideEnrollment({ type: 'Enrol', data: enrolled.data }, s.enrollment))
      .then([enrolled]);
  });

  it('refuses a second enrolment', () => {
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
      .then([{ type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } }]);
  });

  it('宛政办〔2022〕42号 第六条: processed in December takes effect on 1 January', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2023-12-31' } }, s.enrollment))
      .then([{ type: 'RetiredStatusChanged', data: { processedOn: '2023-12-31', effectiveFrom: '2024-01-01', from: 'in_service', to: 'retired' } }]);
  });

  it('the category timeline switches on the effective date, not the processing date', () => {
    const g = given([enrolled, { type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } }]);
    expect(categoryOn(g.state.enrollment, '2023-05-31')).toBe('in_service');
    expect(categoryOn(g.state.enrollment, '2023-06-01')).toBe('retired');
  });

  it('refuses retiring twice, and retiring a resident', () => {
    given([enrolled, { type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } }])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2023-07-01' } }, s.enrollment))
      .thenRefuses('ALREADY_RETIRED', '宛政办〔2022〕42号 第六条');
    given([resident])
      .when((s) => decideEnrollment({ type: 'ChangeRetiredStatus', data: { processedOn: '2020-07-01' } }, s.enrollment))
      .thenRefuses('NOT_AN_EMPLOYEE');
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
      .thenInvalid('dischargedOn');
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
      .when((s) => decideEnrollment({ type: 'DesignateFirstContactInstitution', data: { year: 2020, institutionCode: 'T1' } }, s.enrollment))
      .then([chosen]);
    given([resident, chosen])
      .when((s) => decideEnrollment({ type: 'DesignateFirstContactInstitution', data: { year: 2020, institutionCode: 'T2' } }, s.enrollment))
      .thenRefuses('FIRST_CONTACT_ALREADY_CHOSEN', '人社部发〔2011〕59号 四');
    given([resident, chosen])
      .when((s) => decideEnrollment({ type: 'DesignateFirstContactInstitution', data: { year: 2021, institutionCode: 'T2' } }, s.enrollment))
      .then([{ type: 'FirstContactInstitutionDesignated', data: { year: 2021, institutionCode: 'T2' } }]);
  });

  it('records off-site registration and referrals; refuses inverted periods and duplicate referrals', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'RegisterOffSiteResidence', data: { from: '2023-02-01', to: '2023-01-01', place: 'Zhengzhou' } }, s.enrollment))
      .thenInvalid('to');
    const referral = { referralId: 'R1', referredOn: '2023-04-01', validUntil: '2023-04-30', fromInstitution: 'T1', toInstitution: 'C1' };
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'RecordReferral', data: referral }, s.enrollment))
      .then([{ type: 'ReferralRecorded', data: referral }]);
    given([enrolled, { type: 'ReferralRecorded', data: referral }])
      .when((s) => decideEnrollment({ type: 'RecordReferral', data: referral }, s.enrollment))
      .thenRefuses('DUPLICATE_REFERRAL');
  });

  it('relatives may not include the person themself', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'UpdateRelatives', data: { relatives: [{ personId: 'P1', relation: 'child' }] } }, s.enrollment))
      .thenInvalid('relatives');
  });
});

describe('enrolment decider: contribution base', () => {
  it('changes the base of an employee from a date; refuses it for a resident', () => {
    given([enrolled])
      .when((s) => decideEnrollment({ type: 'ChangeContributionBase', data: { contributionBase: '6500.00', effectiveFrom: '2023-07-01' } }, s.enrollment))
      .then([{ type: 'ContributionBaseChanged', data: { contributionBase: '6500.00', effectiveFrom: '2023-07-01' } }]);
    given([resident])
      .when((s) => decideEnrollment({ type: 'ChangeContributionBase', data: { contributionBase: '6500.00', effectiveFrom: '2023-07-01' } }, s.enrollment))
      .thenInvalid('contributionBase');
  });
});
