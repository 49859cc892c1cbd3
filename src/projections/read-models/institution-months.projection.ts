import type { RecordedEvent } from '../../event-store/event-store.port';
import { shanghaiDate } from '../../kernel/dates';
import { fmt, money, sum } from '../../kernel/money';
import type { SettlementReversed, VisitSettled } from '../../modules/claims/claims.events';
import { Projection, personIdOfStream } from '../projection';
import type { ReadModelStore } from '../read-model-store';
import { AsOf } from '../person-views';

export interface InstitutionMonthTotals {
  institutionCode: string;
  /** 'YYYY-MM' of the visit date (Asia/Shanghai). */
  month: string;
  visits: number;
  totalCost: string;
  policyScopeCost: string;
  /** What the pooled fund owes for these visits (sum of the decisions' fund payments). */
  fundDue: string;
}

/**
 * Institution totals by month, from the VisitSettled decisions on the person streams. A
 * reversed settlement leaves the month (its visit, cost and fund due no longer count).
 * Each settlement row keeps its position and its reversal's, so the totals as of any
 * earlier point are answered from the same table.
 */
export class InstitutionMonthsProjection implements Projection {
  readonly name = 'institution-months';
  readonly tables = ['rm_institution_visit', 'rm_institution_month'];
  readonly schema = `
    CREATE TABLE IF NOT EXISTS rm_institution_visit (
      person_id TEXT NOT NULL, settlement_id TEXT NOT NULL, institution_code TEXT NOT NULL, month TEXT NOT NULL,
      total TEXT NOT NULL, policy_scope TEXT NOT NULL, fund TEXT NOT NULL,
      position INTEGER NOT NULL, recorded_at TEXT NOT NULL, reversed_position INTEGER, reversed_recorded_at TEXT,
      PRIMARY KEY (person_id, settlement_id));
    CREATE INDEX IF NOT EXISTS rm_institution_visit_month ON rm_institution_visit (institution_code, month);
    CREATE TABLE IF NOT EXISTS rm_institution_month (
      institution_code TEXT NOT NULL, month TEXT NOT NULL, visits INTEGER NOT NULL,
      total_cost TEXT NOT NULL, policy_scope_cost TEXT NOT NULL, fund_due TEXT NOT NULL,
      PRIMARY KEY (institution_code, month));`;

  /** Month rows read or changed in the current batch (null: no row yet); the changed ones are written once, at `flush`. */
  private readonly months = new Map<string, MonthRow | null>();
  private readonly changed = new Set<string>();

  flush(store: ReadModelStore): void {
    const upsert = store.stmt(
      'INSERT INTO rm_institution_month (institution_code, month, visits, total_cost, policy_scope_cost, fund_due) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(institution_code, month) DO UPDATE SET visits = excluded.visits, total_cost = excluded.total_cost, policy_scope_cost = excluded.policy_scope_cost, fund_due = excluded.fund_due',
    );
    for (const key of this.changed) {
      const r = this.months.get(key)!;
      upsert.run(r.institution_code, r.month, r.visits, r.total_cost, r.policy_scope_cost, r.fund_due);
    }
    this.discard();
  }

  discard(): void {
    this.months.clear();
    this.changed.clear();
  }

  apply(event: RecordedEvent, store: ReadModelStore): void {
    const personId = personIdOfStream(event.streamId);
    if (!personId) return;
    if (event.type === 'VisitSettled') {
      const d = event.data as VisitSettled['data'];
      const a = d.decision.amounts;
      const month = d.decision.visitDate.slice(0, 7);
      store
        .stmt('INSERT INTO rm_institution_visit (person_id, settlement_id, institution_code, month, total, policy_scope, fund, position, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(personId, d.settlementId, d.institution.code, month, a.total, a.policyScope, a.fund, event.position, event.metadata.recordedAt);
      this.add(store, d.institution.code, month, 1, a.total, a.policyScope, a.fund);
    } else if (event.type === 'SettlementReversed') {
      const settlementId = (event.data as SettlementReversed['data']).settlementId;
      const v = store.stmt('SELECT institution_code, month, total, policy_scope, fund FROM rm_institution_visit WHERE person_id = ? AND settlement_id = ? AND reversed_position IS NULL').get(personId, settlementId) as
        | { institution_code: string; month: string; total: string; policy_scope: string; fund: string }
        | undefined;
      if (!v) return;
      store.stmt('UPDATE rm_institution_visit SET reversed_position = ?, reversed_recorded_at = ? WHERE person_id = ? AND settlement_id = ?').run(event.position, event.metadata.recordedAt, personId, settlementId);
      this.add(store, v.institution_code, v.month, -1, neg(v.total), neg(v.policy_scope), neg(v.fund));
    }
  }

  private add(store: ReadModelStore, code: string, month: string, visits: number, total: string, scope: string, fund: string): void {
    const key = `${code}\u0000${month}`;
    let row = this.months.get(key);
    if (row === undefined) row = store.stmt('SELECT institution_code, month, visits, total_cost, policy_scope_cost, fund_due FROM rm_institution_month WHERE institution_code = ? AND month = ?').get(code, month) as MonthRow | undefined;
    const base = row ?? { institution_code: code, month, visits: 0, total_cost: '0.00', policy_scope_cost: '0.00', fund_due: '0.00' };
    this.months.set(key, { ...base, visits: base.visits + visits, total_cost: plus(base.total_cost, total), policy_scope_cost: plus(base.policy_scope_cost, scope), fund_due: plus(base.fund_due, fund) });
    this.changed.add(key);
  }
}

interface MonthRow {
  institution_code: string;
  month: string;
  visits: number;
  total_cost: string;
  policy_scope_cost: string;
  fund_due: string;
}

const neg = (m: string): string => fmt(money(m).negated());
const plus = (a: string, b: string): string => fmt(money(a).plus(money(b)));

export function readInstitutionMonth(store: ReadModelStore, code: string, month: string): InstitutionMonthTotals {
  const row = store.stmt('SELECT visits, total_cost, policy_scope_cost, fund_due FROM rm_institution_month WHERE institution_code = ? AND month = ?').get(code, month) as
    | { visits: number; total_cost: string; policy_scope_cost: string; fund_due: string }
    | undefined;
  return {
    institutionCode: code,
    month,
    visits: row?.visits ?? 0,
    totalCost: row?.total_cost ?? '0.00',
    policyScopeCost: row?.policy_scope_cost ?? '0.00',
    fundDue: row?.fund_due ?? '0.00',
  };
}

/** The month's totals as the ledger stood at `asOf`: settlements recorded by then, less reversals recorded by then. */
export function readInstitutionMonthAsOf(store: ReadModelStore, code: string, month: string, asOf: AsOf): InstitutionMonthTotals {
  const rows = store
    .stmt('SELECT total, policy_scope, fund, position, recorded_at, reversed_position, reversed_recorded_at FROM rm_institution_visit WHERE institution_code = ? AND month = ?')
    .all(code, month) as Array<{ total: string; policy_scope: string; fund: string; position: number; recorded_at: string; reversed_position: number | null; reversed_recorded_at: string | null }>;
  const by = (position: number, recordedAt: string): boolean => ('position' in asOf ? position <= asOf.position : shanghaiDate(recordedAt) <= asOf.date);
  const counted = rows.filter((r) => by(r.position, r.recorded_at) && !(r.reversed_position !== null && by(r.reversed_position, r.reversed_recorded_at!)));
  return {
    institutionCode: code,
    month,
    visits: counted.length,
    totalCost: fmt(sum(counted.map((r) => money(r.total)))),
    policyScopeCost: fmt(sum(counted.map((r) => money(r.policy_scope)))),
    fundDue: fmt(sum(counted.map((r) => money(r.fund)))),
  };
}
