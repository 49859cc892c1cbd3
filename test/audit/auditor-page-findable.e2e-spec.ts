import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import type { ReadSideRunner } from '../../src/projections/read-side-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { auditorBrowser, Browser, Page } from './support/chromium';
import { writeStory } from './story';

/** Issue 13 item 9: the auditor page keeps its key, finds persons, fits 1,280 px, marks what monitoring did and did not check. */
describe('auditor page: fixed and findable (headless Chromium)', () => {
  let ledger: LedgerClient;
  let browser: Browser;
  let page: Page;
  const shot = path.join(os.tmpdir(), 'auditor-page-findable.png');

  beforeAll(async () => {
    ledger = await startLedger({ listen: true });
    await writeStory(ledger);
    // A second person with no 2023 visit (an empty year), and a visit mostly outside the catalogue at NY-H2.
    ledger.clock.set('2023-09-01T09:00:00+08:00');
    await ledger.must('/persons', {
      personId: 'NY-A2',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-09-01',
      contributionBase: '4000.00',
      relatives: [],
    });
    await ledger.must('/persons', {
      personId: 'NY-B7',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-09-01',
      contributionBase: '4000.00',
      relatives: [],
    });
    ledger.clock.set('2023-09-05T10:00:00+08:00');
    await ledger.must('/persons/NY-B7/visits', {
      settlementId: 'S-OOC',
      visitId: 'V-OOC',
      institutionCode: 'NY-H2',
      occurredAt: '2023-09-05T10:00:00+08:00',
      settledAt: '2023-09-05T10:00:00+08:00',
      medType: 'ordinary',
      lines: [
        { code: 'X-9', amount: '400.00', inCatalogue: false },
        { code: 'DRUG-1', amount: '50.00', inCatalogue: true },
      ],
      account: { source: 'none' },
    });
    await ledger.app.get<ReadSideRunner>(PROJECTION_RUNNER).caughtUp();
    ({ browser, page } = await auditorBrowser());
    await page.goto(`${ledger.url}/auditor`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  const loadPerson = async (personId: string, key = '') => {
    await page.eval(`(() => {
      document.getElementById('api-key').value = ${JSON.stringify(key)};
      document.getElementById('person-id').value = ${JSON.stringify(personId)};
      document.getElementById('year').value = '2023';
      document.getElementById('load').click();
    })()`);
  };
  const visitRows = () =>
    page.eval<string[]>(
      `[...document.querySelectorAll('#visits tbody tr')].map((tr) => tr.getAttribute('data-settlement') || tr.textContent)`,
    );

  it('lists persons by id prefix with the one list convention, filters checked', async () => {
    const all = (await ledger.get('/persons?idPrefix=NY-', ledger.auditorKey)).body;
    expect(all.items.map((p: any) => p.personId)).toEqual(['NY-A1', 'NY-A2', 'NY-B7']);
    expect(all.items[0]).toEqual({
      personId: 'NY-A1',
      scheme: 'employee',
      region: 'nanyang',
      category: 'retired',
      enrolledOn: '2023-01-01',
    });
    const first = (await ledger.get('/persons?idPrefix=NY-A&limit=1', ledger.auditorKey)).body;
    expect(first.items.map((p: any) => p.personId)).toEqual(['NY-A1']);
    const second = (await ledger.get(`/persons?idPrefix=NY-A&limit=1&cursor=${first.nextCursor}`, ledger.auditorKey)).body;
    expect(second).toEqual({ items: [expect.objectContaining({ personId: 'NY-A2' })], nextCursor: null });
    expect(
      (await ledger.get('/persons?category=in_service&region=nanyang&scheme=employee', ledger.auditorKey)).body.items.map(
        (p: any) => p.personId,
      ),
    ).toEqual(['NY-A2', 'NY-B7']);
    const bad = await ledger.get('/persons?scheme=private', ledger.auditorKey);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('scheme must be employee or resident');
  });

  it('two Loads in a row: the key is kept, the second shows only the second person (empty year said so)', async () => {
    await loadPerson('NY-A1', ledger.auditorKey);
    await page.until("document.body.getAttribute('data-loaded') === 'NY-A1/2023'");
    expect(await visitRows()).toEqual(['S-MAR', 'S-JUN', 'S-AUG']);
    await loadPerson('NY-A2');
    await page.until("document.body.getAttribute('data-loaded') === 'NY-A2/2023'");
    const shown = await page.eval<any>(`({
      status: document.getElementById('status').textContent,
      fundPaid: document.getElementById('summary-fund-paid').textContent,
      chartDots: document.querySelectorAll('#cap-chart circle.visit').length,
    })`);
    expect(shown.status).not.toContain('401');
    expect(shown.fundPaid).toBe((await ledger.get('/persons/NY-A2/years/2023', ledger.auditorKey)).body.result.fundPaid);
    expect(shown.chartDots).toBe(0);
    expect(await visitRows()).toEqual(['No visits in 2023.']);
  });

  it('a failed Load leaves nothing of the previous person on screen', async () => {
    await loadPerson('NY-A1');
    await page.until("document.body.getAttribute('data-loaded') === 'NY-A1/2023'");
    await loadPerson('NY-ZZ');
    await page.until("document.getElementById('status').className === 'err'");
    expect(await page.eval("document.getElementById('status').textContent")).toContain('404');
    expect(await visitRows()).toEqual(['Not loaded.']);
    expect(await page.eval("document.getElementById('summary-fund-paid').textContent")).toBe('—');
  });

  it('finds a person by id prefix and loads the one clicked', async () => {
    await page.eval(`(() => { document.getElementById('person-search').value = 'NY-A'; document.getElementById('search').click(); })()`);
    await page.until("document.body.getAttribute('data-searched') === 'NY-A'");
    expect(
      await page.eval(`[...document.querySelectorAll('#person-results button.person-result')].map((b) => b.getAttribute('data-person'))`),
    ).toEqual(['NY-A1', 'NY-A2']);
    await page.eval(`document.querySelector('#person-results button[data-person="NY-A1"]').click()`);
    await page.until("document.body.getAttribute('data-loaded') === 'NY-A1/2023'");
    await page.eval(`(() => { document.getElementById('person-search').value = 'QQ'; document.getElementById('search').click(); })()`);
    await page.until("document.body.getAttribute('data-searched') === 'QQ'");
    expect(await page.eval("document.getElementById('person-results').textContent")).toBe('No person\'s id starts with "QQ".');
  });

  it('does not overflow horizontally at 1,280 px (person and monitoring tabs) and lists CJK fonts', async () => {
    expect(await page.eval('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    const fonts = await page.eval<string>('getComputedStyle(document.body).fontFamily');
    for (const f of ['PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei']) expect(fonts).toContain(f);
    await page.screenshot(shot.replace('.png', '-person.png'));
  });

  it('monitoring marks values past the threshold and months not checked, and says when there is no alert', async () => {
    await page.eval(`(() => {
      document.getElementById('tab-monitoring').click();
      document.getElementById('monitoring-institution').value = 'NY-H2';
      document.getElementById('monitoring-year').value = '2023';
      document.getElementById('monitoring-load').click();
    })()`);
    await page.until("document.body.getAttribute('data-monitoring-loaded') === 'NY-H2/2023'");
    const shown = await page.eval<any>(`({
      over: [...document.querySelectorAll('svg[data-indicator="outOfCatalogueShare"] .over-threshold')].map((m) => [m.getAttribute('data-month'), m.querySelector('title').textContent]),
      unchecked: [...document.querySelectorAll('svg[data-indicator="outOfCatalogueShare"] .not-checked')].map((m) => m.getAttribute('data-month')),
      note: document.querySelector('svg[data-indicator="outOfCatalogueShare"]').closest('figure').querySelector('.unchecked-note').textContent,
      summary: document.getElementById('monitoring-unchecked').textContent,
      alerts: [...document.querySelectorAll('#monitoring-alerts tbody tr')].map((tr) => tr.textContent),
      width: document.documentElement.scrollWidth,
    })`);
    // September: 400 of 450 outside the catalogue (0.89 > 0.20), but 1 visit, under the minimum of 20: marked, not alerted.
    expect(shown.over).toEqual([['2023-09', expect.stringContaining('past the threshold 0.2')]]);
    expect(shown.over[0][1]).toContain('not checked (1 visits, under the minimum of 20)');
    expect(shown.unchecked).toEqual(['2023-03', '2023-06', '2023-08', '2023-09']);
    expect(shown.note).toBe('months 03, 06, 08, 09 not checked (under 20 visits)');
    expect(shown.summary).toBe('Shares and growth are checked only on months with at least 20 visits; not checked: 03, 06, 08, 09.');
    expect(shown.alerts).toEqual(['No alerts for NY-H2 in 2023.']);
    expect(shown.width).toBeLessThanOrEqual(1280);
    await page.screenshot(shot);
  });
});
