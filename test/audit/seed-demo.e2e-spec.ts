import { DEMO_ALERTS, monitoringSettled, seedDemo, SeedSummary } from '../../scripts/seed-demo';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';

describe('seed:demo writes a realistic ledger through the API, and replay finds 0 differences', () => {
  let ledger: LedgerClient;
  let summary: SeedSummary;

  beforeAll(async () => {
    ledger = await startLedger();
    summary = await seedDemo(ledger);
  }, 180_000);
  afterAll(() => ledger?.close());

  it('covers the three packs, the cases asked for, over two years where the pack allows', async () => {
    expect(summary.persons).toBeGreaterThanOrEqual(24);
    expect(summary.institutions).toBe(9);
    expect(summary.reversals).toBe(1);
    const years = new Set(summary.personYears.map((p) => `${p.personId.slice(0, 2)}:${p.year}`));
    for (const y of ['NY:2022', 'NY:2023', 'AY:2020', 'JZ:2024', 'JZ:2025']) expect(years).toContain(y);
    const x = (await ledger.get('/persons/NY-X01/rate-timeline')).body.result;
    expect(x.map((s: any) => [s.category, s.from])).toEqual([
      ['in_service', '2022-07-01'],
      ['retired', '2023-07-01'],
    ]);
    const student = (await ledger.get('/persons/AY-S01/years/2020')).body.result;
    expect(student.capInForce).toBe('400.00'); // 安医保〔2019〕75号 附件: college students 400
    const inpatient = (await ledger.get('/persons/AY-03/settlements/S-AY-03-INPATIENT')).body;
    expect(inpatient.decision.amounts.fund).toBe('0.00');
    expect(inpatient.decision.reasons.map((r: any) => r.code)).toContain('INPATIENT');
    const family = (await ledger.get('/persons/NY-F01/account/statement')).body.result;
    expect(family.lines.some((l: any) => l.type === 'FamilyAccountPayment')).toBe(true);
  });

  it('raises an institution alert and a person alert (issue 13 item 10), with the ids the README uses', async () => {
    await monitoringSettled(ledger);
    const inst = (await ledger.get(`/monitoring/alerts?institution=${DEMO_ALERTS.institution.code}`, ledger.auditorKey)).body.items;
    expect(inst.map((a: any) => a.alertId)).toContain(DEMO_ALERTS.institution.alertId);
    const person = (await ledger.get(`/monitoring/alerts?person=${DEMO_ALERTS.person.personId}`, ledger.auditorKey)).body.items;
    expect(person.map((a: any) => a.indicator)).toContain('institutionsOnOneDay');
    expect(person.find((a: any) => a.indicator === 'institutionsOnOneDay').period.from).toBe(DEMO_ALERTS.person.date);
  });

  it('every person-year with settlements replays to 0 differences with an intact hash chain', async () => {
    let checked = 0;
    for (const { personId, year } of summary.personYears) {
      const res = await ledger.post('/audit/replay', { personId, year }, ledger.auditorKey);
      expect(res.status).toBe(200);
      expect({ personId, year, verdict: res.body.verdict, intact: res.body.chain.intact, diffs: res.body.differences }).toEqual({
        personId,
        year,
        verdict: '0 differences',
        intact: true,
        diffs: [],
      });
      checked += res.body.settlementsChecked;
    }
    expect(checked).toBe(summary.settlements);
  });
});
