/**
 * Issue 15 item 2 over HTTP: a correction of a settlement paid from a spouse's account moves
 * the money on the spouse's stream (宛政办〔2022〕42号 第九条（二）: family use of the account).
 *
 * The spouse: in service, base 5000.00 → 100.00 credited for January and February (第八条（一）, 2%).
 * The person's visit at the level-1 NY-L1 (no deductible, 60% in service, 第五条（一）（二）):
 * A01 137.50 in the catalogue, A02 45.00 entered as outside it → fund 82.50, share 100.00,
 * all from the spouse's account (balance 200.00 → 100.00). Corrected (A02 in the catalogue):
 * fund 182.50 × 60% = 109.50, share 73.00 → the spouse's account gets 27.00 back.
 */
import { INSTITUTIONS, LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { CorrectionsReconciler } from '../../src/corrections/corrections.reconciler';
import type { EventStore } from '../../src/event-store/event-store.port';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';

let h: LedgerHarness;
/** When set, appends to the person's stream fail (a crash after the spouse's part is written). */
let failPersonAppends = false;

const post = (path: string, body: unknown, key = h.keys.agency, idem?: string) => {
  const r = h.http.post(path).set('x-api-key', key);
  return (idem ? r.set('Idempotency-Key', idem) : r).send(body as object);
};
const get = (path: string, key = h.keys.agency) => h.http.get(path).set('x-api-key', key);
const types = async (id: string) => (await h.store.readStream(`person-${id}`)).map((e) => e.type);
const head = async () => (await h.store.readAll({ afterPosition: 0, maxCount: 100_000 })).length;

const A01 = { code: 'A01', amount: '137.50', inCatalogue: true };
const A02 = { code: 'A02', amount: '45.00', inCatalogue: false };
const linesSpec = (personId: string, settlementId: string) => ({
  kind: 'settlement-lines',
  personId,
  settlementId,
  lines: [A01, { ...A02, inCatalogue: true }],
});

/** A spouse with 200.00 and a person whose visit the spouse's account paid 100.00 of. */
async function familyVisit(spouseId: string, personId: string, settlementId: string): Promise<void> {
  const enrol = (id: string, relatives: unknown[]) =>
    post('/persons', {
      personId: id,
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '5000.00',
      relatives,
    });
  expect((await enrol(personId, [])).status).toBe(201);
  expect((await enrol(spouseId, [{ personId, relation: 'spouse' }])).status).toBe(201);
  for (const month of ['2023-01', '2023-02']) expect((await post(`/persons/${spouseId}/account/credits`, { month })).status).toBe(201);
  const at = '2023-03-01T09:00:00+08:00';
  h.clock.set(at);
  const res = await post(`/persons/${personId}/visits`, {
    settlementId,
    visitId: `V-${settlementId}`,
    institutionCode: 'NY-L1',
    occurredAt: at,
    settledAt: at,
    medType: 'ordinary',
    lines: [A01, A02],
    account: { source: 'relative', holderId: spouseId },
  });
  expect(res.status).toBe(201);
  expect(res.body.decision.amounts).toMatchObject({ fund: '82.50', relativeAccount: '100.00', cash: '0.00' });
  expect((await get(`/persons/${spouseId}/account`)).body.balance).toBe('100.00');
}

beforeAll(async () => {
  h = await startLedger({
    now: '2023-02-28T09:00:00+08:00',
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.append = async (streamId, events, expected) => {
        if (failPersonAppends && streamId === 'person-RA-P2') throw new Error('simulated crash before the person stream');
        return store.append(streamId, events, expected);
      };
      return wrapped;
    },
  });
  await registerInstitutions(h, INSTITUTIONS);
  await familyVisit('RA-S1', 'RA-P1', 'S-RA1');
  await familyVisit('RA-S2', 'RA-P2', 'S-RA2');
  h.clock.set('2024-03-01T10:00:00+08:00');
}, 60_000);
afterAll(async () => h?.close());

describe("a correction of a settlement paid from a spouse's account", () => {
  it('dry run: the same answer, the spouse refunded 27.00 in it, nothing written', async () => {
    const before = await head();
    const dry = await post('/corrections?dryRun=true', { spec: linesSpec('RA-P1', 'S-RA1') });
    expect(dry.status).toBe(201);
    expect(dry.body.totals).toEqual({ fund: '27.00', account: '0.00', cash: '0.00' });
    expect(dry.body.persons).toEqual([
      expect.objectContaining({
        personId: 'RA-P1',
        events: [expect.objectContaining({ type: 'SettlementAdjusted' })],
        holders: [
          {
            holderId: 'RA-S1',
            events: [
              {
                type: 'RelativeAccountRefunded',
                data: expect.objectContaining({ beneficiaryId: 'RA-P1', settlementId: 'S-RA1', amount: '27.00' }),
              },
            ],
          },
        ],
      }),
    ]);
    expect(await head()).toBe(before);
  });

  it("applied: the spouse's stream gets the 27.00, naming the person's settlement and the correction; nothing owed to the person", async () => {
    const res = await post('/corrections', { spec: linesSpec('RA-P1', 'S-RA1') });
    expect(res.status).toBe(201);
    const spouse = (await h.store.readStream('person-RA-S1')).map((e) => ({ type: e.type, data: e.data as any }));
    expect(spouse[spouse.length - 1]).toEqual({
      type: 'RelativeAccountRefunded',
      data: {
        correctionId: res.body.correctionId,
        beneficiaryId: 'RA-P1',
        settlementId: 'S-RA1',
        paymentId: expect.any(String),
        amount: '27.00',
        on: '2024-03-01T02:00:00.000Z',
        clause: 'ledger rule correction-relative-account-refund',
      },
    });
    expect((await types('RA-P1')).slice(-1)).toEqual(['SettlementAdjusted']);
    expect((await get('/persons/RA-S1/account')).body.balance).toBe('127.00');
  });

  it("the spouse's account statement (read model) shows the refund line; the person owes and is owed nothing", async () => {
    await h.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    const spouse = (await get('/persons/RA-S1/account/statement')).body.result;
    expect(spouse.balance).toBe('127.00');
    expect(spouse.lines[spouse.lines.length - 1]).toMatchObject({
      type: 'RelativeAccountRefunded',
      credit: '27.00',
      debit: '0.00',
      balance: '127.00',
      reference: expect.stringContaining('settlementId:S-RA1'),
    });
    const person = (await get('/persons/RA-P1/account/statement')).body.result;
    expect(person.receivables).toMatchObject({ owedToPerson: '0.00', owedToFund: '0.00' });
  });

  it('replay: 0 differences on both streams', async () => {
    for (const personId of ['RA-P1', 'RA-S1']) {
      const replay = await post('/audit/replay', { personId, year: 2023 }, h.keys.auditor);
      expect([personId, replay.status, replay.body.verdict]).toEqual([personId, 200, '0 differences']);
    }
  });

  it("a crash after the spouse's part: the reconciler writes the person's part, the spouse is refunded once", async () => {
    failPersonAppends = true;
    const res = await post('/corrections', { spec: linesSpec('RA-P2', 'S-RA2') }, h.keys.agency, 'ra-crash-1');
    failPersonAppends = false;
    expect(res.status).toBe(500);
    expect((await types('RA-S2')).filter((t) => t === 'RelativeAccountRefunded')).toHaveLength(1);
    expect(await types('RA-P2')).not.toContain('SettlementAdjusted');
    await h.app.get(CorrectionsReconciler).reconcile();
    expect((await types('RA-P2')).slice(-1)).toEqual(['SettlementAdjusted']);
    expect((await types('RA-S2')).filter((t) => t === 'RelativeAccountRefunded')).toHaveLength(1);
    expect((await get('/persons/RA-S2/account')).body.balance).toBe('127.00');
    await h.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    expect((await get('/persons/RA-P2/account/statement')).body.result.receivables.owedToPerson).toBe('0.00');
  });

  it('the client retries after the crash: answered with what was written (the person and the spouse), nothing written again', async () => {
    const before = await head();
    const retry = await post('/corrections', { spec: linesSpec('RA-P2', 'S-RA2') }, h.keys.agency, 'ra-crash-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ created: false, changed: true, totals: { fund: '27.00', account: '0.00', cash: '0.00' } });
    expect(retry.body.persons).toEqual([
      {
        personId: 'RA-P2',
        changes: [expect.objectContaining({ settlementId: 'S-RA2', delta: { fund: '27.00', account: '0.00', cash: '0.00' } })],
        events: [
          { type: 'SettlementAdjusted', data: expect.objectContaining({ settlementId: 'S-RA2', correctionId: retry.body.correctionId }) },
        ],
        holders: [
          {
            holderId: 'RA-S2',
            events: [{ type: 'RelativeAccountRefunded', data: expect.objectContaining({ beneficiaryId: 'RA-P2', amount: '27.00' }) }],
          },
        ],
      },
    ]);
    expect(await head()).toBe(before);
  });
});
