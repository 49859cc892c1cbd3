/**
 * Issue 11 item 1: the everyday hospital call settles "now" without `settledAt`. The
 * server clock answers in UTC ('…Z') while the visit is written '+08:00'; the two must be
 * compared as instants, not as text.
 */
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger({ now: '2023-06-30T04:00:00.000Z' });
  await registerInstitutions(h);
  const enrol = await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('NOW-1'));
  expect(enrol.status).toBe(201);
});
afterAll(() => h.close());

/** A visit body WITHOUT settledAt: the server's clock decides when it is settled. */
const visitNow = (settlementId: string, occurredAt: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt,
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount: '100.00', inCatalogue: true, category: 'consultation' }],
});
const settle = (body: object) => h.http.post('/persons/NOW-1/visits').set('x-api-key', h.keys.institution('NY-L2')).send(body);

it('a visit at 09:00 Shanghai settled at 12:00 Shanghai (04:00Z on the server clock) is 201', async () => {
  h.clock.set('2023-06-30T04:00:00.000Z');
  const res = await settle(visitNow('S-NOW-1', '2023-06-30T09:00:00+08:00'));
  expect(res.status).toBe(201);
  const detail = await h.http.get('/persons/NOW-1/settlements/S-NOW-1').set('x-api-key', h.keys.agency);
  expect(detail.status).toBe(200);
  expect(Date.parse(detail.body.facts.visit.settledAt)).toBe(Date.parse('2023-06-30T12:00:00+08:00'));
});

it('across midnight: a visit at 00:30 on 1 July in Shanghai (16:30Z on 30 June) settled at 17:00Z is 201 and dated 1 July', async () => {
  h.clock.set('2023-06-30T17:00:00.000Z');
  const res = await settle(visitNow('S-NOW-2', '2023-07-01T00:30:00+08:00'));
  expect(res.status).toBe(201);
  expect(res.body.decision.visitDate).toBe('2023-07-01');
});

it('a visit later than the server clock is still refused with 400 naming the field, nothing written', async () => {
  h.clock.set('2023-06-30T04:00:00.000Z');
  const before = await h.store.headPosition();
  const res = await settle(visitNow('S-NOW-3', '2023-06-30T13:00:00+08:00'));
  expect(res.status).toBe(400);
  expect(res.body.message).toMatch(/visit\.(occurredAt|settledAt)/);
  expect(await h.store.headPosition()).toBe(before);
});
