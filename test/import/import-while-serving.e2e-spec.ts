/**
 * Issue 12 item 2: the import may run while the service serves the same file. Both write
 * (SQLite WAL, busy_timeout, expected revisions); afterwards the service sees the imported
 * facts, its own settlements are all there once, and the hash chains verify.
 */
import path from 'node:path';
import { runImport } from '../../src/import/importer';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import fs from 'node:fs';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger({ now: '2023-03-20T12:00:00+08:00' });
  await registerInstitutions(h);
});
afterAll(async () => h.close());

it('imports a year into the file the service is writing, both complete, nothing lost', async () => {
  const lines = [
    {
      rec_type: 'psn_insu',
      psn_no: 'HPX',
      insutype: '310',
      psn_type: '1101',
      insu_admdvs: '411300',
      begndate: '2022-01-01',
      clct_base: '6000.00',
    },
    ...Array.from({ length: 6 }, (_, i) => ({ rec_type: 'acct_crdt', psn_no: 'HPX', crdt_ym: `2022-${String(i + 7).padStart(2, '0')}` })),
    ...Array.from({ length: 8 }, (_, i) => ({
      rec_type: 'setl',
      psn_no: 'HPX',
      setl_id: `HSX${i}`,
      mdtrt_id: `HMX${i}`,
      fixmedins_code: 'NY-L2',
      begntime: `2023-03-${String(i + 1).padStart(2, '0')} 09:00:00`,
      setl_time: `2023-03-${String(i + 1).padStart(2, '0')} 09:30:00`,
      med_type: '11',
      acct_used_flag: '0',
      medfee_sumamt: '200.00',
      fulamt_ownpay_amt: '0.00',
      fund_pay_sumamt: '93.50',
      acct_pay: '0.00',
      psn_cash_pay: '106.50',
    })),
  ];
  const file = path.join(h.dir, 'year.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  const key = h.keys.agency;
  expect((await h.http.post('/persons').set('x-api-key', key).send(nanyangEmployee('LIVE'))).status).toBe(201);
  // The service's settlements start once the importer has written its first line, so both write at once.
  const fire = () =>
    Array.from({ length: 8 }, (_, i) =>
      h.http
        .post('/persons/LIVE/visits')
        .set('x-api-key', key)
        .set('Idempotency-Key', `live-visit-${i}`)
        .send({
          settlementId: `L${i}`,
          visitId: `LV${i}`,
          institutionCode: 'NY-L2',
          occurredAt: `2023-03-${String(i + 1).padStart(2, '0')}T09:00:00+08:00`,
          medType: 'ordinary',
          lines: [{ code: 'A', amount: '100.00', inCatalogue: true }],
        }),
    );
  let live: Array<Promise<{ status: number }>> = [];
  const report = await runImport({
    file,
    db: path.join(h.dir, 'ledger.db'),
    baseline: false,
    onLine: (done) => {
      if (done === 1) live = fire();
    },
  });
  const answers = await Promise.all(live);
  expect(report).toEqual(expect.objectContaining({ imported: lines.length, rejected: 0, settlementsDiffering: 0 }));
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
  // The service reads the importer's appends at its next load of the stream.
  const imported = await h.http.get('/persons/HPX/settlements/HSX7').set('x-api-key', key);
  expect(imported.status).toBe(200);
  const all = await h.store.readAll();
  expect(all.filter((e) => e.type === 'VisitSettled').length).toBe(16);
  const verify = await h.http.get('/audit/verify').set('x-api-key', key);
  expect(verify.body.verdict).toBe('intact');
});
