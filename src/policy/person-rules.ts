/**
 * Citations of person-side rules the modules apply outside the engine (enrollment, category
 * switch, inpatient stays, referrals), read from the pack in force. Where the pack's
 * document gives no such rule, the citation says the rule is the ledger's own.
 */
import { cite, ledgerRule } from './citation';
import type { PolicyPack } from './pack.types';

type Pack = PolicyPack | undefined;
const city = (pack: Pack) => (pack?.kind === 'city' ? pack : undefined);

/** Only an enrolled person is paid or credited (宛政办〔2022〕42号 第三条, 安医保〔2019〕75号 二（一）, …). */
export function enrollmentClause(pack: Pack): string {
  const p = city(pack);
  return p ? cite(p.benefit.enrolment) : ledgerRule('person-enrolled');
}

/** In-service → retired takes effect from the next month (宛政办〔2022〕42号 第六条). */
export function categorySwitchClause(pack: Pack): string {
  const rule = city(pack)?.benefit.categorySwitch;
  return rule ? cite(rule) : ledgerRule('category-switch-next-month');
}

/** No outpatient pooling during an inpatient stay: the pack's `benefit.inpatientExcluded`. */
export function inpatientClause(pack: Pack): string {
  const p = city(pack);
  return p ? cite(p.benefit.inpatientExcluded) : ledgerRule('inpatient-stays');
}

/** The in-service account credit is a share of the contribution base (宛政办〔2022〕42号 第八条（一）). */
export function contributionBaseClause(pack: Pack): string {
  const rule = city(pack)?.account?.credits?.in_service;
  return rule ? cite(rule) : ledgerRule('contribution-base-recorded');
}

/** A first-contact primary institution, one a year: the declared framework's `firstContactPerYear` (人社部发〔2011〕59号 四). */
export function firstContactClause(framework: Pack): string {
  const rule = framework?.kind === 'framework' ? framework.bounds.firstContactPerYear : undefined;
  return rule ? cite(rule) : ledgerRule('first-contact-institution');
}

/** Referrals come from a primary institution: the pack's `referralRecords`, else the framework's `nonPrimaryRequiresReferral`. */
export function referralClause(pack: Pack, framework: Pack): string {
  const own = city(pack)?.benefit.referralRecords;
  const bound = framework?.kind === 'framework' ? framework.bounds.nonPrimaryRequiresReferral : undefined;
  const rule = own ?? bound;
  return rule ? cite(rule) : ledgerRule('referral-record');
}

/** Every clause the enrollment decider cites, from the person's pack (and its framework) on the command's date. */
export interface EnrollmentClauses {
  enrollment: string;
  categorySwitch: string;
  inpatient: string;
  contributionBase: string;
  firstContact: string;
  referral: string;
}

export function enrollmentClauses(pack: Pack, framework?: Pack): EnrollmentClauses {
  return {
    enrollment: enrollmentClause(pack),
    categorySwitch: categorySwitchClause(pack),
    inpatient: inpatientClause(pack),
    contributionBase: contributionBaseClause(pack),
    firstContact: firstContactClause(framework),
    referral: referralClause(pack, framework),
  };
}
