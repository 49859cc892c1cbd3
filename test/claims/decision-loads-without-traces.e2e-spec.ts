/**
 * Issue 10: a person not in the person cache is read once, without decision traces, by every
 * step of the daily paths that reads only state, metadata or recorded amounts: a
 * pre-settlement, a settlement, a reversal (its check and its look-up after the write), the
 * holder's side of a payment from a relative's account, the national 2201 → 2207 sequence (the stored settlement and the balance it answers with). A
 * whole read there would read the person's stream twice (the cached entry read without
 * traces does not serve it) and parse every stored trace.
 */
import type { EventStore, ReadStreamOptions } from '../../src/event-store/event-store.port';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { marchVisit as visit, nanyangEmployee, national2207Data } from '../support/fixtures';

let h: LedgerHarness;
/** Reads of person streams, in order: which stream, and whether it was asked for whole. */
let reads: Array<{ streamId: string; whole: boolean }> = [];
const post = (path: string, body: object, key?: string) => {
  const r = h.http.post(path).set('x-api-key', h.keys.agency);
  return (key ? r.set('Idempotency-Key', key) : r).send(body);
};
/** Settles a visit of another person: with a cache of one person, `personId` leaves it. */
const evict = async (personId: string, day: string) => {
  const other = personId === 'P1' ? 'P2' : 'P1';
  expect((await post(`/persons/${other}/visits`, visit(`S-${other}-${day}`, day), `evict-${other}-${day}`)).status).toBe(201);
  reads = [];
};
const readsOf = (personId: string) => reads.filter((r) => r.streamId === `person-${personId}`);

beforeAll(async () => {
  h = await startLedger({
    now: '2023-03-10T12:00:00+08:00', // inside the 30-day reversal window of every visit below
    env: { LEDGER_PERSON_CACHE_SIZE: '1' },
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.readStream = (streamId: string, options?: ReadStreamOptions) => {
        if (streamId.startsWith('person-')) reads.push({ streamId, whole: !options?.withoutDecisionTraces });
        return store.readStream(streamId, options);
      };
      return wrapped;
    },
  });
  await registerInstitutions(h);
  const enrolments = [
    nanyangEmployee('P1'),
    nanyangEmployee('P2'),
    nanyangEmployee('H1', { relatives: [{ personId: 'P1', relation: 'child' }] }),
  ];
  for (const enrolment of enrolments) {
    const id = enrolment.personId as string;
    expect((await post('/persons', enrolment)).status).toBe(201);
    expect((await post(`/persons/${id}/account/credits`, { month: '2023-02' })).status).toBe(201);
  }
  expect((await post('/persons/P1/visits', visit('S-1', '02'), 'first-visit-of-P1')).status).toBe(201);
});
afterAll(() => h.close());

it('a pre-settlement, then the settlement, of a person not cached read the stream once, without traces', async () => {
  await evict('P1', '03');
  const pre = await post('/persons/P1/visits/pre-settlement', visit('S-2', '04'));
  expect(pre.status).toBe(200);
  const settled = await post('/persons/P1/visits', visit('S-2', '04'), 'second-visit-of-P1');
  expect(settled.status).toBe(201);
  // The pre-settlement decided what the settlement recorded, trace included.
  expect(settled.body.decision).toEqual(pre.body);
  expect(readsOf('P1')).toEqual([{ streamId: 'person-P1', whole: false }]);
});

it('a reversal of a person not cached reads the stream once, without traces, before and after its write', async () => {
  await evict('P1', '05');
  const res = await post('/persons/P1/settlements/S-1/reversal', { reason: 'billing error' }, 'reverse-S-1');
  expect(res.status).toBe(201);
  expect(res.body).toEqual(expect.objectContaining({ settlementId: 'S-1', created: true }));
  expect(readsOf('P1')).toEqual([{ streamId: 'person-P1', whole: false }]);
});

it('a payment from a relative’s account reads the holder, not cached, without traces', async () => {
  await evict('P1', '05');
  const res = await post('/persons/P1/visits', { ...visit('S-3', '06'), account: { source: 'relative', holderId: 'H1' } }, 'family-S-3');
  expect(res.status).toBe(201);
  expect(res.body.familyPayment).toEqual(expect.objectContaining({ holderId: 'H1' }));
  expect(readsOf('H1').length).toBeGreaterThan(0);
  expect(readsOf('H1').filter((r) => r.whole)).toEqual([]);
});

it('the national 2201 → 2204 → 2207 sequence for a person not cached reads the stream once, without traces', async () => {
  await evict('P1', '06');
  let seq = 0;
  const env = (infno: string, input: object) => ({
    infno,
    msgid: `H41130200001${String(++seq).padStart(8, '0')}`,
    fixmedins_code: 'NY-L2',
    input,
  });
  const registered = await post(
    '/national/2201',
    env('2201', {
      data: {
        psn_no: 'P1',
        insutype: '310',
        begntime: '2023-03-07 09:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: 'X',
        ipt_otp_no: 'MZ-1',
      },
    }),
  );
  expect(registered.body.infcode).toBe(0);
  const mdtrtId = registered.body.output.data.mdtrt_id;
  const line = {
    feedetl_sn: '1',
    med_list_codg: 'XA01',
    det_item_fee_sumamt: '200.00',
    chrgitm_lv: '01',
    mdtrt_id: mdtrtId,
    psn_no: 'P1',
    chrg_bchno: 'CB1',
  };
  expect((await post('/national/2204', env('2204', { feedetail: [line] }))).body.infcode).toBe(0);
  const settled = await post(
    '/national/2207',
    env('2207', national2207Data('P1', mdtrtId, { medfee_sumamt: '200.00', fulamt_ownpay_amt: '0.00', setl_time: '2023-03-07 09:30:00' })),
  );
  expect(settled.body.infcode).toBe(0);
  expect(readsOf('P1')).toEqual([{ streamId: 'person-P1', whole: false }]);
  // The balance answered is the account's after this settlement, as the person's own view shows it.
  const account = await h.http.get('/persons/P1/account').set('x-api-key', h.keys.agency);
  expect(settled.body.output.setlinfo.balc).toBe(account.body.balance);
});
