/**
 * Issue 10: a settlement joins the person cache (write-through) without its decision trace,
 * as a command's load would read it, so that a cached person does not keep ~2.7 KB of
 * parsed trace per settlement alive. What the hospital gets back is the whole decision; the
 * person and account views read nothing; a query that shows the trace (the settlement's
 * record, an answered retry) reads the stream whole and gets it as recorded.
 */
import type { EventStore, ReadStreamOptions } from '../../src/event-store/event-store.port';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { marchVisit as visit, nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
let reads: Array<{ streamId: string; whole: boolean }> = [];
const agency = (r: ReturnType<LedgerHarness['http']['get']>) => r.set('x-api-key', h.keys.agency);
const post = (path: string, body: object, key?: string) => {
  const r = agency(h.http.post(path));
  return (key ? r.set('Idempotency-Key', key) : r).send(body);
};

beforeAll(async () => {
  h = await startLedger({
    now: '2023-03-10T12:00:00+08:00',
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.readStream = (streamId: string, options?: ReadStreamOptions) => {
        if (streamId === 'person-P1') reads.push({ streamId, whole: !options?.withoutDecisionTraces });
        return store.readStream(streamId, options);
      };
      return wrapped;
    },
  });
  await registerInstitutions(h);
  const enrolments = [nanyangEmployee('P1'), nanyangEmployee('H1', { relatives: [{ personId: 'P1', relation: 'child' }] })];
  for (const enrolment of enrolments) {
    expect((await post('/persons', enrolment)).status).toBe(201);
    expect((await post(`/persons/${enrolment.personId as string}/account/credits`, { month: '2023-02' })).status).toBe(201);
  }
});
afterAll(() => h.close());

it('a settled person stays cached: the answer carries the trace, the person and account views and the next settlement read nothing', async () => {
  reads = [];
  const first = await post('/persons/P1/visits', visit('S-1', '02'), 'settle-visit-1');
  expect(first.status).toBe(201);
  expect(first.body.decision.trace.length).toBeGreaterThan(0);
  expect((await agency(h.http.get('/persons/P1'))).status).toBe(200);
  expect((await agency(h.http.get('/persons/P1/account'))).status).toBe(200);
  const second = await post('/persons/P1/visits', visit('S-2', '03'), 'settle-visit-2');
  expect(second.status).toBe(201);
  expect(second.body.decision.trace.length).toBeGreaterThan(0);
  expect(reads).toEqual([]);
});

it("the settlement's record reads the stream whole once and shows the trace the hospital was given", async () => {
  reads = [];
  const settled = await post('/persons/P1/visits', visit('S-3', '04'), 'settle-visit-3');
  const detail = await agency(h.http.get('/persons/P1/settlements/S-3'));
  expect(detail.status).toBe(200);
  expect(detail.body.decision).toEqual(settled.body.decision);
  expect(reads).toEqual([{ streamId: 'person-P1', whole: true }]);
});

it('a retried settlement is answered with its trace after later settlements joined the cache without theirs', async () => {
  const first = await post('/persons/P1/visits', visit('S-4', '05'), 'settle-visit-4');
  expect((await post('/persons/P1/visits', visit('S-5', '06'), 'settle-visit-5')).status).toBe(201);
  const retried = await post('/persons/P1/visits', visit('S-4', '05'), 'settle-visit-4');
  expect(retried.status).toBe(first.status);
  expect(retried.body).toEqual({ ...first.body, created: false });
  expect(retried.body.decision.trace.length).toBeGreaterThan(0);
});

it("a payment from a relative's account reads the cached person not again; its retry is answered with the trace", async () => {
  expect((await post('/persons/P1/visits', visit('S-6', '07'), 'settle-visit-6')).status).toBe(201);
  reads = [];
  const body = { ...visit('S-7', '08'), account: { source: 'relative', holderId: 'H1' } };
  const first = await post('/persons/P1/visits', body, 'family-visit-7');
  expect(first.status).toBe(201);
  expect(first.body.familyPayment).toEqual(expect.objectContaining({ holderId: 'H1' }));
  expect(reads).toEqual([]);
  const retried = await post('/persons/P1/visits', body, 'family-visit-7');
  expect(retried.body).toEqual({ ...first.body, created: false });
  expect(retried.body.decision.trace.length).toBeGreaterThan(0);
  expect(reads).toEqual([{ streamId: 'person-P1', whole: true }]);
});
