/**
 * Issue 11 item 2: an Idempotency-Key names one request. A retry of that request replays
 * the stored outcome; any other request under the key is 422 IDEMPOTENCY_KEY_REUSED, names
 * the key and writes nothing — on every write endpoint family, across endpoints, and under
 * concurrency.
 */
import { money } from '../../src/kernel/money';
import { decideEnrollment } from '../../src/modules/enrollment/enrollment.decide';
import { PersonStreamWriter } from '../../src/modules/person-writer.service';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
const post = (path: string, body: object, key?: string) => {
  const req = h.http.post(path).set('x-api-key', h.keys.agency);
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
};
const get = (path: string) => h.http.get(path).set('x-api-key', h.keys.agency);
const enrol = (personId: string, relatives: object[] = []) => nanyangEmployee(personId, { relatives });
const visit = (settlementId: string, amount = '200.00', account: object = { source: 'none' }) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: '2023-03-10T09:00:00+08:00',
  settledAt: '2023-03-10T09:00:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', amount, inCatalogue: true }],
  account,
});

/** Runs `act` and checks the store's head did not move. */
async function writesNothing(act: () => Promise<void>): Promise<void> {
  const before = await h.store.headPosition();
  await act();
  expect(await h.store.headPosition()).toBe(before);
}

function expectKeyReused(res: { status: number; body: Record<string, unknown> }, key: string): void {
  expect(res.status).toBe(422);
  expect(res.body).toEqual(
    expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', clause: expect.stringContaining('ledger rule: idempotency keys') }),
  );
  expect(res.body.message).toContain(key);
}

beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
  for (const body of [enrol('P1'), enrol('P2'), enrol('P3'), enrol('HOLDER', [{ personId: 'KID', relation: 'child' }]), enrol('KID')]) {
    expect((await post('/persons', body)).status).toBe(201);
  }
  for (const month of ['2023-01', '2023-02']) expect((await post('/persons/HOLDER/account/credits', { month })).status).toBe(201);
});
afterAll(() => h.close());

describe('claims: POST /persons/:id/visits', () => {
  it('the same request replays the stored settlement; another settlement under the key is 422 and GET of it is 404', async () => {
    const first = await post('/persons/P1/visits', visit('S-A', '200.00'), 'visit-key-0001');
    expect(first.status).toBe(201);
    const replay = await post('/persons/P1/visits', visit('S-A', '200.00'), 'visit-key-0001');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect({ ...replay.body, created: 'n/a' }).toEqual({ ...first.body, created: 'n/a' });
    await writesNothing(async () => {
      expectKeyReused(await post('/persons/P1/visits', visit('S-B', '150.00'), 'visit-key-0001'), 'visit-key-0001');
    });
    expect((await get('/persons/P1/settlements/S-B')).status).toBe(404);
  });

  it("a payment's key reused on POST …/visits is 422, not 500, and writes nothing", async () => {
    expect((await post('/persons/P2/account/credits', { month: '2023-01' })).status).toBe(201);
    const pay = { paymentId: 'PH-1', purpose: 'pharmacy', amount: '10.00', reference: 'receipt 1', paidOn: '2023-02-01' };
    expect((await post('/persons/P2/account/payments', pay, 'cross-key-0001')).status).toBe(201);
    await writesNothing(async () => {
      expectKeyReused(await post('/persons/P2/visits', visit('S-C'), 'cross-key-0001'), 'cross-key-0001');
    });
  });

  it('a settlement key reused for a relative-account settlement is refused before the holder is charged', async () => {
    expect((await post('/persons/KID/visits', visit('S-K1'), 'kid-key-00001')).status).toBe(201);
    const balance = (await get('/persons/HOLDER/account')).body.balance;
    await writesNothing(async () => {
      expectKeyReused(
        await post('/persons/KID/visits', visit('S-K2', '200.00', { source: 'relative', holderId: 'HOLDER' }), 'kid-key-00001'),
        'kid-key-00001',
      );
    });
    expect((await get('/persons/HOLDER/account')).body.balance).toBe(balance);
  });

  it('a relative-account settlement replays; a different one under its key is 422 with the holder charged once', async () => {
    const body = visit('S-K3', '200.00', { source: 'relative', holderId: 'HOLDER' });
    const first = await post('/persons/KID/visits', body, 'kid-key-00002');
    expect(first.status).toBe(201);
    const balance = (await get('/persons/HOLDER/account')).body.balance;
    const replay = await post('/persons/KID/visits', body, 'kid-key-00002');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.familyPayment).toEqual(first.body.familyPayment);
    await writesNothing(async () => {
      expectKeyReused(
        await post('/persons/KID/visits', { ...body, settlementId: 'S-K4', visitId: 'V-S-K4' }, 'kid-key-00002'),
        'kid-key-00002',
      );
    });
    expect((await get('/persons/HOLDER/account')).body.balance).toBe(balance);
  });

  it('relative account, ten different bodies under one key at once: one 201, nine 422, the holder charged once', async () => {
    const before = (await get('/persons/HOLDER/account')).body.balance;
    const bodies = Array.from({ length: 10 }, (_, i) => visit(`S-KR${i}`, '100.00', { source: 'relative', holderId: 'HOLDER' }));
    const results = await Promise.all(bodies.map((b) => post('/persons/KID/visits', b, 'kid-race-0001')));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expectKeyReused(r, 'kid-race-0001');
    const paid = created[0].body.familyPayment.amount;
    expect((await get('/persons/HOLDER/account')).body.balance).toBe(money(before).minus(paid).toFixed(2));
    const holderEvents = await h.store.readStream('person-HOLDER');
    const payments = holderEvents.filter(
      (e) => e.type === 'FamilyAccountPayment' && String(e.metadata.commandId).includes('kid-race-0001'),
    );
    const refunded = holderEvents.filter(
      (e) =>
        e.type === 'FamilyAccountPaymentRefunded' &&
        payments.some((p) => (p.data as { paymentId: string }).paymentId === (e.data as { paymentId: string }).paymentId),
    );
    expect(payments).toHaveLength(1);
    expect(refunded).toHaveLength(0);
    expect(
      (await h.store.readStream('person-KID')).filter(
        (e) => e.type === 'VisitSettled' && String(e.metadata.commandId).endsWith('kid-race-0001'),
      ),
    ).toHaveLength(1);
  });

  it('relative account, ten identical requests under one key at once: one settlement, one payment, same body for all', async () => {
    const body = visit('S-KSAME', '100.00', { source: 'relative', holderId: 'HOLDER' });
    const results = await Promise.all(Array.from({ length: 10 }, () => post('/persons/KID/visits', body, 'kid-race-0002')));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => JSON.stringify({ ...r.body, created: 'n/a' }))).size).toBe(1);
    const payments = (await h.store.readStream('person-HOLDER')).filter(
      (e) => e.type === 'FamilyAccountPayment' && String(e.metadata.commandId).includes('kid-race-0002'),
    );
    expect(payments).toHaveLength(1);
    expect(
      (await h.store.readStream('person-KID')).filter(
        (e) => e.type === 'VisitSettled' && (e.data as { settlementId: string }).settlementId === 'S-KSAME',
      ),
    ).toHaveLength(1);
  });

  it('twenty different bodies under one key at once: one 201, nineteen 422, one settlement', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post('/persons/P3/visits', visit(`S-R${i}`, `${100 + i}.00`), 'race-key-0001')),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 422);
    expect(refused).toHaveLength(19);
    for (const r of refused) expectKeyReused(r, 'race-key-0001');
    const events = await h.store.readStream('person-P3');
    expect(events.filter((e) => e.type === 'VisitSettled')).toHaveLength(1);
  });

  it('twenty identical requests under one key at once: one created, nineteen replayed with the same body', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post('/persons/P3/visits', visit('S-SAME', '80.00'), 'race-key-0002')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'false')).toHaveLength(1);
    const bodies = new Set(results.map((r) => JSON.stringify({ ...r.body, created: 'n/a' })));
    expect(bodies.size).toBe(1);
    const settled = (await h.store.readStream('person-P3')).filter(
      (e) => e.type === 'VisitSettled' && (e.data as { settlementId: string }).settlementId === 'S-SAME',
    );
    expect(settled).toHaveLength(1);
  });
});

describe('persons, accounts and institutions', () => {
  it('persons: the same enrollment replays; another person body under the key is 422', async () => {
    const first = await post('/persons', enrol('E1'), 'enrol-key-0001');
    expect(first.status).toBe(201);
    const replay = await post('/persons', enrol('E1'), 'enrol-key-0001');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await writesNothing(async () => {
      expectKeyReused(await post('/persons', { ...enrol('E1'), contributionBase: '7000.00' }, 'enrol-key-0001'), 'enrol-key-0001');
      expectKeyReused(
        await post('/persons/E1/contribution-base', { contributionBase: '7000.00', effectiveFrom: '2023-02-01' }, 'enrol-key-0001'),
        'enrol-key-0001',
      );
    });
  });

  it('accounts: the same credit replays; another month under the key is 422', async () => {
    expect((await post('/persons/E1/account/credits', { month: '2023-01' }, 'credit-key-0001')).status).toBe(201);
    expect((await post('/persons/E1/account/credits', { month: '2023-01' }, 'credit-key-0001')).headers['idempotent-replayed']).toBe(
      'true',
    );
    await writesNothing(async () => {
      expectKeyReused(await post('/persons/E1/account/credits', { month: '2023-02' }, 'credit-key-0001'), 'credit-key-0001');
    });
  });

  it('institutions: the same registration replays; another profile under the key is 422', async () => {
    const body = {
      code: 'NY-X1',
      name: '南阳市某卫生院',
      category: 'township_health_centre',
      level: 'township',
      location: 'township',
      region: 'nanyang',
      designations: ['employee'],
    };
    expect((await post('/institutions', body, 'inst-key-00001')).status).toBe(201);
    expect((await post('/institutions', body, 'inst-key-00001')).headers['idempotent-replayed']).toBe('true');
    await writesNothing(async () => {
      expectKeyReused(await post('/institutions', { ...body, name: '另一家' }, 'inst-key-00001'), 'inst-key-00001');
    });
  });

  it('a key is scoped to the stream it wrote: the same key on another person is a new command', async () => {
    expect((await post('/persons/P1/account/credits', { month: '2023-01' }, 'scope-key-0001')).status).toBe(201);
    const other = await post('/persons/P2/account/credits', { month: '2023-02' }, 'scope-key-0001');
    expect(other.status).toBe(201);
    expect(other.headers['idempotent-replayed']).toBe('false');
  });
});

describe('reversals and keys from before fingerprints', () => {
  it('claims: the same reversal replays; another reversal under its key is 422', async () => {
    const at = '2023-06-25T09:00:00+08:00';
    for (const id of ['S-V1', 'S-V2'])
      expect((await post('/persons/P1/visits', { ...visit(id), occurredAt: at, settledAt: at })).status).toBe(201);
    expect((await post('/persons/P1/settlements/S-V1/reversal', { reason: 'entered twice' }, 'rev-key-00001')).status).toBe(201);
    expect(
      (await post('/persons/P1/settlements/S-V1/reversal', { reason: 'entered twice' }, 'rev-key-00001')).headers['idempotent-replayed'],
    ).toBe('true');
    await writesNothing(async () => {
      expectKeyReused(await post('/persons/P1/settlements/S-V2/reversal', { reason: 'entered twice' }, 'rev-key-00001'), 'rev-key-00001');
    });
    expect((await get('/persons/P1/settlements/S-V2')).body.reversed).not.toBe(true);
  });

  it('a key whose events predate fingerprints (no requestFingerprint) and are not a settlement: 422 on POST …/visits, not 500', async () => {
    const keyId = h.keys.agency.split('_')[1];
    const legacy = { commandId: `${keyId}:legacy-key-0001`, actor: 'agency:legacy' }; // as written before fingerprints existed
    await h.app
      .get(PersonStreamWriter)
      .write('P2', legacy, (state) => decideEnrollment({ type: 'UpdateRelatives', data: { relatives: [] } }, state.enrollment));
    const [stored] = (await h.store.readStream('person-P2')).filter((e) => e.metadata.commandId === legacy.commandId);
    expect(stored.metadata.requestFingerprint).toBeUndefined();
    await writesNothing(async () => {
      expectKeyReused(await post('/persons/P2/visits', visit('S-L1'), 'legacy-key-0001'), 'legacy-key-0001');
    });
  });

  it('the same for an inheritance (two streams): 422, not 500, and nothing written', async () => {
    const keyId = h.keys.agency.split('_')[1];
    const legacy = { commandId: `${keyId}:legacy-key-0002`, actor: 'agency:legacy' };
    await h.app
      .get(PersonStreamWriter)
      .write('E1', legacy, (state) => decideEnrollment({ type: 'UpdateRelatives', data: { relatives: [] } }, state.enrollment));
    await writesNothing(async () => {
      expectKeyReused(
        await post('/persons/E1/account/inheritance', { heirId: 'P3', on: '2023-04-01' }, 'legacy-key-0002'),
        'legacy-key-0002',
      );
    });
  });
});
