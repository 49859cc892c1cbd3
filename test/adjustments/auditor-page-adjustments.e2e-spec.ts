import * as os from 'node:os';
import * as path from 'node:path';
import type { LedgerClient } from '../../scripts/ledger-client';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { auditorBrowser, Browser, Page } from '../audit/support/chromium';
import { appendSealed, disputeOpened, disputeUpheld } from './adjustment-fixture';
import { CORRECTION, DISPUTE, PERSON, retiredSinceJanuary, startLedger } from './retired-since-january';

/** Issue 15 item 3: the auditor page marks adjusted and disputed visits on the timeline and in the table. */
describe('auditor page marks adjusted and disputed visits (headless Chromium)', () => {
  let ledger: LedgerClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ledger = await startLedger({ listen: true });
    await retiredSinceJanuary(ledger);
    await appendSealed(ledger.store, `dispute-${DISPUTE}`, [
      disputeOpened(DISPUTE, '2023-05-20T10:00:00+08:00', { kind: 'settlements', personId: PERSON, settlementIds: ['S1'] }, 'NY-H2'),
    ]);
    await appendSealed(ledger.store, `dispute-${DISPUTE}`, [disputeUpheld(DISPUTE, '2023-06-01T10:00:00+08:00', CORRECTION)]);
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    ({ browser, page } = await auditorBrowser());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  it('S1 (adjusted, disputed) and S2 (adjusted) are marked; figures read "as settled → now"; replay counts the adjustments', async () => {
    await page.goto(`${ledger.url}/auditor`);
    await page.eval(`(() => {
      document.getElementById('api-key').value = ${JSON.stringify(ledger.auditorKey)};
      document.getElementById('person-id').value = ${JSON.stringify(PERSON)};
      document.getElementById('year').value = '2023';
      document.getElementById('load').click();
    })()`);
    await page.until(`document.body.getAttribute('data-loaded') === '${PERSON}/2023'`);
    const shown = await page.eval<any>(`(() => ({
      fundPaid: document.getElementById('summary-fund-paid').textContent,
      rows: [...document.querySelectorAll('#visits tbody tr')].map((tr) => [tr.getAttribute('data-settlement'), tr.className, tr.children[3].textContent, tr.children[7].textContent, tr.children[8].textContent, [...tr.querySelectorAll('.badge')].map((b) => b.textContent)]),
      categoryNote: document.getElementById('retirement-switch').textContent,
      adjustedDots: [...document.querySelectorAll('#cap-chart circle.visit.adjusted')].map((c) => c.getAttribute('data-settlement')),
      rings: [...document.querySelectorAll('#cap-chart circle.disputed-ring')].map((c) => c.getAttribute('data-settlement')),
      ringTitle: document.querySelector('#cap-chart circle.disputed-ring title').textContent,
      statement: [...document.querySelectorAll('#statement tbody tr')].map((tr) => tr.children[1].textContent),
    }))()`);
    expect(shown.fundPaid).toBe('520.00');
    expect(shown.rows).toEqual([
      ['S1', 'adjusted disputed', 'in_service → retired', '0.55 → 0.65', '220.00 → 260.00', ['adjusted', 'disputed upheld']],
      ['S2', 'adjusted', 'in_service → retired', '0.55 → 0.65', '220.00 → 260.00', ['adjusted']],
    ]);
    expect(shown.categoryNote).toBe(
      `Category corrected by ${CORRECTION}: retired from 2023-01-01; the visits it affects are marked adjusted.`,
    );
    expect(shown.adjustedDots).toEqual(['S1', 'S2']);
    expect(shown.rings).toEqual(['S1']);
    expect(shown.ringTitle).toContain(`adjusted by ${CORRECTION}`);
    expect(shown.ringTitle).toContain(`disputed: ${DISPUTE} (upheld, WRONG_CATEGORY)`);
    expect(shown.statement).toContain(`AccountRefunded correctionId:${CORRECTION} settlementId:S1`);
    await page.screenshot(path.join(os.tmpdir(), 'auditor-page-adjustments.png'));
    await page.eval(`document.getElementById('replay').click()`);
    await page.until(`document.getElementById('replay-result').textContent.length > 0`);
    expect(await page.eval<string>("document.getElementById('replay-result').textContent")).toContain(
      'Replay of 2 settlement(s) and 2 adjustment(s): 0 differences; hash chain intact.',
    );
  });
});
