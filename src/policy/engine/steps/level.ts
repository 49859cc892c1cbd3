/**
 * Eligibility by institution level: pack keys `tierByCategory`, `levelAccess` and
 * `referralRecords`. Typical clauses: 宛政办〔2022〕42号 第五条（二）; 安医保〔2019〕75号 三（三）, 五
 * (county designation), 二 (referral); 人社部发〔2011〕59号 二 (referral from primary care).
 */
import { cite } from '../../citation';
import { levelAccess as levelAccessOf, tierOf } from '../level-access';
import type { InstitutionLevel, RecordedReferral } from '../types';
import { addReason, traceStep, type Adjudication } from './context';
import { eligibilityStep } from './eligibility';

/**
 * Pack key `tierByCategory`: the level the pack pools the institution at: its registry
 * category's tier where the pack maps categories (issue 16.4), else its grade level.
 * Typical clause: 安医保〔2019〕75号 三（三）. Traced only when the pack maps.
 */
export function tierByCategory(c: Adjudication): InstitutionLevel {
  const institution = c.input.visit.institution;
  const rule = c.benefit.tierByCategory;
  if (!rule) return institution.level;
  const { tier, byCategory } = tierOf(c.pack, institution);
  traceStep(c, 'eligibility.tier', cite(rule), { category: institution.category ?? null, level: institution.level }, { byCategory, tier });
  return tier;
}

/**
 * Pack key `levelAccess`: the levels the scheme pays at, with the conditions a rule attaches
 * (`countyDesignated`, `referral`). Typical clause: 宛政办〔2022〕42号 第五条（二）; 安医保〔2019〕75号 三（三）, 五, 二.
 */
export function levelAccess(c: Adjudication, tier: InstitutionLevel): void {
  const access = levelAccessOf(c.pack).get(tier);
  if (!access) {
    eligibilityStep(
      c,
      'level',
      c.benefit.levelAccess[0],
      { level: tier },
      false,
      'LEVEL_NOT_COVERED',
      `institution level ${tier} is not covered`,
    );
    return;
  }
  traceStep(c, 'eligibility.level', access.rules.map(cite).join('; '), { level: tier }, { ok: true });
  const county = access.conditions.get('countyDesignated');
  if (county) {
    const ok = c.input.visit.institution.countyDesignated === true;
    eligibilityStep(
      c,
      'countyDesignation',
      county,
      { countyDesignated: ok, level: tier },
      ok,
      'LEVEL_NOT_COVERED',
      `level ${tier} is pooled only where the county designates the institution`,
    );
  }
  const referral = access.conditions.get('referral');
  if (referral && c.benefit.referralRecords) {
    recordedReferralCondition(c, tier, `${cite(referral)}; ${cite(c.benefit.referralRecords)}`);
  } else if (referral) {
    const ok = c.input.visit.referral === true;
    eligibilityStep(
      c,
      'referral',
      referral,
      { level: tier, referral: ok },
      ok,
      'REFERRAL_REQUIRED',
      `level ${tier} requires a referral from a primary institution`,
    );
  }
}

/**
 * Pack key `referralRecords` (issue 16.1): the referral condition is met only by a referral
 * recorded in the person's stream, naming the institution and valid on the visit date.
 * Typical clause: 安医保〔2019〕75号 二; 人社部发〔2011〕59号 二.
 */
function recordedReferralCondition(c: Adjudication, tier: InstitutionLevel, rules: string): void {
  const { visit, person } = c.input;
  const institution = visit.institution;
  // Stryker disable next-line ArrayDeclaration: equivalent because a non-referral element never matches an institution code
  const found = recordedReferral(person.referrals ?? [], institution.code, c.visitDate);
  traceStep(
    c,
    'eligibility.referral',
    rules,
    {
      institution: institution.code,
      level: tier,
      referralsOnRecord: (person.referrals ?? []).length,
      visitDate: c.visitDate,
      visitReferralField: visit.referral ?? null,
    },
    {
      ok: found !== undefined,
      referralId: found?.referralId ?? null,
      referralRevision: found?.revision ?? null,
      referredOn: found?.referredOn ?? null,
      validUntil: found?.validUntil ?? null,
    },
  );
  if (!found)
    addReason(
      c.reasons,
      'REFERRAL_REQUIRED',
      rules,
      `level ${tier} requires a referral to ${institution.code} recorded in the person's stream and valid on ${c.visitDate}`,
    );
}

/**
 * Pack key `referralRecords`, issue 16.1: under such a pack the visit's own referral field is
 * deprecated, wherever it is sent; a flag says it was ignored.
 */
export function referralFieldIgnored(c: Adjudication): void {
  const rule = c.benefit.referralRecords;
  if (rule && c.input.visit.referral !== undefined) {
    addReason(
      c.flags,
      'REFERRAL_FIELD_IGNORED',
      rule,
      "the visit's referral field is ignored: only referrals recorded in the person's stream count",
    );
  }
}

/** A referral recorded for this institution and valid on the visit date; the latest recorded wins. */
function recordedReferral(referrals: RecordedReferral[], institutionCode: string, visitDate: string): RecordedReferral | undefined {
  let found: RecordedReferral | undefined;
  for (const r of referrals) if (r.toInstitution === institutionCode && r.referredOn <= visitDate && visitDate <= r.validUntil) found = r;
  return found;
}
