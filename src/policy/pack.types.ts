/**
 * The shape of a resolved policy pack: plain JSON data, one pack per document and period.
 * Every rule value carries its citation (OpenFisca-style dated parameter, Catala-style
 * clause): `{ value, clause, document }`. Packs are served as-is by `GET /policies/:id`.
 */
import type { LocalDate } from '../kernel/dates';
import type { CostKind, InstitutionLevel, MedType, PersonCategory, Scheme } from './engine/types';

import type { Cited } from './citation';
export type { Cited } from './citation';

export const ALL_LEVELS: readonly InstitutionLevel[] = ['village', 'township', 'level1', 'level2', 'level3', 'unrated'];
/** Primary (基层) = level 1 and below (宛政办〔2022〕42号 第五条（二） 一级及以下; 人社部发〔2011〕59号 二 基层医疗卫生机构). Unrated is not primary unless a pack says so by its rates. */
export const PRIMARY_LEVELS: readonly InstitutionLevel[] = ['village', 'township', 'level1'];
export const MED_TYPES: readonly MedType[] = ['ordinary', 'emergency', 'chronic'];
export const SCHEME_CATEGORIES: Readonly<Record<Scheme, readonly PersonCategory[]>> = {
  employee: ['in_service', 'retired'],
  resident: ['resident', 'student'],
};

export type ExcludedCostKind = Exclude<CostKind, 'medical'>;
export const EXCLUDED_COST_KINDS: readonly ExcludedCostKind[] = [
  'health_checkup',
  'work_injury',
  'third_party',
  'public_health',
  'fitness_wellness',
];

export type LevelCondition = 'countyDesignated' | 'referral';
/** A level is covered when some rule lists it; it must then meet every condition any rule attaches to it. */
export interface LevelAccessRule {
  levels: InstitutionLevel[];
  requires?: LevelCondition[];
}

export type LevelAmounts = Partial<Record<InstitutionLevel, string>>;
export type DeductibleMode = 'none' | 'per_visit' | 'annual' | 'fixed_copay';
export type DeductibleRule =
  | { mode: 'none' }
  /**
   * One deductible per window at one institution, counted from the visit that was charged.
   * `window: 'either_side'` (issue 16.3): a charged visit within the window before or after
   * this one, in any year and whatever the settlement order, waives it; absent = before only.
   */
  | { mode: 'per_visit'; byLevel: LevelAmounts; windowHours: number; window?: 'either_side' }
  /** Cumulative within the natural year. */
  | { mode: 'annual'; amount: string }
  /** A fixed self-paid amount per visit (人社部发〔2011〕59号 二: 每次就诊定额自付). */
  | { mode: 'fixed_copay'; amount: string };

export interface OffSiteRule {
  covered: boolean;
  requiresRegistration: boolean;
  requiresDirectSettlement: boolean;
}

export interface BenefitRules {
  /** Spelt as in the pack files since the first version (renaming would change every pack's content hash). */
  enrolment: Cited<true>;
  /** No pooling payment on a day the person is an inpatient. */
  inpatientExcluded: Cited<boolean>;
  designationRequired: Cited<true>;
  pharmaciesCovered: Cited<boolean>;
  medTypes: Cited<MedType[]>;
  levelAccess: Array<Cited<LevelAccessRule>>;
  offSite: Cited<OffSiteRule>;
  /**
   * Days after a settlement within which it may be reversed (national interface 2208). No
   * document gives one: a deployment parameter (config/deployment-policy.json).
   */
  reversalWindowDays: Cited<number>;
  /** Days after the visit date within which it may still be settled. */
  settlementWindowDays?: Cited<number>;
  exclusions: {
    notInCatalogue: Cited<true>;
    costKinds: Record<ExcludedCostKind, Cited<true>>;
  };
  deductible: Cited<DeductibleRule>;
  /** category → level → rate string. */
  rates: Cited<Partial<Record<PersonCategory, LevelAmounts>>>;
  annualCaps: Cited<Partial<Record<PersonCategory, string>>>;
  /** Category changes take effect from the month after processing; the year's payments count against the new cap. */
  categorySwitch?: Cited<{ effective: 'next_month'; capMerged: boolean }>;
  /** Prescription-day limits by visit type. */
  prescriptionDays?: Cited<Record<MedType, number>>;
  /**
   * Issue 16.1: the `referral` level condition is met only by a ReferralRecorded in the
   * person's stream, valid on the visit date (referredOn..validUntil) and naming the
   * receiving institution. Absent: the visit's own `referral` field decides (old behaviour).
   */
  referralRecords?: Cited<{ receiving: 'institution' }>;
  /** Issue 16.4: pooling tier by registry category (a category not listed keeps its grade level). */
  tierByCategory?: Cited<Record<string, InstitutionLevel>>;
  /** Issue 16.5: no general consultation fee (line category 'consultation') for a person whose family-doctor contract fee the fund pays. */
  consultationFeeWithContract?: Cited<{ paid: false }>;
}

export type AccountPurpose =
  | 'own_self_pay'
  | 'pharmacy'
  | 'relative_self_pay'
  | 'relative_resident_contribution'
  | 'own_large_amount_contribution'
  | 'public_health'
  | 'fitness_wellness'
  | 'outside_basic_insurance';
export const ACCOUNT_PURPOSES: readonly AccountPurpose[] = [
  'own_self_pay',
  'pharmacy',
  'relative_self_pay',
  'relative_resident_contribution',
  'own_large_amount_contribution',
  'public_health',
  'fitness_wellness',
  'outside_basic_insurance',
];

export interface AccountRules {
  credits?: {
    /** Monthly credit = contribution base × share. */
    in_service?: Cited<{ basis: 'contribution_base'; share: string }>;
    /** Monthly credit = average monthly pension × share. */
    retired?: Cited<{ basis: 'average_pension'; share: string }>;
    averageMonthlyPension?: Cited<string>;
  };
  /** The scheme stopped crediting accounts from this date (安医保〔2019〕75号 三). */
  noNewCredits?: Cited<{ from: LocalDate }>;
  /** Relations whose costs the holder's account may pay. */
  familyRelations: Cited<string[]>;
  mayPay: Record<AccountPurpose, Cited<boolean>>;
  /**
   * What part of a visit's person share the account may pay:
   * 'policy_scope_self_pay' = only the self-paid part of policy-scope cost;
   * 'person_part_medical' = all of the person's share of medical costs, out-of-catalogue included.
   */
  visitPayment: Cited<{ scope: 'policy_scope_self_pay' | 'person_part_medical'; designatedOnly: boolean }>;
  balance?: Cited<{ carriesOver: boolean; inheritable: boolean; transferable: boolean; oneTimePayout: string[] }>;
  categorySwitch?: Cited<{ effective: 'next_month' }>;
}

/** Bounds a framework document sets for the packs under it. */
export interface FrameworkBounds {
  /** Territory: the scheme, and the regions (absent = every region). `clause`: the document's scope clause. */
  appliesTo: { scheme: Scheme; regions?: string[]; clause?: string; note?: string };
  deductible?: { modes: Cited<DeductibleMode[]>; annualMax?: Cited<string> };
  annualCapMax?: Cited<string>;
  /** Target rates by category with a tolerance (in rate units) for "about". */
  rateTargets?: Cited<{ targets: Partial<Record<PersonCategory, string>>; tolerance: string }>;
  ratesDifferByLevel?: Cited<true>;
  primaryRateFloor?: Cited<string>;
  nonPrimaryRequiresReferral?: Cited<true>;
  accountCreditShares?: Cited<{ in_service: string; retired: string; retiredTolerance: string }>;
  firstContactPerYear?: Cited<number>;
}

interface PackHeader {
  id: string;
  /** sha256 of the canonical JSON of the resolved pack (deployment values included). */
  version: string;
  document: string;
  title: string;
  region: string;
  scheme: Scheme;
  /** `clause`: where the document states its effective date (e.g. 宛政办〔2022〕42号 第二十五条). */
  effective: { from: LocalDate; to?: LocalDate; clause?: string };
  /** Id of the framework pack this pack falls under. */
  framework?: string;
  /** Names of the parameters supplied by the deployment configuration. */
  deploymentParameters: string[];
  notes?: string[];
}

export interface CityPack extends PackHeader {
  kind: 'city';
  benefit: BenefitRules;
  /** Null where the document has no personal-account rules. */
  account: AccountRules | null;
  /** Data for other modules (institution settlement, funding); the person engine does not read it. */
  institution?: Record<string, Cited<unknown>>;
}

export interface FrameworkPack extends PackHeader {
  kind: 'framework';
  bounds: FrameworkBounds;
}

export type PolicyPack = CityPack | FrameworkPack;
