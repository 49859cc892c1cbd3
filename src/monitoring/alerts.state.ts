/**
 * State of one alert stream (one subject): every alert raised on it, open or closed.
 * Whether an alert is raised is decided from this state alone, so a monitor that is
 * replayed or rebuilt from zero sees what it already raised and raises nothing twice.
 */
import type { AlertEvent, AlertPeriod } from './alerts.events';

export interface AlertRecord {
  alertId: string;
  indicator: string;
  period: AlertPeriod;
  open: boolean;
}

export interface AlertStreamState {
  alerts: AlertRecord[];
}

export const initialAlertStreamState = (): AlertStreamState => ({ alerts: [] });

export function evolveAlertStream(state: AlertStreamState, event: { type: string; data: unknown }): AlertStreamState {
  const e = event as AlertEvent;
  switch (e.type) {
    case 'InstitutionFlagged':
      return {
        alerts: [...state.alerts, { alertId: e.data.alertId, indicator: e.data.indicator, period: monthPeriod(e.data.month), open: true }],
      };
    case 'PersonFlagged':
      return { alerts: [...state.alerts, { alertId: e.data.alertId, indicator: e.data.indicator, period: e.data.window, open: true }] };
    case 'AlertClosed':
      return { alerts: state.alerts.map((a) => (a.alertId === e.data.alertId ? { ...a, open: false } : a)) };
    default:
      return state;
  }
}

export const foldAlertStream = (events: ReadonlyArray<{ type: string; data: unknown }>): AlertStreamState =>
  events.reduce(evolveAlertStream, initialAlertStreamState());

/** 'YYYY-MM' → its first and last calendar day. */
export function monthPeriod(month: string): AlertPeriod {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export const periodsOverlap = (a: AlertPeriod, b: AlertPeriod): boolean => a.from <= b.to && b.from <= a.to;
