/**
 * The relative-account saga spans two streams. A failure between its steps must never
 * lose or duplicate money: the holder is charged exactly what the settlement records,
 * whether the request is retried after a failed compensation or after a successful one.
 */
import { EventStore } from '../../src/event-store/event-store.port';
import { money } from '../../src/kernel/money';
import { FamilyPaymentReconciler } from '../../src/modules/claims/family-payment.reconciler';
import { PersonStreamWriter } from '../../src/modules/person-writer.service';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
/** Appends to fail: each entry lets `pass` appends to its stream through, then fails one. */
const failNext: Array<{ stream: string; pass: number }> = [];

beforeAll(async () => {
  h = await startLedger({
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.append = async (streamId, events, expected) => {
        const plan = failNext.find((f) => f.stream === streamId);
        if (plan && plan.pass-- === 0) {
          failNext.splice(failNext.indexOf(plan), 1);
          throw new Error('disk I/O error (injected)');
        }
        return store.append(streamId, events, expected);
      };
      return wrapped;
    },
  });
  await registerInstitutions(h);
  const post = (path: string, body: object) => h.http.post(path).set('x-api-key', h.keys.agency).send(body);
  for (const [id, relatives] of [
    ['PARENT', [{ personId: 'CHILD', relation: 'child' }]],
    ['CHILD', []],
  ] as const) {
    expect((await post('/persons', nanyangEmployee(id, { relatives: relatives }))).status).toBe(201);
  }
  for (const month of ['2023-01', '2023-02']) expect((await post('/persons/PARENT/account/credits', { month })).status).toBe(201); // 240.00
});
afterAll(() => h.close());

const settle = (settlementId: string, key: string, occurredAt = '2023-03-10T09:00:00+08:00') =>
  h.http
    .post('/persons/CHILD/visits')
    .set('x-api-key', h.keys.agency)
    .set('Idempotency-Key', key)
    .send({
      settlementId,
      visitId: `V-${settlementId}`,
      institutionCode: 'NY-L2',
      occurredAt,
      medType: 'ordinary',
      lines: [{ code: 'A01', amount: '200.00', inCatalogue: true }],
      account: { source: 'relative', holderId: 'PARENT' },
    });
const balance = async () => (await h.http.get('/persons/PARENT/account').set('x-api-key', h.keys.agency)).body.balance;

it('settlement append fails → the family payment is refunded; a retry charges the holder once', async () => {
  failNext.push({ stream: 'person-CHILD', pass: 0 });
  const failed = await settle('S1', 'saga-crash-0001');
  expect(failed.status).toBe(500);
  expect(await balance()).toBe('240.00'); // compensated
  const retried = await settle('S1', 'saga-crash-0001');
  expect(retried.status).toBe(201);
  expect(retried.body.decision.amounts.relativeAccount).toBe('106.50');
  expect(await balance()).toBe('133.50'); // 240.00 − 106.50, once
});

it('settlement append AND the compensation fail → the retry reuses the held payment; nothing is charged twice', async () => {
  // The payment goes through, the settlement fails, and so does the refund.
  failNext.push({ stream: 'person-CHILD', pass: 0 }, { stream: 'person-PARENT', pass: 1 });
  const failed = await settle('S2', 'saga-crash-0002', '2023-03-12T09:00:00+08:00');
  expect(failed.status).toBe(500);
  expect(await balance()).toBe('27.00'); // 133.50 − 106.50 held, not yet settled
  const retried = await settle('S2', 'saga-crash-0002', '2023-03-12T09:00:00+08:00');
  expect(retried.status).toBe(201);
  expect(retried.body.decision.amounts.relativeAccount).toBe('106.50');
  expect(await balance()).toBe('27.00');
  const again = await settle('S2', 'saga-crash-0002', '2023-03-12T09:00:00+08:00');
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(await balance()).toBe('27.00');
  const family = (await h.store.readStream('person-PARENT')).filter((e) => e.type === 'FamilyAccountPayment');
  expect(family).toHaveLength(3); // S1's two attempts (one refunded) and S2's one
});

describe('issue 11 item 6: a family payment left without its settlement is refunded by the ledger itself', () => {
  const reconciler = () => h.app.get(FamilyPaymentReconciler);
  const later = (seconds: number) => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());
  const refunds = async () =>
    (await h.store.readStream('person-PARENT'))
      .filter((e) => e.type === 'FamilyAccountPaymentRefunded')
      .map((e) => e.data as { paymentId: string; reason: string });
  /** The payment lands, then the process "dies": the settlement and the compensation both fail. */
  const crashAfterPayment = async (settlementId: string, key: string, occurredAt: string) => {
    failNext.push({ stream: 'person-CHILD', pass: 0 }, { stream: 'person-PARENT', pass: 1 });
    expect((await settle(settlementId, key, occurredAt)).status).toBe(500);
  };

  beforeAll(async () => {
    for (const month of ['2023-03', '2023-04', '2023-05']) {
      expect((await h.http.post('/persons/PARENT/account/credits').set('x-api-key', h.keys.agency).send({ month })).status).toBe(201);
    }
  });

  it('young, it is left alone (its settlement may be in flight); past the threshold it is refunded once, naming the cause', async () => {
    const start = await balance(); // 27.00 + 3 × 120.00
    await crashAfterPayment('S3', 'saga-crash-0003', '2023-03-14T09:00:00+08:00');
    expect(await balance()).toBe(money(start).minus('106.50').toFixed(2));
    expect(await reconciler().reconcile()).toBe(0);
    later(61);
    expect(await reconciler().reconcile()).toBe(1);
    expect(await balance()).toBe(start);
    expect((await refunds()).filter((r) => r.paymentId === 'FAM-CHILD-S3-1')).toEqual([
      expect.objectContaining({ reason: 'settlement_not_recorded' }),
    ]);
    expect(await reconciler().reconcile()).toBe(0);
    // The client's retry under the same key then settles once, with a fresh payment.
    const retried = await settle('S3', 'saga-crash-0003', '2023-03-14T09:00:00+08:00');
    expect(retried.status).toBe(201);
    expect(retried.body.familyPayment).toEqual(expect.objectContaining({ paymentId: 'FAM-CHILD-S3-2', amount: '106.50' }));
    expect(await balance()).toBe(money(start).minus('106.50').toFixed(2));
    later(61);
    expect(await reconciler().reconcile()).toBe(0); // a landed settlement's payment is never refunded
  });

  it('two reconcilers (two processes) racing over one payment refund it once', async () => {
    const start = await balance();
    await crashAfterPayment('S4', 'saga-crash-0004', '2023-03-16T09:00:00+08:00');
    later(61);
    const second = new FamilyPaymentReconciler(h.store, h.app.get(PersonStreamWriter), h.clock);
    const [a, b] = await Promise.all([reconciler().reconcile(), second.reconcile()]);
    expect(a + b).toBe(1);
    expect(await balance()).toBe(start);
    expect((await refunds()).filter((r) => r.paymentId === 'FAM-CHILD-S4-1')).toHaveLength(1);
  });

  it('a retry that finds an old held payment refunds it under the reconciler key and pays afresh; nothing twice', async () => {
    const start = await balance();
    await crashAfterPayment('S5', 'saga-crash-0005', '2023-03-18T09:00:00+08:00');
    later(31); // past half the threshold: the reconciler could take it any moment
    const retried = await settle('S5', 'saga-crash-0005', '2023-03-18T09:00:00+08:00');
    expect(retried.status).toBe(201);
    expect(retried.body.familyPayment.paymentId).toBe('FAM-CHILD-S5-2');
    expect(await balance()).toBe(money(start).minus('106.50').toFixed(2));
    later(61);
    expect(await reconciler().reconcile()).toBe(0);
    expect((await refunds()).filter((r) => r.paymentId.startsWith('FAM-CHILD-S5-'))).toEqual([
      { paymentId: 'FAM-CHILD-S5-1', amount: '106.50', reason: 'settlement_not_recorded' },
    ]);
  });

  it("one payment's failing refund does not stop the others; it is tried again on the next pass", async () => {
    const start = await balance();
    await crashAfterPayment('S6', 'saga-crash-0006', '2023-03-20T09:00:00+08:00');
    await crashAfterPayment('S7', 'saga-crash-0007', '2023-03-22T09:00:00+08:00');
    expect(money(await balance()).lessThan(start)).toBe(true);
    later(61);
    failNext.push({ stream: 'person-PARENT', pass: 0 }); // the first refund of the pass fails
    expect(await reconciler().reconcile()).toBe(1);
    expect(await reconciler().reconcile()).toBe(1);
    expect(await balance()).toBe(start);
    expect(await reconciler().reconcile()).toBe(0);
  });
});
