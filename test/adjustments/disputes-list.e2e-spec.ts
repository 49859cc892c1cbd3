import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { LedgerHarness, startLedger } from '../support/ledger-app';
import { appendSealed, disputeOpened, disputeRejected, disputeUpheld } from './adjustment-fixture';

/** Issue 15 item 1 (read side): GET /disputes by status, institution, person and age, paged and role-scoped. */
describe('GET /disputes', () => {
  let h: LedgerHarness;
  const get = (path: string, key = h.keys.agency) => h.http.get(path).set('x-api-key', key);
  const ids = async (path: string, key?: string): Promise<string[]> => {
    const res = await get(path, key);
    expect(res.status).toBe(200);
    return res.body.items.map((i: any) => i.disputeId);
  };
  const settlements = (personId: string) => ({ kind: 'settlements' as const, personId, settlementIds: ['S1'] });

  beforeAll(async () => {
    h = await startLedger();
    const open = async (id: string, day: string, subject: any, code: string, opener?: any) =>
      appendSealed(h.store, `dispute-${id}`, [disputeOpened(id, `${day}T10:00:00+08:00`, subject, code, opener)]);
    await open('D1', '2023-05-01', settlements('P1'), 'NY-L2');
    await open('D2', '2023-05-10', settlements('P2'), 'NY-L3');
    await appendSealed(h.store, 'dispute-D1', [disputeUpheld('D1', '2023-05-20T10:00:00+08:00', 'C1')]);
    await open('D3', '2023-06-01', settlements('P3'), 'NY-L2');
    await appendSealed(h.store, 'dispute-D2', [disputeRejected('D2', '2023-05-21T10:00:00+08:00', 'the level was right')]);
    await open('D4', '2023-06-05', { kind: 'institution-month', institutionCode: 'NY-L2', month: '2023-04' }, 'NY-L2', {
      role: 'institution',
      institutionCode: 'NY-L2',
    });
    await open('D5', '2023-06-20', settlements('P1'), 'NY-L3');
    await h.app.get(PROJECTION_RUNNER).caughtUp();
  }, 60_000);
  afterAll(() => h?.close());

  it('lists every dispute in the order opened, with its status and resolution', async () => {
    const res = await get('/disputes');
    expect(res.body.items.map((i: any) => [i.disputeId, i.status, i.institutionCode, i.personId, i.openedOn])).toEqual([
      ['D1', 'upheld', 'NY-L2', 'P1', '2023-05-01'],
      ['D2', 'rejected', 'NY-L3', 'P2', '2023-05-10'],
      ['D3', 'open', 'NY-L2', 'P3', '2023-06-01'],
      ['D4', 'open', 'NY-L2', null, '2023-06-05'],
      ['D5', 'open', 'NY-L3', 'P1', '2023-06-20'],
    ]);
    expect(res.body.items[0]).toMatchObject({ correctionId: 'C1', resolvedAt: '2023-05-20T10:00:00+08:00' });
    expect(res.body.items[1]).toMatchObject({ reason: 'the level was right' });
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by status, institution, person and age (opened before a day)', async () => {
    expect(await ids('/disputes?status=open')).toEqual(['D3', 'D4', 'D5']);
    expect(await ids('/disputes?status=upheld')).toEqual(['D1']);
    expect(await ids('/disputes?institutionCode=NY-L2')).toEqual(['D1', 'D3', 'D4']);
    expect(await ids('/disputes?personId=P1')).toEqual(['D1', 'D5']);
    expect(await ids('/disputes?openedBefore=2023-06-01')).toEqual(['D1', 'D2']);
    expect(await ids('/disputes?status=open&institutionCode=NY-L3&openedBefore=2023-07-01')).toEqual(['D5']);
  });

  it('pages with the list convention: every dispute once', async () => {
    const served: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await get(`/disputes?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      served.push(...res.body.items.map((i: any) => i.disputeId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(served).toEqual(['D1', 'D2', 'D3', 'D4', 'D5']);
  });

  it('an institution key sees its own disputes only; asking for another institution is 403', async () => {
    const key = h.keys.institution('NY-L2');
    expect(await ids('/disputes', key)).toEqual(['D1', 'D3', 'D4']);
    expect(await ids('/disputes?status=open', key)).toEqual(['D3', 'D4']);
    expect((await get('/disputes?institutionCode=NY-L3', key)).status).toBe(403);
    expect(await ids('/disputes', h.keys.auditor)).toHaveLength(5);
  });

  it('bad filters are 400 naming the field', async () => {
    for (const [query, field] of [
      ['status=closed', 'status'],
      ['openedBefore=2023-13-01', 'openedBefore'],
      ['cursor=not-ours', 'cursor'],
      ['limit=0', 'limit'],
      ['institutionCode=%20', 'institutionCode'],
    ]) {
      const res = await get(`/disputes?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
