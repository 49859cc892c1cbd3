import { Dec, fmt, money } from '../../kernel/money';
import type { AccountEvent } from './accounts.events';

/**
 * The account as the deciders need it. Conservation is structural: `credits − debits`
 * is the balance at every revision (checked by tests after every event).
 */
export interface AccountState {
  credits: string;
  debits: string;
  balance: string;
  creditedMonths: string[];
  paymentIds: string[];
  /** paymentId → amount still refundable (family payments). */
  familyPayments: Record<string, { beneficiaryId: string; settlementId?: string; outstanding: string }>;
  transferIds: string[];
  closed: boolean;
}

export const initialAccountState = (): AccountState => ({
  credits: '0.00',
  debits: '0.00',
  balance: '0.00',
  creditedMonths: [],
  paymentIds: [],
  familyPayments: {},
  transferIds: [],
  closed: false,
});

function credit(state: AccountState, amount: string): AccountState {
  const credits = money(state.credits).plus(money(amount));
  return { ...state, credits: fmt(credits), balance: fmt(credits.minus(money(state.debits))) };
}

function debit(state: AccountState, amount: string): AccountState {
  const debits = money(state.debits).plus(money(amount));
  return { ...state, debits: fmt(debits), balance: fmt(money(state.credits).minus(debits)) };
}

/** Account-relevant shape of the claims events (kept structural to avoid a module cycle). */
interface SettlementMoney {
  type: 'VisitSettled' | 'SettlementReversed';
  data: { decision?: { amounts: { account: string } }; accountRestored?: string };
}

/** Issue 15: money a correction moves on the account (refund in, recovery out; never below zero, decided upstream). */
interface CorrectionMoney {
  type: 'AccountRefunded' | 'AccountRecovered';
  data: { amount: string };
}

/** Issue 15: a correction moves money on the holder's account for a relative's settlement; what the family payment holds moves with it. */
interface RelativeCorrectionMoney {
  type: 'RelativeAccountRefunded' | 'RelativeAccountRecovered';
  data: { paymentId: string; amount: string };
}

function familyPaymentMoved(state: AccountState, paymentId: string, signed: Dec): AccountState {
  const p = state.familyPayments[paymentId];
  if (!p) return state;
  return {
    ...state,
    familyPayments: { ...state.familyPayments, [paymentId]: { ...p, outstanding: fmt(money(p.outstanding).plus(signed)) } },
  };
}

export function evolveAccount(state: AccountState, event: { type: string; data: unknown }): AccountState {
  const e = event as AccountEvent | SettlementMoney | CorrectionMoney | RelativeCorrectionMoney;
  switch (e.type) {
    case 'RelativeAccountRefunded':
      return familyPaymentMoved(credit(state, e.data.amount), e.data.paymentId, money(e.data.amount).negated());
    case 'RelativeAccountRecovered':
      return familyPaymentMoved(debit(state, e.data.amount), e.data.paymentId, money(e.data.amount));
    case 'AccountRefunded':
      return credit(state, e.data.amount);
    case 'AccountRecovered':
      return debit(state, e.data.amount);
    case 'AccountCredited':
      return { ...credit(state, e.data.amount), creditedMonths: [...state.creditedMonths, e.data.month] };
    case 'AccountPurchasePaid':
      return { ...debit(state, e.data.amount), paymentIds: [...state.paymentIds, e.data.paymentId] };
    case 'FamilyAccountPayment':
      return {
        ...debit(state, e.data.amount),
        paymentIds: [...state.paymentIds, e.data.paymentId],
        familyPayments: {
          ...state.familyPayments,
          [e.data.paymentId]: { beneficiaryId: e.data.beneficiaryId, settlementId: e.data.settlementId, outstanding: e.data.amount },
        },
      };
    case 'FamilyAccountPaymentRefunded': {
      const p = state.familyPayments[e.data.paymentId];
      const outstanding = p ? fmt(money(p.outstanding).minus(money(e.data.amount))) : '0.00';
      return {
        ...credit(state, e.data.amount),
        familyPayments: { ...state.familyPayments, [e.data.paymentId]: { ...p, outstanding } },
      };
    }
    case 'AccountTransferred': {
      const moved = e.data.direction === 'in' ? credit(state, e.data.amount) : debit(state, e.data.amount);
      return { ...moved, transferIds: [...state.transferIds, e.data.transferId], closed: e.data.direction === 'out' ? true : false };
    }
    case 'AccountPaidOut':
      return { ...debit(state, e.data.amount), closed: true };
    case 'AccountBequeathed':
      return { ...debit(state, e.data.amount), closed: true };
    case 'AccountInherited':
      return credit(state, e.data.amount);
    case 'VisitSettled': {
      const paid = e.data.decision?.amounts.account ?? '0.00';
      return money(paid).isZero() ? state : debit(state, paid);
    }
    case 'SettlementReversed': {
      const restored = e.data.accountRestored ?? '0.00';
      return money(restored).isZero() ? state : credit(state, restored);
    }
    default:
      return state;
  }
}
