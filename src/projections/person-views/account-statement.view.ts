/** The personal-account statement: every credit and debit with its source event position and the running balance. */
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { ReceivableRecorded } from '../../corrections/correction.events';
import { fmt, money, sum } from '../../kernel/money';
import { AccountState, evolveAccount, initialAccountState } from '../../modules/accounts/accounts.state';
import { AsOf, recordedBy } from './as-of';
import { fenOf, fenText } from '../read-models/fen';

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
  /** Issue 15: cash owed because of corrections; never part of the balance (a receivable, not a negative balance). */
  receivables: Receivables;
}

/** One ReceivableRecorded: cash owed to the person, or owed by the person to the fund. */
export interface ReceivableLine {
  position: number;
  recordedAt: string;
  correctionId: string;
  settlementId: string;
  owedTo: 'person' | 'fund';
  amount: string;
  clause: string;
}

/** Open receivables by direction (nothing settles a receivable yet, so every recorded one is open). */
export interface Receivables {
  owedToPerson: string;
  owedToFund: string;
  lines: ReceivableLine[];
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
  // A correction's refund or recovery names both the correction and the settlement it corrects.
  if (typeof d.correctionId === 'string') return `correctionId:${d.correctionId} settlementId:${String(d.settlementId)}`;
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
  const before: AccountState = {
    ...initialAccountState(),
    credits: totals.credits,
    debits: totals.debits,
    balance: totals.balance,
    closed: totals.closed,
  };
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
      // In integer fen (read-models/fen.ts): the same text as decimal.js gives, without four parses per line (issue 10).
      credit: fenText(fenOf(after.credits) - fenOf(before.credits)),
      debit: fenText(fenOf(after.debits) - fenOf(before.debits)),
      balance: after.balance,
      reference: referenceOf(event),
    },
  };
}

export function accountStatement(personId: string, events: ReadonlyArray<RecordedEvent>, asOf?: AsOf): AccountStatement {
  let totals = emptyAccountTotals();
  const lines: StatementLine[] = [];
  const receivableLines: ReceivableLine[] = [];
  for (const e of events) {
    if (!recordedBy(e, asOf)) continue;
    const applied = applyAccount(totals, e);
    totals = applied.totals;
    if (applied.line) lines.push(applied.line);
    const receivable = receivableLineOf(e);
    if (receivable) receivableLines.push(receivable);
  }
  return { personId, ...totals, lines, receivables: receivablesOf(receivableLines) };
}

export function receivableLineOf(event: Pick<RecordedEvent, 'type' | 'data' | 'position' | 'metadata'>): ReceivableLine | undefined {
  if (event.type !== 'ReceivableRecorded') return undefined;
  const d = event.data as ReceivableRecorded['data'];
  return {
    position: event.position,
    recordedAt: event.metadata.recordedAt,
    correctionId: d.correctionId,
    settlementId: d.settlementId,
    owedTo: d.owedTo,
    amount: d.amount,
    clause: d.clause,
  };
}

export function receivablesOf(lines: ReceivableLine[]): Receivables {
  const owed = (to: ReceivableLine['owedTo']): string => fmt(sum(lines.filter((l) => l.owedTo === to).map((l) => money(l.amount))));
  return { owedToPerson: owed('person'), owedToFund: owed('fund'), lines };
}
