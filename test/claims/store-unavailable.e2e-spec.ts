/**
 * A settlement while the store cannot write (here its write lock held by another process past
 * the busy timeout; a full disk or an I/O error take the same way) is a 503 with Retry-After
 * and the store's condition named as STORE_UNAVAILABLE, not a 500 "internal error": nothing
 * was wrong with the request. Nothing is written, /health says so until the store takes writes
 * again (its write probe finds that out without a client's write), and the hospital's retry
 * with the same Idempotency-Key, once the lock is gone, settles the visit exactly once.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { nanyangEmployee } from '../support/fixtures';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedger({ now: '2023-06-30T12:00:00+08:00' });
  await registerInstitutions(h);
  expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('P1'))).status).toBe(201);
});
afterAll(() => h.close());

// The everyday call: a hospital settles a visit twenty minutes after it, without settledAt.
const visit = {
  settlementId: 'S-LOCKED',
  visitId: 'V-LOCKED',
  institutionCode: 'NY-L2',
  occurredAt: '2023-06-30T11:40:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', amount: '300.00', inCatalogue: true }],
  account: { source: 'none' },
};
const settle = () =>
  h.http.post('/persons/P1/visits').set('x-api-key', h.keys.institution('NY-L2')).set('Idempotency-Key', 'locked-store-0001').send(visit);
const settlementsOfP1 = async () => (await h.store.readStream('person-P1')).filter((e) => e.type === 'VisitSettled');

it('is refused with 503, Retry-After and STORE_UNAVAILABLE while the write lock is held elsewhere; the retry with the same key settles once', async () => {
  const other = new Database(path.join(h.dir, 'ledger.db'));
  other.exec('BEGIN IMMEDIATE');
  try {
    const refused = await settle(); // waits out the writer's busy timeout (5 s)
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('retry with the same Idempotency-Key'),
    });
    expect(await settlementsOfP1()).toEqual([]);
    // Operators see it: /health is degraded, naming the store's code, while reads go on (still ready).
    const health = await h.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual(
      expect.objectContaining({
        status: 'degraded',
        writes: { state: 'failing', code: 'SQLITE_BUSY', lastError: 'database is locked', since: expect.any(String), refusals: 1 },
      }),
    );
    const ready = await h.http.get('/health/ready');
    expect([ready.status, ready.body.reasons]).toEqual([200, undefined]);
    expect((await h.http.get('/metrics').set('x-api-key', h.keys.agency)).text).toMatch(/^ledger_store_writes_failing 1$/m);
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }

  // The lock gone, /health says so by itself (the store's write probe, every 2 s): no client had to write first.
  let health = await h.http.get('/health');
  for (const end = Date.now() + 15_000; health.status !== 200 && Date.now() < end; health = await h.http.get('/health'))
    await new Promise((r) => setTimeout(r, 100));
  expect([health.status, health.body.status, health.body.writes]).toEqual([200, 'ok', { state: 'ok' }]);
  expect(await settlementsOfP1()).toEqual([]);

  const retried = await settle();
  expect(retried.status).toBe(201);
  expect(retried.body).toEqual(expect.objectContaining({ settlementId: 'S-LOCKED', created: true }));
  const again = await settle();
  expect([again.status, again.body.created]).toEqual([201, false]);
  expect((await settlementsOfP1()).map((e) => (e.data as { settlementId: string }).settlementId)).toEqual(['S-LOCKED']);

  // Counted apart from `error` (a bug to page on): an outage the clients retry through.
  const metrics = (await h.http.get('/metrics').set('x-api-key', h.keys.agency)).text;
  expect(metrics).toMatch(/^ledger_settlements_total\{outcome="unavailable"\} 1$/m);
  expect(metrics).toMatch(/^ledger_settlements_total\{outcome="settled"\} 2$/m);
  expect(metrics).not.toMatch(/^ledger_settlements_total\{outcome="error"\} [1-9]/m);
  expect(metrics).toMatch(/^ledger_store_writes_failing 0$/m);
}, 40_000);
