/**
 * Issue 10: a settlement for a person not in the person cache is decided on the stream read
 * without decision traces. A retried settlement (same Idempotency-Key and body) answers with
 * the bytes a retry answers while the person is cached whole (the first answer with created
 * false), whether the person was just evicted or is cached from such a read, and a
 * settlement's record still shows its trace.
 */
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
const post = (path: string, body: object, key: string) =>
  h.http.post(path).set('x-api-key', h.keys.agency).set('Idempotency-Key', key).send(body);
const get = (path: string) => h.http.get(path).set('x-api-key', h.keys.agency);
const visit = (settlementId: string, day: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: `2023-03-${day}T09:00:00+08:00`,
  settledAt: `2023-03-${day}T09:00:00+08:00`,
  medType: 'ordinary',
  lines: [{ code: 'A01', amount: '1800.00', inCatalogue: true }],
  account: { source: 'none' },
});

beforeAll(async () => {
  // One person cached at a time: every other person's command evicts the last one.
  h = await startLedger({ env: { LEDGER_PERSON_CACHE_SIZE: '1' } });
  await registerInstitutions(h);
  for (const id of ['P1', 'P2'])
    expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee(id))).status).toBe(201);
});
afterAll(() => h.close());

it('a retried settlement answers the same bytes after its person left the cache, and once it is cached again without traces', async () => {
  const first = await post('/persons/P1/visits', visit('S-1', '10'), 'evicted-key-0001');
  expect(first.status).toBe(201);
  const cachedReplay = await post('/persons/P1/visits', visit('S-1', '10'), 'evicted-key-0001'); // P1 cached whole
  expect(cachedReplay.headers['idempotent-replayed']).toBe('true');
  expect(cachedReplay.text).toBe(first.text.replace('"created":true', '"created":false'));
  const record = await get('/persons/P1/settlements/S-1');
  expect(record.status).toBe(200);
  expect(record.text).toContain('"trace":[');

  expect((await post('/persons/P2/visits', visit('S-2', '11'), 'evicted-key-0002')).status).toBe(201); // P1 evicted
  const afterEviction = await post('/persons/P1/visits', visit('S-1', '10'), 'evicted-key-0001');
  expect(afterEviction.headers['idempotent-replayed']).toBe('true');
  expect([afterEviction.status, afterEviction.text]).toEqual([cachedReplay.status, cachedReplay.text]);

  expect((await post('/persons/P2/visits', visit('S-3', '12'), 'evicted-key-0003')).status).toBe(201); // P1 evicted
  expect((await post('/persons/P1/visits', visit('S-4', '13'), 'evicted-key-0004')).status).toBe(201); // P1 cached, read without traces
  const cachedAgain = await post('/persons/P1/visits', visit('S-1', '10'), 'evicted-key-0001');
  expect([cachedAgain.status, cachedAgain.text]).toEqual([cachedReplay.status, cachedReplay.text]);
  expect((await get('/persons/P1/settlements/S-1')).text).toBe(record.text);
});
