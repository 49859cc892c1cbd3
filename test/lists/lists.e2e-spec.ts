/**
 * Lists with cursor pagination (issue 12 item 4): institutions, a person's settlements, an
 * institution's settlements by date range, the account statement, alerts. Paged while
 * events are appended: no item twice, none lost among those present before the first page.
 */
import type { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { MONITORING_RUNNER } from '../../src/monitoring/monitoring.tokens';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { employee, post, seedFeedLedger, settleVisits, visit } from '../feed/feed-fixture';
import { LedgerHarness, startLedger } from '../support/ledger-app';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger();
  await seedFeedLedger(h);
});
afterAll(() => h.close());

const caughtUp = async () => {
  await h.app.get(PROJECTION_RUNNER).caughtUp();
  await (h.app.get(MONITORING_RUNNER) as MonitoringRunner).caughtUp();
};
const get = async (path: string, key = h.keys.agency) => {
  const res = await h.http.get(path).set('x-api-key', key);
  return res;
};
const withQuery = (path: string, q: string) => `${path}${path.includes('?') ? '&' : '?'}${q}`;

/** Pages through `path`, calling `between` after each page (to append meanwhile); returns every item served. */
async function pageThrough(path: string, limit: number, between: (page: number) => Promise<void> = async () => undefined): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await get(withQuery(path, `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
    await between(page);
  }
  throw new Error('more than 100 pages');
}

async function everything(path: string): Promise<any[]> {
  await caughtUp();
  const res = await get(withQuery(path, 'limit=500'));
  expect(res.body.nextCursor).toBeNull();
  return res.body.items;
}

function expectStablePaging(before: any[], served: any[], key: (item: any) => string | number): void {
  const keys = served.map(key);
  expect(new Set(keys).size).toBe(keys.length);
  for (const item of before) expect(keys).toContain(key(item));
}

describe('GET /institutions', () => {
  it('pages in registration order while institutions are registered meanwhile', async () => {
    const before = await everything('/institutions');
    expect(before.map((i) => i.code)).toEqual(['NY-L1', 'NY-L2', 'NY-L3', 'AY-TWN', 'AY-CTY']);
    let n = 0;
    const served = await pageThrough('/institutions', 2, async () => {
      await post(h, '/institutions', {
        code: `NY-X${++n}`,
        name: `新增机构${n}`,
        category: 'community_health_centre',
        level: 'level1',
        location: 'city',
        region: 'nanyang',
        designations: ['employee'],
      });
      await caughtUp();
    });
    expectStablePaging(before, served, (i) => i.code);
    expect(served.map((i) => i.registeredPosition)).toEqual([...served.map((i) => i.registeredPosition)].sort((a, b) => a - b));
  });

  it('filters by region and shows profile changes', async () => {
    await h.http.patch('/institutions/AY-CTY').set('x-api-key', h.keys.agency).send({ name: '安阳县人民医院（新院区）' });
    await caughtUp();
    const anyang = await everything('/institutions?region=anyang');
    expect(anyang.map((i) => [i.code, i.name])).toEqual([
      ['AY-TWN', '安阳县某乡镇卫生院'],
      ['AY-CTY', '安阳县人民医院（新院区）'],
    ]);
  });
});

describe('GET /persons/:id/settlements', () => {
  it('pages in settlement order, reversed ones marked, while the person settles meanwhile', async () => {
    await post(h, '/persons', employee('L1'));
    await settleVisits(h, 'L1', 7);
    const before = await everything('/persons/L1/settlements');
    expect(before.map((s) => s.settlementId)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `S-L1-${i}`));
    let n = 7;
    const served = await pageThrough('/persons/L1/settlements', 3, async () => {
      await settleVisits(h, 'L1', 1, n++);
      await caughtUp();
    });
    expectStablePaging(before, served, (s) => s.settlementId);
    const f1 = await everything('/persons/F1/settlements');
    expect(f1.find((s) => s.settlementId === 'S-F1-0').reversedPosition).toBeGreaterThan(0);
  });

  it('404 for an unknown person', async () => {
    expect((await get('/persons/NOBODY/settlements')).status).toBe(404);
  });
});

describe('GET /institutions/:code/settlements', () => {
  it('by visit date range, paged while settlements arrive', async () => {
    await post(h, '/persons', employee('L2'));
    for (let d = 1; d <= 9; d++) await post(h, '/persons/L2/visits', visit(`S-L2-${d}`, 'NY-L3', `2023-06-0${d}`, '80.00'));
    const range = '/institutions/NY-L3/settlements?from=2023-06-03&to=2023-06-07';
    const before = await everything(range);
    expect(before.map((s) => s.visitDate)).toEqual(['2023-06-03', '2023-06-04', '2023-06-05', '2023-06-06', '2023-06-07']);
    let d = 10;
    const served = await pageThrough(range, 2, async () => {
      await post(h, '/persons/L2/visits', visit(`S-L2-${d}`, 'NY-L3', `2023-06-0${(d++ % 5) + 3}`, '90.00'));
      await caughtUp();
    });
    expectStablePaging(before, served, (s) => s.settlementId);
    expect(served.every((s) => s.institutionCode === 'NY-L3' && s.visitDate >= '2023-06-03' && s.visitDate <= '2023-06-07')).toBe(true);
  });

  it('an institution key reads its own, and is refused another’s', async () => {
    expect((await get('/institutions/NY-L1/settlements', h.keys.institution('NY-L1'))).status).toBe(200);
    expect((await get('/institutions/NY-L2/settlements', h.keys.institution('NY-L1'))).status).toBe(403);
  });

  it.each([
    ['/institutions/NY-L3/settlements?from=2023-06-09&to=2023-06-01', 400, 'to'],
    ['/institutions/NY-L3/settlements?from=2023-13-01', 400, 'from'],
    ['/institutions/NO-SUCH/settlements', 404, undefined],
  ])('%s → %s', async (path, status, field) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    if (field) expect(res.body.errors.map((e: any) => e.field)).toContain(field);
  });
});

describe('GET /persons/:id/account/statement', () => {
  it('honours limit: pages of lines that add up to the whole statement, totals unchanged', async () => {
    await post(h, '/persons', employee('L3'));
    for (const month of ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05']) await post(h, '/persons/L3/account/credits', { month });
    await caughtUp();
    const whole = (await get('/persons/L3/account/statement')).body.result;
    expect(whole.lines.length).toBeGreaterThanOrEqual(5);
    const first = (await get('/persons/L3/account/statement?limit=2')).body.result;
    expect(first.lines).toEqual(whole.lines.slice(0, 2));
    expect(first.balance).toBe(whole.balance);
    const lines: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await get(`/persons/L3/account/statement?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body.result;
      lines.push(...page.lines);
      cursor = page.nextCursor;
    } while (cursor);
    expect(lines).toEqual(whole.lines);
    const asOf = (await get(`/persons/L3/account/statement?limit=1&asOf=${whole.lines[1].position}`)).body.result;
    expect(asOf.lines).toEqual(whole.lines.slice(0, 1));
    expect(asOf.nextCursor).not.toBeNull();
  });
});

describe('GET /monitoring/alerts', () => {
  it('takes limit and cursor, pages in raising order while alerts are raised meanwhile', async () => {
    const threeInOneDay = async (personId: string, day: string) => {
      await post(h, '/persons', employee(personId));
      for (const [i, code] of ['NY-L1', 'NY-L2', 'NY-L3'].entries())
        await post(h, `/persons/${personId}/visits`, visit(`S-${personId}-${i}`, code, day, '50.00'));
    };
    for (const p of ['A1', 'A2', 'A3', 'A4']) await threeInOneDay(p, '2023-06-20');
    const before = await everything('/monitoring/alerts?indicator=institutionsOnOneDay');
    expect(before.length).toBe(4);
    let n = 5;
    const served = await pageThrough('/monitoring/alerts?indicator=institutionsOnOneDay', 1, async () => {
      if (n <= 7) await threeInOneDay(`A${n++}`, '2023-06-21');
      await caughtUp();
    });
    expectStablePaging(before, served, (a) => a.alertId);
    expect(served.map((a) => a.raisedPosition)).toEqual([...served.map((a) => a.raisedPosition)].sort((a, b) => a - b));
  });
});

describe('one convention', () => {
  it.each([
    '/institutions',
    '/persons/F1/settlements',
    '/institutions/NY-L1/settlements',
    '/persons/F1/account/statement',
    '/monitoring/alerts',
  ])('%s: 400 naming limit above 500, and naming cursor on a forged one', async (path) => {
    const tooMany = await get(`${path}?limit=501`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.map((e: any) => e.field)).toContain('limit');
    const forged = await get(`${path}?cursor=${Buffer.from('{"k":"x"}').toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors.map((e: any) => e.field)).toContain('cursor');
  });
});
