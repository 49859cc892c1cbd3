/**
 * The one adjudication engine: a visit's facts + the policy pack in force → a Decision with
 * every intermediate figure and the clause behind each step (DOMAIN.md §4). Pure: no I/O,
 * no clock; every region's number comes from the pack. Same input → byte-identical JSON.
 *
 * Money: decimal strings in, Dec inside, one rounding to the fen (half-up) of the computed
 * fund payment; every other figure is a sum or difference of fen amounts, so exact.
 */
import { daysBetween, instantMs, shanghaiDate, yearOf } from '../../kernel/dates';
import { InvalidInput } from '../../kernel/errors';
import { Dec, fmt, max, min, money, toFen, ZERO } from '../../kernel/money';
import { SCHEME_CATEGORIES, type Cited, type CityPack, type ExcludedCostKind, type PolicyPack } from '../pack.types';
import type { ReasonCode } from '../reason-codes';
import { levelAccess, tierOf } from './level-access';
import type { AdjudicationInput, Decision, InstitutionLevel, NationalFields, PersonCategory, Reason, RecordedContract, RecordedReferral, TraceEntry } from './types';

/** A broken identity between computed figures: a bug in the engine, never a business refusal. */
export class AdjudicationInvariantError extends Error {
  constructor(message: string) {
    super(`adjudication invariant violated: ${message}`);
    this.name = 'AdjudicationInvariantError';
  }
}

const EXCLUSION_CODE: Record<ExcludedCostKind, ReasonCode> = {
  health_checkup: 'EXCLUDED_HEALTH_CHECKUP',
  work_injury: 'EXCLUDED_WORK_INJURY',
  third_party: 'EXCLUDED_THIRD_PARTY',
  public_health: 'EXCLUDED_PUBLIC_HEALTH',
  fitness_wellness: 'EXCLUDED_FITNESS_WELLNESS',
};

const MS_PER_HOUR = 3_600_000;

const cite = (rule: Cited<unknown>): string => `${rule.document} ${rule.clause}`;

const within = (date: string, p: { from: string; to?: string }): boolean => p.from <= date && (p.to === undefined || date <= p.to);

export function adjudicate(input: AdjudicationInput, pack: PolicyPack): Decision {
  if (pack.kind !== 'city') throw new InvalidInput('pack', `framework pack ${pack.id} bounds city packs; it cannot adjudicate a visit`);
  const { visit, person, yearToDate: ytd, account } = input;
  const { benefit } = pack;
  const institution = visit.institution;
  const trace: TraceEntry[] = [];
  // Each figure is formatted once (fmt: two places, half-up); the same string feeds trace, amounts and national fields.
  const formatted = new Map<Dec, string>();
  const s = (v: Dec): string => {
    let out = formatted.get(v);
    if (out === undefined) {
      out = fmt(v);
      formatted.set(v, out);
    }
    return out;
  };
  const reasons: Reason[] = [];
  const flags: Reason[] = [];
  const reason = (list: Reason[], code: ReasonCode, rule: Cited<unknown> | string, message: string, lineCode?: string): void => {
    const clause = typeof rule === 'string' ? rule : cite(rule);
    list.push(lineCode === undefined ? { code, clause, message } : { code, clause, message, lineCode });
  };

  // ---- 0. The facts fit this pack (a mismatch is the caller's mistake, not a refusal).
  const visitDate = shanghaiDate(visit.occurredAt);
  const year = yearOf(visitDate);
  if (person.scheme !== pack.scheme || person.region !== pack.region) {
    throw new InvalidInput('pack', `pack ${pack.id} is for ${pack.region}/${pack.scheme}, the person is ${person.region}/${person.scheme}`);
  }
  if (!within(visitDate, pack.effective)) throw new InvalidInput('pack', `pack ${pack.id} is not in force on ${visitDate}`);
  if (ytd.year !== year) throw new InvalidInput('yearToDate.year', `is ${ytd.year}, the visit is in ${year}`);
  if (instantMs(visit.settledAt) < instantMs(visit.occurredAt)) throw new InvalidInput('visit.settledAt', 'is before the visit');
  if (visit.lines.length === 0) throw new InvalidInput('visit.lines', 'a visit needs at least one bill line');
  const fundPaidBefore = nonNegative(ytd.fundPaid, 'yearToDate.fundPaid');
  const deductibleMetBefore = nonNegative(ytd.deductibleMet, 'yearToDate.deductibleMet');

  // ---- 1. Category on the visit date (the timeline already carries 第六条's "from the next month").
  let timelineEntry: { from: string; category: PersonCategory } | undefined;
  for (const e of person.categoryTimeline) if (e.from <= visitDate && (!timelineEntry || e.from >= timelineEntry.from)) timelineEntry = e;
  const category: PersonCategory = timelineEntry?.category ?? person.categoryTimeline[0]?.category ?? SCHEME_CATEGORIES[pack.scheme][0];
  if (!SCHEME_CATEGORIES[pack.scheme].includes(category)) throw new InvalidInput('person.categoryTimeline', `category ${category} is not of the ${pack.scheme} scheme`);
  let switchedThisYear = false;
  const timeline = person.categoryTimeline;
  for (let i = 1; i < timeline.length; i++) {
    const e = timeline[i];
    if (e.from >= `${year}-01-01` && e.from <= visitDate && e.category !== timeline[i - 1].category) switchedThisYear = true;
  }
  trace.push({
    step: 'category',
    clause: cite(benefit.categorySwitch ?? benefit.rates),
    inputs: { visitDate, timelineEntryFrom: timelineEntry?.from ?? null },
    result: { category, switchedThisYear },
  });

  // ---- 2. Eligibility: every failed condition is recorded, not just the first.
  const eligibilityStep = (step: string, rule: Cited<unknown>, inputs: TraceEntry['inputs'], ok: boolean, code: ReasonCode, message: string): void => {
    trace.push({ step: `eligibility.${step}`, clause: cite(rule), inputs, result: { ok } });
    if (!ok) reason(reasons, code, rule, message);
  };
  const enrolled = timelineEntry !== undefined && person.enrolments.some((p) => within(visitDate, p));
  eligibilityStep('enrolment', benefit.enrolment, { visitDate }, enrolled, 'NOT_ENROLLED', `not enrolled in the ${pack.scheme} scheme on ${visitDate}`);
  if (benefit.inpatientExcluded.value) {
    const inpatient = person.inpatientStays.some((p) => within(visitDate, p));
    eligibilityStep('inpatient', benefit.inpatientExcluded, { visitDate, inpatient }, !inpatient, 'INPATIENT', `an inpatient on ${visitDate}: no outpatient pooling`);
  }
  eligibilityStep(
    'designation',
    benefit.designationRequired,
    { institution: institution.code, designated: institution.designated },
    institution.designated,
    'INSTITUTION_NOT_DESIGNATED',
    `institution ${institution.code} is not designated for the scheme`,
  );
  if (institution.pharmacy === true) {
    eligibilityStep('pharmacy', benefit.pharmaciesCovered, { pharmacy: true }, benefit.pharmaciesCovered.value, 'PHARMACY_NOT_COVERED', 'retail-pharmacy purchases are not pooled by this policy');
  }
  eligibilityStep(
    'medType',
    benefit.medTypes,
    { medType: visit.medType },
    benefit.medTypes.value.includes(visit.medType),
    'MED_TYPE_NOT_COVERED',
    `visit type ${visit.medType} is not pooled by this policy`,
  );
  const tier = poolingTier(pack, institution, trace);
  const access = levelAccess(pack).get(tier);
  if (!access) {
    eligibilityStep('level', benefit.levelAccess[0], { level: tier }, false, 'LEVEL_NOT_COVERED', `institution level ${tier} is not covered`);
  } else {
    trace.push({ step: 'eligibility.level', clause: access.rules.map(cite).join('; '), inputs: { level: tier }, result: { ok: true } });
    const county = access.conditions.get('countyDesignated');
    if (county) {
      const ok = institution.countyDesignated === true;
      eligibilityStep('countyDesignation', county, { level: tier, countyDesignated: ok }, ok, 'LEVEL_NOT_COVERED', `level ${tier} is pooled only where the county designates the institution`);
    }
    const referral = access.conditions.get('referral');
    if (referral && benefit.referralRecords) {
      const found = recordedReferral(person.referrals ?? [], institution.code, visitDate);
      const rules = `${cite(referral)}; ${cite(benefit.referralRecords)}`;
      trace.push({
        step: 'eligibility.referral',
        clause: rules,
        inputs: { level: tier, institution: institution.code, visitDate, referralsOnRecord: (person.referrals ?? []).length, visitReferralField: visit.referral ?? null },
        result: { ok: found !== undefined, referralId: found?.referralId ?? null, referralRevision: found?.revision ?? null, referredOn: found?.referredOn ?? null, validUntil: found?.validUntil ?? null },
      });
      if (!found) reason(reasons, 'REFERRAL_REQUIRED', rules, `level ${tier} requires a referral to ${institution.code} recorded in the person's stream and valid on ${visitDate}`);
    } else if (referral) {
      const ok = visit.referral === true;
      eligibilityStep('referral', referral, { level: tier, referral: ok }, ok, 'REFERRAL_REQUIRED', `level ${tier} requires a referral from a primary institution`);
    }
  }
  // Issue 16.1: under a pack that reads recorded referrals the visit's own field is deprecated, wherever it is sent.
  if (benefit.referralRecords && visit.referral !== undefined) {
    reason(flags, 'REFERRAL_FIELD_IGNORED', benefit.referralRecords, "the visit's referral field is ignored: only referrals recorded in the person's stream count");
  }
  const offSite = visit.offSite === true || institution.region !== person.region;
  if (offSite) {
    const rule = benefit.offSite;
    const registered = person.offSiteRegistrations.some((p) => within(visitDate, p));
    const direct = visit.directSettlement === true;
    eligibilityStep('offSite', rule, { offSite, registered, directSettlement: direct }, rule.value.covered, 'OFFSITE_NOT_COVERED', 'off-site care is not pooled by this policy');
    if (rule.value.covered && rule.value.requiresRegistration) {
      eligibilityStep('offSiteRegistration', rule, { registered }, registered, 'OFFSITE_NOT_REGISTERED', `no off-site registration in force on ${visitDate}`);
    }
    if (rule.value.covered && rule.value.requiresDirectSettlement) {
      eligibilityStep('offSiteDirect', rule, { directSettlement: direct }, direct, 'OFFSITE_NOT_DIRECT', 'off-site care not settled directly through the insurance system: the fund pays nothing');
    }
  }
  if (benefit.settlementWindowDays) {
    const days = daysBetween(visitDate, shanghaiDate(visit.settledAt));
    const limit = benefit.settlementWindowDays.value;
    eligibilityStep('settlementWindow', benefit.settlementWindowDays, { days, limit }, days <= limit, 'SETTLEMENT_TOO_LATE', `settled ${days} days after the visit; the limit is ${limit}`);
  }
  const eligible = reasons.length === 0;

  // ---- 3. Exclusions per bill line → policy scope.
  let total = ZERO;
  let excluded = ZERO;
  let medicalTotal = ZERO;
  for (const line of visit.lines) {
    const amount = money(line.amount);
    if (!amount.greaterThan(0)) throw new InvalidInput(`visit.lines[${line.code}].amount`, 'must be greater than 0');
    total = total.plus(amount);
    const kind = line.costKind ?? 'medical';
    if (kind === 'medical') medicalTotal = medicalTotal.plus(amount);
    let rule: Cited<true> | undefined;
    let code: ReasonCode | undefined;
    if (kind !== 'medical') {
      rule = benefit.exclusions.costKinds[kind];
      code = EXCLUSION_CODE[kind];
    } else if (!line.inCatalogue) {
      rule = benefit.exclusions.notInCatalogue;
      code = 'EXCLUDED_NOT_IN_CATALOGUE';
    } else if (line.category === 'consultation' && benefit.consultationFeeWithContract) {
      const contract = contractInForce(person.familyDoctorContracts ?? [], visitDate);
      trace.push({
        step: 'exclusion.consultationFee',
        clause: cite(benefit.consultationFeeWithContract),
        inputs: { line: line.code, amount: s(amount), visitDate },
        result: { contractId: contract?.contractId ?? null, contractRevision: contract?.revision ?? null, excluded: contract !== undefined },
      });
      if (contract) {
        excluded = excluded.plus(amount);
        reason(reasons, 'EXCLUDED_CONSULTATION_FEE_CONTRACTED', benefit.consultationFeeWithContract, `line ${line.code} (${s(amount)}): the fund pays family-doctor contract ${contract.contractId}'s fee, so not the general consultation fee`, line.code);
      }
    }
    if (rule && code) {
      excluded = excluded.plus(amount);
      reason(reasons, code, rule, `line ${line.code} (${s(amount)}) excluded: ${kind === 'medical' ? 'not in the catalogue' : kind}`, line.code);
      trace.push({ step: 'exclusion', clause: cite(rule), inputs: { line: line.code, amount: s(amount), costKind: kind, inCatalogue: line.inCatalogue }, result: { code } });
    }
  }
  const policyScope = total.minus(excluded);
  trace.push({
    step: 'policyScope',
    clause: cite(benefit.exclusions.notInCatalogue),
    inputs: { total: s(total), lines: visit.lines.length },
    result: { excluded: s(excluded), policyScope: s(policyScope) },
  });

  // ---- 4. Deductible: per visit (with the 24-hour window), annual cumulative, or fixed copay.
  const ded = benefit.deductible.value;
  let deductible = ZERO;
  let deductibleCharged = false;
  if (!eligible) {
    trace.push({ step: 'deductible', clause: cite(benefit.deductible), inputs: { mode: ded.mode, eligible }, result: { deductible: '0.00' }, note: 'not applied: the visit is not eligible' });
  } else if (ded.mode === 'per_visit') {
    const standard = money(ded.byLevel[tier] ?? '0');
    const occurredMs = instantMs(visit.occurredAt);
    const windowMs = ded.windowHours * MS_PER_HOUR;
    const eitherSide = ded.window === 'either_side';
    // "Within 24 hours" is strict: a visit exactly windowHours from the charged one opens a new window.
    const inWindow = (age: number): boolean => (eitherSide ? Math.abs(age) < windowMs : age >= 0 && age < windowMs);
    const earlier = standard.greaterThan(0)
      ? ytd.deductibleCharges.find((c) => c.institutionCode === institution.code && c.visitId !== visit.visitId && inWindow(occurredMs - instantMs(c.at)))
      : undefined;
    if (earlier) {
      reason(flags, 'DEDUCTIBLE_WAIVED_24H', benefit.deductible, `a deductible was charged at ${institution.code} on visit ${earlier.visitId} at ${earlier.at}, within ${ded.windowHours} hours`);
    } else {
      deductible = min(standard, policyScope);
      deductibleCharged = deductible.greaterThan(0);
    }
    trace.push({
      step: 'deductible',
      clause: cite(benefit.deductible),
      inputs: {
        mode: ded.mode,
        level: tier,
        standard: s(standard),
        policyScope: s(policyScope),
        windowHours: ded.windowHours,
        ...(eitherSide ? { window: 'either_side' } : {}),
        chargedWithinWindowOn: earlier?.visitId ?? null,
      },
      result: { deductible: s(deductible), charged: deductibleCharged },
    });
  } else if (ded.mode === 'annual') {
    const remaining = max(ZERO, money(ded.amount).minus(deductibleMetBefore));
    deductible = min(remaining, policyScope);
    trace.push({
      step: 'deductible',
      clause: cite(benefit.deductible),
      inputs: { mode: ded.mode, annual: s(money(ded.amount)), metBefore: s(deductibleMetBefore), policyScope: s(policyScope) },
      result: { deductible: s(deductible), metAfter: s(deductibleMetBefore.plus(deductible)) },
    });
  } else if (ded.mode === 'fixed_copay') {
    deductible = min(money(ded.amount), policyScope);
    trace.push({ step: 'deductible', clause: cite(benefit.deductible), inputs: { mode: ded.mode, copay: s(money(ded.amount)), policyScope: s(policyScope) }, result: { deductible: s(deductible) } });
  } else {
    trace.push({ step: 'deductible', clause: cite(benefit.deductible), inputs: { mode: ded.mode }, result: { deductible: '0.00' } });
  }

  // ---- 5. Rate by level × category on the visit date.
  const tableRate = benefit.rates.value[category]?.[tier];
  const rateText = eligible && tableRate !== undefined ? tableRate : '0';
  const rate = new Dec(rateText);
  trace.push({
    step: 'rate',
    clause: cite(benefit.rates),
    inputs: { category, level: tier, eligible },
    result: { rate: rateText },
    ...(eligible ? {} : { note: 'the fund pays nothing for an ineligible visit' }),
  });

  // ---- 6. Annual cap of the category in force, all of the year's payments counted (宛政办 第六条 reading for every pack).
  const capAnnual = money(benefit.annualCaps.value[category] ?? '0');
  const capRemainingBefore = max(ZERO, capAnnual.minus(fundPaidBefore));
  const fundBeforeCap = eligible ? toFen(policyScope.minus(deductible).times(rate)) : ZERO;
  const fund = min(fundBeforeCap, capRemainingBefore);
  const capClause = benefit.categorySwitch ? `${cite(benefit.annualCaps)}; ${cite(benefit.categorySwitch)}` : cite(benefit.annualCaps);
  if (fund.lessThan(fundBeforeCap)) {
    reason(reasons, 'CAP_REACHED', capClause, `the fund would pay ${s(fundBeforeCap)}; ${s(capRemainingBefore)} is left of the ${category} cap ${s(capAnnual)}`);
  }
  trace.push({
    step: 'fund',
    clause: capClause,
    inputs: {
      policyScope: s(policyScope),
      deductible: s(deductible),
      rate: rateText,
      capAnnual: s(capAnnual),
      fundPaidBefore: s(fundPaidBefore),
    },
    result: { fundBeforeCap: s(fundBeforeCap), capRemainingBefore: s(capRemainingBefore), fund: s(fund) },
    ...(switchedThisYear ? { note: 'category changed this year: earlier payments under the old category count against this cap' } : {}),
  });

  // ---- 7. The person's share: account (own, or a relative's under family use), then cash.
  const personPart = total.minus(fund);
  let ownAccount = ZERO;
  let relativeAccount = ZERO;
  if (account.source !== 'none') {
    const rules = pack.account;
    let payable = ZERO;
    let allowed = true;
    let clause = '';
    if (!rules) {
      allowed = false;
      reason(reasons, 'ACCOUNT_RULES_ABSENT', `${pack.document} (no personal-account rules)`, `policy ${pack.id} has no personal-account rules; the share is paid in cash`);
      clause = `${pack.document} (no personal-account rules)`;
    } else {
      const vp = rules.visitPayment;
      clause = cite(vp);
      if (account.source === 'relative') {
        const relation = account.relation ?? 'other';
        if (!rules.familyRelations.value.includes(relation)) {
          allowed = false;
          reason(reasons, 'RELATION_NOT_ALLOWED', rules.familyRelations, `a ${relation} may not use the holder's account`);
        }
      }
      const purpose = account.source === 'relative' ? 'relative_self_pay' : institution.pharmacy === true ? 'pharmacy' : 'own_self_pay';
      if (allowed && !rules.mayPay[purpose].value) {
        allowed = false;
        reason(reasons, 'ACCOUNT_USE_NOT_ALLOWED', rules.mayPay[purpose], `the account may not pay for ${purpose}`);
      }
      if (allowed && vp.value.designatedOnly && !institution.designated) {
        allowed = false;
        reason(reasons, 'ACCOUNT_NOT_AT_DESIGNATED', vp, `institution ${institution.code} is not designated`);
      }
      if (allowed) {
        // fund ≤ policy scope ≤ medical total, so both bases are ≥ 0.
        payable = vp.value.scope === 'policy_scope_self_pay' ? policyScope.minus(fund) : medicalTotal.minus(fund);
        if (payable.lessThan(personPart)) {
          reason(flags, 'ACCOUNT_EXCLUDED_COSTS', vp, `${s(personPart.minus(payable))} of the person's share may not be paid from the account`);
        }
      }
    }
    const balance = allowed ? nonNegative(account.balance, 'account.balance') : ZERO;
    const paid = min(balance, payable);
    if (allowed && balance.lessThan(payable)) {
      reason(flags, 'ACCOUNT_INSUFFICIENT', clause, `balance ${s(balance)} covers ${s(paid)} of ${s(payable)}`);
    }
    if (account.source === 'own') ownAccount = paid;
    else relativeAccount = paid;
    trace.push({
      step: 'account',
      clause,
      inputs: {
        source: account.source,
        balance: allowed ? s(balance) : null,
        relation: account.relation ?? null,
        holderId: account.holderId ?? null,
        personPart: s(personPart),
      },
      result: { allowed, payable: s(payable), paid: s(paid) },
    });
  }
  const cash = personPart.minus(ownAccount).minus(relativeAccount);

  // ---- 8. Prescription-day limit: a flag, the money is unchanged.
  if (benefit.prescriptionDays && visit.prescriptionDays !== undefined) {
    const limit = benefit.prescriptionDays.value[visit.medType];
    const exceeded = visit.prescriptionDays > limit;
    trace.push({ step: 'prescriptionDays', clause: cite(benefit.prescriptionDays), inputs: { medType: visit.medType, days: visit.prescriptionDays, limit }, result: { exceeded } });
    if (exceeded) reason(flags, 'PRESCRIPTION_DAYS_EXCEEDED', benefit.prescriptionDays, `${visit.prescriptionDays} days prescribed; the limit for ${visit.medType} is ${limit}`);
  }

  // ---- 9. National settlement fields, identities checked.
  checkIdentities({ total, excluded, policyScope, fund, personPart, ownAccount, relativeAccount, cash, deductible });
  const national: NationalFields = {
    medfee_sumamt: s(total),
    fulamt_ownpay_amt: s(excluded),
    overlmt_selfpay: '0.00',
    preselfpay_amt: '0.00',
    inscp_scp_amt: s(policyScope),
    act_pay_dedc: s(deductible),
    hifp_pay: s(fund),
    fund_pay_sumamt: s(fund),
    psn_part_amt: s(personPart),
    acct_pay: s(ownAccount),
    acct_mulaid_pay: s(relativeAccount),
    psn_cash_pay: s(cash),
  };
  trace.push({ step: 'national', clause: 'DOMAIN.md §2 national settlement identities', inputs: {}, result: { ...national } });

  return {
    visitId: visit.visitId,
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
      fundBeforeCap: s(fundBeforeCap),
      capAnnual: s(capAnnual),
      capRemainingBefore: s(capRemainingBefore),
      fund: s(fund),
      account: s(ownAccount),
      relativeAccount: s(relativeAccount),
      cash: s(cash),
    },
    deductibleCharged,
    national,
    reasons,
    flags,
    trace,
  };
}

/**
 * The level the pack pools the institution at: its registry category's tier where the pack
 * maps categories (issue 16.4), else its grade level. Traced only when the pack maps.
 */
function poolingTier(pack: CityPack, institution: AdjudicationInput['visit']['institution'], trace: TraceEntry[]): InstitutionLevel {
  const rule = pack.benefit.tierByCategory;
  if (!rule) return institution.level;
  const { tier, byCategory } = tierOf(pack, institution);
  trace.push({ step: 'eligibility.tier', clause: cite(rule), inputs: { category: institution.category ?? null, level: institution.level }, result: { tier, byCategory } });
  return tier;
}

/** A referral recorded for this institution and valid on the visit date; the latest recorded wins. */
function recordedReferral(referrals: RecordedReferral[], institutionCode: string, visitDate: string): RecordedReferral | undefined {
  let found: RecordedReferral | undefined;
  for (const r of referrals) if (r.toInstitution === institutionCode && r.referredOn <= visitDate && visitDate <= r.validUntil) found = r;
  return found;
}

/** A family-doctor contract in force on the date whose fee the pooling fund pays. */
function contractInForce(contracts: RecordedContract[], date: string): RecordedContract | undefined {
  return contracts.find((c) => c.feePaidByPooling && c.from <= date && date <= c.to);
}

function nonNegative(value: string, field: string): Dec {
  let v: Dec;
  try {
    v = money(value);
  } catch {
    throw new InvalidInput(field, `is not a money amount: ${JSON.stringify(value)}`);
  }
  if (v.isNegative()) throw new InvalidInput(field, 'must not be negative');
  return v;
}

/**
 * The national identities (DOMAIN.md §2), checked on the exact values before formatting
 * (overlmt_selfpay and preselfpay_amt are 0: we model no over-limit or 乙类 pre-self-pay).
 * Every value is a whole number of fen, so formatting cannot break an identity that holds here.
 */
function checkIdentities(v: Record<'total' | 'excluded' | 'policyScope' | 'fund' | 'personPart' | 'ownAccount' | 'relativeAccount' | 'cash' | 'deductible', Dec>): void {
  const fail = (what: string) => {
    throw new AdjudicationInvariantError(`${what}: ${JSON.stringify(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.toString()])))}`);
  };
  for (const [k, x] of Object.entries(v)) {
    if (x.isNegative() && !x.isZero()) fail(`${k} is negative`);
    if (!x.equals(x.toDecimalPlaces(2))) fail(`${k} is not a whole number of fen`);
  }
  // medfee_sumamt = fund_pay_sumamt + psn_part_amt
  if (!v.total.equals(v.fund.plus(v.personPart))) fail('medfee_sumamt ≠ fund_pay_sumamt + psn_part_amt');
  // psn_part_amt = acct_pay + acct_mulaid_pay + psn_cash_pay
  if (!v.personPart.equals(v.ownAccount.plus(v.relativeAccount).plus(v.cash))) fail('psn_part_amt ≠ acct_pay + acct_mulaid_pay + psn_cash_pay');
  // inscp_scp_amt = medfee_sumamt − fulamt_ownpay_amt − overlmt_selfpay − preselfpay_amt
  if (!v.policyScope.equals(v.total.minus(v.excluded))) fail('inscp_scp_amt ≠ medfee_sumamt − fulamt_ownpay_amt − 0 − 0');
  // fund_pay_sumamt = hifp_pay holds by construction: both are the one fund figure.
  if (v.deductible.greaterThan(v.policyScope) || v.fund.greaterThan(v.policyScope)) fail('deductible or fund exceeds the policy scope');
}
