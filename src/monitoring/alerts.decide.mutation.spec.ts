/**
 * Issue 17: the alert decider's refusals as the API reports them (what and id of a missing
 * alert, the note's rule), its wiring as a decider object, and an unknown command.
 */
import { deciderSpec } from '../../test/support/given-when-then';
import { alertDecider, AlertCommand, decideAlert } from './alerts.decide';
import type { AlertEvent, PersonFlagged } from './alerts.events';
import { foldAlertStream } from './alerts.state';

const flagged: PersonFlagged = {
  type: 'PersonFlagged',
  data: {
    alertId: 'person-P1:visitsIn7Days:2024-09-01..2024-09-07',
    personId: 'P1',
    window: { from: '2024-09-01', to: '2024-09-07' },
    indicator: 'visitsIn7Days',
    value: '8',
    threshold: '7',
    clause: '焦医保〔2024〕32号 五（一）',
    basis: { days: 7, visits: 8 },
    triggeredBy: { streamId: 'person-P1', revision: 3 },
  },
};
const close = (alertId: string, note: string): AlertCommand => ({ type: 'CloseAlert', data: { alertId, closedOn: '2024-10-01', note } });
const given = deciderSpec(alertDecider);

/** The error a command throws on the given events. */
function thrown(events: AlertEvent[], command: AlertCommand): any {
  try {
    decideAlert(command, foldAlertStream(events));
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}

describe('alert decider: refusals and wiring', () => {
  it('closing an unknown alert: not found, naming it', () => {
    expect(thrown([flagged], close('person-P1:nope', 'x'))).toMatchObject({
      kind: 'not_found',
      what: 'alert',
      id: 'person-P1:nope',
      message: 'alert person-P1:nope not found',
    });
  });

  it.each(['', '  \n'])('a note of %j is invalid: say what was found', (note) => {
    expect(thrown([flagged], close(flagged.data.alertId, note))).toMatchObject({ field: 'note', rule: 'say what was found' });
  });

  it('the decider object folds its own events: a raised alert suppresses the same crossing, a closed one is closed once', () => {
    given([]).when({ type: 'RaisePersonAlert', data: flagged.data }).then([flagged]);
    given([flagged]).when({ type: 'RaisePersonAlert', data: flagged.data }).then([]);
    const closed: AlertEvent = { type: 'AlertClosed', data: { alertId: flagged.data.alertId, closedOn: '2024-10-01', note: 'seen' } };
    given([flagged]).when(close(flagged.data.alertId, 'seen')).then([closed]);
    given([flagged, closed]).when(close(flagged.data.alertId, 'again')).then([]);
  });

  it('an unknown command is a programming error', () => {
    given([])
      .when({ type: 'Escalate', data: {} } as unknown as AlertCommand)
      .thenThrows(/unhandled case: \{"type":"Escalate"/);
  });
});
