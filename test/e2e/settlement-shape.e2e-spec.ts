/**
 * Issue 14 item 4: one response shape. `POST /persons/:id/visits` and
 * `GET /persons/:id/settlements/:sid` give the same settlement record, the decision under
 * `decision` in both; the decision states the cap left after the visit. Nanyang level 2,
 * in service (宛政办〔2022〕42号 第五条): (200 − 30) × 55% = 93.50; cap 1500.00 → 1406.50 left.
 */
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
  const enrol = await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('SH-1'));
  expect(enrol.status).toBe(201);
});
afterAll(() => h.close());

const visit = (settlementId: string, amount: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: '2023-03-01T09:00:00+08:00',
  settledAt: '2023-03-01T10:00:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', amount, inCatalogue: true, category: 'drug' }],
});
const settle = (body: object) => h.http.post('/persons/SH-1/visits').set('x-api-key', h.keys.agency).send(body);
const detail = (sid: string) => h.http.get(`/persons/SH-1/settlements/${sid}`).set('x-api-key', h.keys.agency);

it('POST and GET give the same record; the decision is `decision` in both, with capRemainingAfter', async () => {
  const posted = await settle(visit('S-SH-1', '200.00'));
  expect(posted.status).toBe(201);
  const got = await detail('S-SH-1');
  expect(got.status).toBe(200);
  const shared = ['personId', 'settlementId', 'revision', 'position', 'decision'] as const;
  for (const key of shared) expect([key, got.body[key]]).toEqual([key, posted.body[key]]);
  expect(got.body).not.toHaveProperty('settled');
  expect(got.body.facts).toEqual(
    expect.objectContaining({
      policyVersion: posted.body.decision.policy.version,
      visit: expect.objectContaining({ visitId: 'V-S-SH-1' }),
    }),
  );
  const a = posted.body.decision.amounts;
  expect([a.fund, a.capRemainingBefore, a.capRemainingAfter]).toEqual(['93.50', '1500.00', '1406.50']);
});

it("the next visit's capRemainingBefore is the last one's capRemainingAfter", async () => {
  const next = await settle(visit('S-SH-2', '100.00'));
  expect(next.status).toBe(201);
  const a = next.body.decision.amounts;
  // Same hospital within 24 hours: no second deductible (第五条（一）), a flag; 100 × 55% = 55.00; 1406.50 − 55.00 = 1351.50
  expect([a.capRemainingBefore, a.fund, a.capRemainingAfter]).toEqual(['1406.50', '55.00', '1351.50']);
  expect(next.body.decision.flags.map((f: { code: string }) => f.code)).toEqual(['DEDUCTIBLE_WAIVED_24H']);
});
