/**
 * The one adjudication engine: a visit's facts + the policy pack in force → a Decision with
 * every intermediate figure and the clause behind each step (DOMAIN.md §4). Pure: no I/O,
 * no clock; every region's number comes from the pack. Same input → byte-identical JSON.
 *
 * Each step is a function named after the pack key it reads (./steps), headed by the clause
 * it implements; this file only runs them in the order of the rules.
 *
 * Money: decimal strings in, Dec inside, one rounding to the fen (half-up) of the computed
 * fund payment; every other figure is a sum or difference of fen amounts, so exact.
 */
import type { PolicyPack } from '../pack.types';
import { account } from './steps/account';
import { annualCaps } from './steps/annual-caps';
import { categoryOnVisitDate } from './steps/category';
import { newAdjudication } from './steps/context';
import { deductible as deductibleStep } from './steps/deductible';
import {
  designationRequired,
  enrollment,
  inpatientExcluded,
  medTypes,
  offSite,
  pharmaciesCovered,
  settlementWindowDays,
} from './steps/eligibility';
import { exclusions } from './steps/exclusions';
import { checkFacts } from './steps/facts';
import { levelAccess, referralFieldIgnored, tierByCategory } from './steps/level';
import { nationalFields } from './steps/national';
import { prescriptionDays } from './steps/prescription-days';
import { rates } from './steps/rates';
import type { AdjudicationInput, Decision } from './types';

export function adjudicate(input: AdjudicationInput, policy: PolicyPack): Decision {
  const facts = checkFacts(input, policy);
  const { pack, visitDate, year, fundPaidBefore, deductibleMetBefore } = facts;
  const c = newAdjudication(input, facts);
  const { category, timelineEntry, switchedThisYear } = categoryOnVisitDate(c);

  enrollment(c, timelineEntry !== undefined);
  inpatientExcluded(c);
  designationRequired(c);
  pharmaciesCovered(c);
  medTypes(c);
  const tier = tierByCategory(c);
  levelAccess(c, tier);
  referralFieldIgnored(c);
  offSite(c);
  settlementWindowDays(c);
  const eligible = c.reasons.length === 0;

  const scope = exclusions(c);
  const { policyScope, total, excluded } = scope;
  const { deductible, deductibleCharged } = deductibleStep(c, eligible, tier, policyScope, deductibleMetBefore);
  const { rate, rateText } = rates(c, eligible, category, tier);
  const cap = annualCaps(c, { eligible, category, switchedThisYear, policyScope, deductible, rate, rateText, fundPaidBefore });
  const { fund } = cap;
  const share = account(c, scope, fund);
  prescriptionDays(c);
  const national = nationalFields(c, {
    total,
    excluded,
    policyScope,
    fund,
    personPart: share.personPart,
    ownAccount: share.ownAccount,
    relativeAccount: share.relativeAccount,
    cash: share.cash,
    deductible,
  });

  const s = c.show;
  return {
    visitId: input.visit.visitId,
    policy: { packId: pack.id, version: pack.version, region: pack.region, scheme: pack.scheme },
    visitDate,
    year,
    category,
    eligible,
    amounts: {
      total: s(total),
      excluded: s(excluded),
      policyScope: s(policyScope),
      deductible: s(deductible),
      rate: rateText,
      fundBeforeCap: s(cap.fundBeforeCap),
      capAnnual: s(cap.capAnnual),
      capRemainingBefore: s(cap.capRemainingBefore),
      fund: s(fund),
      capRemainingAfter: s(cap.capRemainingAfter),
      account: s(share.ownAccount),
      relativeAccount: s(share.relativeAccount),
      cash: s(share.cash),
    },
    deductibleCharged,
    national,
    reasons: c.reasons,
    flags: c.flags,
    trace: c.trace,
  };
}
