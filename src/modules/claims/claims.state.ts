import { instantMs } from '../../kernel/dates';
import { fmt, money, sum } from '../../kernel/money';
import type { YearToDate } from '../../policy/engine/types';
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
}

export interface ClaimsState {
  /** In settlement order. */
  settlements: SettlementSummary[];
}

export const initialClaimsState = (): ClaimsState => ({ settlements: [] });

export function evolveClaims(state: ClaimsState, event: { type: string; data: unknown }): ClaimsState {
  const e = event as ClaimsEvent;
  switch (e.type) {
    case 'VisitSettled': {
      const d = e.data.decision;
      return {
        settlements: [
          ...state.settlements,
          {
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
          },
        ],
      };
    }
    case 'SettlementReversed':
      return {
        settlements: state.settlements.map((s) => (s.settlementId === e.data.settlementId ? { ...s, reversed: true } : s)),
      };
    default:
      return state;
  }
}

/**
 * What the engine must know of the year so far: every payment of the natural year not
 * reversed, under any category (宛政办〔2022〕42号 第六条: earlier payments count against
 * the new cap).
 */
export function yearToDate(state: ClaimsState, year: number, window?: DeductibleWindow): YearToDate {
  const live = state.settlements.filter((s) => s.year === year && !s.reversed);
  const charged = window ? chargesAround(state, window) : live.filter((s) => s.deductibleCharged);
  return {
    year,
    fundPaid: fmt(sum(live.map((s) => money(s.fund)))),
    deductibleMet: fmt(sum(live.map((s) => money(s.deductible)))),
    deductibleCharges: charged.map((s) => ({ institutionCode: s.institutionCode, at: s.occurredAt, visitId: s.visitId })),
    ...(window ? { deductibleWindow: { around: window.around, hours: window.hours } } : {}),
  };
}

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
