import type { RecordedEvent } from '../../event-store/event-store.port';
import { shanghaiDate } from '../../kernel/dates';
import { fmt, money, sum } from '../../kernel/money';
import { fenOf, fenPlus, fenText } from './fen';
import type { SettlementAdjusted } from '../../corrections/correction.events';
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
  /** What the pooled fund owes for these visits as settled (sum of the original decisions' fund payments). */
  fundDue: string;
  /** Issue 15: corrections of these settlements (signed sums of their deltas) and what stands after them. */
  adjustments: MonthAdjustments;
  fundDueNet: string;
  totalCostNet: string;
  policyScopeCostNet: string;
}

export interface MonthAdjustments {
  /** Live settlements of the month with at least one correction. */
  settlements: number;
  fund: string;
  account: string;
  cash: string;
  totalCost: string;
  policyScopeCost: string;
}

/** Month rows kept in memory between batches at most (~200 bytes each); beyond, the next batch reads them again. */
const KEPT_MONTHS = 20_000;

/**
 * Institution totals by month, from the VisitSettled decisions on the person streams. A
 * reversed settlement leaves the month (its visit, cost and fund due no longer count).
 * Each settlement row keeps its position and its reversal's, so the totals as of any
 * earlier point are answered from the same table.
 */
export class InstitutionMonthsProjection implements Projection {
  readonly name = 'institution-months';
  readonly tables = ['rm_institution_visit', 'rm_institution_month', 'rm_institution_adjustment'];
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
      PRIMARY KEY (institution_code, month));
    CREATE TABLE IF NOT EXISTS rm_institution_adjustment (
      person_id TEXT NOT NULL, settlement_id TEXT NOT NULL, position INTEGER NOT NULL, recorded_at TEXT NOT NULL,
      institution_code TEXT NOT NULL, month TEXT NOT NULL, correction_id TEXT NOT NULL,
      total TEXT NOT NULL, policy_scope TEXT NOT NULL, delta_total TEXT NOT NULL, delta_policy_scope TEXT NOT NULL,
      delta_fund TEXT NOT NULL, delta_account TEXT NOT NULL, delta_cash TEXT NOT NULL,
      reversed_position INTEGER, reversed_recorded_at TEXT,
      PRIMARY KEY (person_id, position));
    CREATE INDEX IF NOT EXISTS rm_institution_adjustment_month ON rm_institution_adjustment (institution_code, month);`;

  /**
   * Month rows (null: no row yet); the changed ones are written once, at `flush`. Kept after
   * `flush` as the committed rows (this projection is their only writer; issue 10: each batch
   * read and parsed them again); `discard` forgets them when the batch that wrote them rolls back.
   */
  private readonly months = new Map<string, MonthRow | null>();
  private readonly changed = new Set<string>();

  flush(store: ReadModelStore): void {
    const upsert = store.stmt(
      'INSERT INTO rm_institution_month (institution_code, month, visits, total_cost, policy_scope_cost, fund_due) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(institution_code, month) DO UPDATE SET visits = excluded.visits, total_cost = excluded.total_cost, policy_scope_cost = excluded.policy_scope_cost, fund_due = excluded.fund_due',
    );
    for (const key of this.changed) {
      const r = this.months.get(key)!;
      upsert.run(r.code, r.month, r.visits, fenText(r.total), fenText(r.scope), fenText(r.fund));
    }
    this.changed.clear();
    if (this.months.size > KEPT_MONTHS) this.months.clear();
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
        .stmt(
          'INSERT INTO rm_institution_visit (person_id, settlement_id, institution_code, month, total, policy_scope, fund, position, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          personId,
          d.settlementId,
          d.institution.code,
          month,
          a.total,
          a.policyScope,
          a.fund,
          event.position,
          event.metadata.recordedAt,
        );
      this.add(store, d.institution.code, month, 1, a.total, a.policyScope, a.fund);
    } else if (event.type === 'SettlementReversed') {
      const settlementId = (event.data as SettlementReversed['data']).settlementId;
      const v = store
        .stmt(
          'SELECT institution_code, month, total, policy_scope, fund FROM rm_institution_visit WHERE person_id = ? AND settlement_id = ? AND reversed_position IS NULL',
        )
        .get(personId, settlementId) as
        { institution_code: string; month: string; total: string; policy_scope: string; fund: string } | undefined;
      if (!v) return;
      store
        .stmt('UPDATE rm_institution_visit SET reversed_position = ?, reversed_recorded_at = ? WHERE person_id = ? AND settlement_id = ?')
        .run(event.position, event.metadata.recordedAt, personId, settlementId);
      // A reversed settlement leaves the month with its corrections.
      store
        .stmt(
          'UPDATE rm_institution_adjustment SET reversed_position = ?, reversed_recorded_at = ? WHERE person_id = ? AND settlement_id = ? AND reversed_position IS NULL',
        )
        .run(event.position, event.metadata.recordedAt, personId, settlementId);
      this.add(store, v.institution_code, v.month, -1, neg(v.total), neg(v.policy_scope), neg(v.fund));
    } else if (event.type === 'SettlementAdjusted') {
      recordAdjustment(store, personId, event);
    }
  }

  /** Adds to the month's running sums (in fen: parsed once per batch, printed once at `flush`). */
  private add(store: ReadModelStore, code: string, month: string, visits: number, total: string, scope: string, fund: string): void {
    const key = `${code}\u0000${month}`;
    let row = this.months.get(key);
    if (row === undefined) {
      const stored = store
        .stmt('SELECT visits, total_cost, policy_scope_cost, fund_due FROM rm_institution_month WHERE institution_code = ? AND month = ?')
        .get(code, month) as { visits: number; total_cost: string; policy_scope_cost: string; fund_due: string } | undefined;
      row = stored
        ? {
            code,
            month,
            visits: stored.visits,
            total: fenOf(stored.total_cost),
            scope: fenOf(stored.policy_scope_cost),
            fund: fenOf(stored.fund_due),
          }
        : null;
    }
    const base = row ?? { code, month, visits: 0, total: 0n, scope: 0n, fund: 0n };
    this.months.set(key, {
      code,
      month,
      visits: base.visits + visits,
      total: fenPlus(base.total, total),
      scope: fenPlus(base.scope, scope),
      fund: fenPlus(base.fund, fund),
    });
    this.changed.add(key);
  }
}

/** A month's running sums, money in fen. */
interface MonthRow {
  code: string;
  month: string;
  visits: number;
  total: bigint;
  scope: bigint;
  fund: bigint;
}

const neg = (m: string): string => fmt(money(m).negated());
const plus = (a: string, b: string): string => fmt(money(a).plus(money(b)));
const minus = (a: string, b: string): string => fmt(money(a).minus(money(b)));

export function readInstitutionMonth(store: ReadModelStore, code: string, month: string): InstitutionMonthTotals {
  const row = store
    .stmt('SELECT visits, total_cost, policy_scope_cost, fund_due FROM rm_institution_month WHERE institution_code = ? AND month = ?')
    .get(code, month) as { visits: number; total_cost: string; policy_scope_cost: string; fund_due: string } | undefined;
  return {
    institutionCode: code,
    month,
    visits: row?.visits ?? 0,
    totalCost: row?.total_cost ?? '0.00',
    policyScopeCost: row?.policy_scope_cost ?? '0.00',
    fundDue: row?.fund_due ?? '0.00',
    ...withAdjustments(
      row?.total_cost ?? '0.00',
      row?.policy_scope_cost ?? '0.00',
      row?.fund_due ?? '0.00',
      readAdjustments(store, code, month).filter((r) => r.reversed_position === null),
    ),
  };
}

/** The month's totals as the ledger stood at `asOf`: settlements recorded by then, less reversals recorded by then. */
export function readInstitutionMonthAsOf(store: ReadModelStore, code: string, month: string, asOf: AsOf): InstitutionMonthTotals {
  const rows = store
    .stmt(
      'SELECT total, policy_scope, fund, position, recorded_at, reversed_position, reversed_recorded_at FROM rm_institution_visit WHERE institution_code = ? AND month = ?',
    )
    .all(code, month) as Array<{
    total: string;
    policy_scope: string;
    fund: string;
    position: number;
    recorded_at: string;
    reversed_position: number | null;
    reversed_recorded_at: string | null;
  }>;
  const by = (position: number, recordedAt: string): boolean =>
    'position' in asOf ? position <= asOf.position : shanghaiDate(recordedAt) <= asOf.date;
  const counted = rows.filter(
    (r) => by(r.position, r.recorded_at) && !(r.reversed_position !== null && by(r.reversed_position, r.reversed_recorded_at!)),
  );
  const totalCost = fmt(sum(counted.map((r) => money(r.total))));
  const policyScopeCost = fmt(sum(counted.map((r) => money(r.policy_scope))));
  const fundDue = fmt(sum(counted.map((r) => money(r.fund))));
  const adjustments = readAdjustments(store, code, month).filter(
    (r) => by(r.position, r.recorded_at) && !(r.reversed_position !== null && by(r.reversed_position, r.reversed_recorded_at!)),
  );
  return {
    institutionCode: code,
    month,
    visits: counted.length,
    totalCost,
    policyScopeCost,
    fundDue,
    ...withAdjustments(totalCost, policyScopeCost, fundDue, adjustments),
  };
}

interface AdjustmentRow {
  settlement_id: string;
  person_id: string;
  position: number;
  recorded_at: string;
  total: string;
  policy_scope: string;
  delta_total: string;
  delta_policy_scope: string;
  delta_fund: string;
  delta_account: string;
  delta_cash: string;
  reversed_position: number | null;
  reversed_recorded_at: string | null;
}

/**
 * Issue 15: one SettlementAdjusted as a row of its settlement's institution month. Cost
 * deltas are against the figures in force before it (the last adjustment's, or the settled ones).
 */
function recordAdjustment(store: ReadModelStore, personId: string, event: RecordedEvent): void {
  const d = event.data as SettlementAdjusted['data'];
  const visit = store
    .stmt('SELECT institution_code, month, total, policy_scope FROM rm_institution_visit WHERE person_id = ? AND settlement_id = ?')
    .get(personId, d.settlementId) as { institution_code: string; month: string; total: string; policy_scope: string } | undefined;
  if (!visit) return;
  const before =
    (store
      .stmt(
        'SELECT total, policy_scope FROM rm_institution_adjustment WHERE person_id = ? AND settlement_id = ? ORDER BY position DESC LIMIT 1',
      )
      .get(personId, d.settlementId) as { total: string; policy_scope: string } | undefined) ?? visit;
  const a = d.decision.amounts;
  store
    .stmt(
      `INSERT INTO rm_institution_adjustment (person_id, settlement_id, position, recorded_at, institution_code, month, correction_id, total, policy_scope,
        delta_total, delta_policy_scope, delta_fund, delta_account, delta_cash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      personId,
      d.settlementId,
      event.position,
      event.metadata.recordedAt,
      visit.institution_code,
      visit.month,
      d.correctionId,
      a.total,
      a.policyScope,
      minus(a.total, before.total),
      minus(a.policyScope, before.policy_scope),
      d.delta.fund,
      d.delta.account,
      d.delta.cash,
    );
}

function readAdjustments(store: ReadModelStore, code: string, month: string): AdjustmentRow[] {
  return store
    .stmt(
      `SELECT person_id, settlement_id, position, recorded_at, total, policy_scope, delta_total, delta_policy_scope, delta_fund, delta_account, delta_cash,
        reversed_position, reversed_recorded_at FROM rm_institution_adjustment WHERE institution_code = ? AND month = ? ORDER BY position`,
    )
    .all(code, month) as AdjustmentRow[];
}

/** The month's adjustments (rows already filtered to those that count) and the net figures. */
function withAdjustments(
  totalCost: string,
  policyScopeCost: string,
  fundDue: string,
  live: AdjustmentRow[],
): Pick<InstitutionMonthTotals, 'adjustments' | 'fundDueNet' | 'totalCostNet' | 'policyScopeCostNet'> {
  const total = (pick: (r: AdjustmentRow) => string): string => fmt(sum(live.map((r) => money(pick(r)))));
  const adjustments: MonthAdjustments = {
    settlements: new Set(live.map((r) => `${r.person_id}\u0000${r.settlement_id}`)).size,
    fund: total((r) => r.delta_fund),
    account: total((r) => r.delta_account),
    cash: total((r) => r.delta_cash),
    totalCost: total((r) => r.delta_total),
    policyScopeCost: total((r) => r.delta_policy_scope),
  };
  return {
    adjustments,
    fundDueNet: plus(fundDue, adjustments.fund),
    totalCostNet: plus(totalCost, adjustments.totalCost),
    policyScopeCostNet: plus(policyScopeCost, adjustments.policyScopeCost),
  };
}
