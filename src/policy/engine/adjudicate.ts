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
import type { Dec } from '../../kernel/money';
import { account, type PersonShare } from './steps/account';
import { annualCaps, type FundPayment } from './steps/annual-caps';
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
import { exclusions, type PolicyScope } from './steps/exclusions';
import { checkFacts } from './steps/facts';
import { levelAccess, referralFieldIgnored, tierByCategory } from './steps/level';
import { nationalFields } from './steps/national';
import { prescriptionDays } from './steps/prescription-days';
import { rates } from './steps/rates';
import type { AdjudicationInput, Decision } from './types';

/** The decision's amounts, members in canonical order. */
function amountsOf(
  s: (value: Dec) => string,
  scope: PolicyScope,
  deductible: Dec,
  rateText: string,
  cap: FundPayment,
  share: PersonShare,
): Decision['amounts'] {
  return {
    account: s(share.ownAccount),
    capAnnual: s(cap.capAnnual),
    capRemainingAfter: s(cap.capRemainingAfter),
    capRemainingBefore: s(cap.capRemainingBefore),
    cash: s(share.cash),
    deductible: s(deductible),
    excluded: s(scope.excluded),
    fund: s(cap.fund),
    fundBeforeCap: s(cap.fundBeforeCap),
    policyScope: s(scope.policyScope),
    rate: rateText,
    relativeAccount: s(share.relativeAccount),
    total: s(scope.total),
  };
}

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

  // Members in canonical (sorted) key order, as stored: sealing keeps the decision uncopied (steps/context.ts).
  return {
    amounts: amountsOf(c.show, scope, deductible, rateText, cap, share),
    category,
    deductibleCharged,
    eligible,
    flags: c.flags,
    national,
    policy: { packId: pack.id, region: pack.region, scheme: pack.scheme, version: pack.version },
    reasons: c.reasons,
    trace: c.trace,
    visitDate,
    visitId: input.visit.visitId,
    year,
  };
}
