import type { LocalDate } from '../kernel/dates';
import type { TraceEntry } from '../policy/engine/types';
import type { CostBaseMethod } from './cost-base';
import type { InstitutionProfile, Month } from './institution.types';
import type { ReviewResult } from './overspend-review';
import type { CapitationMonthResult } from './capitation';
import type { FinalPaymentResult } from './final-payment';
import type { PeriodOutcome } from './period-settlement';

/**
 * Events of one institution's stream `institution-<code>` (registry, Jiaozuo monthly
 * cycle and year end, Anyang capitation), the state they fold into, and `evolve`.
 * Amounts are money strings with two decimals; every figure the decision used is in the
 * event, so a replay needs nothing else.
 */
export interface InstitutionRegisteredData extends InstitutionProfile {}

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

export type InstitutionEvent =
  | { type: 'InstitutionRegistered'; data: InstitutionRegisteredData }
  | { type: 'InstitutionProfileChanged'; data: InstitutionProfileChangedData }
  | { type: 'CostBaseSet'; data: CostBaseSetData }
  | { type: 'MonthDeclared'; data: MonthDeclaredData }
  | { type: 'MonthApproved'; data: MonthApprovedData }
  | { type: 'AdvancePaid'; data: AdvancePaidData }
  | { type: 'PeriodSettled'; data: PeriodSettledData }
  | { type: 'OverspendReviewed'; data: OverspendReviewedData }
  | { type: 'AnnualAssessed'; data: AnnualAssessedData }
  | { type: 'FinalPaymentMade'; data: FinalPaymentMadeData }
  | { type: 'PersonsAssigned'; data: PersonsAssignedData }
  | { type: 'CapitationSettled'; data: CapitationSettledData };

export type InstitutionEventType = InstitutionEvent['type'];
export const INSTITUTION_EVENT_TYPES: readonly InstitutionEventType[] = [
  'InstitutionRegistered',
  'InstitutionProfileChanged',
  'CostBaseSet',
  'MonthDeclared',
  'MonthApproved',
  'AdvancePaid',
  'PeriodSettled',
  'OverspendReviewed',
  'AnnualAssessed',
  'FinalPaymentMade',
  'PersonsAssigned',
  'CapitationSettled',
];

export interface MonthState {
  declared?: MonthDeclaredData;
  approved?: MonthApprovedData;
  advance?: AdvancePaidData;
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
      return state;
  }
}

export function foldInstitution(events: ReadonlyArray<{ type: string; data: unknown }>): InstitutionState {
  return events.reduce(evolve, initialInstitutionState());
}
