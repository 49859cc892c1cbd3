/**
 * Issue 17: the alert decider's edges — periods touching on their first and last day, a
 * closed alert no longer suppressing another crossing, closing unknown or twice, a blank note.
 */
import type { AlertEvent, InstitutionFlagged, PersonFlagged } from './alerts.events';
import { decideAlert } from './alerts.decide';
import { foldAlertStream } from './alerts.state';

const institutionAlert = (alertId: string, month: string, indicator = 'selfPayShare'): InstitutionFlagged['data'] =>
  ({
    alertId,
    institutionCode: 'H1',
    month,
    indicator,
    value: '0.5000',
    threshold: '0.4',
    clause: 'C',
    basis: {},
    triggeredBy: { streamId: 'institution-H1', revision: 1 },
  }) as InstitutionFlagged['data'];
const personAlert = (alertId: string, from: string, to: string, indicator = 'visitsPerWindow'): PersonFlagged['data'] =>
  ({
    alertId,
    personId: 'P1',
    window: { from, to },
    indicator,
    value: '9',
    threshold: '8',
    clause: 'C',
    basis: {},
    triggeredBy: { streamId: 'person-P1', revision: 1 },
  }) as PersonFlagged['data'];
const stream = (...events: AlertEvent[]) => foldAlertStream(events);
const flaggedPerson = (d: PersonFlagged['data']): AlertEvent => ({ type: 'PersonFlagged', data: d });
const closed = (alertId: string): AlertEvent => ({ type: 'AlertClosed', data: { alertId, closedOn: '2024-10-01', note: 'checked' } });

describe('alert decider boundaries', () => {
  it('an open person window ending on the day another starts suppresses it; the day after does not', () => {
    const open = stream(flaggedPerson(personAlert('A1', '2024-09-01', '2024-09-07')));
    expect(decideAlert({ type: 'RaisePersonAlert', data: personAlert('A2', '2024-09-07', '2024-09-13') }, open)).toEqual([]);
    expect(decideAlert({ type: 'RaisePersonAlert', data: personAlert('A3', '2024-08-25', '2024-09-01') }, open)).toEqual([]);
    expect(decideAlert({ type: 'RaisePersonAlert', data: personAlert('A4', '2024-09-08', '2024-09-14') }, open)).toEqual([
      { type: 'PersonFlagged', data: personAlert('A4', '2024-09-08', '2024-09-14') },
    ]);
  });

  it('another indicator over the same period is raised', () => {
    const open = stream(flaggedPerson(personAlert('A1', '2024-09-01', '2024-09-07')));
    expect(
      decideAlert({ type: 'RaisePersonAlert', data: personAlert('A2', '2024-09-01', '2024-09-07', 'costPerWindow') }, open),
    ).toHaveLength(1);
  });

  it('once closed, an overlapping new crossing is raised; the same alert id never again', () => {
    const s = stream(flaggedPerson(personAlert('A1', '2024-09-01', '2024-09-07')), closed('A1'));
    expect(decideAlert({ type: 'RaisePersonAlert', data: personAlert('A2', '2024-09-03', '2024-09-09') }, s)).toHaveLength(1);
    expect(decideAlert({ type: 'RaisePersonAlert', data: personAlert('A1', '2024-09-03', '2024-09-09') }, s)).toEqual([]);
  });

  it('institution alerts: the next month is raised while this month’s is open; this month is not', () => {
    const s = stream({ type: 'InstitutionFlagged', data: institutionAlert('I1', '2024-02') });
    expect(decideAlert({ type: 'RaiseInstitutionAlert', data: institutionAlert('I2', '2024-02') }, s)).toEqual([]);
    expect(decideAlert({ type: 'RaiseInstitutionAlert', data: institutionAlert('I3', '2024-03') }, s)).toEqual([
      { type: 'InstitutionFlagged', data: institutionAlert('I3', '2024-03') },
    ]);
    // February 2024 ends on the 29th: a person window from 2024-02-29 overlaps it, not one from 03-01.
    expect(foldAlertStream([{ type: 'InstitutionFlagged', data: institutionAlert('I1', '2024-02') }]).alerts[0].period).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
  });

  it('closing: an unknown alert is not found, a closed one changes nothing, a blank note is invalid input', () => {
    const s = stream(flaggedPerson(personAlert('A1', '2024-09-01', '2024-09-07')));
    expect(() => decideAlert({ type: 'CloseAlert', data: { alertId: 'NOPE', closedOn: '2024-10-01', note: 'x' } }, s)).toThrow(
      expect.objectContaining({ kind: 'not_found' }),
    );
    expect(() => decideAlert({ type: 'CloseAlert', data: { alertId: 'A1', closedOn: '2024-10-01', note: '   ' } }, s)).toThrow(
      expect.objectContaining({ field: 'note' }),
    );
    expect(decideAlert({ type: 'CloseAlert', data: { alertId: 'A1', closedOn: '2024-10-01', note: 'checked' } }, s)).toEqual([
      closed('A1'),
    ]);
    expect(
      decideAlert(
        { type: 'CloseAlert', data: { alertId: 'A1', closedOn: '2024-10-02', note: 'again' } },
        stream(flaggedPerson(personAlert('A1', '2024-09-01', '2024-09-07')), closed('A1')),
      ),
    ).toEqual([]);
  });
});
