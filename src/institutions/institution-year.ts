import { fmt, money, sum } from '../kernel/money';
import type { TraceEntry } from '../policy/engine/types';
import {
  AnnualAssessedData,
  CapitationSettledData,
  CostBaseSetData,
  emptyYear,
  FinalPaymentMadeData,
  InstitutionState,
  MonthOriginal,
  OverspendReviewedData,
  PeriodSettledData,
  PersonsAssignedData,
  YearState,
} from './institution.events';

/** An institution's year, folded from its stream (a checkpointed projection comes later). */
export interface InstitutionYearView {
  code: string;
  year: number;
  costBase: CostBaseSetData | null;
  months: Array<{
    month: string;
    visits: number;
    totalCost: string;
    fundDue: string;
    declaredOn: string;
    dueBy: string;
    late: boolean;
    approved: string | null;
    advanced: string | null;
    held: string | null;
    /** Before the month's first correction (issue 15 item 4); null if never corrected. */
    original: MonthOriginal | null;
  }>;
  declared: { visits: number; totalCost: string; fundDue: string; lateMonths: string[] };
  approved: string;
  advanced: string;
  held: string;
  settlement: Omit<PeriodSettledData, 'trace'> | null;
  review: Omit<OverspendReviewedData, 'trace'> | null;
  assessment: AnnualAssessedData | null;
  final: Omit<FinalPaymentMadeData, 'trace'> | null;
  /** Original, corrected and net figures of the year's month corrections; null if none. */
  corrections: YearCorrectionsView | null;
  capitation: {
    persons: PersonsAssignedData;
    paid: string;
    remaining: string;
    months: Array<Omit<CapitationSettledData, 'trace'>>;
  } | null;
}

/** The year's money as first decided and as corrected: approved, advanced, held, period payable, final payment. */
interface YearFigures {
  approved: string;
  advanced: string;
  held: string;
  payable: string | null;
  finalPayment: string | null;
}

export interface YearCorrectionsView {
  correctionIds: string[];
  original: YearFigures;
  corrected: YearFigures;
  /** Taken back from the institution (焦医保〔2024〕32号 五（二）) and paid to it since. */
  recovered: string;
  toppedUp: string;
  /** toppedUp − recovered: what the corrections moved, signed (negative: the institution paid back). */
  net: string;
}

function withoutTrace<T extends { trace: TraceEntry[] }>(x: T | undefined): Omit<T, 'trace'> | null {
  if (!x) return null;
  const { trace: _trace, ...rest } = x;
  return rest;
}

export function institutionYearView(state: InstitutionState, code: string, year: number): InstitutionYearView {
  const y = state.years[year] ?? emptyYear();
  const monthKeys = Object.keys(y.months).sort();
  const months = monthKeys
    .filter((m) => y.months[m].declared)
    .map((m) => {
      const s = y.months[m];
      const d = s.declared!;
      return {
        month: m,
        visits: d.visits,
        totalCost: d.totalCost,
        fundDue: d.fundDue,
        declaredOn: d.declaredOn,
        dueBy: d.dueBy,
        late: d.late,
        approved: s.approved?.approvedAmount ?? null,
        advanced: s.advance?.amount ?? null,
        held: s.advance?.held ?? null,
        original: s.original ?? null,
      };
    });
  const capMonths = Object.keys(y.capitation)
    .sort()
    .map((m) => y.capitation[m]);
  const capPaid = sum(capMonths.map((c) => money(c.paid)));
  return {
    code,
    year,
    costBase: y.costBase ?? null,
    months,
    declared: {
      visits: months.reduce((a, m) => a + m.visits, 0),
      totalCost: fmt(sum(months.map((m) => money(m.totalCost)))),
      fundDue: fmt(sum(months.map((m) => money(m.fundDue)))),
      lateMonths: months.filter((m) => m.late).map((m) => m.month),
    },
    approved: fmt(sum(months.filter((m) => m.approved).map((m) => money(m.approved!)))),
    advanced: fmt(sum(months.filter((m) => m.advanced).map((m) => money(m.advanced!)))),
    held: fmt(sum(months.filter((m) => m.held).map((m) => money(m.held!)))),
    settlement: withoutTrace(y.settlement),
    review: withoutTrace(y.review),
    assessment: y.assessment ?? null,
    final: withoutTrace(y.final),
    corrections: correctionsView(y),
    capitation: y.persons
      ? {
          persons: y.persons,
          paid: fmt(capPaid),
          remaining: fmt(money(y.persons.budget).minus(capPaid)),
          months: capMonths.map((c) => withoutTrace(c)!),
        }
      : null,
  };
}

const total = (xs: Array<string | null>): string => fmt(sum(xs.filter((x): x is string => x !== null).map(money)));

function correctionsView(y: YearState): YearCorrectionsView | null {
  const c = y.corrections;
  if (!c) return null;
  const months = Object.values(y.months).filter((m) => m.approved);
  const corrected: YearFigures = {
    approved: total(months.map((m) => m.approved!.approvedAmount)),
    advanced: total(months.map((m) => m.advance?.amount ?? null)),
    held: total(months.map((m) => m.advance?.held ?? null)),
    payable: y.settlement?.payable ?? null,
    finalPayment: y.final?.finalPayment ?? null,
  };
  const original: YearFigures = {
    approved: total(months.map((m) => m.original?.fundDue ?? m.approved!.approvedAmount)),
    advanced: total(months.map((m) => (m.original ? m.original.advanced : (m.advance?.amount ?? null)))),
    held: total(months.map((m) => (m.original ? m.original.held : (m.advance?.held ?? null)))),
    payable: c.originalSettlement?.payable ?? corrected.payable,
    finalPayment: c.originalFinalPayment ?? corrected.finalPayment,
  };
  return {
    correctionIds: c.correctionIds,
    original,
    corrected,
    recovered: c.recovered,
    toppedUp: c.toppedUp,
    net: fmt(money(c.toppedUp).minus(money(c.recovered))),
  };
}

/** Every step of the year in order, each with its clause. */
export function explainInstitutionYear(
  state: InstitutionState,
  code: string,
  year: number,
): { code: string; year: number; steps: TraceEntry[] } {
  const y = state.years[year] ?? emptyYear();
  const steps: TraceEntry[] = [];
  if (y.costBase) steps.push(...y.costBase.trace);
  for (const m of Object.keys(y.months).sort()) {
    const s = y.months[m];
    if (s.declared) {
      const d = s.declared;
      steps.push({
        step: 'month_declared',
        clause: d.clause,
        inputs: { month: m, visits: d.visits, totalCost: d.totalCost, fundDue: d.fundDue, declaredOn: d.declaredOn },
        result: { dueBy: d.dueBy, late: d.late },
      });
    }
    if (s.approved)
      steps.push({
        step: 'month_approved',
        clause: s.approved.clause,
        inputs: { month: m },
        result: { approvedAmount: s.approved.approvedAmount },
      });
    if (s.advance) {
      const a = s.advance;
      steps.push({
        step: 'advance_paid',
        clause: a.clause,
        inputs: { month: m, approvedAmount: a.approvedAmount, advanceShare: a.advanceShare },
        result: { advance: a.amount, held: a.held },
      });
    }
  }
  if (y.settlement) steps.push(...y.settlement.trace);
  if (y.review) steps.push(...y.review.trace);
  if (y.assessment) {
    const a = y.assessment;
    steps.push({
      step: 'annual_assessment',
      clause: a.clause,
      inputs: { passed: a.passed, held: a.held },
      result: { holdbackReleased: a.holdbackReleased, holdbackKept: a.holdbackKept },
      ...(a.note ? { note: a.note } : {}),
    });
  }
  if (y.final) steps.push(...y.final.trace);
  // The settlement and final payment above are as last recomputed; what the corrections changed and moved:
  if (y.corrections) steps.push(...y.corrections.trace);
  if (y.persons) {
    const p = y.persons;
    steps.push({
      step: 'capitation_budget',
      clause: p.clause,
      inputs: { persons: p.count, fundingPerPerson: p.fundingPerPerson, consultationPerPerson: p.consultationPerPerson },
      result: { budget: p.budget, generalBudget: p.generalBudget, consultationBudget: p.consultationBudget },
    });
  }
  for (const m of Object.keys(y.capitation).sort())
    steps.push(...y.capitation[m].trace.map((t) => ({ ...t, inputs: { month: m, ...t.inputs } })));
  return { code, year, steps };
}
