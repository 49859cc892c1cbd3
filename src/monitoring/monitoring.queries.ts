/**
 * Reads of the monitoring read model (agency, auditor). Indicators are derived from the
 * stored sums when read (src/monitoring/indicators.ts), so they are the same whether the
 * read model was built live or rebuilt.
 */
import { addDays, LocalDate } from '../kernel/dates';
import { Page, pageOf } from '../http/pagination';
import type { ReadModelStore } from '../projections/read-model-store';
import { countInWindow, PersonVisit, WindowCount } from './evaluate';
import { emptyMonthSums, InstitutionMonthIndicators, institutionMonthIndicators, previousMonthOf, sameMonthLastYearOf } from './indicators';
import { findMonthSums } from './monitoring.projection';
import type { MonitoringThresholds } from './thresholds';

export interface AlertView {
  alertId: string;
  subject: { kind: 'institution' | 'person'; id: string };
  streamId: string;
  indicator: string;
  period: { from: string; to: string };
  value: string;
  threshold: string;
  clause: string;
  basis: Record<string, unknown>;
  raisedAt: string;
  raisedPosition: number;
  open: boolean;
  closed?: { on: string; note: string };
}

export interface AlertFilter {
  institutionCode?: string;
  personId?: string;
  indicator?: string;
  /** Default 'open'. */
  status?: 'open' | 'closed' | 'all';
}

interface AlertRow {
  alert_id: string;
  stream_id: string;
  subject_kind: 'institution' | 'person';
  subject_id: string;
  indicator: string;
  period_from: string;
  period_to: string;
  value: string;
  threshold: string;
  clause: string;
  data: string;
  raised_position: number;
  raised_at: string;
  open: number;
  closed_on: string | null;
  close_note: string | null;
}

const toView = (r: AlertRow): AlertView => ({
  alertId: r.alert_id,
  subject: { kind: r.subject_kind, id: r.subject_id },
  streamId: r.stream_id,
  indicator: r.indicator,
  period: { from: r.period_from, to: r.period_to },
  value: r.value,
  threshold: r.threshold,
  clause: r.clause,
  basis: (JSON.parse(r.data) as { basis: Record<string, unknown> }).basis,
  raisedAt: r.raised_at,
  raisedPosition: r.raised_position,
  open: r.open === 1,
  ...(r.closed_on ? { closed: { on: r.closed_on, note: r.close_note ?? '' } } : {}),
});

export class MonitoringQueries {
  constructor(
    private readonly store: ReadModelStore,
    private readonly thresholds: MonitoringThresholds,
  ) {}

  /** The institution's twelve months: indicators, growth against the previous month and the same month last year, and its alerts of the year. */
  institutionYear(
    code: string,
    year: number,
  ): {
    institutionCode: string;
    year: number;
    months: InstitutionMonthIndicators[];
    alerts: AlertView[];
    thresholds: MonitoringThresholds['institution'];
  } {
    const months: InstitutionMonthIndicators[] = [];
    for (let m = 1; m <= 12; m++) {
      const month = `${year}-${String(m).padStart(2, '0')}`;
      const cur = findMonthSums(this.store, code, month) ?? emptyMonthSums(code, month);
      months.push(
        institutionMonthIndicators(
          cur,
          findMonthSums(this.store, code, previousMonthOf(month)),
          findMonthSums(this.store, code, sameMonthLastYearOf(month)),
        ),
      );
    }
    const alerts = this.alerts({ institutionCode: code, status: 'all' }).filter((a) => a.period.from.startsWith(String(year)));
    return { institutionCode: code, year, months, alerts, thresholds: this.thresholds.institution };
  }

  /** A person's visit frequency as of a date: the 7- and 30-day windows ending then, the busiest windows and multi-institution days of the preceding year. */
  personFrequency(
    personId: string,
    asOf: LocalDate,
  ): {
    personId: string;
    asOf: LocalDate;
    visitsIn7Days: WindowCount;
    visitsIn30Days: WindowCount;
    lastYear: {
      from: LocalDate;
      to: LocalDate;
      busiest7Days: WindowCount | null;
      busiest30Days: WindowCount | null;
      daysAtSeveralInstitutions: Array<{ date: LocalDate; institutions: string[] }>;
    };
    alerts: AlertView[];
    thresholds: MonitoringThresholds['person'];
  } {
    const from = addDays(asOf, -364);
    const visits = this.store
      .stmt(
        'SELECT visit_date AS date, institution_code AS institutionCode FROM mon_visit WHERE person_id = ? AND reversed = 0 AND visit_date BETWEEN ? AND ? ORDER BY visit_date, position',
      )
      .all(personId, addDays(from, -29), asOf) as PersonVisit[];
    const inYear = visits.filter((v) => v.date >= from);
    // A busiest window can always be slid to end on a visit date: only those are tried (the earliest wins a tie).
    const busiest = (days: number): WindowCount | null => {
      let best: WindowCount | null = null;
      for (const date of [...new Set(inYear.map((v) => v.date))]) {
        const w = countInWindow(visits, date, days);
        if (!best || w.count > best.count) best = w;
      }
      return best;
    };
    const byDay = new Map<string, Set<string>>();
    for (const v of inYear) byDay.set(v.date, (byDay.get(v.date) ?? new Set()).add(v.institutionCode));
    return {
      personId,
      asOf,
      visitsIn7Days: countInWindow(visits, asOf, 7),
      visitsIn30Days: countInWindow(visits, asOf, 30),
      lastYear: {
        from,
        to: asOf,
        busiest7Days: busiest(7),
        busiest30Days: busiest(30),
        daysAtSeveralInstitutions: [...byDay.entries()]
          .filter(([, s]) => s.size > 1)
          .map(([date, s]) => ({ date, institutions: [...s].sort() })),
      },
      alerts: this.alerts({ personId, status: 'all' }),
      thresholds: this.thresholds.person,
    };
  }

  alerts(filter: AlertFilter): AlertView[] {
    return this.selectAlerts(filter, 0);
  }

  /** One page of alerts in the order they were raised (the raising event's position: immutable, so pages are stable). */
  alertPage(filter: AlertFilter, limit: number, afterPosition: number): Page<AlertView> {
    return pageOf(this.selectAlerts(filter, afterPosition, limit + 1), limit, (a) => a.raisedPosition);
  }

  private selectAlerts(filter: AlertFilter, afterPosition: number, limit?: number): AlertView[] {
    const where: string[] = ['raised_position > ?'];
    const args: unknown[] = [afterPosition];
    if (filter.institutionCode !== undefined) {
      where.push("subject_kind = 'institution' AND subject_id = ?");
      args.push(filter.institutionCode);
    }
    if (filter.personId !== undefined) {
      where.push("subject_kind = 'person' AND subject_id = ?");
      args.push(filter.personId);
    }
    if (filter.indicator !== undefined) {
      where.push('indicator = ?');
      args.push(filter.indicator);
    }
    const status = filter.status ?? 'open';
    if (status !== 'all') {
      where.push('open = ?');
      args.push(status === 'open' ? 1 : 0);
    }
    const sql = `SELECT * FROM mon_alert WHERE ${where.join(' AND ')} ORDER BY raised_position LIMIT ?`;
    return (this.store.stmt(sql).all(...args, limit ?? -1) as AlertRow[]).map(toView); // LIMIT -1: all
  }

  /** Which alert stream holds an alert, for closing it. */
  alertStream(alertId: string): string | undefined {
    return (this.store.stmt('SELECT stream_id FROM mon_alert WHERE alert_id = ?').get(alertId) as { stream_id: string } | undefined)
      ?.stream_id;
  }
}
