/**
 * Issue 15 item 4 over HTTP: an institution's approved month corrected after the year was
 * paid, directly (POST /institutions/:code/months/:month/correction) and by upholding a
 * dispute of kind institution-month; dry runs write nothing; replay finds 0 differences.
 *
 * JZ-L2, a county general hospital in Jiaozuo (焦医保〔2024〕32号 四（一）3（1）: base 204.00;
 * 2024 growth cap 6.5 % → ceiling 204 × 1.065 = 217.26 a visit). August–December 2024, each
 * month 10,000 visits, 2,300,000.00 cost (230.00 a visit, over the ceiling), 1,000,000.00
 * approved (November declared 1,050,000.00, cut to 1,000,000.00 on verification); advance
 * 95 % = 950,000.00, held 50,000.00 (四（二）). Period: payable = 50,000 × 217.26 × fund due /
 * cost (附件) = 10,863,000 × 5,000,000 / 11,500,000 = 4,723,043.48; passed; final 4,723,043.48.
 *  - December corrected to 900,000.00 due: 10,863,000 × 4,900,000 / 11,500,000 = 4,628,582.61,
 *    94,460.87 recovered (五（二）); December's advance 855,000.00, held 45,000.00.
 *  - The institution disputes November; upheld at 1,050,000.00: 10,863,000 × 4,950,000 /
 *    11,500,000 = 4,675,813.04, 47,230.43 topped up; November's advance 997,500.00, held 52,500.00.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { CorrectionsReconciler } from '../../src/corrections/corrections.reconciler';
import { DisputesReconciler } from '../../src/disputes/disputes.reconciler';
import type { EventStore } from '../../src/event-store/event-store.port';
import { LedgerHarness, startLedger } from '../support/ledger-app';

let h: LedgerHarness;
/** When set, appends to the institution's stream fail (a crash between the correction's streams). */
let failInstitutionAppends = false;

const CODE = 'JZ-L2';
const post = (p: string, body: object = {}, key = h.keys.agency, idem?: string) => {
  const r = h.http.post(p).set('x-api-key', key);
  return (idem ? r.set('Idempotency-Key', idem) : r).send(body);
};
const get = (p: string, key = h.keys.agency) => h.http.get(p).set('x-api-key', key);
const ok = async (p: string, body: object = {}) => {
  const res = await post(p, body);
  if (res.status !== 201) throw new Error(`${p}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const institutionEvents = async () => (await h.store.readStream(`institution-${CODE}`)).map((e) => ({ type: e.type, data: e.data as any }));
const DECEMBER = { corrected: { visits: 10000, totalCost: '2300000.00', fundDue: '900000.00' }, reason: 'violating costs found on audit' };
const correction = (month: string) => `/institutions/${CODE}/months/${month}/correction`;

beforeAll(async () => {
  h = await startLedger({
    now: '2025-03-01T12:00:00+08:00',
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.append = async (streamId, events, expected) => {
        if (failInstitutionAppends && streamId === `institution-${CODE}`) throw new Error('simulated crash before the institution stream');
        return store.append(streamId, events, expected);
      };
      return wrapped;
    },
  });
  await ok('/institutions', {
    code: CODE,
    name: '某县人民医院',
    category: 'county_general',
    level: 'level2',
    location: 'county',
    region: 'jiaozuo',
    designations: ['employee'],
  });
  expect((await ok(`/institutions/${CODE}/years/2024/cost-base`)).events[0].data.base).toBe('204.00');
  for (const [m, next] of [
    ['08', '2024-09'],
    ['09', '2024-10'],
    ['10', '2024-11'],
    ['11', '2024-12'],
    ['12', '2025-01'],
  ]) {
    const fundDue = m === '11' ? '1050000.00' : '1000000.00';
    await ok(`/institutions/${CODE}/months/2024-${m}/declaration`, {
      visits: 10000,
      totalCost: '2300000.00',
      fundDue,
      declaredOn: `${next}-08`,
    });
    await ok(`/institutions/${CODE}/months/2024-${m}/approval`, { approvedAmount: '1000000.00' });
    await ok(`/institutions/${CODE}/months/2024-${m}/advance`);
  }
  const settled = await ok(`/institutions/${CODE}/years/2024/settlement`);
  expect(settled.events[0].data).toMatchObject({ ceilingAverage: '217.26', payable: '4723043.48', overspend: '276956.52' });
  await ok(`/institutions/${CODE}/years/2024/assessment`, { passed: true });
  expect((await ok(`/institutions/${CODE}/years/2024/final-payment`)).events[0].data.finalPayment).toBe('4723043.48');
}, 60_000);
afterAll(() => h?.close());

describe('POST /institutions/:code/months/:month/correction', () => {
  it('refuses an institution key (403), bad figures (400 naming the field) and a month not approved (422 with clause); nothing written', async () => {
    const head = await h.store.headPosition();
    expect((await post(correction('2024-12'), DECEMBER, h.keys.institution(CODE))).status).toBe(403);
    const typed = await post(correction('2024-12'), { ...DECEMBER, corrected: { ...DECEMBER.corrected, totalCost: 2300000 } });
    expect([typed.status, typed.body.message]).toEqual([400, expect.stringContaining('corrected.totalCost')]);
    const missing = await post(correction('2024-12'), { corrected: DECEMBER.corrected });
    expect([missing.status, missing.body.message]).toEqual([400, expect.stringContaining('reason')]);
    const over = await post(correction('2024-12'), { ...DECEMBER, corrected: { ...DECEMBER.corrected, fundDue: '2300000.01' } });
    expect([over.status, over.body.message]).toEqual([400, expect.stringContaining('corrected.fundDue')]);
    expect((await post(`${correction('2024-12')}?dryRun=yes`, DECEMBER)).status).toBe(400);
    const early = await post(correction('2024-07'), DECEMBER);
    expect([early.status, early.body.code, early.body.clause]).toEqual([422, 'MONTH_NOT_APPROVED', '焦医保〔2024〕32号 五（二）']);
    expect((await post(`/institutions/NOPE/months/2024-12/correction`, DECEMBER)).status).toBe(404);
    expect(await h.store.headPosition()).toBe(head);
  });

  let written: any;
  it('a dry run answers the events that would be written and writes nothing; the same key then writes them (201); a retry replays', async () => {
    const head = await h.store.headPosition();
    const dry = await post(`${correction('2024-12')}?dryRun=true`, DECEMBER, h.keys.agency, 'fix-december');
    expect(dry.status).toBe(201);
    expect(dry.body).toMatchObject({ dryRun: true, created: false, changed: true, institution: { code: CODE, month: '2024-12' } });
    expect(await h.store.headPosition()).toBe(head);

    const res = await post(correction('2024-12'), DECEMBER, h.keys.agency, 'fix-december');
    expect(res.status).toBe(201);
    written = res.body;
    expect(written).toMatchObject({ dryRun: false, created: true, changed: true, correctionId: dry.body.correctionId });
    expect(written.institution.events).toEqual(dry.body.institution.events);
    const data = (type: string) => written.institution.events.find((e: any) => e.type === type)?.data;
    expect(written.institution.events.map((e: any) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionPeriodResettled',
      'InstitutionFinalPaymentRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(data('InstitutionMonthCorrected')).toMatchObject({
      correctionId: written.correctionId,
      previous: { visits: 10000, totalCost: '2300000.00', fundDue: '1000000.00' },
      corrected: DECEMBER.corrected,
      correctedOn: '2025-03-01', // the day it was applied (Asia/Shanghai), none given
    });
    expect(data('InstitutionAdvanceRecomputed').recomputed).toEqual({ amount: '855000.00', held: '45000.00' });
    expect(data('InstitutionPeriodResettled').outcome).toMatchObject({ fundDue: '4900000.00', payable: '4628582.61' });
    expect(data('InstitutionFinalPaymentRecomputed').recomputed).toMatchObject({ finalPayment: '4628582.61' });
    expect(data('InstitutionFundRecovered')).toEqual({
      correctionId: written.correctionId,
      year: 2024,
      amount: '94460.87',
      clause: '焦医保〔2024〕32号 五（二）',
    });
    const stored = (await institutionEvents()).slice(-5);
    expect(stored).toEqual(written.institution.events);

    const afterWrite = await h.store.headPosition();
    const retry = await post(correction('2024-12'), DECEMBER, h.keys.agency, 'fix-december');
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body.institution.events]).toEqual([
      201,
      'true',
      written.institution.events,
    ]);
    expect(await h.store.headPosition()).toBe(afterWrite);
  });

  it('the same figures again change nothing: nothing written, and the answer says so (as the person-side corrections do)', async () => {
    const head = await h.store.headPosition();
    const res = await post(correction('2024-12'), DECEMBER);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      created: false,
      changed: false,
      message: expect.stringContaining('changes nothing'),
      institution: { events: [] },
    });
    expect(await h.store.headPosition()).toBe(head);
  });

  it('GET /institutions/:code/years/:year shows the original, corrected and net figures', async () => {
    const res = await get(`/institutions/${CODE}/years/2024`, h.keys.auditor);
    expect(res.status).toBe(200);
    expect(res.body.months.find((m: any) => m.month === '2024-12')).toMatchObject({
      approved: '900000.00',
      advanced: '855000.00',
      held: '45000.00',
      original: { fundDue: '1000000.00', advanced: '950000.00', held: '50000.00' },
    });
    expect(res.body.final).toMatchObject({ finalPayment: '4628582.61' });
    expect(res.body.corrections).toEqual({
      correctionIds: [written.correctionId],
      original: { approved: '5000000.00', advanced: '4750000.00', held: '250000.00', payable: '4723043.48', finalPayment: '4723043.48' },
      corrected: { approved: '4900000.00', advanced: '4655000.00', held: '245000.00', payable: '4628582.61', finalPayment: '4628582.61' },
      recovered: '94460.87',
      toppedUp: '0.00',
      net: '-94460.87',
    });
  });
});

describe('a dispute of kind institution-month', () => {
  const NOVEMBER = {
    kind: 'institution-month',
    institutionCode: CODE,
    month: '2024-11',
    corrected: { visits: 10000, totalCost: '2300000.00', fundDue: '1050000.00' },
    reason: 'the cut was not justified: the verified lines support the declared fund due',
  };
  let disputeId: string;

  it('the institution opens it on its own month (not on another), and the analysis states the top-up', async () => {
    const foreign = await post(
      '/disputes',
      {
        subject: { kind: 'institution-month', institutionCode: CODE, month: '2024-11' },
        grounds: { code: 'WRONG_INSTITUTION_MONTH', text: 'November was cut' },
        allegedFacts: NOVEMBER,
      },
      h.keys.institution('NY-L2'),
    );
    expect(foreign.status).toBe(403);
    const otherMonth = await post(
      '/disputes',
      {
        subject: { kind: 'institution-month', institutionCode: CODE, month: '2024-10' },
        grounds: { code: 'WRONG_INSTITUTION_MONTH', text: 'November was cut' },
        allegedFacts: NOVEMBER,
      },
      h.keys.institution(CODE),
    );
    expect([otherMonth.status, otherMonth.body.message]).toEqual([400, expect.stringContaining('allegedFacts')]);

    const res = await post(
      '/disputes',
      {
        subject: { kind: 'institution-month', institutionCode: CODE, month: '2024-11' },
        grounds: { code: 'WRONG_INSTITUTION_MONTH', text: 'November was cut from 1,050,000.00 to 1,000,000.00' },
        allegedFacts: NOVEMBER,
      },
      h.keys.institution(CODE),
      'dispute-november',
    );
    expect(res.status).toBe(201);
    disputeId = res.body.disputeId;
    expect(res.body.dispute).toMatchObject({
      status: 'open',
      institutionCode: CODE,
      openedBy: { role: 'institution', institutionCode: CODE },
      analysis: {
        institutionMonth: {
          institutionCode: CODE,
          month: '2024-11',
          changed: true,
          recovered: '0.00',
          toppedUp: '47230.43',
          events: [
            'InstitutionMonthCorrected',
            'InstitutionAdvanceRecomputed',
            'InstitutionPeriodResettled',
            'InstitutionFinalPaymentRecomputed',
            'InstitutionFundToppedUp',
          ],
        },
      },
    });
  });

  it('only the agency upholds; a dry run first writes nothing; upheld, the correction carries the dispute id', async () => {
    expect((await post(`/disputes/${disputeId}/uphold`, {}, h.keys.institution(CODE))).status).toBe(403);
    const head = await h.store.headPosition();
    const dry = await post(`/disputes/${disputeId}/uphold?dryRun=true`, {}, h.keys.agency, 'uphold-november');
    expect(dry.status).toBe(201);
    expect(dry.body).toMatchObject({ dryRun: true, created: false, correction: { dryRun: true, disputeId } });
    expect(await h.store.headPosition()).toBe(head);

    const res = await post(`/disputes/${disputeId}/uphold`, {}, h.keys.agency, 'uphold-november');
    expect(res.status).toBe(201);
    expect(res.body.correction.institution.events).toEqual(dry.body.correction.institution.events);
    const events = res.body.correction.institution.events;
    expect(events[0].data).toMatchObject({
      disputeId,
      previous: { fundDue: '1000000.00' },
      corrected: { fundDue: '1050000.00' },
    });
    expect(events[1].data.recomputed).toEqual({ amount: '997500.00', held: '52500.00' });
    expect(events[2].data.outcome).toMatchObject({ fundDue: '4950000.00', payable: '4675813.04' });
    expect(events[3].data).toMatchObject({ previous: { finalPayment: '4628582.61' }, recomputed: { finalPayment: '4675813.04' } });
    expect(events[4]).toEqual({
      type: 'InstitutionFundToppedUp',
      data: { correctionId: res.body.correctionId, year: 2024, amount: '47230.43', clause: 'ledger rule institution-correction-top-up' },
    });
    expect((await get(`/disputes/${disputeId}`, h.keys.institution(CODE))).body).toMatchObject({
      status: 'upheld',
      resolution: { correctionId: res.body.correctionId },
    });
    const year = (await get(`/institutions/${CODE}/years/2024`)).body.corrections;
    expect(year).toMatchObject({ recovered: '94460.87', toppedUp: '47230.43', net: '-47230.44' });
    expect(year.corrected).toMatchObject({ approved: '4950000.00', finalPayment: '4675813.04' });
  });

  it('POST /corrections takes the kind too (400 without its figures); a crash between the streams is finished by the reconcilers', async () => {
    const bad = await post('/corrections', { spec: { ...NOVEMBER, corrected: undefined } });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('corrected')]);

    const october = await post(
      '/disputes',
      {
        subject: { kind: 'institution-month', institutionCode: CODE, month: '2024-10' },
        grounds: { code: 'WRONG_INSTITUTION_MONTH', text: 'October: 200 phantom visits' },
        allegedFacts: { ...NOVEMBER, month: '2024-10', corrected: { visits: 9800, totalCost: '2300000.00', fundDue: '1000000.00' } },
      },
      h.keys.institution(CODE),
    );
    expect(october.status).toBe(201);
    const id = october.body.disputeId;
    const before = (await institutionEvents()).length;
    failInstitutionAppends = true;
    const crashed = await post(`/disputes/${id}/uphold`, {}, h.keys.agency, 'uphold-october');
    failInstitutionAppends = false;
    expect(crashed.status).toBe(500);
    expect((await institutionEvents()).length).toBe(before);
    expect((await get(`/disputes/${id}`)).body.status).toBe('open');

    await h.app.get(CorrectionsReconciler).reconcile();
    const finished = (await institutionEvents()).slice(before);
    expect(finished.map((e) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionPeriodResettled',
      'InstitutionFinalPaymentRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(finished[0].data).toMatchObject({ disputeId: id, corrected: { visits: 9800 } });
    expect(await h.app.get(DisputesReconciler).reconcile()).toBe(1);
    expect((await get(`/disputes/${id}`)).body.status).toBe('upheld');
    // Run again: nothing more to do.
    await h.app.get(CorrectionsReconciler).reconcile();
    expect((await institutionEvents()).length).toBe(before + finished.length);
  });
});

describe('replay after the corrections', () => {
  const replay = () => get(`/institutions/${CODE}/years/2024/replay`, h.keys.auditor);

  it('0 findings; a correction counts as one command; a tampered recovery amount is found by recomputation and by the chain', async () => {
    const honest = await replay();
    expect(honest.status).toBe(200);
    expect(honest.body.findings).toEqual([]);
    expect(honest.body.chain.intact).toBe(true);
    const consequences = (await institutionEvents()).filter((e) =>
      [
        'InstitutionAdvanceRecomputed',
        'InstitutionPeriodResettled',
        'InstitutionFinalPaymentRecomputed',
        'InstitutionFundRecovered',
        'InstitutionFundToppedUp',
      ].includes(e.type),
    );
    expect(honest.body.recomputed).toBe(honest.body.events - consequences.length);

    const db = new Database(path.join(h.dir, 'ledger.db'));
    const changed = db
      .prepare(
        `UPDATE events SET data = json_set(data, '$.amount', '9446.87') WHERE stream_id = 'institution-${CODE}' AND type = 'InstitutionFundRecovered' AND json_extract(data, '$.amount') = '94460.87'`,
      )
      .run();
    db.close();
    expect(changed.changes).toBe(1);
    const tampered = await replay();
    expect(tampered.body.findings).toEqual([
      expect.objectContaining({
        type: 'InstitutionFundRecovered',
        kind: 'differs',
        differences: [{ path: 'amount', recorded: '9446.87', recomputed: '94460.87' }],
      }),
    ]);
    expect(tampered.body.chain).toMatchObject({
      intact: false,
      firstBroken: { type: 'InstitutionFundRecovered', reason: 'hash_mismatch' },
    });
  });
});
