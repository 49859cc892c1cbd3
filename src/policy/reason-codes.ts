/**
 * The one table of reason codes a decision may carry, and the rule that puts each code in
 * one of the decision's two lists (issue 14 item 4):
 *
 *  - `reasons`: a rule refused a payment. `refusal`: the fund pays nothing for the visit
 *    (any refusal makes the visit ineligible); `exclusion`: one bill line is outside pooling;
 *    `reduction`: the fund pays less than the rate gives (the annual cap); `account_refusal`:
 *    the account may not pay at all, so the person's whole share is cash.
 *  - `flags`: facts beside the refusals. `adjustment`: how a figure was arrived at without a
 *    refusal (a deductible waived, a balance short of what the account could pay, lines the
 *    account's scope does not cover); `notice`: worth knowing, the money is unchanged.
 *
 * `listOf(code)` is that rule; test/policy/reason-lists.spec.ts checks the engine follows it.
 * The clause is the typical one; the decision carries the clause of the pack actually applied.
 */
export type ReasonKind = 'refusal' | 'exclusion' | 'reduction' | 'account_refusal' | 'adjustment' | 'notice';

/** Which list of a decision a code of each kind goes in. */
export const LIST_OF_KIND: Readonly<Record<ReasonKind, 'reasons' | 'flags'>> = {
  refusal: 'reasons',
  exclusion: 'reasons',
  reduction: 'reasons',
  account_refusal: 'reasons',
  adjustment: 'flags',
  notice: 'flags',
};

export interface ReasonCodeInfo {
  kind: ReasonKind;
  meaning: string;
  typicalClause: string;
}

export const REASON_CODES = {
  NOT_ENROLLED: {
    kind: 'refusal',
    meaning: 'not enrolled in the scheme on the visit date',
    typicalClause: '宛政办〔2022〕42号 第三条; 安医保〔2019〕75号 二（一）',
  },
  INPATIENT: {
    kind: 'refusal',
    meaning: 'an inpatient on the visit date: no outpatient pooling',
    typicalClause: '安医保〔2019〕75号 二（二）; 焦医保〔2024〕32号 三',
  },
  INSTITUTION_NOT_DESIGNATED: {
    kind: 'refusal',
    meaning: 'the institution is not designated (定点) for the scheme',
    typicalClause: '宛政办〔2022〕42号 第十三条; 安医保〔2019〕75号 五',
  },
  PHARMACY_NOT_COVERED: {
    kind: 'refusal',
    meaning: 'the pack does not pool retail-pharmacy purchases',
    typicalClause: '安医保〔2019〕75号 三（三）',
  },
  MED_TYPE_NOT_COVERED: {
    kind: 'refusal',
    meaning: 'the visit type (e.g. chronic/special disease) is a different benefit',
    typicalClause: '宛政办〔2022〕42号 第五条（二）',
  },
  LEVEL_NOT_COVERED: {
    kind: 'refusal',
    meaning: 'the institution level is not one where the scheme pays (or lacks the county designation)',
    typicalClause: '安医保〔2019〕75号 三（三）, 五',
  },
  REFERRAL_REQUIRED: {
    kind: 'refusal',
    meaning: 'non-primary care without a referral from a primary institution',
    typicalClause: '人社部发〔2011〕59号 二',
  },
  OFFSITE_NOT_COVERED: {
    kind: 'refusal',
    meaning: 'off-site care is not pooled by this pack',
    typicalClause: '安医保〔2019〕75号 五',
  },
  OFFSITE_NOT_REGISTERED: {
    kind: 'refusal',
    meaning: 'off-site care without an off-site registration (备案) on the visit date',
    typicalClause: '宛政办〔2022〕42号 第十五条',
  },
  OFFSITE_NOT_DIRECT: {
    kind: 'refusal',
    meaning: 'off-site care not settled directly through the insurance system',
    typicalClause: '宛政办〔2022〕42号 第十五条',
  },
  SETTLEMENT_TOO_LATE: {
    kind: 'refusal',
    meaning: 'settled later than the allowed number of days after the visit',
    typicalClause: '焦医保〔2024〕32号 一（一）',
  },
  EXCLUDED_NOT_IN_CATALOGUE: {
    kind: 'exclusion',
    meaning: 'bill line outside the basic-insurance catalogue (全自费)',
    typicalClause: '宛政办〔2022〕42号 第十九条（一）',
  },
  EXCLUDED_HEALTH_CHECKUP: {
    kind: 'exclusion',
    meaning: 'health check-up (健康查体) costs are never pooled',
    typicalClause: '焦医保〔2024〕32号 三',
  },
  EXCLUDED_WORK_INJURY: {
    kind: 'exclusion',
    meaning: 'owed by work-injury insurance',
    typicalClause: '焦医保〔2024〕32号 三',
  },
  EXCLUDED_THIRD_PARTY: {
    kind: 'exclusion',
    meaning: 'owed by a liable third party',
    typicalClause: '焦医保〔2024〕32号 三',
  },
  EXCLUDED_PUBLIC_HEALTH: {
    kind: 'exclusion',
    meaning: 'owed by public health funding',
    typicalClause: '焦医保〔2024〕32号 三; 宛政办〔2022〕42号 第十条',
  },
  EXCLUDED_FITNESS_WELLNESS: {
    kind: 'exclusion',
    meaning: 'fitness / wellness consumption, outside basic insurance',
    typicalClause: '宛政办〔2022〕42号 第十条, 第十九条（一）',
  },
  EXCLUDED_CONSULTATION_FEE_CONTRACTED: {
    kind: 'exclusion',
    meaning: 'general consultation fee (一般诊疗费) of a person whose family-doctor contract fee the pooling fund pays',
    typicalClause: '安医保〔2019〕75号 三（二）',
  },
  REFERRAL_FIELD_IGNORED: {
    kind: 'notice',
    meaning: "the visit's own referral field was given; only referrals recorded in the person's stream count",
    typicalClause: '人社部发〔2011〕59号 二',
  },
  CAP_REACHED: {
    kind: 'reduction',
    meaning: 'the fund payment was limited by what is left of the annual cap',
    typicalClause: '宛政办〔2022〕42号 第五条（三）, 第六条',
  },
  DEDUCTIBLE_WAIVED_24H: {
    kind: 'adjustment',
    meaning: 'a per-visit deductible was already charged at this institution within the window',
    typicalClause: '宛政办〔2022〕42号 第五条（一）',
  },
  PRESCRIPTION_DAYS_EXCEEDED: {
    kind: 'notice',
    meaning: 'more days of medication than the limit for the visit type',
    typicalClause: '焦医保〔2024〕32号 二（二）',
  },
  ACCOUNT_INSUFFICIENT: {
    kind: 'adjustment',
    meaning: 'the account balance covered only part of what it could pay; the rest is cash',
    typicalClause: '宛政办〔2022〕42号 第九条',
  },
  RELATION_NOT_ALLOWED: {
    kind: 'account_refusal',
    meaning: "the relation may not use the holder's account; the share is paid in cash",
    typicalClause: '宛政办〔2022〕42号 第九条（二）',
  },
  ACCOUNT_NOT_AT_DESIGNATED: {
    kind: 'account_refusal',
    meaning: 'the account pays only at designated institutions and pharmacies',
    typicalClause: '宛政办〔2022〕42号 第九条（二）',
  },
  ACCOUNT_USE_NOT_ALLOWED: {
    kind: 'account_refusal',
    meaning: 'the account may not pay for this purpose (e.g. a pharmacy purchase where only visit self-pay may be offset)',
    typicalClause: '宛政办〔2022〕42号 第九条, 第十条; 安医保〔2019〕75号 三',
  },
  ACCOUNT_RULES_ABSENT: {
    kind: 'account_refusal',
    meaning: 'the pack has no personal-account rules; the share is paid in cash',
    typicalClause: '焦医保〔2024〕32号 (silent on accounts)',
  },
  ACCOUNT_EXCLUDED_COSTS: {
    kind: 'adjustment',
    meaning: 'lines the account may not pay (public health, fitness, costs owed by another payer) are cash',
    typicalClause: '宛政办〔2022〕42号 第十条',
  },
  ACCOUNT_CREDIT_NOT_PROVIDED: {
    kind: 'refusal',
    meaning: 'the pack credits no account money for this category (e.g. no new family-account money)',
    typicalClause: '安医保〔2019〕75号 三',
  },
  // ---- Issue 15: refusals of corrections and disputes (HTTP 422; never on a decision).
  CORRECTION_PERIOD_NOT_ENDED: {
    kind: 'refusal',
    meaning: "a policy parameter is corrected only for a period that has ended; the catalogue's pack file fixes the future",
    typicalClause: 'ledger rule policy-correction-past-period-only',
  },
  CORRECTION_NOT_ADJUDICABLE: {
    kind: 'refusal',
    meaning: 'a settlement the correction touches cannot be decided again (e.g. its pack version is unknown)',
    typicalClause: 'ledger rule correction-re-adjudication',
  },
  POLICY_OVERRIDE_CONFLICT: {
    kind: 'refusal',
    meaning: 'a settlement is already decided under another corrected policy parameter; one at a time',
    typicalClause: 'ledger rule one-policy-override-per-settlement',
  },
  SETTLEMENT_REVERSED: {
    kind: 'refusal',
    meaning: 'the settlement to correct was reversed; there is nothing to correct',
    typicalClause: 'ledger rule correction-re-adjudication',
  },
  DISPUTE_ALREADY_RESOLVED: {
    kind: 'refusal',
    meaning: 'an upheld or rejected dispute is final',
    typicalClause: 'ledger rule dispute-resolved-once',
  },
  DISPUTE_EXISTS: {
    kind: 'refusal',
    meaning: 'a dispute with this id is already open',
    typicalClause: 'ledger rule dispute-opened-once',
  },
} as const satisfies Record<string, ReasonCodeInfo>;

export type ReasonCode = keyof typeof REASON_CODES;

/** The list of a decision the code goes in: `reasons` (a payment refused) or `flags` (a fact beside them). */
export function listOf(code: ReasonCode): 'reasons' | 'flags' {
  return LIST_OF_KIND[REASON_CODES[code].kind];
}

export function isReasonCode(code: string): code is ReasonCode {
  return Object.prototype.hasOwnProperty.call(REASON_CODES, code);
}
