/**
 * Institution replay through the real service: a Jiaozuo year (焦医保〔2024〕32号 附件 例2)
 * replays with 0 findings and an intact hash chain; an altered stored event is reported
 * both as a recomputation difference and as the first broken link of the chain.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { LedgerHarness, startLedger } from '../support/ledger-app';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger({ now: '2025-03-01T12:00:00+08:00' });
});
afterAll(() => h.close());

const post = async (p: string, body: object = {}) => {
  const res = await h.http.post(p).set('x-api-key', h.keys.agency).send(body);
  if (res.status !== 201) throw new Error(`${p}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const replay = () => h.http.get('/institutions/JZ-H001/years/2024/replay').set('x-api-key', h.keys.auditor);

it('an honest year replays with 0 findings; a tampered PeriodSettled is named by recomputation and by the chain', async () => {
  await post('/institutions', {
    code: 'JZ-H001',
    name: '某三级综合医院',
    category: 'city_level3_general',
    level: 'level3',
    location: 'city',
    region: 'jiaozuo',
    designations: ['employee'],
  });
  await post('/institutions/JZ-H001/years/2024/cost-base');
  const months: Array<[string, string]> = [
    ['08', '2024-09-05'],
    ['09', '2024-10-08'],
    ['10', '2024-11-12'],
    ['11', '2024-12-06'],
    ['12', '2025-01-09'],
  ];
  for (const [m, declaredOn] of months) {
    await post(`/institutions/JZ-H001/months/2024-${m}/declaration`, {
      visits: 70000,
      totalCost: '21000000.00',
      fundDue: '9000000.00',
      declaredOn,
    });
    await post(`/institutions/JZ-H001/months/2024-${m}/approval`, { approvedAmount: '9000000.00' });
    await post(`/institutions/JZ-H001/months/2024-${m}/advance`);
  }
  const settled = await post('/institutions/JZ-H001/years/2024/settlement');
  expect(settled.events[0].data.payable).toBe('42333750.00');
  await post('/institutions/JZ-H001/years/2024/review', { reviewedVisits: 100, violatingCost: '12000.00', reviewedCost: '48000.00' });
  await post('/institutions/JZ-H001/years/2024/assessment', { passed: true });
  await post('/institutions/JZ-H001/years/2024/final-payment');

  const honest = await replay();
  expect(honest.status).toBe(200);
  expect(honest.body.findings).toEqual([]);
  expect(honest.body.recomputed).toBe(honest.body.events); // every event of the stream concerns 2024 or the registry
  expect(honest.body.chain.intact).toBe(true);

  // Someone edits the stored payable of the period settlement directly in the file.
  const db = new Database(path.join(h.dir, 'ledger.db'));
  const changed = db
    .prepare(
      `UPDATE events SET data = json_set(data, '$.payable', '45000000.00') WHERE stream_id = 'institution-JZ-H001' AND type = 'PeriodSettled'`,
    )
    .run();
  db.close();
  expect(changed.changes).toBe(1);

  const tampered = await replay();
  const finding = tampered.body.findings.find((f: any) => f.type === 'PeriodSettled');
  expect(finding).toEqual(
    expect.objectContaining({ kind: 'differs', differences: [{ path: 'payable', recorded: '45000000.00', recomputed: '42333750.00' }] }),
  );
  expect(tampered.body.chain).toEqual(
    expect.objectContaining({ intact: false, firstBroken: expect.objectContaining({ type: 'PeriodSettled', reason: 'hash_mismatch' }) }),
  );
});
