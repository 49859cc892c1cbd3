/**
 * Issue 12 item 1: the outpatient call sequence in the national platform's shape. Every
 * figure answered by 2206, 2207 and 2208 is checked against the ledger's own answer for
 * the same visit facts, settled on a twin person through POST /persons/:id/visits.
 */
import { beijingTime } from '../../src/national/national.mapping';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee, national2207Data } from '../support/fixtures';

let h: LedgerHarness;
let seq = 0;
const msgid = () => `H41130200001${String(++seq).padStart(8, '0')}`;
const post = (path: string, body: object, key = h.keys.agency) => h.http.post(path).set('x-api-key', key).send(body);
const env = (infno: string, input: object, extra: object = {}) => ({ infno, msgid: msgid(), fixmedins_code: 'NY-L2', input, ...extra });

const enrol = async (personId: string) => {
  const body = nanyangEmployee(personId);
  expect((await post('/persons', body)).status).toBe(201);
  expect((await post(`/persons/${personId}/account/credits`, { month: '2023-02' })).status).toBe(201);
};

const LINES: Array<Record<string, string>> = [
  { feedetl_sn: '1', med_list_codg: 'XA01', det_item_fee_sumamt: '200.00', cnt: '2', pric: '100.00', chrgitm_lv: '01' },
  { feedetl_sn: '2', med_list_codg: 'XB02', det_item_fee_sumamt: '50.00', chrgitm_lv: '03' },
];
const TWIN_VISIT = (settlementId: string, visitId: string) => ({
  settlementId,
  visitId,
  institutionCode: 'NY-L2',
  occurredAt: '2023-03-01T09:00:00+08:00',
  settledAt: '2023-03-01T09:30:00+08:00',
  medType: 'ordinary',
  lines: [
    { code: 'XA01', amount: '200.00', inCatalogue: true },
    { code: 'XB02', amount: '50.00', inCatalogue: false },
  ],
  account: { source: 'own' },
});

async function register(psnNo: string, ipt: string, extra: object = {}): Promise<string> {
  const res = await post(
    '/national/2201',
    env('2201', {
      data: {
        psn_no: psnNo,
        insutype: '310',
        begntime: '2023-03-01 09:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: 'X',
        ipt_otp_no: ipt,
        ...extra,
      },
    }),
  );
  expect(res.status).toBe(200);
  expect(res.body.infcode).toBe(0);
  return res.body.output.data.mdtrt_id;
}

async function upload(psnNo: string, mdtrtId: string, bchno = 'CB1', lines = LINES) {
  return post(
    '/national/2204',
    env('2204', { feedetail: lines.map((l) => ({ ...l, mdtrt_id: mdtrtId, psn_no: psnNo, chrg_bchno: bchno })) }),
  );
}

const NATIONAL_FIELDS = [
  'medfee_sumamt',
  'fulamt_ownpay_amt',
  'overlmt_selfpay',
  'preselfpay_amt',
  'inscp_scp_amt',
  'act_pay_dedc',
  'hifp_pay',
  'fund_pay_sumamt',
  'psn_part_amt',
  'acct_pay',
  'acct_mulaid_pay',
  'psn_cash_pay',
];

beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
  await enrol('P1');
  await enrol('T1');
});
afterAll(async () => h.close());

describe('national outpatient sequence 2201 → 2204 → 2206 → 2207 → 2208', () => {
  let mdtrtId: string;
  let setlId: string;
  let twinNational: Record<string, string>;

  it('2201 registers the visit and 2204 uploads its lines', async () => {
    mdtrtId = await register('P1', 'MZ0001', { psn_type: '1101', hosp_lv: '06' });
    const res = await upload('P1', mdtrtId);
    expect(res.status).toBe(200);
    expect(res.body.output.result).toEqual([
      { feedetl_sn: '1', chrg_bchno: 'CB1', det_item_fee_sumamt: '200.00', chrgitm_lv: '01', fulamt_ownpay_amt: '0.00' },
      { feedetl_sn: '2', chrg_bchno: 'CB1', det_item_fee_sumamt: '50.00', chrgitm_lv: '03', fulamt_ownpay_amt: '50.00' },
    ]);
  });

  it('2206 answers the ledger pre-settlement figures and writes nothing', async () => {
    const twin = await post('/persons/T1/visits/pre-settlement', TWIN_VISIT('S-T1', 'V-T1'));
    expect(twin.status).toBe(200);
    const head = await h.store.headPosition();
    const res = await post('/national/2206', env('2206', national2207Data('P1', mdtrtId)));
    expect(res.status).toBe(200);
    for (const f of NATIONAL_FIELDS) expect([f, res.body.output.setlinfo[f]]).toEqual([f, twin.body.national[f]]);
    expect(res.body.output.setlinfo.setl_id).toBe('');
    expect(await h.store.headPosition()).toBe(head);
  });

  it('2207 settles with every figure equal to the ledger’s own settlement of the same visit', async () => {
    const twin = await post('/persons/T1/visits', TWIN_VISIT('S-T1', 'V-T1'));
    expect(twin.status).toBe(201);
    const res = await post('/national/2207', env('2207', national2207Data('P1', mdtrtId)));
    expect(res.status).toBe(200);
    const { setlinfo, setldetail } = res.body.output;
    setlId = setlinfo.setl_id;
    twinNational = twin.body.decision.national;
    for (const f of NATIONAL_FIELDS) expect([f, setlinfo[f]]).toEqual([f, twin.body.decision.national[f]]);
    expect(setlinfo).toEqual(
      expect.objectContaining({
        mdtrt_id: mdtrtId,
        psn_no: 'P1',
        insutype: '310',
        psn_type: '11',
        med_type: '11',
        setl_time: '2023-03-01 09:30:00',
      }),
    );
    expect(setlinfo.acct_pay).not.toBe('0.00');
    const twinAccount = await h.http.get('/persons/T1/account').set('x-api-key', h.keys.agency);
    expect(setlinfo.balc).toBe(twinAccount.body.balance);
    const d = twin.body.decision.amounts;
    expect(setldetail).toEqual([
      expect.objectContaining({
        fund_pay_type: '310100',
        inscp_scp_amt: twin.body.decision.national.inscp_scp_amt,
        crt_payb_lmt_amt: d.capRemainingBefore,
        fund_payamt: d.fund,
      }),
    ]);
    expect(setldetail[0].setl_proc_info).toContain('宛政办〔2022〕42号');
    // The settlement is the ledger's own: the same record under GET /persons/:id/settlements/:id.
    const detail = await h.http.get(`/persons/P1/settlements/${setlId}`).set('x-api-key', h.keys.agency);
    expect(detail.status).toBe(200);
  });

  it('a second 2207 for a settled visit is refused (422 VISIT_ALREADY_SETTLED)', async () => {
    const call = env(
      '2207',
      national2207Data('P1', mdtrtId, { chrg_bchno: 'CB2', medfee_sumamt: '10.00', fulamt_ownpay_amt: '0.00', inscp_scp_amt: '10.00' }),
    );
    expect(
      (await upload('P1', mdtrtId, 'CB2', [{ feedetl_sn: '1', med_list_codg: 'XA01', det_item_fee_sumamt: '10.00', chrgitm_lv: '01' }]))
        .status,
    ).toBe(200);
    const first = await post('/national/2207', call);
    expect(first.status).toBe(422); // the visit is already settled: refused, nothing written
    expect(first.body).toEqual(expect.objectContaining({ infcode: -1, code: 'VISIT_ALREADY_SETTLED' }));
  });

  it('2208 reverses, negating the settlement, with the balance the ledger restores', async () => {
    h.clock.set('2023-03-05T10:00:00+08:00'); // within the 30-day reversal window
    const twin = await post('/persons/T1/settlements/S-T1/reversal', { reason: 'twin' });
    expect(twin.status).toBe(201);
    const res = await post('/national/2208', env('2208', { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: 'P1' } }));
    expect(res.status).toBe(200);
    const neg = (s: string) => (s === '0.00' ? s : `-${s}`);
    const out = res.body.output.setlinfo;
    for (const f of ['medfee_sumamt', 'fund_pay_sumamt', 'hifp_pay', 'psn_part_amt', 'acct_pay', 'acct_mulaid_pay', 'psn_cash_pay'])
      expect([f, out[f]]).toEqual([f, neg(twinNational[f])]);
    // What the ledger restored on the twin's reversal is what 2208 answers, negated.
    const reversal = (await h.store.readStream('person-T1')).find((e) => e.type === 'SettlementReversed')!.data as Record<string, string>;
    expect([neg(reversal.fundRestored), neg(reversal.accountRestored)]).toEqual([out.fund_pay_sumamt, out.acct_pay]);
    const mine = (await h.store.readStream('person-P1')).filter((e) => e.type === 'SettlementReversed');
    expect(mine.map((e) => (e.data as { settlementId: string }).settlementId)).toEqual([setlId]);
    const twinAccount = await h.http.get('/persons/T1/account').set('x-api-key', h.keys.agency);
    expect(res.body.output.setlinfo.balc).toBe(twinAccount.body.balance);
  });

  it('a retried 2207 after a success answers the same setl_id and writes nothing', async () => {
    const mdtrt = await register('P1', 'MZ0002');
    expect((await upload('P1', mdtrt)).status).toBe(200);
    const call = env('2207', national2207Data('P1', mdtrt, { acct_used_flag: '0' }));
    const first = await post('/national/2207', call);
    expect(first.status).toBe(200);
    const head = await h.store.headPosition();
    const again = await post('/national/2207', call);
    expect(again.status).toBe(200);
    expect(again.body.output).toEqual(first.body.output);
    expect(await h.store.headPosition()).toBe(head);
  });
});

describe('national refusals: infcode -1 with err_msg, the ledger status underneath, nothing written', () => {
  async function refusedWritingNothing(path: string, body: object, status: number, key?: string) {
    const head = await h.store.headPosition();
    const res = await post(path, body, key);
    expect(res.status).toBe(status);
    expect(res.body.infcode).toBe(-1);
    expect(typeof res.body.err_msg).toBe('string');
    // The answer's time is the ledger clock's, as in a success answer.
    expect(res.body.refmsg_time).toBe(beijingTime(h.clock.now()));
    expect(res.body.inf_refmsgid).toBe((body as { msgid?: string }).msgid);
    expect(await h.store.headPosition()).toBe(head);
    return res.body;
  }

  it('a 2207 total that disagrees with the uploaded lines is 422 naming both figures', async () => {
    const mdtrt = await register('P1', 'MZ0100');
    expect((await upload('P1', mdtrt)).status).toBe(200);
    const body = await refusedWritingNothing(
      '/national/2207',
      env('2207', national2207Data('P1', mdtrt, { medfee_sumamt: '260.00' })),
      422,
    );
    expect(body.code).toBe('FEE_TOTALS_MISMATCH');
    expect(body.err_msg).toContain('260.00');
    expect(body.err_msg).toContain('250.00');
    const own = await refusedWritingNothing(
      '/national/2207',
      env('2207', national2207Data('P1', mdtrt, { fulamt_ownpay_amt: '0.00' })),
      422,
    );
    expect(own.details).toEqual(expect.objectContaining({ field: 'fulamt_ownpay_amt', given: '0.00', lines: '50.00' }));
  });

  it.each([
    ['insutype', '2201', { insutype: '999' }],
    ['mdtrt_cert_type', '2201', { mdtrt_cert_type: '09' }],
    ['psn_type', '2201', { psn_type: '1999' }],
    ['hosp_lv', '2201', { hosp_lv: '12' }],
    ['psn_cert_type', '2201', { psn_cert_type: '55' }],
  ])('an unknown %s code is 400 naming the table', async (table, _infno, bad) => {
    const body = await refusedWritingNothing(
      '/national/2201',
      env('2201', {
        data: { psn_no: 'P1', insutype: '310', begntime: '2023-03-01 09:00:00', mdtrt_cert_type: '02', ipt_otp_no: 'MZ0200', ...bad },
      }),
      400,
    );
    expect(body.err_msg).toContain(`codeTable:${table}`);
    expect(body.errors[0].field).toContain(table);
  });

  it('unknown med_type, acct_used_flag and chrgitm_lv codes are 400 naming the table', async () => {
    const mdtrt = await register('P1', 'MZ0300');
    const med = await refusedWritingNothing('/national/2207', env('2207', national2207Data('P1', mdtrt, { med_type: '21' })), 400);
    expect(med.err_msg).toContain('codeTable:med_type');
    const flag = await refusedWritingNothing('/national/2207', env('2207', national2207Data('P1', mdtrt, { acct_used_flag: '2' })), 400);
    expect(flag.err_msg).toContain('codeTable:acct_used_flag');
    const head = await h.store.headPosition();
    const lv = await upload('P1', mdtrt, 'CB1', [{ ...LINES[0], chrgitm_lv: '04' }]);
    expect([lv.status, lv.body.infcode]).toEqual([400, -1]);
    expect(lv.body.err_msg).toContain('codeTable:chrgitm_lv');
    expect(await h.store.headPosition()).toBe(head);
  });

  it('both psn_type widths are accepted; one that is not the person’s category is 422', async () => {
    await register('P1', 'MZ0400', { psn_type: '11' });
    const body = await refusedWritingNothing(
      '/national/2201',
      env('2201', {
        data: {
          psn_no: 'P1',
          insutype: '310',
          begntime: '2023-03-01 09:00:00',
          mdtrt_cert_type: '02',
          ipt_otp_no: 'MZ0401',
          psn_type: '1201',
        },
      }),
      422,
    );
    expect(body.code).toBe('PSN_TYPE_MISMATCH');
    const scheme = await refusedWritingNothing(
      '/national/2201',
      env('2201', {
        data: { psn_no: 'P1', insutype: '390', begntime: '2023-03-01 09:00:00', mdtrt_cert_type: '02', ipt_otp_no: 'MZ0402' },
      }),
      422,
    );
    expect(scheme.code).toBe('INSUTYPE_MISMATCH');
  });

  it('an unknown mdtrt_id is 404; an unknown psn_no is 404', async () => {
    await refusedWritingNothing(
      '/national/2204',
      env('2204', { feedetail: [{ ...LINES[0], mdtrt_id: 'MDNOPE', psn_no: 'P1', chrg_bchno: 'CB1' }] }),
      404,
    );
    await refusedWritingNothing(
      '/national/2201',
      env('2201', {
        data: { psn_no: 'NOBODY', insutype: '310', begntime: '2023-03-01 09:00:00', mdtrt_cert_type: '02', ipt_otp_no: 'MZ0500' },
      }),
      404,
    );
  });

  it('an institution key acts for its own fixmedins_code only (403)', async () => {
    const mdtrt = await register('P1', 'MZ0600');
    expect((await upload('P1', mdtrt)).status).toBe(200);
    await refusedWritingNothing('/national/2207', env('2207', national2207Data('P1', mdtrt)), 403, h.keys.institution('NY-L3'));
    await refusedWritingNothing(
      '/national/2207',
      env('2207', national2207Data('P1', mdtrt), { fixmedins_code: 'NY-L3' }),
      403,
      h.keys.institution('NY-L3'),
    );
    const own = await post('/national/2207', env('2207', national2207Data('P1', mdtrt)), h.keys.institution('NY-L2'));
    expect(own.status).toBe(200);
  });

  it('msgid is the idempotency key: a retry answers the same, another body under it is 422, a second registration is 422', async () => {
    const data = { psn_no: 'P1', insutype: '310', begntime: '2023-03-01 09:00:00', mdtrt_cert_type: '02', ipt_otp_no: 'MZ0900' };
    const call = env('2201', { data });
    const first = await post('/national/2201', call);
    expect(first.status).toBe(200);
    const head = await h.store.headPosition();
    const again = await post('/national/2201', call);
    expect([again.status, again.body.output]).toEqual([200, first.body.output]);
    expect(await h.store.headPosition()).toBe(head);
    const reused = await refusedWritingNothing('/national/2201', { ...call, input: { data: { ...data, dept_code: 'NK' } } }, 422);
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const twice = await refusedWritingNothing('/national/2201', { ...call, msgid: msgid() }, 422);
    expect(twice.code).toBe('VISIT_ALREADY_REGISTERED');
  });

  it('an envelope whose infno is not the route’s is 400', async () => {
    const body = await refusedWritingNothing('/national/2207', { ...env('2206', national2207Data('P1', 'MDX')) }, 400);
    expect(body.err_msg).toContain('infno');
  });

  it.each<[string, string, object]>([
    ['input.data an array of arrays', '2207', { data: [[]] }],
    ['input.data an array', '2201', { data: [] }],
    ['input an array', '2208', []],
  ])('%s is 400 naming the field, not a lookup of nothing', async (_what, infno, input) => {
    const body = await refusedWritingNothing(`/national/${infno}`, env(infno, input), 400);
    expect(body.err_msg).toMatch(/^input(\.data)?: (data|input) must be an object/);
  });

  it('a body refused before any route runs still answers the envelope: not JSON, not UTF-8, a key twice, an unknown infno', async () => {
    const raw = async (path: string, text: string, contentType = 'application/json') => {
      const head = await h.store.headPosition();
      const res = await h.http.post(path).set('x-api-key', h.keys.agency).set('content-type', contentType).send(text);
      expect(await h.store.headPosition()).toBe(head);
      return res;
    };
    const envelope = JSON.stringify(env('2201', { data: { psn_no: 'P1' } }));
    const cases: Array<[string, Awaited<ReturnType<typeof raw>>, number, string]> = [
      ['not JSON', await raw('/national/2201', envelope.slice(0, -1)), 400, 'body: is not valid JSON'],
      ['GBK', await raw('/national/2201', envelope, 'application/json; charset=GBK'), 400, 'content-type: charset GBK is not read'],
      [
        'msgid twice',
        await raw('/national/2201', envelope.replace('{', '{"msgid":"H41130200001x",')),
        400,
        'msgid: is given more than once',
      ],
      ['unknown infno', await raw('/national/2299', envelope.replace('"2201"', '"2299"')), 404, 'Cannot POST /national/2299'],
    ];
    for (const [what, res, status, says] of cases) {
      expect({ what, status: res.status, infcode: res.body.infcode, refmsg_time: res.body.refmsg_time }).toEqual({
        what,
        status,
        infcode: -1,
        refmsg_time: beijingTime(h.clock.now()),
      });
      expect(res.body.err_msg).toContain(says);
    }
  });

  it('a 2207 whose setl_time is later than the ledger clock (past 5 minutes) is 400 naming settledAt', async () => {
    const mdtrt = await register('P1', 'MZ0750');
    expect((await upload('P1', mdtrt)).status).toBe(200);
    const body = await refusedWritingNothing(
      '/national/2207',
      env('2207', national2207Data('P1', mdtrt, { setl_time: '2099-12-31 10:00:00' })),
      400,
    );
    expect(body.err_msg).toContain('settledAt: must not be later than the ledger');
  });

  it('a 2201 whose begntime is later than the ledger clock (past 5 minutes) is 400 naming it; 4 minutes ahead is registered', async () => {
    const data = { psn_no: 'P1', insutype: '310', mdtrt_cert_type: '02', mdtrt_cert_no: 'X' };
    const inMinutes = (minutes: number) => beijingTime(new Date(h.clock.now().getTime() + minutes * 60_000));
    for (const [ipt, begntime] of [
      ['MZ0760', '2099-12-31 10:00:00'],
      ['MZ0761', inMinutes(6)],
    ]) {
      const body = await refusedWritingNothing('/national/2201', env('2201', { data: { ...data, ipt_otp_no: ipt, begntime } }), 400);
      expect(body.err_msg).toContain('input.data.begntime: must not be later than the ledger');
    }
    await register('P1', 'MZ0762', { begntime: inMinutes(4) });
  });

  it('a line whose pric × cnt is not its amount is 400', async () => {
    const mdtrt = await register('P1', 'MZ0700');
    const res = await upload('P1', mdtrt, 'CB1', [{ ...LINES[0], cnt: '3' }]);
    expect([res.status, res.body.infcode]).toEqual([400, -1]);
    expect(res.body.err_msg).toContain('equalsPriceTimesCount');
  });
});

describe('the visit stream (mdtrt-<id>) is part of the ledger’s tamper evidence', () => {
  it('its events are hash-chained, sealed and verified with the rest', async () => {
    const mdtrt = await register('P1', 'MZ0800');
    expect((await upload('P1', mdtrt)).status).toBe(200);
    const events = await h.store.readStream(`mdtrt-${mdtrt}`);
    expect(events.map((e) => e.type)).toEqual(['VisitRegistered', 'FeeLinesUploaded']);
    expect(events[1].metadata.prevHash).toBe(events[0].metadata.hash);
    const seal = await h.http.post('/audit/seals').set('x-api-key', h.keys.agency);
    expect(seal.status).toBe(201);
    const verify = await h.http.get('/audit/verify').set('x-api-key', h.keys.agency);
    expect(verify.status).toBe(200);
    expect(verify.body.verdict).toBe('intact');
    const seals = await h.http.get('/audit/seals').set('x-api-key', h.keys.agency);
    expect(JSON.stringify(seals.body)).toContain(`mdtrt-${mdtrt}`);
  });
});
