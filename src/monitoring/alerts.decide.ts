/**
 * Decisions on an alert stream (Emmett's decider shape, pure). An alert is raised once per
 * crossing: not again when the same crossing (same alert id) is already on the stream,
 * open or closed, and not while an open alert of the same indicator covers an overlapping
 * period (a burst of visits keeps one alert open, not one per visit).
 */
import { assertNever } from '../kernel/decider';
import { InvalidInput, NotFound } from '../kernel/errors';
import type { AlertClosed, AlertEvent, InstitutionFlagged, PersonFlagged } from './alerts.events';
import { AlertStreamState, monthPeriod, periodsOverlap } from './alerts.state';

export type AlertCommand =
  | { type: 'RaiseInstitutionAlert'; data: InstitutionFlagged['data'] }
  | { type: 'RaisePersonAlert'; data: PersonFlagged['data'] }
  | { type: 'CloseAlert'; data: AlertClosed['data'] };

function alreadyRaised(state: AlertStreamState, alertId: string, indicator: string, period: { from: string; to: string }): boolean {
  return state.alerts.some((a) => a.alertId === alertId || (a.open && a.indicator === indicator && periodsOverlap(a.period, period)));
}

export function raiseInstitutionAlert(data: InstitutionFlagged['data'], state: AlertStreamState): AlertEvent[] {
  return alreadyRaised(state, data.alertId, data.indicator, monthPeriod(data.month)) ? [] : [{ type: 'InstitutionFlagged', data }];
}

export function raisePersonAlert(data: PersonFlagged['data'], state: AlertStreamState): AlertEvent[] {
  return alreadyRaised(state, data.alertId, data.indicator, data.window) ? [] : [{ type: 'PersonFlagged', data }];
}

export function closeAlert(data: AlertClosed['data'], state: AlertStreamState): AlertEvent[] {
  const alert = state.alerts.find((a) => a.alertId === data.alertId);
  if (!alert) throw new NotFound('alert', data.alertId);
  if (!alert.open) return []; // closing twice changes nothing
  if (!data.note.trim()) throw new InvalidInput('note', 'say what was found');
  return [{ type: 'AlertClosed', data }];
}

export function decideAlert(command: AlertCommand, state: AlertStreamState): AlertEvent[] {
  switch (command.type) {
    case 'RaiseInstitutionAlert':
      return raiseInstitutionAlert(command.data, state);
    case 'RaisePersonAlert':
      return raisePersonAlert(command.data, state);
    case 'CloseAlert':
      return closeAlert(command.data, state);
    default:
      return assertNever(command);
  }
}
