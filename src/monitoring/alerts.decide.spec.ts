import { deciderSpec } from '../../test/support/given-when-then';
import { InvalidInput, NotFound } from '../kernel/errors';
import { alertDecider } from './alerts.decide';
import type { AlertEvent, InstitutionFlagged } from './alerts.events';

const flagged = (month: string, alertId = `institution-NY-H3:examinationShare:${month}`): InstitutionFlagged => ({
  type: 'InstitutionFlagged',
  data: {
    alertId,
    institutionCode: 'NY-H3',
    month,
    indicator: 'examinationShare',
    value: '0.41',
    threshold: '0.30',
    clause: '宛政办〔2022〕42号 第十九条',
    basis: {},
    triggeredBy: { streamId: 'person-P1', revision: 3 },
  },
});
const closed = (alertId: string): AlertEvent => ({
  type: 'AlertClosed',
  data: { alertId, closedOn: '2023-12-05', note: 'reviewed: tests ordered by the chronic-disease programme' },
});
const given = deciderSpec(alertDecider);

describe('alert decider (given / when / then): one alert per crossing', () => {
  const nov = flagged('2023-11');

  it('raises a first crossing', () => given([]).when({ type: 'RaiseInstitutionAlert', data: nov.data }).then([nov]));

  it('does not raise the same crossing twice, even once it is closed', () => {
    given([nov]).when({ type: 'RaiseInstitutionAlert', data: nov.data }).then([]);
    given([nov, closed(nov.data.alertId)])
      .when({ type: 'RaiseInstitutionAlert', data: nov.data })
      .then([]);
  });

  it('an open alert of the indicator covers an overlapping period; another month is its own crossing', () => {
    given([nov])
      .when({ type: 'RaiseInstitutionAlert', data: { ...nov.data, alertId: 'other-id' } })
      .then([]);
    const dec = flagged('2023-12');
    given([nov]).when({ type: 'RaiseInstitutionAlert', data: dec.data }).then([dec]);
  });

  it('closes an open alert once, with a note; an unknown alert or an empty note is refused', () => {
    const close = {
      type: 'CloseAlert' as const,
      data: closed(nov.data.alertId).data as { alertId: string; closedOn: string; note: string },
    };
    given([nov])
      .when(close)
      .then([closed(nov.data.alertId)]);
    given([nov, closed(nov.data.alertId)])
      .when(close)
      .then([]);
    given([]).when(close).thenThrows(NotFound);
    given([nov])
      .when({ type: 'CloseAlert', data: { ...close.data, note: '  ' } })
      .thenThrows(InvalidInput);
  });
});
