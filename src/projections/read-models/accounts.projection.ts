import type { RecordedEvent } from '../../event-store/event-store.port';
import { Projection, personIdOfStream } from '../projection';
import type { ReadModelStore } from '../read-model-store';
import {
  AccountStatement,
  AccountTotals,
  applyAccount,
  emptyAccountTotals,
  ReceivableLine,
  receivableLineOf,
  receivablesOf,
  StatementLine,
} from '../person-views';

/** Personal-account balance and statement: every credit and debit with its source event position. */
export class AccountsProjection implements Projection {
  readonly name = 'accounts';
  readonly tables = ['rm_account', 'rm_account_line', 'rm_account_receivable'];
  readonly schema = `
    CREATE TABLE IF NOT EXISTS rm_account (person_id TEXT PRIMARY KEY, credits TEXT NOT NULL, debits TEXT NOT NULL, balance TEXT NOT NULL, closed INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS rm_account_line (
      person_id TEXT NOT NULL, position INTEGER NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, recorded_at TEXT NOT NULL,
      credit TEXT NOT NULL, debit TEXT NOT NULL, balance TEXT NOT NULL, reference TEXT NOT NULL,
      PRIMARY KEY (person_id, position));
    CREATE TABLE IF NOT EXISTS rm_account_receivable (
      person_id TEXT NOT NULL, position INTEGER NOT NULL, recorded_at TEXT NOT NULL, correction_id TEXT NOT NULL,
      settlement_id TEXT NOT NULL, owed_to TEXT NOT NULL, amount TEXT NOT NULL, clause TEXT NOT NULL,
      PRIMARY KEY (person_id, position));`;

  /** Accounts read or changed in the current batch (null: no row yet); the changed ones are written once, at `flush`. */
  private readonly accounts = new Map<string, AccountTotals | null>();
  private readonly changed = new Set<string>();

  apply(event: RecordedEvent, store: ReadModelStore): void {
    const personId = personIdOfStream(event.streamId);
    if (!personId) return;
    const receivable = receivableLineOf(event);
    if (receivable) insertReceivable(store, personId, receivable);
    const before = this.totalsOf(store, personId);
    const { totals, line } = applyAccount(before ?? emptyAccountTotals(), event);
    if (before && !line && totals.closed === before.closed) return;
    this.accounts.set(personId, totals);
    this.changed.add(personId);
    if (line) {
      store
        .stmt(
          'INSERT INTO rm_account_line (person_id, position, revision, type, recorded_at, credit, debit, balance, reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(personId, line.position, line.revision, line.type, line.recordedAt, line.credit, line.debit, line.balance, line.reference);
    }
  }

  flush(store: ReadModelStore): void {
    const upsert = store.stmt(
      'INSERT INTO rm_account (person_id, credits, debits, balance, closed) VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET credits = excluded.credits, debits = excluded.debits, balance = excluded.balance, closed = excluded.closed',
    );
    for (const personId of this.changed) {
      const t = this.accounts.get(personId)!;
      upsert.run(personId, t.credits, t.debits, t.balance, t.closed ? 1 : 0);
    }
    this.discard();
  }

  discard(): void {
    this.accounts.clear();
    this.changed.clear();
  }

  private totalsOf(store: ReadModelStore, personId: string): AccountTotals | undefined {
    let totals = this.accounts.get(personId);
    if (totals === undefined) this.accounts.set(personId, (totals = readTotals(store, personId) ?? null));
    return totals ?? undefined;
  }
}

function readTotals(store: ReadModelStore, personId: string): AccountTotals | undefined {
  const row = store.stmt('SELECT credits, debits, balance, closed FROM rm_account WHERE person_id = ?').get(personId) as
    { credits: string; debits: string; balance: string; closed: number } | undefined;
  return row ? { credits: row.credits, debits: row.debits, balance: row.balance, closed: row.closed === 1 } : undefined;
}

export function readAccountStatement(store: ReadModelStore, personId: string): AccountStatement | undefined {
  const totals = readTotals(store, personId);
  if (!totals) return undefined;
  const rows = store
    .stmt(
      'SELECT position, revision, type, recorded_at AS recordedAt, credit, debit, balance, reference FROM rm_account_line WHERE person_id = ? ORDER BY position',
    )
    .all(personId) as StatementLine[];
  return { personId, ...totals, lines: rows.map((r) => ({ ...r })), receivables: receivablesOf(readReceivables(store, personId)) };
}

function insertReceivable(store: ReadModelStore, personId: string, r: ReceivableLine): void {
  store
    .stmt(
      'INSERT INTO rm_account_receivable (person_id, position, recorded_at, correction_id, settlement_id, owed_to, amount, clause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(personId, r.position, r.recordedAt, r.correctionId, r.settlementId, r.owedTo, r.amount, r.clause);
}

function readReceivables(store: ReadModelStore, personId: string): ReceivableLine[] {
  const rows = store
    .stmt(
      'SELECT position, recorded_at AS recordedAt, correction_id AS correctionId, settlement_id AS settlementId, owed_to AS owedTo, amount, clause FROM rm_account_receivable WHERE person_id = ? ORDER BY position',
    )
    .all(personId) as ReceivableLine[];
  return rows.map((r) => ({ ...r }));
}
