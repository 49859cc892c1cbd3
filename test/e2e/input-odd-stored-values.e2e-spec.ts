/**
 * Issue 11 item 3: one bad value must not poison the log. A person stream that holds the
 * value the old validation let through (processedOn 9999-12-31 stored as effectiveFrom
 * 10000-01-01) must not make a read, a write, a replay or the monitoring throw: every
 * answer is a non-5xx.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { runAudit } from '../../scripts/audit';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
  const enrol = await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('ODD-1'));
  expect(enrol.status).toBe(201);
  // Written straight to the store, as an older release would have stored it.
  const stream = await h.store.readStream('person-ODD-1');
  await h.store.append(
    'person-ODD-1',
    [
      {
        id: randomUUID(),
        type: 'RetiredStatusChanged',
        data: { processedOn: '9999-12-31', effectiveFrom: '10000-01-01', from: 'in_service', to: 'retired' },
        metadata: { schemaVersion: 1, recordedAt: '2023-06-30T12:00:00+08:00', occurredAt: '9999-12-31' },
      },
    ],
    stream.length - 1,
  );
});
afterAll(() => h.close());

const get = (path: string) => h.http.get(path).set('x-api-key', h.keys.agency);

it.each(['/persons/ODD-1', '/persons/ODD-1/years/2023', '/persons/ODD-1/rate-timeline', '/persons/ODD-1/account/statement', '/health'])(
  'GET %s answers without a 5xx',
  async (path) => {
    const res = await get(path);
    expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
  },
);

it('a settlement for the person and the audit replay answer without a 5xx', async () => {
  const settle = await h.http
    .post('/persons/ODD-1/visits')
    .set('x-api-key', h.keys.agency)
    .send({
      settlementId: 'S-ODD-1',
      visitId: 'V-ODD-1',
      institutionCode: 'NY-L2',
      occurredAt: '2023-06-30T09:00:00+08:00',
      medType: 'ordinary',
      lines: [{ code: 'A01', amount: '100.00', inCatalogue: true }],
    });
  expect(settle.status).toBeLessThan(500);
  const replay = await h.http.post('/audit/replay').set('x-api-key', h.keys.auditor).send({ personId: 'ODD-1', year: 2023 });
  expect(replay.status).toBeLessThan(500);
});

it('the audit CLI replays the stream from the file without throwing (it names the differences instead)', async () => {
  const out: string[] = [];
  const code = await runAudit(['replay', '--person', 'ODD-1', '--year', '2023', '--db', path.join(h.dir, 'ledger.db')], (s) => out.push(s));
  expect([0, 2]).toContain(code);
  expect(out.join('\n')).toContain('person ODD-1, year 2023');
});
