/** The personal-account statement: every credit and debit with its source event position and the running balance. */
import type { RecordedEvent } from '../../event-store/event-store.port';
import { fmt, money } from '../../kernel/money';
import { AccountState, evolveAccount, initialAccountState } from '../../modules/accounts/accounts.state';
import { AsOf, recordedBy } from './as-of';

export interface StatementLine {
  position: number;
  revision: number;
  type: string;
  recordedAt: string;
  credit: string;
  debit: string;
  balance: string;
  /** What the line is about: month credited, settlement, payment or transfer id. */
  reference: string;
}

export interface AccountStatement {
  personId: string;
  balance: string;
  credits: string;
  debits: string;
  closed: boolean;
  lines: StatementLine[];
}

/** Balance-carrying part of the account state (what a statement row keeps). */
export interface AccountTotals {
  credits: string;
  debits: string;
  balance: string;
  closed: boolean;
}

export const emptyAccountTotals = (): AccountTotals => ({ credits: '0.00', debits: '0.00', balance: '0.00', closed: false });

function referenceOf(event: Pick<RecordedEvent, 'type' | 'data'>): string {
  const d = event.data as Record<string, unknown>;
  for (const key of ['month', 'settlementId', 'paymentId', 'transferId', 'heirId', 'fromPersonId', 'reason']) {
    if (typeof d[key] === 'string') return `${key}:${d[key] as string}`;
  }
  return '';
}

/**
 * One event's effect on the account: the new totals, and a statement line when money moved.
 * Uses the account decider's own evolve, so the statement cannot drift from the balance the
 * deciders see (every credit and debit names its source event position).
 */
export function applyAccount(totals: AccountTotals, event: RecordedEvent): { totals: AccountTotals; line?: StatementLine } {
  const before: AccountState = { ...initialAccountState(), credits: totals.credits, debits: totals.debits, balance: totals.balance, closed: totals.closed };
  const after = evolveAccount(before, event);
  const next: AccountTotals = { credits: after.credits, debits: after.debits, balance: after.balance, closed: after.closed };
  if (after.credits === before.credits && after.debits === before.debits) return { totals: next };
  return {
    totals: next,
    line: {
      position: event.position,
      revision: event.revision,
      type: event.type,
      recordedAt: event.metadata.recordedAt,
      credit: fmt(money(after.credits).minus(money(before.credits))),
      debit: fmt(money(after.debits).minus(money(before.debits))),
      balance: after.balance,
      reference: referenceOf(event),
    },
  };
}

export function accountStatement(personId: string, events: ReadonlyArray<RecordedEvent>, asOf?: AsOf): AccountStatement {
  let totals = emptyAccountTotals();
  const lines: StatementLine[] = [];
  for (const e of events) {
    if (!recordedBy(e, asOf)) continue;
    const applied = applyAccount(totals, e);
    totals = applied.totals;
    if (applied.line) lines.push(applied.line);
  }
  return { personId, ...totals, lines };
}
