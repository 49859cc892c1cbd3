/**
 * Monitoring through the real service: visits settled over HTTP (one without line
 * categories), the monitor fed by the store's subscription, alerts on their own streams,
 * the query API by role, closing an alert.
 */
import { money } from '../../src/kernel/money';
import type { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { MONITORING_RUNNER } from '../../src/monitoring/monitoring.tokens';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
});
afterAll(() => h.close());

const agency = () => h.keys.agency;
const post = (path: string, body: unknown, key = agency()) =>
  h.http
    .post(path)
    .set('x-api-key', key)
    .send(body as object);
const get = (path: string, key = agency()) => h.http.get(path).set('x-api-key', key);
const settled = () => (h.app.get(MONITORING_RUNNER) as MonitoringRunner).caughtUp();

const visit = (settlementId: string, institutionCode: string, occurredAt: string, lines: object[]) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode,
  occurredAt,
  settledAt: occurredAt,
  medType: 'ordinary',
  lines,
});

describe('monitoring over HTTP', () => {
  const decisions: Record<string, any> = {};

  beforeAll(async () => {
    expect((await post('/persons', nanyangEmployee('M1'))).status).toBe(201);
    const day = '2023-03-06';
    const plan: Array<[string, string, object[]]> = [
      [
        'S-M1-1',
        'NY-L1',
        [
          { code: 'E1', amount: '60.00', inCatalogue: true, category: 'examination' },
          { code: 'D1', amount: '40.00', inCatalogue: true, category: 'drug' },
        ],
      ],
      // No categories at all: still settles; its lines count as 'other'.
      [
        'S-M1-2',
        'NY-L2',
        [
          { code: 'A1', amount: '80.00', inCatalogue: true },
          { code: 'A2', amount: '20.00', inCatalogue: false },
        ],
      ],
      ['S-M1-3', 'NY-L3', [{ code: 'T1', amount: '150.00', inCatalogue: true, category: 'treatment' }]],
    ];
    for (const [id, code, lines] of plan) {
      const res = await post('/persons/M1/visits', visit(id, code, `${day}T${10 + Object.keys(decisions).length}:00:00+08:00`, lines));
      expect(res.status).toBe(201);
      decisions[id] = res.body.decision;
    }
    await settled();
  });

  it('settles a visit without line categories (written at the current VisitSettled version; the lines hold no category or "other")', async () => {
    const events = await h.store.readStream('person-M1');
    const second = events.find((e) => e.type === 'VisitSettled' && (e.data as any).settlementId === 'S-M1-2')!;
    expect(second.metadata.schemaVersion).toBe(3);
    for (const l of (second.data as any).visit.lines) expect([undefined, 'other']).toContain(l.category);
  });

  it('flags visits at three institutions on one day once, on the alert stream — never on the person stream', async () => {
    const res = await get('/monitoring/alerts?person=M1', h.keys.auditor);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        alertId: 'person-M1:institutionsOnOneDay:2023-03-06..2023-03-06',
        subject: { kind: 'person', id: 'M1' },
        streamId: 'alerts-person-M1',
        indicator: 'institutionsOnOneDay',
        value: '3',
        threshold: '2',
        clause: '焦医保〔2024〕32号 五（一）',
        open: true,
      }),
    ]);
    expect((await h.store.readStream('alerts-person-M1')).map((e) => e.type)).toEqual(['PersonFlagged']);
    expect((await h.store.readStream('person-M1')).map((e) => e.type)).not.toContain('PersonFlagged');
  });

  it("reads an institution's year by month: the settled figures and the lines without a category as 'other'", async () => {
    const res = await get('/monitoring/institutions/NY-L2/indicators?year=2023', h.keys.auditor);
    expect(res.status).toBe(200);
    expect(res.body.months).toHaveLength(12);
    const march = res.body.months[2];
    const d = decisions['S-M1-2'];
    const total = money(d.amounts.total);
    expect(march).toEqual(
      expect.objectContaining({
        month: '2023-03',
        visits: 1,
        settlements: 1,
        totalCost: '100.00',
        perVisitCost: '100.00',
        selfPayShare: total.minus(money(d.amounts.fund)).div(total).toDecimalPlaces(4).toFixed(4),
        outOfCatalogueShare: '0.2000',
        examinationShare: '0.0000',
      }),
    );
    expect(march.amounts.other).toBe('100.00');
    expect(d.amounts.total).toBe('100.00');
    expect(res.body.months[1]).toEqual(expect.objectContaining({ month: '2023-02', visits: 0, perVisitCost: null }));
  });

  it("reads a person's frequency", async () => {
    const res = await get('/monitoring/persons/M1/frequency?asOf=2023-03-10');
    expect(res.status).toBe(200);
    expect(res.body.visitsIn7Days).toEqual({ from: '2023-03-04', to: '2023-03-10', count: 3 });
    expect(res.body.lastYear.daysAtSeveralInstitutions).toEqual([{ date: '2023-03-06', institutions: ['NY-L1', 'NY-L2', 'NY-L3'] }]);
  });

  it('refuses bad input and other roles', async () => {
    expect((await get('/monitoring/institutions/NY-L2/indicators?year=23')).status).toBe(400);
    expect((await get('/monitoring/alerts?indicator=nonsense')).status).toBe(400);
    expect((await get('/monitoring/alerts', h.keys.institution('NY-L2'))).status).toBe(403);
    expect(
      (
        await post(
          '/monitoring/alerts/close',
          { alertId: 'person-M1:institutionsOnOneDay:2023-03-06..2023-03-06', note: 'x' },
          h.keys.auditor,
        )
      ).status,
    ).toBe(403);
    expect((await post('/monitoring/alerts/close', { alertId: 'no-such-alert', note: 'x' })).status).toBe(404);
  });

  it('the agency closes an alert; a rebuilt monitor neither reopens nor repeats it', async () => {
    const alertId = 'person-M1:institutionsOnOneDay:2023-03-06..2023-03-06';
    const closeWith = (note: string) =>
      h.http
        .post('/monitoring/alerts/close')
        .set('x-api-key', agency())
        .set('Idempotency-Key', 'close-M1-0306')
        .send({ alertId, note, closedOn: '2023-03-20' });
    // A review is closed once it is done: a closedOn later than the ledger's date is 400, nothing written.
    const beforeAhead = await h.store.headPosition();
    const ahead = await h.http
      .post('/monitoring/alerts/close')
      .set('x-api-key', agency())
      .send({ alertId, note: '核实', closedOn: '2099-03-20' });
    expect([ahead.status, ahead.body.errors?.[0]?.field]).toEqual([400, 'closedOn']);
    expect(await h.store.headPosition()).toBe(beforeAhead);
    const res = await closeWith('核实：同日分别就诊，属实');
    expect(res.status).toBe(201);
    // The same key: the same request is replayed, another request is refused and writes nothing (issue 11 item 2).
    const before = await h.store.headPosition();
    expect((await closeWith('核实：同日分别就诊，属实')).headers['idempotent-replayed']).toBe('true');
    const reused = await closeWith('another note');
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await h.store.headPosition()).toBe(before);
    await settled();
    expect((await get('/monitoring/alerts?person=M1')).body.items).toEqual([]);
    const head = await h.store.headPosition();
    await (h.app.get(MONITORING_RUNNER) as MonitoringRunner).rebuild();
    await settled();
    expect(await h.store.headPosition()).toBe(head);
    const all = (await get('/monitoring/alerts?person=M1&status=all')).body.items;
    expect(all.map((a: any) => [a.alertId, a.open])).toEqual([[alertId, false]]);
    const status = await get('/monitoring/status');
    expect(status.body).toEqual(expect.objectContaining({ lag: 0, pendingAlerts: 0, running: true }));
  });
});
