import { firstDayOfNextMonth, isLocalDate, LocalDate } from '../kernel/dates';
import { assertNever } from '../kernel/decider';
import { InvalidInput, NotFound, PolicyRefusal } from '../kernel/errors';
import { fmt, money, sum, ZERO } from '../kernel/money';
import { ledgerRule } from '../policy/citation';
import { capitationBudget, settleCapitationMonth } from './capitation';
import { INSTITUTION_REASONS } from './institution.reasons';
import { CostBaseRequest, determineCostBase, isExemptFromCostBase } from './cost-base';
import { computeFinalPayment } from './final-payment';
import { emptyYear, InstitutionEvent, InstitutionState, ProfileChanges, YearState } from './institution.events';
import {
  CategorisedProfile,
  INSTITUTION_CATEGORIES,
  InstitutionCategory,
  INSTITUTION_LEVELS,
  INSTITUTION_LOCATIONS,
  InstitutionProfile,
  Month,
  MONTH_PATTERN,
  SCHEMES,
} from './institution.types';
import { declarationDueDate, monthsOfYear, splitAdvance } from './monthly-cycle';
import { correctInstitutionMonth, MonthCorrection } from './month-correction';
import { isMonthCorrectionEvent } from './month-correction.events';
import { reviewOverspend } from './overspend-review';
import { settlePeriod } from './period-settlement';
import { type Cited, cite, SettlementParameters } from './settlement-parameters';

/** Commands on one institution's stream. Money fields are money strings. */
export type InstitutionCommand =
  | { type: 'RegisterInstitution'; data: InstitutionProfile }
  | { type: 'ChangeInstitutionProfile'; data: { changes: ProfileChanges } }
  | { type: 'SetCostBase'; data: CostBaseRequest }
  | { type: 'DeclareMonth'; data: { month: Month; visits: number; totalCost: string; fundDue: string; declaredOn: LocalDate } }
  | { type: 'ApproveMonth'; data: { month: Month; approvedAmount: string } }
  | { type: 'PayAdvance'; data: { month: Month; paidOn?: LocalDate } }
  | { type: 'SettlePeriod'; data: { year: number; throughMonth?: Month } }
  | { type: 'RecordOverspendReview'; data: { year: number; reviewedVisits: number; violatingCost: string; reviewedCost: string } }
  | { type: 'AssessYear'; data: { year: number; passed: boolean; note?: string } }
  | { type: 'MakeFinalPayment'; data: { year: number } }
  | { type: 'AssignPersons'; data: { year: number; count: number } }
  | { type: 'SettleCapitationMonth'; data: { month: Month; claimed: string; consultationClaimed?: string } }
  | { type: 'CorrectMonth'; data: MonthCorrection };

const REGISTRY_CLAUSE = ledgerRule('one-stream-per-institution');

type Events = InstitutionEvent[];

// ---------- registry ----------

/** Categories are per region: the list the region's pack declares (then required), or any known category, optional. */
function validateCategory(p: InstitutionProfile, categories: Cited<InstitutionCategory[]> | undefined): void {
  if (categories) {
    if (
      // Stryker disable next-line ConditionalExpression: equivalent because the list never includes undefined
      p.category === undefined ||
      !categories.value.includes(p.category)
    ) {
      throw new InvalidInput(
        'category',
        `must be one of ${categories.value.join(', ')} for an institution of ${p.region} (${cite(categories)})`,
      );
    }
  } else if (p.category !== undefined && !(INSTITUTION_CATEGORIES as readonly string[]).includes(p.category)) {
    throw new InvalidInput('category', 'unknown category');
  }
}

function validateProfile(p: InstitutionProfile, params: SettlementParameters, categories: Cited<InstitutionCategory[]> | undefined): void {
  if (typeof p.code !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(p.code))
    throw new InvalidInput('code', '1-64 letters, digits, . _ - (starting with a letter or digit)');
  if (typeof p.name !== 'string' || p.name.trim() === '') throw new InvalidInput('name', 'required');
  if (!INSTITUTION_LEVELS.includes(p.level)) throw new InvalidInput('level', 'unknown level');
  if (!(INSTITUTION_LOCATIONS as readonly string[]).includes(p.location)) throw new InvalidInput('location', 'unknown location');
  if (typeof p.region !== 'string' || p.region.trim() === '') throw new InvalidInput('region', 'required');
  validateCategory(p, categories);
  if (
    !Array.isArray(p.designations) ||
    p.designations.some((s) => !SCHEMES.includes(s)) ||
    new Set(p.designations).size !== p.designations.length
  ) {
    throw new InvalidInput('designations', "distinct values of 'employee' | 'resident'");
  }
  // 焦医保〔2024〕32号 四（一）1 第二段: the location mapping is for "其他一级或未定级的综合医疗机构".
  if (p.category === 'other_general') {
    if (p.level !== 'level1' && p.level !== 'unrated') {
      throw new InvalidInput(
        'level',
        `other_general is for level-1 or unrated general institutions (${cite(params.jiaozuo.unratedMapping)})`,
      );
    }
    if (p.location !== 'city' && p.location !== 'township') {
      throw new PolicyRefusal(
        'UNRATED_LOCATION_NOT_MAPPED',
        cite(params.jiaozuo.unratedMapping),
        'an unrated general institution is mapped by location: 城区 (city) → community health service centre, 乡镇 (township) → township health centre',
      );
    }
  }
}

function register(
  state: InstitutionState,
  data: InstitutionProfile,
  params: SettlementParameters,
  categories?: Cited<InstitutionCategory[]>,
): Events {
  if (state.profile)
    throw new PolicyRefusal(
      INSTITUTION_REASONS.alreadyRegistered,
      REGISTRY_CLAUSE,
      `institution ${state.profile.code} is already registered`,
    );
  const profile: InstitutionProfile = {
    code: data.code,
    name: data.name,
    ...(data.category !== undefined ? { category: data.category } : {}),
    level: data.level,
    location: data.location,
    region: data.region,
    designations: [...data.designations],
    ...(data.countyDesignated !== undefined ? { countyDesignated: data.countyDesignated } : {}),
    ...(data.pharmacy !== undefined ? { pharmacy: data.pharmacy } : {}),
  };
  validateProfile(profile, params, categories);
  return [{ type: 'InstitutionRegistered', data: profile }];
}

function requireProfile(state: InstitutionState): InstitutionProfile {
  if (!state.profile) throw new NotFound('institution', '(unregistered)');
  return state.profile;
}

function changeProfile(
  state: InstitutionState,
  data: { changes: ProfileChanges },
  params: SettlementParameters,
  categories?: Cited<InstitutionCategory[]>,
): Events {
  const profile = requireProfile(state);
  const changes = Object.fromEntries(Object.entries(data.changes).filter(([k, v]) => k !== 'code' && v !== undefined)) as ProfileChanges;
  const effective = Object.entries(changes).filter(
    ([k, v]) => JSON.stringify((profile as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v),
  );
  if (effective.length === 0) return [];
  validateProfile({ ...profile, ...changes }, params, categories);
  return [{ type: 'InstitutionProfileChanged', data: { changes: Object.fromEntries(effective) as ProfileChanges } }];
}

// ---------- Jiaozuo monthly cycle and year end ----------

function requireJiaozuo(state: InstitutionState, params: SettlementParameters): CategorisedProfile {
  const profile = requireProfile(state);
  const j = params.jiaozuo;
  if (profile.region !== j.region.value || !profile.designations.includes(j.scheme.value) || profile.category === undefined) {
    throw new PolicyRefusal(
      INSTITUTION_REASONS.notJiaozuo,
      cite(j.region),
      `institution ${profile.code} is not a ${j.region.value} institution designated for ${j.scheme.value} outpatient pooling`,
    );
  }
  return profile as CategorisedProfile;
}

function year(state: InstitutionState, y: number): YearState {
  return state.years[y] ?? emptyYear();
}

function yearOfMonth(month: Month): number {
  return Number(month.slice(0, 4));
}

function requireMonth(month: string): Month {
  if (typeof month !== 'string' || !MONTH_PATTERN.test(month)) throw new InvalidInput('month', "must be 'YYYY-MM'");
  return month;
}

function refuseIfSettled(y: YearState, yearNumber: number, clause: string): void {
  if (y.settlement) throw new PolicyRefusal(INSTITUTION_REASONS.yearSettled, clause, `the ${yearNumber} period is already settled`);
}

function nonNegativeMoney(field: string, value: string) {
  const m = money(value);
  if (m.isNegative()) throw new InvalidInput(field, 'must not be negative');
  return m;
}

function setCostBase(state: InstitutionState, data: CostBaseRequest, params: SettlementParameters): Events {
  const profile = requireJiaozuo(state, params);
  if (!Number.isInteger(data.year)) throw new InvalidInput('year', 'must be an integer');
  refuseIfSettled(year(state, data.year), data.year, `${params.jiaozuo.effectiveFrom.document} 四（一）`);
  const d = determineCostBase(profile, data, params);
  return [
    { type: 'CostBaseSet', data: { year: d.year, base: d.base, method: d.method, inputs: d.inputs, clause: d.clause, trace: d.trace } },
  ];
}

function effectiveMonth(params: SettlementParameters): Month {
  return params.jiaozuo.effectiveFrom.value.slice(0, 7);
}

function declareMonth(
  state: InstitutionState,
  data: Extract<InstitutionCommand, { type: 'DeclareMonth' }>['data'],
  params: SettlementParameters,
): Events {
  requireJiaozuo(state, params);
  const month = requireMonth(data.month);
  const dueParam = params.jiaozuo.monthly.declarationDueDay;
  if (month < effectiveMonth(params)) {
    throw new PolicyRefusal(
      INSTITUTION_REASONS.beforeEffective,
      cite(params.jiaozuo.effectiveFrom),
      `conditional fee-for-service starts ${params.jiaozuo.effectiveFrom.value}`,
    );
  }
  const y = year(state, yearOfMonth(month));
  refuseIfSettled(y, yearOfMonth(month), cite(dueParam));
  if (y.months[month]?.declared)
    throw new PolicyRefusal(INSTITUTION_REASONS.monthAlreadyDeclared, cite(dueParam), `${month} is already declared`);
  if (!isLocalDate(data.declaredOn)) throw new InvalidInput('declaredOn', "must be a 'YYYY-MM-DD' date");
  if (data.declaredOn < firstDayOfNextMonth(`${month}-01`))
    throw new InvalidInput('declaredOn', `a month is declared after it ends (on or after ${firstDayOfNextMonth(`${month}-01`)})`);
  if (!Number.isInteger(data.visits) || data.visits < 0) throw new InvalidInput('visits', 'must be a non-negative integer');
  const totalCost = nonNegativeMoney('totalCost', data.totalCost);
  const fundDue = nonNegativeMoney('fundDue', data.fundDue);
  if (fundDue.greaterThan(totalCost)) throw new InvalidInput('fundDue', 'must not exceed totalCost');
  if (data.visits === 0 && !totalCost.isZero()) throw new InvalidInput('visits', 'a month with costs has visits');
  const dueBy = declarationDueDate(month, params);
  return [
    {
      type: 'MonthDeclared',
      data: {
        month,
        visits: data.visits,
        totalCost: fmt(totalCost),
        fundDue: fmt(fundDue),
        declaredOn: data.declaredOn,
        dueBy,
        late: data.declaredOn > dueBy,
        clause: cite(dueParam),
      },
    },
  ];
}

function approveMonth(state: InstitutionState, data: { month: Month; approvedAmount: string }, params: SettlementParameters): Events {
  requireJiaozuo(state, params);
  const month = requireMonth(data.month);
  const clause = cite(params.jiaozuo.monthly.advanceShare);
  const y = year(state, yearOfMonth(month));
  refuseIfSettled(y, yearOfMonth(month), clause);
  const m = y.months[month];
  if (!m?.declared) throw new PolicyRefusal(INSTITUTION_REASONS.monthNotDeclared, clause, `${month} has not been declared`);
  if (m.approved) throw new PolicyRefusal(INSTITUTION_REASONS.monthAlreadyApproved, clause, `${month} is already approved`);
  const approved = nonNegativeMoney('approvedAmount', data.approvedAmount);
  // "经办机构根据医疗费申报额度，经核实后": verification can lower, never raise, the declared fund due.
  if (approved.greaterThan(money(m.declared.fundDue))) {
    throw new PolicyRefusal(
      INSTITUTION_REASONS.approvedOverDeclared,
      clause,
      `approved ${fmt(approved)} exceeds the declared fund due ${m.declared.fundDue}`,
    );
  }
  return [{ type: 'MonthApproved', data: { month, approvedAmount: fmt(approved), clause } }];
}

function payAdvance(state: InstitutionState, data: { month: Month; paidOn?: LocalDate }, params: SettlementParameters): Events {
  requireJiaozuo(state, params);
  const month = requireMonth(data.month);
  const clause = cite(params.jiaozuo.monthly.advanceShare);
  const m = year(state, yearOfMonth(month)).months[month];
  if (!m?.approved) throw new PolicyRefusal(INSTITUTION_REASONS.monthNotApproved, clause, `${month} has not been approved`);
  if (m.advance) throw new PolicyRefusal(INSTITUTION_REASONS.advanceAlreadyPaid, clause, `the advance for ${month} is already paid`);
  if (data.paidOn !== undefined && !isLocalDate(data.paidOn)) throw new InvalidInput('paidOn', "must be a 'YYYY-MM-DD' date");
  const split = splitAdvance(m.approved.approvedAmount, params);
  return [
    {
      type: 'AdvancePaid',
      data: {
        month,
        approvedAmount: split.approved,
        amount: split.advance,
        held: split.held,
        advanceShare: split.advanceShare,
        ...(data.paidOn ? { paidOn: data.paidOn } : {}),
        clause: split.clause,
      },
    },
  ];
}

/** Months of the year's settlement period: from the later of January and the start date (monthsOfYear keeps the year's months). */
export function periodMonths(yearNumber: number, params: SettlementParameters, throughMonth?: Month): Month[] {
  return monthsOfYear(yearNumber, effectiveMonth(params), throughMonth);
}

function settle(state: InstitutionState, data: { year: number; throughMonth?: Month }, params: SettlementParameters): Events {
  const profile = requireJiaozuo(state, params);
  const j = params.jiaozuo;
  const ruleClause = `${j.effectiveFrom.document} 四（一）; 附件`;
  const y = year(state, data.year);
  refuseIfSettled(y, data.year, ruleClause);
  const through = data.throughMonth === undefined ? `${data.year}-12` : requireMonth(data.throughMonth);
  if (yearOfMonth(through) !== data.year) throw new InvalidInput('throughMonth', `must be a month of ${data.year}`);
  const months = periodMonths(data.year, params, through);
  if (months.length === 0)
    throw new PolicyRefusal(
      INSTITUTION_REASONS.beforeEffective,
      cite(j.effectiveFrom),
      `no month of ${data.year} through ${through} is under conditional fee-for-service`,
    );
  const later = Object.keys(y.months).filter((m) => m > through && y.months[m].declared);
  if (later.length > 0) throw new InvalidInput('throughMonth', `months after ${through} are declared (${later.join(', ')})`);
  for (const month of months) {
    const m = y.months[month];
    const monthClause = cite(j.monthly.advanceShare);
    if (!m?.declared)
      throw new PolicyRefusal(INSTITUTION_REASONS.monthNotDeclared, monthClause, `${month} has not been declared`, { month });
    if (!m.approved)
      throw new PolicyRefusal(INSTITUTION_REASONS.monthNotApproved, monthClause, `${month} has not been approved`, { month });
    if (!m.advance)
      throw new PolicyRefusal(INSTITUTION_REASONS.advanceNotPaid, monthClause, `the advance for ${month} has not been paid`, { month });
  }
  const declared = months.map((mo) => y.months[mo].declared!);
  const visits = declared.reduce((a, d) => a + d.visits, 0);
  const totalCost = sum(declared.map((d) => money(d.totalCost)));
  // The itemised fund due is what the agency verified and approved month by month.
  const fundDue = sum(months.map((mo) => money(y.months[mo].approved!.approvedAmount)));

  let base: string | undefined;
  let growthCap: string | undefined;
  let baseClause = cite(j.exemptCategories);
  let capClause = cite(j.exemptCategories);
  if (!isExemptFromCostBase(profile, params)) {
    if (!y.costBase)
      throw new PolicyRefusal(
        INSTITUTION_REASONS.costBaseNotSet,
        `${j.effectiveFrom.document} 四（一）1`,
        `no per-visit average base is set for ${data.year}`,
      );
    const yearParams = j.years[String(data.year)];
    if (!yearParams)
      throw new PolicyRefusal(
        INSTITUTION_REASONS.noCapForYear,
        `${j.effectiveFrom.document} 四（一）2`,
        `no growth cap is published for ${data.year}`,
      );
    base = y.costBase.base;
    baseClause = y.costBase.clause;
    growthCap = yearParams.growthCap.value;
    capClause = cite(yearParams.growthCap);
  }
  const outcome = settlePeriod(
    { visits, totalCost: fmt(totalCost), fundDue: fmt(fundDue) },
    { base, growthCap, baseClause, capClause, ruleClause },
  );
  return [
    {
      type: 'PeriodSettled',
      data: {
        year: data.year,
        fromMonth: months[0],
        throughMonth: months[months.length - 1],
        visits: outcome.visits,
        totalCost: outcome.totalCost,
        fundDue: outcome.fundDue,
        actualAverage: outcome.actualAverage,
        base: outcome.base,
        growthCap: outcome.growthCap,
        ceilingAverage: outcome.ceilingAverage,
        growthOverBase: outcome.growthOverBase,
        withinCap: outcome.withinCap,
        payable: outcome.payable,
        overspend: outcome.overspend,
        trace: outcome.trace,
      },
    },
  ];
}

function requireSettled(state: InstitutionState, yearNumber: number, clause: string) {
  const y = year(state, yearNumber);
  if (!y.settlement) throw new PolicyRefusal(INSTITUTION_REASONS.yearNotSettled, clause, `the ${yearNumber} period has not been settled`);
  if (y.final) throw new PolicyRefusal(INSTITUTION_REASONS.finalAlreadyMade, clause, `the ${yearNumber} final payment is already made`);
  return { y, settlement: y.settlement };
}

function recordReview(
  state: InstitutionState,
  data: Extract<InstitutionCommand, { type: 'RecordOverspendReview' }>['data'],
  params: SettlementParameters,
): Events {
  requireJiaozuo(state, params);
  const clause = cite(params.jiaozuo.review.noCompensationFromShare);
  const { y, settlement } = requireSettled(state, data.year, clause);
  if (y.review) throw new PolicyRefusal(INSTITUTION_REASONS.alreadyReviewed, clause, `the ${data.year} overspend is already reviewed`);
  if (!money(settlement.overspend).greaterThan(0)) {
    throw new PolicyRefusal(INSTITUTION_REASONS.noOverspend, clause, `the ${data.year} period has no overspend to review`);
  }
  const r = reviewOverspend(settlement.overspend, data, params);
  return [
    {
      type: 'OverspendReviewed',
      data: {
        year: data.year,
        reviewedVisits: r.reviewedVisits,
        violatingCost: r.violatingCost,
        reviewedCost: r.reviewedCost,
        share: r.share,
        band: r.band,
        outcome: r.outcome,
        overspend: r.overspend,
        compensation: r.compensation,
        clause: r.clause,
        trace: r.trace,
      },
    },
  ];
}

function heldTotal(y: YearState, settlementMonths: Month[]): { advances: string; held: string; approved: string } {
  const paid = settlementMonths.map((m) => y.months[m].advance!);
  return {
    advances: fmt(sum(paid.map((a) => money(a.amount)))),
    held: fmt(sum(paid.map((a) => money(a.held)))),
    approved: fmt(sum(paid.map((a) => money(a.approvedAmount)))),
  };
}

function settledMonths(y: YearState): Month[] {
  const s = y.settlement!;
  return Object.keys(y.months).filter(
    (m) =>
      // Stryker disable next-line ConditionalExpression: equivalent because no month before the period's start can be declared
      m >= s.fromMonth && m <= s.throughMonth,
  );
}

function assess(state: InstitutionState, data: { year: number; passed: boolean; note?: string }, params: SettlementParameters): Events {
  requireJiaozuo(state, params);
  const clause = cite(params.jiaozuo.monthly.heldShare);
  const { y } = requireSettled(state, data.year, clause);
  if (y.assessment) throw new PolicyRefusal(INSTITUTION_REASONS.alreadyAssessed, clause, `${data.year} is already assessed`);
  if (typeof data.passed !== 'boolean') throw new InvalidInput('passed', 'must be a boolean');
  const { held } = heldTotal(y, settledMonths(y));
  // "其余 5% 与医疗服务质量挂钩，根据年终考核结果按规定结算": released on a pass, kept otherwise.
  return [
    {
      type: 'AnnualAssessed',
      data: {
        year: data.year,
        passed: data.passed,
        held,
        holdbackReleased: data.passed ? held : '0.00',
        holdbackKept: data.passed ? '0.00' : held,
        ...(data.note ? { note: data.note } : {}),
        clause,
      },
    },
  ];
}

function finalPayment(state: InstitutionState, data: { year: number }, params: SettlementParameters): Events {
  requireJiaozuo(state, params);
  const j = params.jiaozuo;
  const clause = `${cite(j.monthly.heldShare)}; ${cite(j.review.noCompensationFromShare)}; ${j.effectiveFrom.document} 附件`;
  const { y, settlement } = requireSettled(state, data.year, clause);
  if (!y.assessment)
    throw new PolicyRefusal(INSTITUTION_REASONS.notAssessed, cite(j.monthly.heldShare), `${data.year} has not been assessed`);
  const totals = heldTotal(y, settledMonths(y));
  const r = computeFinalPayment(
    {
      approvedTotal: totals.approved,
      advances: totals.advances,
      held: totals.held,
      payable: settlement.payable,
      compensation: y.review?.compensation ?? fmt(ZERO),
      holdbackReleased: y.assessment.holdbackReleased,
      holdbackKept: y.assessment.holdbackKept,
    },
    clause,
  );
  const { trace, ...amounts } = r;
  return [{ type: 'FinalPaymentMade', data: { year: data.year, ...amounts, clause, trace } }];
}

// ---------- Anyang capitation ----------

function requireAnyang(state: InstitutionState, params: SettlementParameters): InstitutionProfile {
  const profile = requireProfile(state);
  const a = params.anyang;
  if (profile.region !== a.region.value || !profile.designations.includes(a.scheme.value)) {
    throw new PolicyRefusal(
      INSTITUTION_REASONS.notAnyang,
      cite(a.region),
      `institution ${profile.code} is not an ${a.region.value} institution designated for ${a.scheme.value} outpatient pooling`,
    );
  }
  return profile;
}

function assignPersons(state: InstitutionState, data: { year: number; count: number }, params: SettlementParameters): Events {
  requireAnyang(state, params);
  if (!Number.isInteger(data.year)) throw new InvalidInput('year', 'must be an integer');
  const b = capitationBudget(data.year, data.count, params);
  if (!b)
    throw new PolicyRefusal(
      INSTITUTION_REASONS.noFunding,
      `${params.anyang.region.document} 附件`,
      `no funding standard is published for ${data.year}`,
    );
  const paid = Object.values(year(state, data.year).capitation);
  const generalPaid = sum(paid.map((c) => money(c.generalPaid)));
  const consultationPaid = sum(paid.map((c) => money(c.consultationPaid)));
  if (money(b.generalBudget).lessThan(generalPaid) || money(b.consultationBudget).lessThan(consultationPaid)) {
    throw new PolicyRefusal(
      INSTITUTION_REASONS.budgetBelowPaid,
      b.clause,
      `a budget for ${data.count} persons is below what was already paid in ${data.year}`,
    );
  }
  const { year: y, persons, ...rest } = b;
  return [{ type: 'PersonsAssigned', data: { year: y, count: persons, ...rest } }];
}

function settleCapitation(
  state: InstitutionState,
  data: { month: Month; claimed: string; consultationClaimed?: string },
  params: SettlementParameters,
): Events {
  requireAnyang(state, params);
  const month = requireMonth(data.month);
  const y = year(state, yearOfMonth(month));
  // 四（二）: settled monthly within the limit (the document is the capitation pack's).
  const clause = `${params.anyang.region.document} 四（二）`;
  if (!y.persons)
    throw new PolicyRefusal(INSTITUTION_REASONS.personsNotAssigned, clause, `no persons are assigned for ${yearOfMonth(month)}`);
  if (y.capitation[month]) throw new PolicyRefusal(INSTITUTION_REASONS.capitationMonthSettled, clause, `${month} is already settled`);
  const paid = Object.values(y.capitation);
  const p = y.persons;
  const r = settleCapitationMonth(
    {
      year: p.year,
      persons: p.count,
      fundingPerPerson: p.fundingPerPerson,
      consultationPerPerson: p.consultationPerPerson,
      budget: p.budget,
      consultationBudget: p.consultationBudget,
      generalBudget: p.generalBudget,
      clause: p.clause,
    },
    {
      generalPaid: fmt(sum(paid.map((c) => money(c.generalPaid)))),
      consultationPaid: fmt(sum(paid.map((c) => money(c.consultationPaid)))),
    },
    { claimed: data.claimed, consultationClaimed: data.consultationClaimed ?? '0' },
  );
  return [{ type: 'CapitationSettled', data: { month, ...r } }];
}

// ---------- decider ----------

/**
 * `params`: the settlement figures of the packs (those in force, or for replay those a
 * decision recorded); `categories`: the list the pack of the institution's region declares
 * (undefined: none, the category is optional). Every decision records its pack's version.
 */
export function decideInstitution(
  command: InstitutionCommand,
  state: InstitutionState,
  params: SettlementParameters,
  categories?: Cited<InstitutionCategory[]>,
): Events {
  return decide(command, state, params, categories).map((event) => stampPackVersion(event, params));
}

/**
 * Registry events depend on no figure, nor do a month correction's (it recomputes from the
 * figures and rules the year recorded); capitation events on the capitation pack; the rest
 * on conditional fee-for-service.
 */
function stampPackVersion(event: InstitutionEvent, params: SettlementParameters): InstitutionEvent {
  if (event.type === 'InstitutionRegistered' || event.type === 'InstitutionProfileChanged' || isMonthCorrectionEvent(event)) return event;
  const packVersion =
    event.type === 'PersonsAssigned' || event.type === 'CapitationSettled' ? params.anyang.packVersion : params.jiaozuo.packVersion;
  return { ...event, data: { ...event.data, packVersion } } as InstitutionEvent;
}

function decide(
  command: InstitutionCommand,
  state: InstitutionState,
  params: SettlementParameters,
  categories?: Cited<InstitutionCategory[]>,
): Events {
  switch (command.type) {
    case 'RegisterInstitution':
      return register(state, command.data, params, categories);
    case 'ChangeInstitutionProfile':
      return changeProfile(state, command.data, params, categories);
    case 'SetCostBase':
      return setCostBase(state, command.data, params);
    case 'DeclareMonth':
      return declareMonth(state, command.data, params);
    case 'ApproveMonth':
      return approveMonth(state, command.data, params);
    case 'PayAdvance':
      return payAdvance(state, command.data, params);
    case 'SettlePeriod':
      return settle(state, command.data, params);
    case 'RecordOverspendReview':
      return recordReview(state, command.data, params);
    case 'AssessYear':
      return assess(state, command.data, params);
    case 'MakeFinalPayment':
      return finalPayment(state, command.data, params);
    case 'AssignPersons':
      return assignPersons(state, command.data, params);
    case 'SettleCapitationMonth':
      return settleCapitation(state, command.data, params);
    case 'CorrectMonth':
      // The month is checked like every other command's (400, not a 422 for a month never approved).
      return correctInstitutionMonth(state, { ...command.data, month: requireMonth(command.data.month) });
    default:
      return assertNever(command);
  }
}
