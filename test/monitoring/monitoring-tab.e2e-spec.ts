/**
 * The auditor page's monitoring tab in headless Chromium: an institution's year as charts,
 * one per indicator, the months with an alert marked — what the API says, nothing else.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import type { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { MONITORING_RUNNER } from '../../src/monitoring/monitoring.tokens';
import { auditorBrowser, Browser, Page } from '../audit/support/chromium';
import { syntheticVisits, writeYear } from './synthetic-year';

describe('auditor page: institution monitoring tab (headless Chromium)', () => {
  let ledger: LedgerClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ledger = await startLedger({ listen: true });
    await writeYear(ledger.store, syntheticVisits({ anomalies: true }));
    await ledger.app.get<MonitoringRunner>(MONITORING_RUNNER).caughtUp();
    ({ browser, page } = await auditorBrowser());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  it("charts the institution's year with the alert month marked, and lists the year's alerts", async () => {
    await page.goto(`${ledger.url}/auditor`);
    await page.eval(`(() => {
      document.getElementById('api-key').value = ${JSON.stringify(ledger.auditorKey)};
      document.getElementById('tab-monitoring').click();
      document.getElementById('monitoring-institution').value = 'NY-L3';
      document.getElementById('monitoring-year').value = '2024';
      document.getElementById('monitoring-load').click();
    })()`);
    await page.until("document.body.getAttribute('data-monitoring-loaded') === 'NY-L3/2024'");
    const api = (await ledger.get('/monitoring/institutions/NY-L3/indicators?year=2024', ledger.auditorKey)).body;
    const shown = await page.eval<any>(`(() => ({
      personHidden: document.querySelector('main:not(#monitoring)').hidden,
      keyLeftOnScreen: document.getElementById('api-key').value,
      charts: [...document.querySelectorAll('#monitoring-charts svg.indicator-chart')].map((s) => s.getAttribute('data-indicator')),
      points: document.querySelectorAll('#monitoring-charts svg[data-indicator="perVisitCost"] circle').length,
      marks: [...document.querySelectorAll('#monitoring-charts circle.alert-mark')].map((c) => [c.closest('svg').getAttribute('data-indicator'), c.getAttribute('data-month'), c.querySelector('title').textContent]),
      threshold: document.querySelector('#monitoring-charts svg[data-indicator="examinationShare"] line.threshold-line').getAttribute('data-threshold'),
      alerts: [...document.querySelectorAll('#monitoring-alerts tbody tr')].map((tr) => [tr.getAttribute('data-alert'), ...[...tr.children].map((td) => td.textContent)]),
    }))()`);
    await page.screenshot(path.join(os.tmpdir(), 'auditor-monitoring-tab.png'));
    expect(shown.personHidden).toBe(true);
    expect(shown.keyLeftOnScreen).toBe('');
    expect(shown.charts).toEqual([
      'visits',
      'totalCost',
      'perVisitCost',
      'selfPayShare',
      'examinationShare',
      'outOfCatalogueShare',
      'drugAmount',
      'examinationAmount',
      'treatmentAmount',
      'inpatientAdmissions',
    ]);
    expect(shown.points).toBe(12);
    expect(api.alerts).toHaveLength(1);
    const [alert] = api.alerts;
    expect(shown.marks).toEqual([
      ['perVisitCost', '2024-06', expect.stringContaining(`${alert.indicator} ${alert.value} > ${alert.threshold} (${alert.clause})`)],
    ]);
    expect(shown.threshold).toBe(api.thresholds.indicators.examinationShare.max);
    expect(shown.alerts).toEqual([
      [alert.alertId, '2024-06', 'perVisitCostGrowthMoM', alert.value, alert.threshold, '焦医保〔2024〕32号 五（一）', 'open'],
    ]);
  });
});
