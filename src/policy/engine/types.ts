/**
 * The adjudication engine's contract: pure data in, pure data out.
 * Money fields are decimal strings (two places); rates are decimal strings ("0.6").
 * Dates are Asia/Shanghai 'YYYY-MM-DD'; instants ISO-8601 with offset.
 */
import type { Instant, LocalDate } from '../../kernel/dates';

export type Scheme = 'employee' | 'resident';
export type PersonCategory = 'in_service' | 'retired' | 'resident' | 'student';

/**
 * Institution levels (DOMAIN.md §2): village = 村级/社区服务站, township = 乡级/社区卫生服务中心,
 * level1..3 = 一级..三级, unrated = 未定级. "Primary" (基层) = level1 and below.
 */
export type InstitutionLevel = 'village' | 'township' | 'level1' | 'level2' | 'level3' | 'unrated';
export type MedType = 'ordinary' | 'emergency' | 'chronic';

/** Why a cost might be outside pooling regardless of the catalogue (焦医保〔2024〕32号 三, 宛政办 第十条/第十九条). */
export type CostKind = 'medical' | 'health_checkup' | 'work_injury' | 'third_party' | 'public_health' | 'fitness_wellness';

/**
 * Bill-line category for monitoring (issue 7) and exclusion rules. 'consultation' is the
 * general consultation fee (一般诊疗费, 人社部发〔2011〕59号 三; 安医保〔2019〕75号 三（二）).
 */
export type LineCategory = 'drug' | 'herbal_pieces' | 'examination' | 'treatment' | 'consumable' | 'consultation' | 'other';

export interface BillLine {
  code: string;
  name?: string;
  /** Money string > 0. */
  amount: string;
  /** In the basic-insurance catalogue (policy scope); false = fully self-paid (全自费). */
  inCatalogue: boolean;
  /** Defaults to 'medical'. */
  costKind?: CostKind;
  category?: LineCategory;
}

export interface InstitutionFacts {
  code: string;
  level: InstitutionLevel;
  /** Region code of the institution, e.g. 'nanyang'. */
  region: string;
  /** Designated (定点) for the person's scheme. */
  designated: boolean;
  /** Anyang 三（三）/五: a county designates this county-level institution for resident outpatient pooling. */
  countyDesignated?: boolean;
  /** A pharmacy (定点药店) rather than a medical institution. */
  pharmacy?: boolean;
  /** Registry category (e.g. 'community_health_centre'); a pack with `tierByCategory` pools by it (issue 16.4). */
  category?: string;
}

export interface VisitFacts {
  visitId: string;
  /** When the visit happened (drives policy version, category, year, 24-hour rule). */
  occurredAt: Instant;
  /** When it is being settled (Jiaozuo 一（一）: within 30 days of the visit). */
  settledAt: Instant;
  institution: InstitutionFacts;
  medType: MedType;
  lines: BillLine[];
  /** Days of medication prescribed, if any (焦医保〔2024〕32号 二（二）). */
  prescriptionDays?: number;
  /** Care outside the insured region. */
  offSite?: boolean;
  /** Settled directly through the (off-site) settlement system. */
  directSettlement?: boolean;
  /**
   * Deprecated (issue 16.1): the client's word that the visit was referred. A pack with
   * `referralRecords` decides from the referrals recorded in the person's stream only; this
   * field is then accepted but ignored (flag REFERRAL_FIELD_IGNORED). Packs without that key
   * (recorded decisions) still read it.
   */
  referral?: boolean;
}

export interface DatedPeriod {
  from: LocalDate;
  /** Inclusive last day; open when absent. */
  to?: LocalDate;
}

export interface PersonFacts {
  personId: string;
  scheme: Scheme;
  region: string;
  /** Periods of enrollment in the scheme. */
  enrollments: DatedPeriod[];
  /** Category changes in effect order; the first entry starts at enrollment. */
  categoryTimeline: Array<{ from: LocalDate; category: PersonCategory }>;
  inpatientStays: DatedPeriod[];
  offSiteRegistrations: DatedPeriod[];
  /** Year → institution code chosen as first-contact primary institution. */
  firstContactInstitutions: Record<string, string>;
  /** Referrals recorded in the person's stream (ReferralRecorded), with the event's revision. */
  referrals?: RecordedReferral[];
  /** Family-doctor contracts recorded in the person's stream (FamilyDoctorContracted). */
  familyDoctorContracts?: RecordedContract[];
}

export interface RecordedReferral {
  referralId: string;
  referredOn: LocalDate;
  /** Inclusive last day the referral may be used, as the referring institution wrote it. */
  validUntil: LocalDate;
  fromInstitution: string;
  toInstitution: string;
  /** Stream revision of the ReferralRecorded event. */
  revision: number;
}

export interface RecordedContract {
  contractId: string;
  institutionCode: string;
  from: LocalDate;
  /** Inclusive last day. */
  to: LocalDate;
  /** The pooling fund pays (part of) the contract fee (安医保〔2019〕75号 三（二）'s condition). */
  feePaidByPooling: boolean;
  revision: number;
}

/** What the person has used earlier in the visit's natural year (settlements not reversed). */
export interface YearToDate {
  year: number;
  /** Pooled-fund payments this natural year, under any category. */
  fundPaid: string;
  /** Annual-cumulative deductible already met this year. */
  deductibleMet: string;
  /**
   * Visits at which a per-visit deductible was charged (for the 24-hour rule). Without
   * `deductibleWindow`: this natural year's charges. With it: every charge within the
   * window around the visit, whatever its year (issue 16.3).
   */
  deductibleCharges: Array<{ institutionCode: string; at: Instant; visitId: string }>;
  /** Marks the issue-16.3 shape: charges gathered around this instant, whatever the year. */
  deductibleWindow?: { around: Instant; hours: number };
}

export interface AccountRequest {
  /** Which account pays the person's share, if any. */
  source: 'none' | 'own' | 'relative';
  /** Balance available (money string) of the account named by `source`. */
  balance: string;
  /** For 'relative': the account holder and relation, for the trace. */
  holderId?: string;
  relation?: 'spouse' | 'parent' | 'child' | 'sibling' | 'other';
}

export interface AdjudicationInput {
  visit: VisitFacts;
  person: PersonFacts;
  yearToDate: YearToDate;
  account: AccountRequest;
}

export interface TraceEntry {
  step: string;
  /** Document number and clause, e.g. '宛政办〔2022〕42号 第五条（一）'. */
  clause: string;
  inputs: Record<string, string | number | boolean | null>;
  result: Record<string, string | number | boolean | null>;
  note?: string;
}

export interface Reason {
  /** Stable reason code (src/policy/reason-codes.ts). */
  code: string;
  clause: string;
  message: string;
  /** Bill line it concerns, for per-line exclusions. */
  lineCode?: string;
}

/** The national settlement interface's output names (2206/2207), DOMAIN.md §2. */
export interface NationalFields {
  medfee_sumamt: string;
  fulamt_ownpay_amt: string;
  overlmt_selfpay: string;
  preselfpay_amt: string;
  inscp_scp_amt: string;
  act_pay_dedc: string;
  hifp_pay: string;
  fund_pay_sumamt: string;
  psn_part_amt: string;
  acct_pay: string;
  acct_mulaid_pay: string;
  psn_cash_pay: string;
}

export interface Decision {
  visitId: string;
  policy: { packId: string; version: string; region: string; scheme: Scheme };
  /** Asia/Shanghai date and natural year of the visit. */
  visitDate: LocalDate;
  year: number;
  category: PersonCategory;
  eligible: boolean;
  amounts: {
    total: string;
    excluded: string;
    policyScope: string;
    deductible: string;
    rate: string;
    /** (policy scope − deductible) × rate, before the cap, rounded to the fen. */
    fundBeforeCap: string;
    capAnnual: string;
    capRemainingBefore: string;
    fund: string;
    /** What is left of the annual cap after this visit: capRemainingBefore − fund. */
    capRemainingAfter: string;
    account: string;
    relativeAccount: string;
    cash: string;
  };
  /** True when this visit charged a per-visit deductible (opens a 24-hour window). */
  deductibleCharged: boolean;
  national: NationalFields;
  /** A payment refused: the visit, a bill line, part of the fund payment (cap), or the account (src/policy/reason-codes.ts). */
  reasons: Reason[];
  /** Facts beside the refusals: how a figure was arrived at (e.g. a deductible waived), or a notice that changes nothing. */
  flags: Reason[];
  trace: TraceEntry[];
}
