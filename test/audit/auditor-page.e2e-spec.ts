import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { auditorBrowser, Browser, Page } from './support/chromium';
import { writeStory } from './story';

/** The auditor's page in headless Chromium: what it shows must be what the API says. */
describe('auditor page (headless Chromium)', () => {
  let ledger: LedgerClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ledger = await startLedger({ listen: true });
    await writeStory(ledger);
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    ({ browser, page } = await auditorBrowser());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  it('is served without a key and asks for one', async () => {
    await page.goto(`${ledger.url}/auditor`);
    expect(await page.eval('document.title')).toContain('Auditor');
    expect(await page.eval("!!document.getElementById('api-key')")).toBe(true);
  });

  it("shows the person's year as the API gives it: summary, cap line with the retirement step, visits, balance", async () => {
    await page.eval(`(() => {
      document.getElementById('api-key').value = ${JSON.stringify(ledger.auditorKey)};
      document.getElementById('person-id').value = 'NY-A1';
      document.getElementById('year').value = '2023';
      document.getElementById('load').click();
    })()`);
    await page.until("document.body.getAttribute('data-loaded') === 'NY-A1/2023'");
    const api = (await ledger.get('/persons/NY-A1/years/2023', ledger.auditorKey)).body.result;
    const account = (await ledger.get('/persons/NY-A1/account/statement', ledger.auditorKey)).body.result;
    const shown = await page.eval<any>(`(() => ({
      category: document.getElementById('summary-category').textContent,
      fundPaid: document.getElementById('summary-fund-paid').textContent,
      cap: document.getElementById('summary-cap').textContent,
      capRemaining: document.getElementById('summary-cap-remaining').textContent,
      balance: document.getElementById('account-balance').textContent,
      retirement: document.getElementById('retirement-switch').textContent,
      keyLeftOnScreen: document.getElementById('api-key').value,
      rows: [...document.querySelectorAll('#visits tbody tr')].map((tr) => [tr.getAttribute('data-settlement'), ...[...tr.children].slice(0, 12).map((td) => td.textContent)]),
      dots: [...document.querySelectorAll('#cap-chart circle.visit')].map((c) => c.getAttribute('data-settlement')),
      capLines: [...document.querySelectorAll('#cap-chart line.cap-line')].map((l) => [l.getAttribute('data-category'), l.getAttribute('data-cap')]),
      switchLines: document.querySelectorAll('#cap-chart line.switch-line').length,
      usage: !!document.querySelector('#cap-chart polyline#usage'),
      timeline: [...document.querySelectorAll('#timeline tbody tr')].map((tr) => tr.getAttribute('data-category')),
    }))()`);
    expect(shown).toMatchObject({
      category: api.category,
      fundPaid: api.fundPaid,
      cap: api.capInForce,
      capRemaining: api.capRemaining,
      balance: account.balance,
      keyLeftOnScreen: '',
    });
    expect(shown.retirement).toContain('Retirement processed 2023-06-15');
    expect(shown.retirement).toContain('2023-07-01');
    expect(shown.rows).toEqual(
      api.settlements.map((s: any) => [
        s.settlementId,
        s.visitDate,
        s.settlementId,
        `${s.institutionCode} (${s.institutionLevel})`,
        s.category,
        s.total,
        s.policyScope,
        s.deductible,
        s.rate,
        s.fund,
        s.account,
        s.cash,
        s.fundPaidAfter,
      ]),
    );
    expect(shown.dots).toEqual(api.settlements.map((s: any) => s.settlementId));
    expect(shown.capLines).toEqual(api.byCategory.map((p: any) => [p.category, p.cap]));
    expect(shown.capLines).toEqual([
      ['in_service', '1500.00'],
      ['retired', '2000.00'],
    ]);
    expect(shown.switchLines).toBe(1);
    expect(shown.usage).toBe(true);
    expect(shown.timeline).toEqual(['in_service', 'retired']);
    await page.screenshot(path.join(os.tmpdir(), 'auditor-page.png'));
  });

  it('a visit opens its explanation, the same text the API gives', async () => {
    await page.eval(`document.querySelector('#visits tr[data-settlement="S-AUG"] button.explain').click()`);
    await page.until(`document.getElementById('explain-panel').getAttribute('data-settlement') === 'S-AUG'`);
    const text = await page.eval<string>("document.getElementById('explain-panel').textContent");
    const api = await ledger.get('/persons/NY-A1/settlements/S-AUG/explain?format=text', ledger.auditorKey);
    expect(text).toBe(api.text);
    expect(text).toContain('宛政办〔2022〕42号 第五条（二）');
    // A dot on the chart opens the same thing for its visit.
    await page.eval(
      `document.querySelector('#cap-chart circle.visit[data-settlement="S-MAR"]').dispatchEvent(new MouseEvent('click', { bubbles: true }))`,
    );
    await page.until(`document.getElementById('explain-panel').getAttribute('data-settlement') === 'S-MAR'`);
    expect(await page.eval<string>("document.getElementById('explain-panel').textContent")).toContain('Settlement S-MAR');
  });

  it('replay from the page reports 0 differences and an intact chain', async () => {
    await page.eval("document.getElementById('replay').click()");
    const shown = await page.until<string>("document.getElementById('replay-result').textContent");
    expect(shown).toBe('Replay of 3 settlement(s): 0 differences; hash chain intact.');
    await page.screenshot(path.join(os.tmpdir(), 'auditor-page-explained.png'));
  });
});
