import type { LocalDate } from '../kernel/dates';
import type { TraceEntry } from '../policy/engine/types';
import type { CostBaseMethod } from './cost-base';
import type { InstitutionProfile, Month } from './institution.types';
import type { ReviewResult } from './overspend-review';
import type { CapitationMonthResult } from './capitation';
import type { FinalPaymentResult } from './final-payment';
import type { PeriodOutcome } from './period-settlement';
import type { InstitutionMonthCorrectionEvent, MonthFigures } from './month-correction.events';
import { fmt, money } from '../kernel/money';

/**
 * Events of one institution's stream `institution-<code>` (registry, Jiaozuo monthly
 * cycle and year end, Anyang capitation), the state they fold into, and `evolve`.
 * Amounts are money strings with two decimals; every figure the decision used is in the
 * event, so a replay needs nothing else.
 */
export type InstitutionRegisteredData = InstitutionProfile;

export type ProfileChanges = Partial<Omit<InstitutionProfile, 'code'>>;
export interface InstitutionProfileChangedData {
  changes: ProfileChanges;
}

export interface CostBaseSetData {
  year: number;
  base: string;
  method: CostBaseMethod;
  inputs: Record<string, string | number | boolean | null>;
  clause: string;
  trace: TraceEntry[];
}

export interface MonthDeclaredData {
  month: Month;
  visits: number;
  totalCost: string;
  fundDue: string;
  declaredOn: LocalDate;
  dueBy: LocalDate;
  late: boolean;
  clause: string;
}

export interface MonthApprovedData {
  month: Month;
  approvedAmount: string;
  clause: string;
}

export interface AdvancePaidData {
  month: Month;
  approvedAmount: string;
  amount: string;
  held: string;
  advanceShare: string;
  paidOn?: LocalDate;
  clause: string;
}

/** The period's outcome as `settlePeriod` computed it; `fundDue` = sum of the approved monthly amounts. */
export interface PeriodSettledData extends PeriodOutcome {
  year: number;
  fromMonth: Month;
  throughMonth: Month;
}

/** The review as `reviewOverspend` computed it (its sample-size note lives in the trace). */
export interface OverspendReviewedData extends Omit<ReviewResult, 'sampleNote'> {
  year: number;
}

export interface AnnualAssessedData {
  year: number;
  passed: boolean;
  held: string;
  holdbackReleased: string;
  holdbackKept: string;
  note?: string;
  clause: string;
}

/** The final payment as `computeFinalPayment` computed it. */
export interface FinalPaymentMadeData extends FinalPaymentResult {
  year: number;
  clause: string;
}

export interface PersonsAssignedData {
  year: number;
  count: number;
  fundingPerPerson: string;
  consultationPerPerson: string;
  budget: string;
  consultationBudget: string;
  generalBudget: string;
  clause: string;
}

/** The month as `settleCapitationMonth` computed it. */
export interface CapitationSettledData extends CapitationMonthResult {
  month: Month;
}

/**
 * Issue 14 item 1: a decision records the version of the pack whose figures it used
 * (`packVersion`); replay decides it again with that version. Events written before
 * carry none: replay uses the packs in force and ignores the field (documented default).
 */
export interface DecidedUnderPack {
  packVersion?: string;
}

export type InstitutionEvent =
  | { type: 'InstitutionRegistered'; data: InstitutionRegisteredData }
  | { type: 'InstitutionProfileChanged'; data: InstitutionProfileChangedData }
  | { type: 'CostBaseSet'; data: CostBaseSetData & DecidedUnderPack }
  | { type: 'MonthDeclared'; data: MonthDeclaredData & DecidedUnderPack }
  | { type: 'MonthApproved'; data: MonthApprovedData & DecidedUnderPack }
  | { type: 'AdvancePaid'; data: AdvancePaidData & DecidedUnderPack }
  | { type: 'PeriodSettled'; data: PeriodSettledData & DecidedUnderPack }
  | { type: 'OverspendReviewed'; data: OverspendReviewedData & DecidedUnderPack }
  | { type: 'AnnualAssessed'; data: AnnualAssessedData & DecidedUnderPack }
  | { type: 'FinalPaymentMade'; data: FinalPaymentMadeData & DecidedUnderPack }
  | { type: 'PersonsAssigned'; data: PersonsAssignedData & DecidedUnderPack }
  | { type: 'CapitationSettled'; data: CapitationSettledData & DecidedUnderPack }
  | InstitutionMonthCorrectionEvent;

/** A month's figures before its first correction (issue 15 item 4): the approved figures and the advance paid on them. */
export interface MonthOriginal extends MonthFigures {
  advanced: string | null;
  held: string | null;
}

/** After a correction `declared`, `approved` and `advance` read the corrected figures; `original` keeps the first ones. */
export interface MonthState {
  declared?: MonthDeclaredData;
  approved?: MonthApprovedData;
  advance?: AdvancePaidData;
  original?: MonthOriginal;
}

/** The year's corrections: the figures before the first one and the money moved since (sums of the events). */
export interface YearCorrections {
  correctionIds: string[];
  originalSettlement?: { payable: string; overspend: string };
  originalFinalPayment?: string;
  recovered: string;
  toppedUp: string;
  /** Each correction and the money it moved, with its clause, in order (explain). */
  trace: TraceEntry[];
}

export interface YearState {
  costBase?: CostBaseSetData;
  months: Record<Month, MonthState>;
  settlement?: PeriodSettledData;
  review?: OverspendReviewedData;
  assessment?: AnnualAssessedData;
  final?: FinalPaymentMadeData;
  persons?: PersonsAssignedData;
  capitation: Record<Month, CapitationSettledData>;
  corrections?: YearCorrections;
}

export interface InstitutionState {
  profile?: InstitutionProfile;
  years: Record<number, YearState>;
}

export function initialInstitutionState(): InstitutionState {
  return { years: {} };
}

export function emptyYear(): YearState {
  return { months: {}, capitation: {} };
}

function yearOfMonth(month: Month): number {
  return Number(month.slice(0, 4));
}

/** Copy-on-write update of one year. */
function withYear(state: InstitutionState, year: number, update: (y: YearState) => YearState): InstitutionState {
  return { ...state, years: { ...state.years, [year]: update(state.years[year] ?? emptyYear()) } };
}

function withMonth(state: InstitutionState, month: Month, update: (m: MonthState) => MonthState): InstitutionState {
  return withYear(state, yearOfMonth(month), (y) => ({ ...y, months: { ...y.months, [month]: update(y.months[month] ?? {}) } }));
}

/** Pure fold step. Unknown event types (written by newer code) are ignored. */
export function evolve(state: InstitutionState, event: { type: string; data: unknown }): InstitutionState {
  if (event.type === 'InstitutionLevelCorrected') {
    // Issue 15 (src/corrections/correction.events.ts): later settlements use the corrected level.
    const level = (event.data as { level: InstitutionProfile['level'] }).level;
    return state.profile ? { ...state, profile: { ...state.profile, level } } : state;
  }
  const e = event as InstitutionEvent;
  switch (e.type) {
    case 'InstitutionRegistered':
      return { ...state, profile: { ...e.data } };
    case 'InstitutionProfileChanged':
      return state.profile ? { ...state, profile: { ...state.profile, ...e.data.changes } } : state;
    case 'CostBaseSet':
      return withYear(state, e.data.year, (y) => ({ ...y, costBase: e.data }));
    case 'MonthDeclared':
      return withMonth(state, e.data.month, (m) => ({ ...m, declared: e.data }));
    case 'MonthApproved':
      return withMonth(state, e.data.month, (m) => ({ ...m, approved: e.data }));
    case 'AdvancePaid':
      return withMonth(state, e.data.month, (m) => ({ ...m, advance: e.data }));
    case 'PeriodSettled':
      return withYear(state, e.data.year, (y) => ({ ...y, settlement: e.data }));
    case 'OverspendReviewed':
      return withYear(state, e.data.year, (y) => ({ ...y, review: e.data }));
    case 'AnnualAssessed':
      return withYear(state, e.data.year, (y) => ({ ...y, assessment: e.data }));
    case 'FinalPaymentMade':
      return withYear(state, e.data.year, (y) => ({ ...y, final: e.data }));
    case 'PersonsAssigned':
      return withYear(state, e.data.year, (y) => ({ ...y, persons: e.data }));
    case 'CapitationSettled':
      return withYear(state, yearOfMonth(e.data.month), (y) => ({ ...y, capitation: { ...y.capitation, [e.data.month]: e.data } }));
    default:
      return evolveCorrection(state, e);
  }
}

const moneyStep = (step: string, d: { correctionId: string; amount: string; clause: string }): TraceEntry => ({
  step,
  clause: d.clause,
  inputs: { correctionId: d.correctionId },
  result: { amount: d.amount },
});

const noCorrections = (): YearCorrections => ({ correctionIds: [], recovered: '0.00', toppedUp: '0.00', trace: [] });

function withCorrections(state: InstitutionState, year: number, update: (c: YearCorrections) => YearCorrections): InstitutionState {
  return withYear(state, year, (y) => ({ ...y, corrections: update(y.corrections ?? noCorrections()) }));
}

/**
 * Issue 15 item 4: the month, period settlement and final payment read the corrected
 * figures (as correctInstitutionMonth computed them), so a later correction starts from them.
 */
function evolveCorrection(state: InstitutionState, e: InstitutionEvent): InstitutionState {
  switch (e.type) {
    case 'InstitutionMonthCorrected': {
      const { month, previous, corrected, correctionId } = e.data;
      const next = withMonth(state, month, (m) => ({
        ...m,
        original: m.original ?? { ...previous, advanced: m.advance?.amount ?? null, held: m.advance?.held ?? null },
        ...(m.declared ? { declared: { ...m.declared, ...corrected } } : {}),
        ...(m.approved ? { approved: { ...m.approved, approvedAmount: corrected.fundDue } } : {}),
        ...(m.advance ? { advance: { ...m.advance, approvedAmount: corrected.fundDue } } : {}),
      }));
      const step: TraceEntry = {
        step: 'month_corrected',
        clause: e.data.clause,
        inputs: {
          month,
          correctionId,
          ...(e.data.disputeId ? { disputeId: e.data.disputeId } : {}),
          correctedOn: e.data.correctedOn,
          reason: e.data.reason,
          ...previous,
        },
        result: { ...corrected },
      };
      return withCorrections(next, yearOfMonth(month), (c) => ({
        ...c,
        correctionIds: [...c.correctionIds, correctionId],
        trace: [...c.trace, step],
      }));
    }
    case 'InstitutionAdvanceRecomputed':
      return withMonth(state, e.data.month, (m) => (m.advance ? { ...m, advance: { ...m.advance, ...e.data.recomputed } } : m));
    case 'InstitutionPeriodResettled': {
      const next = withYear(state, e.data.year, (y) => (y.settlement ? { ...y, settlement: { ...y.settlement, ...e.data.outcome } } : y));
      return withCorrections(next, e.data.year, (c) => ({ ...c, originalSettlement: c.originalSettlement ?? e.data.previous }));
    }
    case 'InstitutionFinalPaymentRecomputed': {
      const next = withYear(state, e.data.year, (y) => (y.final ? { ...y, final: { ...y.final, ...e.data.recomputed } } : y));
      return withCorrections(next, e.data.year, (c) => ({
        ...c,
        originalFinalPayment: c.originalFinalPayment ?? e.data.previous.finalPayment,
      }));
    }
    case 'InstitutionFundRecovered':
      return withCorrections(state, e.data.year, (c) => ({
        ...c,
        recovered: fmt(money(c.recovered).plus(money(e.data.amount))),
        trace: [...c.trace, moneyStep('fund_recovered', e.data)],
      }));
    case 'InstitutionFundToppedUp':
      return withCorrections(state, e.data.year, (c) => ({
        ...c,
        toppedUp: fmt(money(c.toppedUp).plus(money(e.data.amount))),
        trace: [...c.trace, moneyStep('fund_topped_up', e.data)],
      }));
    default:
      return state;
  }
}

export function foldInstitution(events: ReadonlyArray<{ type: string; data: unknown }>): InstitutionState {
  return events.reduce(evolve, initialInstitutionState());
}
