import { instantMs } from '../../kernel/dates';
import { Dec, fmt, InvalidMoney, money, ZERO } from '../../kernel/money';
import type { YearToDate } from '../../policy/engine/types';
import type { AccountRecovered, AccountRefunded, SettlementAdjusted } from '../../corrections/correction.events';
import type { ClaimsEvent } from './claims.events';

export interface SettlementSummary {
  settlementId: string;
  visitId: string;
  institutionCode: string;
  occurredAt: string;
  settledAt: string;
  year: number;
  fund: string;
  deductible: string;
  deductibleCharged: boolean;
  account: string;
  relativeAccount: string;
  familyPayment?: { holderId: string; paymentId: string; amount: string };
  reversed: boolean;
  /** Issue 15: corrections that adjusted this settlement, in order (figures above are the last adjusted ones). */
  adjustedBy?: string[];
}

export interface ClaimsState {
  /** In settlement order. */
  settlements: SettlementSummary[];
  /** Issue 15: every correction already applied to this person (a retried correction writes nothing twice). */
  appliedCorrections?: string[];
}

export const initialClaimsState = (): ClaimsState => ({ settlements: [], appliedCorrections: [] });

/** Correction events of the person stream: each names the correction that wrote it. */
const CORRECTION_EVENT_TYPES = new Set([
  'SettlementAdjusted',
  'AccountRefunded',
  'AccountRecovered',
  'ReceivableRecorded',
  'PersonCategoryCorrected',
]);

function withCorrection(state: ClaimsState, event: { type: string; data: unknown }): ClaimsState {
  if (!CORRECTION_EVENT_TYPES.has(event.type)) return state;
  const id = (event.data as { correctionId?: string }).correctionId;
  const applied = state.appliedCorrections ?? [];
  return id === undefined || applied.includes(id) ? state : { ...state, appliedCorrections: [...applied, id] };
}

/**
 * Issue 15: a settlement takes its adjusted figures; the year-to-date and later settlements
 * build on them. `account` stays what the own account actually paid for it (moved by the
 * correction's refund or recovery, which may be less than the adjustment when the balance
 * was short), so a later reversal gives back no more than was taken.
 */
function adjusted(s: SettlementSummary, data: SettlementAdjusted['data']): SettlementSummary {
  const a = data.decision.amounts;
  return {
    ...s,
    fund: a.fund,
    deductible: a.deductible,
    deductibleCharged: data.decision.deductibleCharged,
    relativeAccount: a.relativeAccount,
    adjustedBy: [...(s.adjustedBy ?? []), data.correctionId],
  };
}

function accountMoved(state: ClaimsState, settlementId: string, signed: Dec): ClaimsState {
  return {
    ...state,
    settlements: state.settlements.map((s) =>
      s.settlementId === settlementId ? { ...s, account: fmt(money(s.account).plus(signed)) } : s,
    ),
  };
}

export function evolveClaims(state: ClaimsState, event: { type: string; data: unknown }): ClaimsState {
  return evolveSettlements(withCorrection(state, event), event);
}

function evolveSettlements(state: ClaimsState, event: { type: string; data: unknown }): ClaimsState {
  const e = event as ClaimsEvent | SettlementAdjusted | AccountRefunded | AccountRecovered;
  switch (e.type) {
    case 'VisitSettled': {
      const d = e.data.decision;
      const settled: SettlementSummary = {
        settlementId: e.data.settlementId,
        visitId: e.data.visit.visitId,
        institutionCode: e.data.institution.code,
        occurredAt: e.data.visit.occurredAt,
        settledAt: e.data.visit.settledAt,
        year: d.year,
        fund: d.amounts.fund,
        deductible: d.amounts.deductible,
        deductibleCharged: d.deductibleCharged,
        account: d.amounts.account,
        relativeAccount: d.amounts.relativeAccount,
        familyPayment: e.data.familyPayment,
        reversed: false,
      };
      return withPaidCarried(state, { ...state, settlements: [...state.settlements, settled] }, settled);
    }
    case 'SettlementAdjusted': {
      const data = e.data;
      return { ...state, settlements: state.settlements.map((s) => (s.settlementId === data.settlementId ? adjusted(s, data) : s)) };
    }
    case 'AccountRefunded':
      return accountMoved(state, e.data.settlementId, money(e.data.amount).negated());
    case 'AccountRecovered':
      return accountMoved(state, e.data.settlementId, money(e.data.amount));
    case 'SettlementReversed':
      return {
        ...state,
        settlements: state.settlements.map((s) => (s.settlementId === e.data.settlementId ? { ...s, reversed: true } : s)),
      };
    default:
      return state;
  }
}

/** A year's live payments, summed. */
interface PaidSums {
  year: number;
  fund: Dec;
  deductible: Dec;
}

/**
 * Issue 10: paidInYear's sums kept on each claims state, as a non-enumerable symbol-keyed
 * property: the state's data stays the events' (spreads, JSON, equality and structured clones
 * do not see it, so a state derived by a spread never inherits sums that its list no longer
 * gives), and a settlement on a cached person no longer re-parses and re-sums every earlier
 * payment of the year, nor a replay for each settlement it checks. Filled when a decision asks
 * (paidOf), for the year it asks about (a person's decisions ask about one year at a time);
 * carried to the next state by a VisitSettled, one addition; a reversal, an adjustment or a
 * correction leaves the new state to sum its list again. A fold alone (a cache miss) pays
 * nothing for it. A property, not a WeakMap beside the states: on a cycle of decide-and-evolve
 * over 3,000 cached persons the WeakMap cost twice the CPU and garbage collection (its
 * ephemeron table holds an entry per state until a full collection).
 */
const PAID_SUMS = Symbol('paidSums');

type WithPaidSums = ClaimsState & { [PAID_SUMS]?: PaidSums };

/** A memo of the state's own content: writing it changes nothing the state says. */
function keepPaidSums(state: ClaimsState, sums: PaidSums): void {
  Object.defineProperty(state, PAID_SUMS, { value: sums, enumerable: false, writable: true, configurable: true });
}

/** The year's sums of the state: kept, or summed from its list (throwing as paidInYear on a figure that does not parse) and kept. */
function paidSumsOf(state: ClaimsState, year: number): PaidSums {
  const kept = (state as WithPaidSums)[PAID_SUMS];
  if (kept?.year === year) return kept;
  const sums = sumOfList(state.settlements, year);
  keepPaidSums(state, sums);
  return sums;
}

/** `after` (`before` with `settled` appended) with the sums `before` kept, the new payment added if it is of their year. */
function withPaidCarried(before: ClaimsState, after: ClaimsState, settled: SettlementSummary): ClaimsState {
  const kept = (before as WithPaidSums)[PAID_SUMS];
  const carried = kept && kept.year === settled.year ? addedIfMoney(kept, settled) : kept;
  if (carried) keepPaidSums(after, carried);
  return after;
}

const added = (sums: PaidSums, s: SettlementSummary): PaidSums => ({
  year: sums.year,
  fund: plusMoney(sums.fund, s.fund),
  deductible: plusMoney(sums.deductible, s.deductible),
});

/** `total + amount`; a "0.00" (most settlements charge no deductible) adds nothing and needs no Decimal. */
const plusMoney = (total: Dec, amount: string): Dec => (amount === '0.00' ? total : total.plus(money(amount)));

/** added(), or undefined when a figure does not parse: that year is then summed from the list when asked, which names it. */
function addedIfMoney(sums: PaidSums, s: SettlementSummary): PaidSums | undefined {
  try {
    return added(sums, s);
  } catch (error) {
    if (error instanceof InvalidMoney) return undefined;
    throw error;
  }
}

function sumOfList(settlements: ReadonlyArray<SettlementSummary>, year: number): PaidSums {
  let fund = ZERO;
  let deductible = ZERO;
  for (const s of settlements) {
    if (!livePaymentOf(s, year)) continue;
    fund = plusMoney(fund, s.fund);
    deductible = plusMoney(deductible, s.deductible);
  }
  return { year, fund, deductible };
}

/**
 * What the engine must know of the year so far: every payment of the natural year not
 * reversed, under any category (宛政办〔2022〕42号 第六条: earlier payments count against
 * the new cap).
 */
export function yearToDate(state: ClaimsState, year: number, window?: DeductibleWindow): YearToDate {
  const paid = paidOf(state, year);
  const charged = window ? chargesAround(state, window) : state.settlements.filter((s) => livePaymentOf(s, year) && s.deductibleCharged);
  const deductibleCharges = charged.map((s) => ({ at: s.occurredAt, institutionCode: s.institutionCode, visitId: s.visitId }));
  const { deductibleMet, fundPaid } = paid;
  // Members in canonical key order: VisitSettled records it as built (issue 10: sealing does not
  // copy it); two literals, as a spread amid members builds the object the slow way.
  return window
    ? { deductibleCharges, deductibleMet, deductibleWindow: { around: window.around, hours: window.hours }, fundPaid, year }
    : { deductibleCharges, deductibleMet, fundPaid, year };
}

/** The money half of a year-to-date: fund paid and deductible met by the year's live settlements. */
export interface PaidInYear {
  fundPaid: string;
  deductibleMet: string;
}

/** The year's live payments summed from the list: the definition paidOf keeps. */
export function paidInYear(settlements: ReadonlyArray<SettlementSummary>, year: number): PaidInYear {
  return formatted(sumOfList(settlements, year));
}

/** paidInYear of the state's list, from the sums kept beside the state when there are any. */
export function paidOf(state: ClaimsState, year: number): PaidInYear {
  return formatted(paidSumsOf(state, year));
}

const formatted = (sums: PaidSums): PaidInYear => ({ fundPaid: fmt(sums.fund), deductibleMet: fmt(sums.deductible) });

/** A payment of the year that counts: not reversed. */
export const livePaymentOf = (s: SettlementSummary, year: number): boolean => s.year === year && !s.reversed;

/** Issue 16.3: the 24-hour deductible looks around the visit, not at its natural year. */
export interface DeductibleWindow {
  around: string;
  hours: number;
}

/**
 * Charged, unreversed settlements of any year whose visit is within the window either side
 * of `around` (boundary included: the engine decides whether exactly `hours` is inside).
 */
function chargesAround(state: ClaimsState, window: DeductibleWindow): SettlementSummary[] {
  const at = instantMs(window.around);
  const span = window.hours * 3_600_000;
  return state.settlements.filter((s) => s.deductibleCharged && !s.reversed && Math.abs(instantMs(s.occurredAt) - at) <= span);
}

export function findSettlement(state: ClaimsState, settlementId: string): SettlementSummary | undefined {
  return state.settlements.find((s) => s.settlementId === settlementId);
}
