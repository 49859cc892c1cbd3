/**
 * Enrollment facts of one insured person (stream `person-<id>`). Data shapes are a
 * contract: change one only with a schemaVersion bump and an upcaster.
 */
import type { LocalDate } from '../../kernel/dates';
import type { PersonCategory, Scheme } from '../../policy/engine/types';

export type Relation = 'spouse' | 'parent' | 'child' | 'sibling' | 'other';
export type ExitReason = 'death' | 'emigration' | 'voluntary_exit' | 'transfer_out';

export interface PersonEnrolled {
  type: 'PersonEnrolled';
  data: {
    personId: string;
    scheme: Scheme;
    category: PersonCategory;
    region: string;
    enrolledOn: LocalDate;
    /** Monthly contribution base (money string); employees only (宛政办〔2022〕42号 第八条（一）). */
    contributionBase?: string;
    /** Relatives as the person declares them: whose account this person may use for them. */
    relatives: Array<{ personId: string; relation: Relation }>;
  };
}

/** 宛政办〔2022〕42号 第六条: the switch takes effect from the month after processing. */
export interface RetiredStatusChanged {
  type: 'RetiredStatusChanged';
  data: { processedOn: LocalDate; effectiveFrom: LocalDate; from: PersonCategory; to: 'retired' };
}

export interface ContributionBaseChanged {
  type: 'ContributionBaseChanged';
  data: { contributionBase: string; effectiveFrom: LocalDate };
}

export interface RelativesUpdated {
  type: 'RelativesUpdated';
  data: { relatives: Array<{ personId: string; relation: Relation }> };
}

export interface InpatientAdmitted {
  type: 'InpatientAdmitted';
  data: { admittedOn: LocalDate; institutionCode: string };
}

export interface InpatientDischarged {
  type: 'InpatientDischarged';
  data: { dischargedOn: LocalDate };
}

/** 宛政办〔2022〕42号 第十五条: registered off-site residence. */
export interface OffSiteResidenceRegistered {
  type: 'OffSiteResidenceRegistered';
  data: { from: LocalDate; to?: LocalDate; place: string };
}

/** 人社部发〔2011〕59号: referral from a primary institution. */
export interface ReferralRecorded {
  type: 'ReferralRecorded';
  data: { referralId: string; referredOn: LocalDate; validUntil: LocalDate; fromInstitution: string; toInstitution: string };
}

/** 人社部发〔2011〕59号: one first-contact primary institution per person per year. */
export interface FirstContactInstitutionDesignated {
  type: 'FirstContactInstitutionDesignated';
  data: { year: number; institutionCode: string };
}

/**
 * 安医保〔2019〕75号 三（二）/附件 (issue 16.5): a family-doctor contract. `fundPays` is the part
 * of the contract fee the pooling fund pays (within the 附件's 18 yuan per person per year);
 * while it is in force and the fund pays, the general consultation fee is not pooled.
 */
export interface FamilyDoctorContracted {
  type: 'FamilyDoctorContracted';
  data: {
    contractId: string;
    institutionCode: string;
    from: LocalDate;
    to: LocalDate;
    /** Contract service fee (money string). */
    fee: string;
    fundPays: string;
    personPays: string;
    clause: string;
  };
}

/** The stored event type keeps the spelling it was first written with (the module says enrollment). */
export interface EnrolmentEnded {
  type: 'EnrolmentEnded';
  data: { endedOn: LocalDate; reason: ExitReason };
}

export type EnrollmentEvent =
  | PersonEnrolled
  | RetiredStatusChanged
  | ContributionBaseChanged
  | RelativesUpdated
  | InpatientAdmitted
  | InpatientDischarged
  | OffSiteResidenceRegistered
  | ReferralRecorded
  | FirstContactInstitutionDesignated
  | FamilyDoctorContracted
  | EnrolmentEnded;
