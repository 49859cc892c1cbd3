/**
 * Issue 15 item 4: a correction to an institution's declared month (visits, cost, fund due)
 * after approval or advance. Recomputes, from the recorded figures and rules only, the
 * month's advance and holdback, the period settlement and the final payment when they were
 * made, and states the money that moves: a recovery when the institution was paid too much
 * (焦医保〔2024〕32号 五（二）: 追回或拒付违规费用), a top-up when too little. Pure.
 */
import { Dec, fmt, min, money, sum, toFen } from '../kernel/money';
import { InvalidInput, PolicyRefusal } from '../kernel/errors';
import type { LocalDate } from '../kernel/dates';
import { ledgerRule } from '../policy/citation';
import { computeFinalPayment } from './final-payment';
import { INSTITUTION_REASONS } from './institution.reasons';
import type { InstitutionState, MonthState, YearState } from './institution.events';
import type { Month } from './institution.types';
import type { InstitutionMonthCorrectionEvent, MonthFigures } from './month-correction.events';
import { PeriodRule, settlePeriod } from './period-settlement';

/** 五（二）: the agency recovers or refuses violating costs. */
export const RECOVERY_CLAUSE = '焦医保〔2024〕32号 五（二）';
/** No document speaks of paying an institution more after a correction: the ledger's own rule. */
export const TOP_UP_CLAUSE = ledgerRule('institution-correction-top-up');

export interface MonthCorrection {
  correctionId: string;
  disputeId?: string;
  month: Month;
  corrected: MonthFigures;
  reason: string;
  correctedOn: LocalDate;
}

export function correctInstitutionMonth(state: InstitutionState, c: MonthCorrection): InstitutionMonthCorrectionEvent[] {
  const yearNo = Number(c.month.slice(0, 4));
  const y = state.years[yearNo];
  const m = y?.months[c.month];
  if (!m?.declared || !m.approved)
    throw new PolicyRefusal(
      INSTITUTION_REASONS.monthNotApproved,
      RECOVERY_CLAUSE,
      `${c.month} has not been approved: correct the declaration instead`,
      { month: c.month },
    );
  const corrected = checkedFigures(c.corrected);
  const previous: MonthFigures = { visits: m.declared.visits, totalCost: m.declared.totalCost, fundDue: m.approved.approvedAmount };
  if (sameFigures(previous, corrected)) return [];
  const months = { ...y.months, [c.month]: correctedMonth(m, corrected) };
  const events: InstitutionMonthCorrectionEvent[] = [
    {
      type: 'InstitutionMonthCorrected',
      data: {
        correctionId: c.correctionId,
        ...(c.disputeId ? { disputeId: c.disputeId } : {}),
        month: c.month,
        previous,
        corrected,
        reason: c.reason,
        correctedOn: c.correctedOn,
        clause: RECOVERY_CLAUSE,
      },
    },
  ];
  const advance = months[c.month].advance;
  if (
    // Stryker disable next-line LogicalOperator: equivalent because the corrected month has an advance exactly when the month had one
    m.advance &&
    advance &&
    // The split is rounded once: a cent more fund due can leave the advance and move only the holdback.
    (advance.amount !== m.advance.amount || advance.held !== m.advance.held)
  ) {
    events.push({
      type: 'InstitutionAdvanceRecomputed',
      data: {
        correctionId: c.correctionId,
        month: c.month,
        previous: { amount: m.advance.amount, held: m.advance.held },
        recomputed: { amount: advance.amount, held: advance.held },
        clause: m.advance.clause,
      },
    });
  }
  const settled =
    y.settlement &&
    // Stryker disable next-line ConditionalExpression: equivalent because a settled year holds only its period's months
    c.month >= y.settlement.fromMonth &&
    // Stryker disable next-line ConditionalExpression: equivalent because a settled year holds only its period's months
    c.month <= y.settlement.throughMonth
      ? resettle(y, months, c.correctionId, yearNo)
      : undefined;
  if (settled) events.push(settled);
  const final = y.final && settled ? refinal(y, months, settled.data.outcome, c.correctionId, yearNo) : undefined;
  if (final) events.push(final);
  // Paid so far: the final payment if made (it settles the year), else the month's advance.
  const delta = final
    ? money(final.data.recomputed.finalPayment).minus(money(y.final!.finalPayment))
    : m.advance
      ? money(months[c.month].advance!.amount).minus(money(m.advance.amount))
      : new Dec(0);
  if (delta.isNegative())
    events.push({
      type: 'InstitutionFundRecovered',
      data: { correctionId: c.correctionId, year: yearNo, amount: fmt(delta.negated()), clause: RECOVERY_CLAUSE },
    });
  else if (!delta.isZero())
    events.push({
      type: 'InstitutionFundToppedUp',
      data: { correctionId: c.correctionId, year: yearNo, amount: fmt(delta), clause: TOP_UP_CLAUSE },
    });
  return events;
}

function checkedFigures(f: MonthFigures): MonthFigures {
  if (!Number.isInteger(f.visits) || f.visits < 0) throw new InvalidInput('corrected.visits', 'must be a whole number ≥ 0');
  const totalCost = money(f.totalCost);
  const fundDue = money(f.fundDue);
  if (totalCost.isNegative()) throw new InvalidInput('corrected.totalCost', 'must be ≥ 0');
  if (fundDue.isNegative() || fundDue.greaterThan(totalCost))
    throw new InvalidInput('corrected.fundDue', 'must be ≥ 0 and at most the total cost');
  // As a declaration (四（二）): the per-visit average counts no cost without visits.
  if (f.visits === 0 && !totalCost.isZero()) throw new InvalidInput('corrected.visits', 'a month with costs has visits');
  return { visits: f.visits, totalCost: fmt(totalCost), fundDue: fmt(fundDue) };
}

const sameFigures = (a: MonthFigures, b: MonthFigures): boolean =>
  a.visits === b.visits && a.totalCost === b.totalCost && a.fundDue === b.fundDue;

/** The month as if declared and approved with the corrected figures; its advance split again at the recorded share. */
function correctedMonth(m: MonthState, f: MonthFigures): MonthState {
  const declared = { ...m.declared!, visits: f.visits, totalCost: f.totalCost, fundDue: f.fundDue };
  const approved = { ...m.approved!, approvedAmount: f.fundDue };
  // Stryker disable next-line ObjectLiteral: equivalent because only the advance of a month not advanced is read (such a month is in no settled period)
  if (!m.advance) return { ...m, declared, approved };
  const amount = toFen(money(f.fundDue).times(new Dec(m.advance.advanceShare)));
  return {
    ...m,
    declared,
    approved,
    advance: { ...m.advance, approvedAmount: f.fundDue, amount: fmt(amount), held: fmt(money(f.fundDue).minus(amount)) },
  };
}

/** The recorded period settled again over the corrected months, with the base, cap and clauses it recorded. */
function resettle(
  y: YearState,
  months: YearState['months'],
  correctionId: string,
  year: number,
): Extract<InstitutionMonthCorrectionEvent, { type: 'InstitutionPeriodResettled' }> {
  const s = y.settlement!;
  // Stryker disable next-line MethodExpression: equivalent because a settled year holds only its period's months, and sums ignore order
  const inPeriod = Object.keys(months)
    .filter(
      // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent because a settled year holds only its period's months
      (mo) => mo >= s.fromMonth && mo <= s.throughMonth,
    )
    .sort();
  const declared = inPeriod.map((mo) => months[mo].declared!);
  const figures = {
    visits: declared.reduce((a, d) => a + d.visits, 0),
    totalCost: fmt(sum(declared.map((d) => money(d.totalCost)))),
    fundDue: fmt(sum(inPeriod.map((mo) => money(months[mo].approved!.approvedAmount)))),
  };
  const outcome = settlePeriod(figures, recordedRule(s));
  return {
    type: 'InstitutionPeriodResettled',
    data: { correctionId, year, previous: { payable: s.payable, overspend: s.overspend }, outcome },
  };
}

/** The rule a recorded settlement applied: its base and cap, and the clauses its trace cites. */
function recordedRule(s: NonNullable<YearState['settlement']>): PeriodRule {
  // Stryker disable next-line OptionalChaining,StringLiteral: equivalent because a recorded trace starts with the actual average
  const ruleClause = s.trace[0]?.clause ?? '';
  const ceiling = s.trace.find((t) => t.step === 'ceiling');
  const exempt = s.trace.find((t) => t.step === 'exempt');
  const [baseClause, capClause] = ceiling
    ? ceiling.clause.split('; ')
    : [
        // Stryker disable next-line OptionalChaining: equivalent because a recorded trace without a ceiling step has an exempt step
        exempt?.clause ?? ruleClause,
        // Stryker disable next-line OptionalChaining,LogicalOperator: equivalent because the exempt rule cites its base clause only
        exempt?.clause ?? ruleClause,
      ];
  return {
    // Stryker disable next-line ConditionalExpression: equivalent because base and cap are recorded together (both null when exempt): either one missing makes the rule exempt
    ...(s.base !== null ? { base: s.base } : {}),
    // Stryker disable next-line ConditionalExpression: equivalent because base and cap are recorded together (both null when exempt): either one missing makes the rule exempt
    ...(s.growthCap !== null ? { growthCap: s.growthCap } : {}),
    baseClause,
    capClause: capClause ?? baseClause,
    ruleClause,
  };
}

/**
 * The final payment again. The review's compensation restores part of the overspend, so it
 * is kept at most at the new overspend; the assessment's verdict stands and releases (or
 * keeps) the corrected holdback.
 */
function refinal(
  y: YearState,
  months: YearState['months'],
  outcome: ReturnType<typeof settlePeriod>,
  correctionId: string,
  year: number,
): Extract<InstitutionMonthCorrectionEvent, { type: 'InstitutionFinalPaymentRecomputed' }> {
  const s = y.settlement!;
  // Stryker disable next-line MethodExpression: equivalent because a settled year holds only its period's months
  const paid = Object.keys(months)
    .filter(
      // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent because a settled year holds only its period's months
      (mo) => mo >= s.fromMonth && mo <= s.throughMonth,
    )
    .map((mo) => months[mo].advance!);
  const held = sum(paid.map((a) => money(a.held)));
  const passed = y.assessment!.passed;
  const recomputed = computeFinalPayment(
    {
      approvedTotal: fmt(sum(paid.map((a) => money(a.approvedAmount)))),
      advances: fmt(sum(paid.map((a) => money(a.amount)))),
      held: fmt(held),
      payable: outcome.payable,
      compensation: fmt(min(money(y.review?.compensation ?? '0.00'), money(outcome.overspend))),
      holdbackReleased: passed ? fmt(held) : '0.00',
      holdbackKept: passed ? '0.00' : fmt(held),
    },
    y.final!.clause,
  );
  return {
    type: 'InstitutionFinalPaymentRecomputed',
    data: { correctionId, year, previous: { finalPayment: y.final!.finalPayment }, recomputed },
  };
}
