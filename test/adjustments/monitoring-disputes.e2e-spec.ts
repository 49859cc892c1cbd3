import type { LedgerClient } from '../../scripts/ledger-client';
import { MONITORING_RUNNER } from '../../src/monitoring/monitoring.tokens';
import type { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { appendSealed, disputeOpened, disputeRejected, disputeUpheld } from './adjustment-fixture';
import { retiredSinceJanuary, startLedger } from './retired-since-january';

/**
 * Issue 15 item 3 (monitoring): disputes opened, upheld and rejected, and corrections, per
 * institution per month; more than two upheld disputes in a month (config/monitoring-thresholds.json,
 * a deployment parameter serving 焦医保〔2024〕32号 五（一）) raises one alert, exactly once.
 */
describe('monitoring counts disputes and adjustments per institution', () => {
  let ledger: LedgerClient;
  const settled = () => (ledger.app.get(MONITORING_RUNNER) as MonitoringRunner).caughtUp();
  const month = async (code: string, m: string) => {
    const res = await ledger.get(`/monitoring/institutions/${code}/indicators?year=${m.slice(0, 4)}`);
    expect(res.status).toBe(200);
    return { month: res.body.months.find((x: any) => x.month === m), alerts: res.body.alerts };
  };
  const subject = (n: number) => ({ kind: 'settlements' as const, personId: `P${n}`, settlementIds: [`S${n}`] });

  beforeAll(async () => {
    ledger = await startLedger();
    await retiredSinceJanuary(ledger);
    // NY-H2, June 2023: four disputes opened, two upheld (at the threshold, not over it), one rejected.
    for (const n of [1, 2, 3, 4])
      await appendSealed(ledger.store, `dispute-D${n}`, [disputeOpened(`D${n}`, `2023-06-0${n}T10:00:00+08:00`, subject(n), 'NY-H2')]);
    await appendSealed(ledger.store, 'dispute-D1', [disputeUpheld('D1', '2023-06-10T10:00:00+08:00', 'C1')]);
    await appendSealed(ledger.store, 'dispute-D2', [disputeUpheld('D2', '2023-06-11T10:00:00+08:00', 'C2')]);
    await appendSealed(ledger.store, 'dispute-D3', [disputeRejected('D3', '2023-06-12T10:00:00+08:00', 'no error found')]);
    await settled();
  }, 60_000);
  afterAll(async () => ledger?.close());

  it('counts opened, upheld, rejected in the month they happened, and corrections in the visit month with their fund delta', async () => {
    expect((await month('NY-H2', '2023-06')).month.disputes).toEqual({
      opened: 4,
      upheld: 2,
      rejected: 1,
      adjustments: 0,
      adjustmentFundDelta: '0.00',
    });
    expect((await month('NY-H2', '2023-03')).month.disputes).toEqual({
      opened: 0,
      upheld: 0,
      rejected: 0,
      adjustments: 1,
      adjustmentFundDelta: '40.00',
    });
    expect((await month('NY-H2', '2023-04')).month.disputes.adjustments).toBe(1);
  });

  it('two upheld disputes do not cross the threshold (max 2); a third raises one alert, citing the clause', async () => {
    expect((await month('NY-H2', '2023-06')).alerts.filter((a: any) => a.indicator === 'disputesUpheld')).toEqual([]);
    await appendSealed(ledger.store, 'dispute-D4', [disputeUpheld('D4', '2023-06-20T10:00:00+08:00', 'C4')]);
    await settled();
    const { month: june, alerts } = await month('NY-H2', '2023-06');
    expect(june.disputes.upheld).toBe(3);
    const raised = alerts.filter((a: any) => a.indicator === 'disputesUpheld');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ value: '3', threshold: '2', clause: '焦医保〔2024〕32号 五（一）' });
  });

  it('exactly once: a dispute resolved twice, or opened twice, counts once and raises no second alert', async () => {
    await appendSealed(ledger.store, 'dispute-D4', [disputeUpheld('D4', '2023-06-21T10:00:00+08:00', 'C4')]);
    await appendSealed(ledger.store, 'dispute-D2', [disputeOpened('D2', '2023-06-24T10:00:00+08:00', subject(2), 'NY-H2')]);
    await appendSealed(ledger.store, 'dispute-D5', [disputeOpened('D5', '2023-06-22T10:00:00+08:00', subject(5), 'NY-H2')]);
    await appendSealed(ledger.store, 'dispute-D5', [disputeUpheld('D5', '2023-06-23T10:00:00+08:00', 'C5')]);
    await settled();
    const { month: june, alerts } = await month('NY-H2', '2023-06');
    expect(june.disputes).toMatchObject({ opened: 5, upheld: 4 });
    expect(alerts.filter((a: any) => a.indicator === 'disputesUpheld')).toHaveLength(1);
    const events = await ledger.store.readAll();
    expect(events.filter((e) => e.type === 'InstitutionFlagged' && (e.data as any).indicator === 'disputesUpheld')).toHaveLength(1);
  });
});
