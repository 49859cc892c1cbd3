/**
 * The monitoring read model: per-visit facts, institution-month sums, the alerts raised,
 * and the outbox of alerts still to append. `apply` is synchronous and deterministic
 * (it runs inside the monitor's transaction with its checkpoint): the same events give
 * the same rows and the same alert candidates, live or rebuilt.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { addDays, shanghaiDate } from '../kernel/dates';
import type { InpatientAdmitted } from '../modules/enrollment/enrollment.events';
import type { SettlementReversed, VisitSettled } from '../modules/claims/claims.events';
import { personIdOfStream } from '../projections/projection';
import type { ReadModelStore } from '../projections/read-model-store';
import type { AlertClosed, InstitutionFlagged, PersonFlagged } from './alerts.events';
import { institutionAlertStreamId, personAlertStreamId } from './alerts.events';
import type { AlertCommand } from './alerts.decide';
import { monthPeriod } from './alerts.state';
import { institutionAlert, institutionMonthCrossings, personAlert, personCrossings, PersonVisit } from './evaluate';
import { emptyDisputeCounts, InstitutionMonthSums, previousMonthOf, sameMonthLastYearOf, VisitContribution } from './indicators';
import { contributionFen, contributionJson, crossingIndicators, fenContribution, FenContribution, MonthTally } from './month-tally';
import type { SettlementAdjusted } from '../corrections/correction.events';
import type { DisputeOpened, DisputeRejected, DisputeUpheld } from '../disputes/dispute.events';
import { fmt, money } from '../kernel/money';
import type { InstitutionAlertIndicator, MonitoringThresholds } from './thresholds';
import { PersonBound, personBounds, personMayCross } from './person-bounds';

/** An alert to append to its stream, with the command id that makes the append idempotent. */
export interface AlertToRaise {
  streamId: string;
  commandId: string;
  command: AlertCommand;
}

export const MONITORING_TABLES = [
  'mon_visit',
  'mon_institution_month',
  'mon_alert_seen',
  'mon_alert_outbox',
  'mon_alert',
  'mon_dispute',
  'mon_adjustment',
] as const;

export const MONITORING_SCHEMA = `
  CREATE TABLE IF NOT EXISTS mon_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS mon_visit (
    person_id TEXT NOT NULL, settlement_id TEXT NOT NULL, institution_code TEXT NOT NULL, month TEXT NOT NULL,
    visit_date TEXT NOT NULL, contribution TEXT NOT NULL, reversed INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL,
    PRIMARY KEY (person_id, settlement_id));
  CREATE INDEX IF NOT EXISTS mon_visit_person_date ON mon_visit (person_id, visit_date);
  DROP INDEX IF EXISTS mon_visit_institution_month;
  CREATE TABLE IF NOT EXISTS mon_institution_month (
    institution_code TEXT NOT NULL, month TEXT NOT NULL, sums TEXT NOT NULL,
    PRIMARY KEY (institution_code, month));
  CREATE TABLE IF NOT EXISTS mon_alert_seen (
    subject TEXT NOT NULL, indicator TEXT NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL,
    PRIMARY KEY (subject, indicator, period_from, period_to));
  CREATE TABLE IF NOT EXISTS mon_alert_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, command_id TEXT NOT NULL, command TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS mon_alert (
    alert_id TEXT PRIMARY KEY, stream_id TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL,
    indicator TEXT NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL, value TEXT NOT NULL, threshold TEXT NOT NULL,
    clause TEXT NOT NULL, data TEXT NOT NULL, raised_position INTEGER NOT NULL, raised_at TEXT NOT NULL,
    open INTEGER NOT NULL, closed_on TEXT, close_note TEXT);
  CREATE INDEX IF NOT EXISTS mon_alert_subject ON mon_alert (subject_kind, subject_id, indicator);
  CREATE TABLE IF NOT EXISTS mon_dispute (dispute_id TEXT PRIMARY KEY, institution_code TEXT NOT NULL, status TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS mon_adjustment (
    person_id TEXT NOT NULL, settlement_id TEXT NOT NULL, correction_id TEXT NOT NULL,
    PRIMARY KEY (person_id, settlement_id, correction_id));`;

/** Institution months kept in memory between batches at most (~1 KB each); beyond, the next batch reads them again. */
const KEPT_MONTHS = 20_000;

export class MonitoringProjection {
  /**
   * Institution months as running sums in fen (null: no row yet), the changed ones written
   * back once at `flush`. Every visit adds to its month in O(1) and judges it on integers
   * (month-tally.ts). Kept after `flush` as the committed rows (this projection is their only
   * writer; issue 10: a month was parsed again in every batch, and its crossings already seen
   * looked up again): `discard` forgets them whenever the batch that wrote them rolls back.
   */
  private readonly months = new Map<string, MonthTally | null>();
  private readonly changedMonths = new Set<string>();
  private readonly compared = new Map<string, [string, string]>();
  /** Integer bounds of the person indicators: the full evaluation runs only past one. */
  private readonly personBounds: PersonBound[];

  constructor(private readonly thresholds: MonitoringThresholds) {
    this.personBounds = personBounds(thresholds.person);
  }

  /** Writes the institution months changed in this batch (inside the batch's savepoint); keeps the months in memory, bounded. */
  flush(store: ReadModelStore): void {
    for (const key of this.changedMonths) writeMonthSums(store, this.months.get(key)!.sums());
    this.changedMonths.clear();
    if (this.months.size > KEPT_MONTHS) this.months.clear();
  }

  discard(): void {
    this.months.clear();
    this.changedMonths.clear();
  }

  private findMonth(store: ReadModelStore, code: string, month: string): MonthTally | undefined {
    const key = `${code}\u0000${month}`;
    let tally = this.months.get(key);
    if (tally === undefined) {
      const sums = findMonthSums(store, code, month);
      this.months.set(key, (tally = sums ? MonthTally.of(sums) : null));
    }
    return tally ?? undefined;
  }

  /** The month's tally, created when missing, to be changed in place and written at `flush`. */
  private changeMonth(store: ReadModelStore, code: string, month: string): MonthTally {
    const key = `${code}\u0000${month}`;
    let tally = this.findMonth(store, code, month);
    if (!tally) this.months.set(key, (tally = new MonthTally(code, month)));
    this.changedMonths.add(key);
    return tally;
  }

  /** The previous month and the same month last year, worked out once per month (a few hundred months; issue 10). */
  private comparedMonths(month: string): [string, string] {
    let compared = this.compared.get(month);
    if (!compared) this.compared.set(month, (compared = [previousMonthOf(month), sameMonthLastYearOf(month)]));
    return compared;
  }

  /** Updates the read model with one (upcast) event and returns the alerts it makes due. */
  apply(event: RecordedEvent, store: ReadModelStore): AlertToRaise[] {
    switch (event.type) {
      case 'VisitSettled':
        return this.visitSettled(event, store);
      case 'SettlementReversed':
        return this.settlementReversed(event, store);
      case 'InpatientAdmitted':
        return this.admitted(event, store);
      case 'InstitutionFlagged':
      case 'PersonFlagged':
        this.flagged(event, store);
        return [];
      case 'AlertClosed':
        this.closed(event, store);
        return [];
      case 'DisputeOpened':
      case 'DisputeUpheld':
      case 'DisputeRejected':
        return this.dispute(event, store);
      case 'SettlementAdjusted':
        return this.adjusted(event, store);
      default:
        return [];
    }
  }

  /**
   * Issue 15: a dispute counts in its institution's month when it is opened, and again when
   * it is upheld or rejected (in the month resolved). Each counts once: a dispute already
   * known, or already resolved, changes nothing.
   */
  private dispute(event: RecordedEvent, store: ReadModelStore): AlertToRaise[] {
    if (!event.streamId.startsWith('dispute-')) return [];
    const outcome = disputeOutcome(event, store);
    if (!outcome) return [];
    const month = shanghaiDate(outcome.at).slice(0, 7);
    const tally = this.changeMonth(store, outcome.institutionCode, month);
    const c = tally.disputes ?? emptyDisputeCounts();
    tally.disputes = { ...c, [outcome.count]: c[outcome.count] + 1 };
    return this.institutionAlerts(store, outcome.institutionCode, month, { streamId: event.streamId, revision: event.revision });
  }

  /** Issue 15: a correction of a settlement counts in the month of the visit, with its fund delta. */
  private adjusted(event: RecordedEvent, store: ReadModelStore): AlertToRaise[] {
    const personId = personIdOfStream(event.streamId);
    if (!personId) return [];
    const d = event.data as SettlementAdjusted['data'];
    const fresh =
      store
        .stmt('INSERT OR IGNORE INTO mon_adjustment (person_id, settlement_id, correction_id) VALUES (?, ?, ?)')
        .run(personId, d.settlementId, d.correctionId).changes === 1;
    if (!fresh) return [];
    const tally = this.changeMonth(store, d.input.visit.institution.code, d.decision.visitDate.slice(0, 7));
    const c = tally.disputes ?? emptyDisputeCounts();
    tally.disputes = {
      ...c,
      adjustments: c.adjustments + 1,
      adjustmentFundDelta: fmt(money(c.adjustmentFundDelta).plus(money(d.delta.fund))),
    };
    return [];
  }

  private visitSettled(event: RecordedEvent, store: ReadModelStore): AlertToRaise[] {
    const personId = personIdOfStream(event.streamId);
    if (!personId) return [];
    const d = event.data as VisitSettled['data'];
    let visit: { code: string; date: string; month: string; contribution: FenContribution };
    try {
      visit = settledVisit(d);
    } catch (error) {
      // A visit already counted is ignored, whatever its data.
      if (visitKnown(store, personId, d.settlementId)) return [];
      throw error;
    }
    const { code, date, month, contribution } = visit;
    // One read of the person's visits answers both "new in this institution month" and the
    // windows the person alerts judge (issue 10: one statement per visit fewer).
    const around = windowAround(date);
    const nearby = personVisitsAround(store, personId, around, month);
    const newPerson = !nearby.some((v) => v.institutionCode === code && v.date.slice(0, 7) === month);
    // OR IGNORE: a visit already counted (a settlement id seen before) changes nothing; one statement, not a look-up first.
    const fresh =
      store
        .stmt(
          'INSERT OR IGNORE INTO mon_visit (person_id, settlement_id, institution_code, month, visit_date, contribution, reversed, position) VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
        )
        .run(personId, d.settlementId, code, month, date, contributionJson(contribution), event.position).changes === 1;
    if (!fresh) return [];
    const tally = this.changeMonth(store, code, month);
    tally.addVisit(contribution, 1);
    if (newPerson) tally.persons += 1;
    const trigger = { streamId: event.streamId, revision: event.revision };
    const windowed = inWindow(nearby, around);
    windowed.push({ date, institutionCode: code });
    return [...this.institutionAlerts(store, code, month, trigger), ...this.personAlerts(store, personId, date, windowed, trigger)];
  }

  private settlementReversed(event: RecordedEvent, store: ReadModelStore): AlertToRaise[] {
    const personId = personIdOfStream(event.streamId);
    if (!personId) return [];
    const { settlementId } = event.data as SettlementReversed['data'];
    const v = store
      .stmt('SELECT institution_code, month, contribution FROM mon_visit WHERE person_id = ? AND settlement_id = ? AND reversed = 0')
      .get(personId, settlementId) as { institution_code: string; month: string; contribution: string } | undefined;
    if (!v) return [];
    store.stmt('UPDATE mon_visit SET reversed = 1 WHERE person_id = ? AND settlement_id = ?').run(personId, settlementId);
    // Among the person's visits (a few dozen a year), not through an index of every visit: reversals are rare, visits not.
    const goneFromMonth = !store
      .stmt('SELECT 1 FROM mon_visit WHERE person_id = ? AND institution_code = ? AND month = ? AND reversed = 0')
      .get(personId, v.institution_code, v.month);
    const tally = this.changeMonth(store, v.institution_code, v.month);
    tally.addVisit(contributionFen(JSON.parse(v.contribution) as VisitContribution), -1);
    if (goneFromMonth) tally.persons -= 1;
    // A reversal can raise a share (the visit removed was a cheap or a fund-paid one).
    return this.institutionAlerts(store, v.institution_code, v.month, { streamId: event.streamId, revision: event.revision });
  }

  private admitted(event: RecordedEvent, store: ReadModelStore): AlertToRaise[] {
    if (!personIdOfStream(event.streamId)) return [];
    const d = event.data as InpatientAdmitted['data'];
    const month = d.admittedOn.slice(0, 7);
    this.changeMonth(store, d.institutionCode, month).inpatientAdmissions += 1;
    return this.institutionAlerts(store, d.institutionCode, month, { streamId: event.streamId, revision: event.revision });
  }

  /**
   * Alerts of the institution month: judged on integers at every event; only an indicator
   * that crosses (and was not seen this batch) is computed again as decimal strings, by
   * `institutionMonthCrossings`, for the alert's value and basis.
   */
  private institutionAlerts(
    store: ReadModelStore,
    code: string,
    month: string,
    trigger: { streamId: string; revision: number },
  ): AlertToRaise[] {
    const cur = this.findMonth(store, code, month) ?? new MonthTally(code, month);
    const [previous, sameLastYear] = this.comparedMonths(month);
    const prev = this.findMonth(store, code, previous);
    const lastYear = this.findMonth(store, code, sameLastYear);
    const due = crossingIndicators(cur, prev, lastYear, this.thresholds.institution).filter(
      (indicator) => !seenBefore(store, cur, indicator),
    );
    if (due.length === 0) return [];
    const crossings = institutionMonthCrossings(cur.sums(), prev?.sums(), lastYear?.sums(), this.thresholds.institution);
    const out: AlertToRaise[] = [];
    for (const c of crossings) {
      if (!due.includes(c.indicator as InstitutionAlertIndicator)) continue;
      cur.seen.add(c.indicator);
      if (!markSeen(store, `institution-${code}`, c.indicator, monthPeriod(month))) continue;
      const data = institutionAlert(code, month, c, trigger);
      out.push(enqueue(store, institutionAlertStreamId(code), data.alertId, { type: 'RaiseInstitutionAlert', data }));
    }
    return out;
  }

  /** `visits`: the person's live visits within `date` ± 29 days, this one included. */
  private personAlerts(
    store: ReadModelStore,
    personId: string,
    date: string,
    visits: PersonVisit[],
    trigger: { streamId: string; revision: number },
  ): AlertToRaise[] {
    if (!personMayCross(this.personBounds, visits, date)) return [];
    const out: AlertToRaise[] = [];
    for (const c of personCrossings(visits, date, this.thresholds.person)) {
      if (!markSeen(store, `person-${personId}`, c.indicator, c.window)) continue;
      const data = personAlert(personId, c, trigger);
      out.push(enqueue(store, personAlertStreamId(personId), data.alertId, { type: 'RaisePersonAlert', data }));
    }
    return out;
  }

  private flagged(event: RecordedEvent, store: ReadModelStore): void {
    const isInstitution = event.type === 'InstitutionFlagged';
    const d = event.data as InstitutionFlagged['data'] | PersonFlagged['data'];
    const period = 'month' in d ? monthPeriod(d.month) : d.window;
    const subjectId = 'institutionCode' in d ? d.institutionCode : d.personId;
    store
      .stmt(
        `INSERT OR IGNORE INTO mon_alert (alert_id, stream_id, subject_kind, subject_id, indicator, period_from, period_to, value, threshold, clause, data, raised_position, raised_at, open)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(
        d.alertId,
        event.streamId,
        isInstitution ? 'institution' : 'person',
        subjectId,
        d.indicator,
        period.from,
        period.to,
        d.value,
        d.threshold,
        d.clause,
        JSON.stringify(d),
        event.position,
        event.metadata.recordedAt,
      );
    // Alerts raised before this read model existed (or by another instance) suppress the same crossing here too.
    markSeen(store, `${isInstitution ? 'institution' : 'person'}-${subjectId}`, d.indicator, period);
  }

  private closed(event: RecordedEvent, store: ReadModelStore): void {
    const d = event.data as AlertClosed['data'];
    store.stmt('UPDATE mon_alert SET open = 0, closed_on = ?, close_note = ? WHERE alert_id = ?').run(d.closedOn, d.note, d.alertId);
  }
}

/** The settled visit's institution, Asia/Shanghai date (as the decision recorded it) and contribution. */
function settledVisit(d: VisitSettled['data']): { code: string; date: string; month: string; contribution: FenContribution } {
  const code = d.institution.code;
  const date = d.decision?.visitDate ?? shanghaiDate(d.visit.occurredAt);
  return { code, date, month: date.slice(0, 7), contribution: fenContribution(d.visit, d.decision.amounts) };
}

/** Dates from `date` − 29 to `date` + 29 days: every window of up to 30 days holding `date` lies within. */
type Window = { from: string; to: string };
const windowAround = (date: string): Window => ({ from: addDays(date, -29), to: addDays(date, 29) });

/**
 * The person's live visits (before this one is counted) in the window and in the whole
 * month (every date that starts with it). Unordered: the crossings count visits and sort
 * institutions, whatever the order (no sort per visit).
 */
function personVisitsAround(store: ReadModelStore, personId: string, window: Window, month: string): PersonVisit[] {
  // Past every text that starts with `month` (a stored month is its date's first 7 characters): its last character, one higher.
  const afterMonth = month.slice(0, -1) + String.fromCharCode(month.charCodeAt(month.length - 1) + 1);
  return store
    .stmt(
      'SELECT visit_date AS date, institution_code AS institutionCode FROM mon_visit WHERE person_id = ? AND reversed = 0 AND visit_date BETWEEN ? AND ?',
    )
    .all(personId, window.from < month ? window.from : month, window.to > afterMonth ? window.to : afterMonth) as PersonVisit[];
}

const inWindow = (visits: readonly PersonVisit[], w: Window): PersonVisit[] => visits.filter((v) => w.from <= v.date && v.date <= w.to);

const visitKnown = (store: ReadModelStore, personId: string, settlementId: string): boolean =>
  store.stmt('SELECT 1 FROM mon_visit WHERE person_id = ? AND settlement_id = ?').get(personId, settlementId) !== undefined;

/** Which count a dispute event moves, for which institution and when; undefined when it moves none. */
function disputeOutcome(
  event: RecordedEvent,
  store: ReadModelStore,
): { institutionCode: string; at: string; count: 'opened' | 'upheld' | 'rejected' } | undefined {
  if (event.type === 'DisputeOpened') {
    const d = event.data as DisputeOpened['data'];
    const code = d.institutionCode ?? (d.subject.kind === 'institution-month' ? d.subject.institutionCode : undefined);
    if (code === undefined) return undefined;
    const fresh =
      store.stmt("INSERT OR IGNORE INTO mon_dispute (dispute_id, institution_code, status) VALUES (?, ?, 'open')").run(d.disputeId, code)
        .changes === 1;
    return fresh ? { institutionCode: code, at: d.openedAt, count: 'opened' } : undefined;
  }
  const d = event.data as DisputeUpheld['data'] | DisputeRejected['data'];
  const count = event.type === 'DisputeUpheld' ? 'upheld' : 'rejected';
  const row = store.stmt("SELECT institution_code FROM mon_dispute WHERE dispute_id = ? AND status = 'open'").get(d.disputeId) as
    { institution_code: string } | undefined;
  if (!row) return undefined;
  store.stmt('UPDATE mon_dispute SET status = ? WHERE dispute_id = ?').run(count, d.disputeId);
  return { institutionCode: row.institution_code, at: d.resolvedAt, count };
}

/**
 * Whether the month's crossing of `indicator` is already in mon_alert_seen (then remembered
 * on the tally for the batch): such a crossing raises nothing, so its value in decimals is
 * not worth computing (issue 10: one look-up instead of ~60 µs of decimal.js per visit of a
 * month past its threshold).
 */
function seenBefore(store: ReadModelStore, tally: MonthTally, indicator: string): boolean {
  const period = monthPeriod(tally.month);
  const seen = store
    .stmt('SELECT 1 FROM mon_alert_seen WHERE subject = ? AND indicator = ? AND period_from <= ? AND ? <= period_to')
    .get(`institution-${tally.institutionCode}`, indicator, period.to, period.from);
  if (seen) tally.seen.add(indicator);
  return seen !== undefined;
}

/** Records the crossing locally; false when one of the same subject and indicator over an overlapping period was already seen. */
function markSeen(store: ReadModelStore, subject: string, indicator: string, period: { from: string; to: string }): boolean {
  const seen = store
    .stmt('SELECT 1 FROM mon_alert_seen WHERE subject = ? AND indicator = ? AND period_from <= ? AND ? <= period_to')
    .get(subject, indicator, period.to, period.from);
  if (seen) return false;
  store
    .stmt('INSERT INTO mon_alert_seen (subject, indicator, period_from, period_to) VALUES (?, ?, ?, ?)')
    .run(subject, indicator, period.from, period.to);
  return true;
}

function enqueue(store: ReadModelStore, streamId: string, alertId: string, command: AlertCommand): AlertToRaise {
  const commandId = `alert:${alertId}`;
  store
    .stmt('INSERT INTO mon_alert_outbox (stream_id, command_id, command) VALUES (?, ?, ?)')
    .run(streamId, commandId, JSON.stringify(command));
  return { streamId, commandId, command };
}

export function findMonthSums(store: ReadModelStore, code: string, month: string): InstitutionMonthSums | undefined {
  const row = store.stmt('SELECT sums FROM mon_institution_month WHERE institution_code = ? AND month = ?').get(code, month) as
    { sums: string } | undefined;
  return row ? (JSON.parse(row.sums) as InstitutionMonthSums) : undefined;
}

function writeMonthSums(store: ReadModelStore, sums: InstitutionMonthSums): void {
  store
    .stmt(
      'INSERT INTO mon_institution_month (institution_code, month, sums) VALUES (?, ?, ?) ON CONFLICT(institution_code, month) DO UPDATE SET sums = excluded.sums',
    )
    .run(sums.institutionCode, sums.month, JSON.stringify(sums));
}
