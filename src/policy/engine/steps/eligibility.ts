/**
 * Eligibility of the person and the place: each condition is its own pack key, and every
 * failed condition is recorded as a reason (not just the first). The level conditions
 * (`tierByCategory`, `levelAccess`, `referralRecords`) are in ./level.ts.
 */
import { shanghaiDaysBetween } from '../../../kernel/dates';
import { cite, type Cited } from '../../citation';
import type { ReasonCode } from '../../reason-codes';
import type { TraceEntry } from '../types';
import { addReason, traceStep, within, type Adjudication } from './context';

/** 'eligibility.<step>', built once per step (one shared string, as cite() does: replay compares every trace). */
const stepNames = new Map<string, string>();
function eligibilityStepName(step: string): string {
  let name = stepNames.get(step);
  // Stryker disable next-line ConditionalExpression: equivalent because the name is rebuilt from the same step
  if (name === undefined) stepNames.set(step, (name = `eligibility.${step}`));
  return name;
}

/** One traced condition: ok, or a reason citing the rule. */
export function eligibilityStep(
  c: Adjudication,
  step: string,
  rule: Cited<unknown>,
  inputs: TraceEntry['inputs'],
  ok: boolean,
  code: ReasonCode,
  message: string,
): void {
  traceStep(c, eligibilityStepName(step), cite(rule), inputs, { ok });
  if (!ok) addReason(c.reasons, code, rule, message);
}

/**
 * Pack key `enrolment`: enrolled in the scheme on the visit date.
 * Typical clause: 宛政办〔2022〕42号 第三条; 安医保〔2019〕75号 二（一）.
 */
export function enrollment(c: Adjudication, enrolledOnTimeline: boolean): void {
  const enrolled = enrolledOnTimeline && c.input.person.enrollments.some((p) => within(c.visitDate, p));
  // 'enrolment' (British spelling) is the pack key and the trace step recorded in every stored decision: kept as first written.
  eligibilityStep(
    c,
    'enrolment',
    c.benefit.enrolment,
    { visitDate: c.visitDate },
    enrolled,
    'NOT_ENROLLED',
    `not enrolled in the ${c.pack.scheme} scheme on ${c.visitDate}`,
  );
}

/**
 * Pack key `inpatientExcluded`: no outpatient pooling on a day the person is an inpatient.
 * Typical clause: 宛政办〔2022〕42号 第五条（二）; 安医保〔2019〕75号 二（二）; 焦医保〔2024〕32号 三.
 */
export function inpatientExcluded(c: Adjudication): void {
  if (!c.benefit.inpatientExcluded.value) return;
  const inpatient = c.input.person.inpatientStays.some((p) => within(c.visitDate, p));
  eligibilityStep(
    c,
    'inpatient',
    c.benefit.inpatientExcluded,
    { inpatient, visitDate: c.visitDate },
    !inpatient,
    'INPATIENT',
    `an inpatient on ${c.visitDate}: no outpatient pooling`,
  );
}

/**
 * Pack key `designationRequired`: the institution is designated (定点) for the scheme.
 * Typical clause: 宛政办〔2022〕42号 第十三条; 安医保〔2019〕75号 五.
 */
export function designationRequired(c: Adjudication): void {
  const institution = c.input.visit.institution;
  eligibilityStep(
    c,
    'designation',
    c.benefit.designationRequired,
    { designated: institution.designated, institution: institution.code },
    institution.designated,
    'INSTITUTION_NOT_DESIGNATED',
    `institution ${institution.code} is not designated for the scheme`,
  );
}

/**
 * Pack key `pharmaciesCovered`: whether retail-pharmacy purchases are pooled.
 * Typical clause: 安医保〔2019〕75号 三（三）; 宛政办〔2022〕42号 第十三条.
 */
export function pharmaciesCovered(c: Adjudication): void {
  if (c.input.visit.institution.pharmacy !== true) return;
  const rule = c.benefit.pharmaciesCovered;
  eligibilityStep(
    c,
    'pharmacy',
    rule,
    { pharmacy: true },
    rule.value,
    'PHARMACY_NOT_COVERED',
    'retail-pharmacy purchases are not pooled by this policy',
  );
}

/**
 * Pack key `medTypes`: the visit types this benefit pools (chronic/special diseases are another benefit).
 * Typical clause: 宛政办〔2022〕42号 第五条（二）; 焦医保〔2024〕32号 二（二）.
 */
export function medTypes(c: Adjudication): void {
  const { medType } = c.input.visit;
  eligibilityStep(
    c,
    'medType',
    c.benefit.medTypes,
    { medType },
    c.benefit.medTypes.value.includes(medType),
    'MED_TYPE_NOT_COVERED',
    `visit type ${medType} is not pooled by this policy`,
  );
}

/**
 * Pack key `offSite`: care outside the person's region, and its registration (备案) and
 * direct-settlement conditions. Typical clause: 宛政办〔2022〕42号 第十五条; 安医保〔2019〕75号 五.
 */
export function offSite(c: Adjudication): void {
  const { visit, person } = c.input;
  const isOffSite = visit.offSite === true || visit.institution.region !== person.region;
  if (!isOffSite) return;
  const rule = c.benefit.offSite;
  const registered = person.offSiteRegistrations.some((p) => within(c.visitDate, p));
  const direct = visit.directSettlement === true;
  eligibilityStep(
    c,
    'offSite',
    rule,
    { directSettlement: direct, offSite: isOffSite, registered },
    rule.value.covered,
    'OFFSITE_NOT_COVERED',
    'off-site care is not pooled by this policy',
  );
  if (rule.value.covered && rule.value.requiresRegistration) {
    eligibilityStep(
      c,
      'offSiteRegistration',
      rule,
      { registered },
      registered,
      'OFFSITE_NOT_REGISTERED',
      `no off-site registration in force on ${c.visitDate}`,
    );
  }
  if (rule.value.covered && rule.value.requiresDirectSettlement) {
    eligibilityStep(
      c,
      'offSiteDirect',
      rule,
      { directSettlement: direct },
      direct,
      'OFFSITE_NOT_DIRECT',
      'off-site care not settled directly through the insurance system: the fund pays nothing',
    );
  }
}

/**
 * Pack key `settlementWindowDays`: the visit is settled within so many days of it.
 * Typical clause: 焦医保〔2024〕32号 一（一）.
 */
export function settlementWindowDays(c: Adjudication): void {
  const rule = c.benefit.settlementWindowDays;
  if (!rule) return;
  const days = shanghaiDaysBetween(c.occurredMs, c.settledMs);
  const limit = rule.value;
  eligibilityStep(
    c,
    'settlementWindow',
    rule,
    { days, limit },
    days <= limit,
    'SETTLEMENT_TOO_LATE',
    `settled ${days} days after the visit; the limit is ${limit}`,
  );
}
