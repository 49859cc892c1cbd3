/**
 * Issue 11 items 3, 4 and 5 over HTTP on both adapters: every body is validated whole
 * (non-objects, nested arrays, prototype keys, depth, a key given twice), a query parameter
 * is given once, only JSON is read,
 * dates lie in the ledger's range, amounts under their ceilings, and nothing is written on
 * any refusal; no 5xx.
 */
import { gzipSync } from 'node:zlib';
import { INSTITUTIONS, LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { ANYANG_TOWNSHIP, JIAOZUO_LEVEL3, nanyangEmployee } from '../support/fixtures';

const HUGE = '9999999999999.99';

describe.each(['fastify', 'express'])('hostile bodies on %s', (adapter) => {
  let h: LedgerHarness;
  beforeAll(async () => {
    h = await startLedger({ env: { LEDGER_HTTP_ADAPTER: adapter } });
    await registerInstitutions(h, [...INSTITUTIONS, JIAOZUO_LEVEL3, ANYANG_TOWNSHIP]);
    const enrol = await post('/persons', nanyangEmployee('IN-1'));
    expect(enrol.status).toBe(201);
  });
  afterAll(() => h.close());

  const post = (path: string, body: unknown, contentType?: string) => {
    const r = h.http.post(path).set('x-api-key', h.keys.agency);
    if (contentType) r.set('content-type', contentType);
    return r.send(body as object);
  };

  /** The request is refused with 400 naming `field` (and `rule` when given), and the log is untouched. */
  async function refused(path: string, body: unknown, field: string | RegExp, rule?: string, contentType?: string): Promise<void> {
    const before = await h.store.headPosition();
    const res = await post(path, body, contentType);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: expect.objectContaining({ message: expect.any(String) }) });
    const errors: Array<{ field: string; rule: string }> = res.body.errors ?? [];
    expect(errors.some((e) => (typeof field === 'string' ? e.field === field : field.test(e.field)) && (!rule || e.rule === rule))).toBe(
      true,
    );
    expect(await h.store.headPosition()).toBe(before);
  }

  const costBase = '/institutions/JZ-H001/years/2024/cost-base';
  /** A settlement at NY-L2 on 2023-03-01, its id suffixed. */
  const visitBody = (id: string, lines: object[] = [{ code: 'A', amount: '1.00', inCatalogue: true }]) => ({
    settlementId: `S-${id}`,
    visitId: `V-${id}`,
    institutionCode: 'NY-L2',
    occurredAt: '2023-03-01T09:00:00+08:00',
    medType: 'ordinary',
    lines,
  });

  it.each([
    ['/institutions?limit=5&limit=6', 'limit', 'noRepeatedParameter'],
    ['/persons/IN-1/rate-timeline?asOf=2024-01-01&asOf=2024-02-01', 'asOf', 'noRepeatedParameter'],
    ['/persons/IN-1/settlements?limit=1&cursor=a&cursor=b', 'cursor', 'noRepeatedParameter'],
  ])('GET %s: 400 naming the parameter given more than once (its rules listed before)', async (path, field, rule) => {
    const res = await h.http.get(path).set('x-api-key', h.keys.agency);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field, rule })]);
  });

  it.each([
    // Ignored before: today's balance to an auditor asking for May's, the current state for an older position.
    ['/persons/IN-1/account?asOf=2023-05-01', 'asOf'],
    ['/persons/IN-1?asOf=3', 'asOf'],
    ['/persons/IN-1/years/2023?asOfPosition=3', 'asOfPosition'],
    ['/persons/IN-1/rate-timeline?asof=2023-05-01', 'asof'],
    ['/health?probe=1', 'probe'],
  ])('GET %s: 400 naming the query parameter the route does not read', async (path, field) => {
    const res = await h.http.get(path).set('x-api-key', h.keys.agency);
    expect({ status: res.status, errors: res.body.errors }).toEqual({
      status: 400,
      errors: [{ field, rule: 'whitelistValidation', message: `query parameter ${field} is not read by this route` }],
    });
  });

  it("the parameters a route reads are taken: asOf on a person-year and a rate timeline, format on an explanation; the auditor's page takes any", async () => {
    for (const path of [
      '/persons/IN-1/years/2023?asOf=2023-07-01',
      '/persons/IN-1/rate-timeline?asOf=2023-07-01',
      '/persons/IN-1/years/2023',
    ])
      expect([path, (await h.http.get(path).set('x-api-key', h.keys.agency)).status]).toEqual([path, 200]);
    const settled = await post('/persons/IN-1/visits', visitBody('QP-1'));
    expect(settled.status).toBe(201);
    const explained = await h.http.get('/persons/IN-1/settlements/S-QP-1/explain?format=text').set('x-api-key', h.keys.agency);
    expect([explained.status, explained.text]).toEqual([200, expect.stringContaining('Settlement S-QP-1')]);
    // The auditor's page is no API route: a mail link's query string still opens it.
    const page = await h.http.get('/auditor?utm_source=mail');
    expect([page.status, page.type]).toEqual([200, 'text/html']);
  });

  it('a write given a parameter it does not read (dryRun on a credit) is refused and writes nothing; a caller without a key hears of the key first', async () => {
    const before = await h.store.headPosition();
    const res = await h.http.post('/persons/IN-1/account/credits?dryRun=true').set('x-api-key', h.keys.agency).send({ month: '2023-05' });
    expect({ status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ status: 400, field: 'dryRun' });
    expect(await h.store.headPosition()).toBe(before);
    expect((await h.http.get('/persons/IN-1/account?asOf=2023-05-01')).status).toBe(401);
  });

  it('a correction with dryRun given twice writes nothing and says why', async () => {
    const body = { corrected: { visits: 10, totalCost: '1000.00', fundDue: '500.00' }, reason: 'audit' };
    await refused('/institutions/JZ-H001/months/2024-03/correction?dryRun=false&dryRun=true', body, 'dryRun', 'noRepeatedParameter');
  });

  it('cost-base accepts an empty object (the control)…', async () => {
    expect((await post(costBase, {})).status).toBe(201);
  });

  it.each([
    ['[]', '[]'],
    ['null', 'null'],
    ['"x"', '"x"'],
    ['123', '123'],
  ])('…and refuses the JSON body %s with 400 naming the body', async (_label, raw) => {
    const before = await h.store.headPosition();
    const res = await post('/institutions/JZ-H001/years/2025/cost-base', raw, 'application/json');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/body/);
    expect(await h.store.headPosition()).toBe(before);
  });

  it('refuses a text/plain body with 400 naming the body', async () => {
    await refused('/institutions/JZ-H001/years/2025/cost-base', '{}', 'body', 'isJson', 'text/plain');
  });

  it('refuses a form-encoded body that would be a valid enrollment as JSON (Fastify took it as an object)', async () => {
    const form = new URLSearchParams(nanyangEmployee('IN-FORM') as Record<string, string>).toString();
    await refused('/persons', form, 'body', 'isJson', 'application/x-www-form-urlencoded');
    expect((await h.http.get('/persons/IN-FORM').set('x-api-key', h.keys.agency)).status).toBe(404);
  });

  /** POSTs raw bytes with the given headers: 400 naming `field` and `rule`, the log untouched. */
  async function refusedBytes(path: string, bytes: Buffer, headers: Record<string, string>, field: string, rule: string): Promise<void> {
    const before = await h.store.headPosition();
    const r = h.http.post(path).set('x-api-key', h.keys.agency);
    for (const [name, value] of Object.entries(headers)) r.set(name, value);
    // Sent as they are (superagent would serialize a Buffer as JSON for a JSON content type).
    const res = await r.serialize((b: unknown) => b as string).send(bytes);
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 400, errors: [expect.objectContaining({ field, rule })] });
    expect(await h.store.headPosition()).toBe(before);
  }

  it('refuses a body declared compressed, compressed or not, naming content-encoding (Fastify read it as plain text)', async () => {
    const text = JSON.stringify(nanyangEmployee('IN-GZ'));
    const json = { 'content-type': 'application/json' };
    await refusedBytes('/persons', Buffer.from(text), { ...json, 'content-encoding': 'gzip' }, 'content-encoding', 'isIdentity');
    await refusedBytes('/persons', gzipSync(text), { ...json, 'content-encoding': 'gzip' }, 'content-encoding', 'isIdentity');
    await refusedBytes('/persons', Buffer.from(text), { ...json, 'content-encoding': 'br' }, 'content-encoding', 'isIdentity');
    const plain = await post('/persons', text, 'application/json').set('content-encoding', 'identity');
    expect(plain.status).toBe(201);
  });

  it('refuses a charset other than UTF-8 naming content-type, and bytes that are not UTF-8 naming the body', async () => {
    const text = JSON.stringify(nanyangEmployee('IN-CS'));
    for (const charset of ['GBK', 'latin1', 'utf-16le'])
      await refusedBytes(
        '/persons',
        Buffer.from(text),
        { 'content-type': `application/json; charset=${charset}` },
        'content-type',
        'isUtf8',
      );
    // é as one byte (latin1): not UTF-8.
    const latin1 = Buffer.from(JSON.stringify(nanyangEmployee('IN-CS\u00e9')), 'latin1');
    await refusedBytes('/persons', latin1, { 'content-type': 'application/json' }, 'body', 'isUtf8');
    const utf8 = await post('/persons', text, 'application/json; charset=UTF-8');
    expect(utf8.status).toBe(201);
  });

  it('refuses a key given twice in one object, naming it, in the body and nested (JSON.parse kept the last one silently)', async () => {
    const twice = JSON.stringify(nanyangEmployee('IN-TWICE')).replace(
      '"personId":"IN-TWICE"',
      '"personId":"IN-ONCE","personId":"IN-TWICE"',
    );
    await refused('/persons', twice, 'personId', 'noDuplicateKeys', 'application/json');
    await refused(
      '/persons',
      twice.replace('"personId":"IN-ONCE"', '"person\\u0049d":"IN-ONCE"'),
      'personId',
      'noDuplicateKeys',
      'application/json',
    );
    const visit = JSON.stringify(visitBody('TWICE')).replace('"amount":"1.00"', '"amount":"1.00","amount":"1000.00"');
    await refused('/persons/IN-1/visits', visit, 'lines.0.amount', 'noDuplicateKeys', 'application/json');
    // The same bodies with each key once are written (the control).
    expect((await post('/persons', twice.replace('"personId":"IN-ONCE",', ''), 'application/json')).status).toBe(201);
    expect((await post('/persons/IN-1/visits', visit.replace(',"amount":"1000.00"', ''), 'application/json')).status).toBe(201);
  });

  it('refuses a string that is not Unicode text (a lone surrogate), naming its field; a character beyond the BMP is text', async () => {
    const institution = { ...JIAOZUO_LEVEL3, code: 'IN-SUR' };
    const loneInName = JSON.stringify({ ...institution, name: 'X' }).replace('"X"', '"南阳\\ud800二院"');
    await refused('/institutions', loneInName, 'name', 'isWellFormed', 'application/json');
    await refused(
      '/persons/IN-1/visits',
      visitBody('SUR', [{ code: 'A\ud800', amount: '1.00', inCatalogue: true }]),
      'lines.0.code',
      'isWellFormed',
    );
    expect((await post('/institutions', { ...institution, name: '𠀀医院😀' })).status).toBe(201);
  });

  it('relatives [[]] and ["x"] are 400 naming relatives.0', async () => {
    await refused('/persons/IN-1/relatives', { relatives: [[]] }, /^relatives(\.0)?$/, 'isObject');
    await refused('/persons/IN-1/relatives', { relatives: ['x'] }, /^relatives(\.0)?$/, 'isObject');
  });

  it('nested objects given as arrays or strings are 400: visit lines, account, what-if changes, cost-base history', async () => {
    const visit = {
      settlementId: 'S-X',
      visitId: 'V-X',
      institutionCode: 'NY-L2',
      occurredAt: '2023-03-01T09:00:00+08:00',
      settledAt: '2023-03-01T09:00:00+08:00',
      medType: 'ordinary',
    };
    await refused('/persons/IN-1/visits', { ...visit, lines: [[]] }, /^lines(\.0)?$/, 'isObject');
    await refused(
      '/persons/IN-1/visits',
      { ...visit, lines: [{ code: 'A', amount: '1.00', inCatalogue: true }], account: [] },
      'account',
      'isObject',
    );
    await refused('/audit/what-if', { personId: 'IN-1', year: 2023, changes: [] }, 'changes', 'isObject');
    await refused(costBase, { history: [[2023, '180.00']] }, /^history(\.0)?$/, 'isObject');
  });

  it('what-if without changes is 400 isDefined (was 500)', async () => {
    await refused('/audit/what-if', { personId: 'IN-1', year: 2023 }, 'changes', 'isDefined');
  });

  it('keys of Object.prototype are refused by name, not silently accepted (found by the fuzz suite)', async () => {
    await refused('/persons/IN-1/relatives', { relatives: [], valueOf: 1 }, 'body.valueOf', 'noPrototypeKeys');
    await refused('/institutions/JZ-H001/years/2025/cost-base', { toString: null }, 'body.toString', 'noPrototypeKeys');
    await refused(
      '/persons/IN-1/relatives',
      { relatives: [{ personId: 'IN-9', relation: 'spouse', hasOwnProperty: 'x' }] },
      'body.relatives.0.hasOwnProperty',
      'noPrototypeKeys',
    );
  });

  it('prototype keys are refused, named where they stand (Fastify answered only "Body is not valid JSON")', async () => {
    await refused(
      '/persons/IN-1/relatives',
      '{"__proto__":{"admin":true},"relatives":[]}',
      'body.__proto__',
      'noPrototypeKeys',
      'application/json',
    );
    const nested = '{"constructor":{"prototype":{"admin":true}},"relatives":[]}';
    await refused('/persons/IN-1/relatives', nested, 'body.constructor', 'noPrototypeKeys', 'application/json');
  });

  it("a body that is not JSON is 400 isJson naming the body, with the parser's words (no errors list before)", async () => {
    for (const raw of ['{"relatives":[', '{relatives:[]}', "{'relatives':[]}"]) {
      await refused('/persons/IN-1/relatives', raw, 'body', 'isJson', 'application/json');
      const res = await post('/persons/IN-1/relatives', raw, 'application/json');
      expect(res.body.message).toMatch(/^body: is not valid JSON \(.+\)$/);
    }
  });

  it('JSON nested 20,000 levels deep is 400 maxDepth (was a stack overflow, 500)', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    for (const path of ['/persons', '/persons/IN-1/visits', costBase, '/audit/what-if', '/monitoring/alerts/close']) {
      const before = await h.store.headPosition();
      const res = await post(path, deep, 'application/json');
      expect([path, res.status, res.body.errors?.[0]?.rule]).toEqual([path, 400, 'maxDepth']);
      expect(await h.store.headPosition()).toBe(before);
    }
  });

  it('dates outside 2000-01-01 … 2099-12-31 or not on the calendar are 400 (9999-12-31 was stored as effectiveFrom 10000-01-01)', async () => {
    await refused('/persons/IN-1/retirement', { processedOn: '9999-12-31' }, 'processedOn', 'isLocalDate');
    await refused('/persons/IN-1/retirement', { processedOn: '0000-01-01' }, 'processedOn', 'isLocalDate');
    await refused('/persons/IN-1/retirement', { processedOn: '2023-02-30' }, 'processedOn', 'isLocalDate');
    await refused(
      '/persons/IN-1/inpatient/admissions',
      { admittedOn: '1999-12-31', institutionCode: 'NY-L2' },
      'admittedOn',
      'isLocalDate',
    );
    await refused(
      '/persons',
      { personId: 'IN-2', scheme: 'employee', category: 'in_service', region: 'nanyang', enrolledOn: '10000-01-01' },
      'enrolledOn',
      'isLocalDate',
    );
    await refused('/persons/IN-1/first-contact-institution', { year: 9999, institutionCode: 'NY-L1' }, 'year', 'max');
    await refused('/persons/IN-1/account/credits', { month: '0000-01' }, 'month', 'isMonth');
    await refused(
      '/persons/IN-1/visits',
      {
        settlementId: 'S-Y',
        visitId: 'V-Y',
        institutionCode: 'NY-L2',
        occurredAt: '9999-12-31T23:00:00+08:00',
        medType: 'ordinary',
        lines: [{ code: 'A', amount: '1.00', inCatalogue: true }],
      },
      'occurredAt',
      'isInstant',
    );
  });

  it('amounts over their ceiling are 400 maxAmount: visit line, transfer, contribution base, capitation claim, declaration', async () => {
    const line = (amount: string) => ({
      settlementId: 'S-Z',
      visitId: 'V-Z',
      institutionCode: 'NY-L2',
      occurredAt: '2023-03-01T09:00:00+08:00',
      settledAt: '2023-03-01T09:00:00+08:00',
      medType: 'ordinary',
      lines: [{ code: 'A', amount, inCatalogue: true }],
    });
    await refused('/persons/IN-1/visits', line(HUGE), 'lines.0.amount', 'maxAmount');
    await refused('/persons/IN-1/visits', line('1000000.01'), 'lines.0.amount', 'maxAmount');
    await refused('/persons/IN-1/visits/pre-settlement', line(HUGE), 'lines.0.amount', 'maxAmount');
    await refused(
      '/persons/IN-1/account/transfers',
      { transferId: 'T1', direction: 'in', amount: HUGE, counterpartRegion: 'zhengzhou', transferredOn: '2023-02-01' },
      'amount',
      'maxAmount',
    );
    await refused(
      '/persons/IN-1/contribution-base',
      { contributionBase: HUGE, effectiveFrom: '2023-07-01' },
      'contributionBase',
      'maxAmount',
    );
    await refused('/institutions/AY-T001/months/2020-01/capitation', { claimed: HUGE }, 'claimed', 'maxAmount');
    await refused(
      '/institutions/JZ-H001/months/2024-08/declaration',
      { visits: 1, totalCost: HUGE, fundDue: '1.00', declaredOn: '2024-09-08' },
      'totalCost',
      'maxAmount',
    );
  });

  it('an amount at its ceiling passes validation (the ceiling is not the format)', async () => {
    const res = await post('/persons/IN-1/visits/pre-settlement', {
      settlementId: 'S-C',
      visitId: 'V-C',
      institutionCode: 'NY-L2',
      occurredAt: '2023-03-01T09:00:00+08:00',
      settledAt: '2023-03-01T09:00:00+08:00',
      medType: 'ordinary',
      lines: [{ code: 'A', amount: '1000000.00', inCatalogue: true }],
    });
    expect(res.status).toBe(200);
  });

  it('a bill line or an account payment of 0.00 is 400 isPositive at its place in the body (the engine named it visit.lines[A].amount)', async () => {
    const lines = [
      { code: 'A', amount: '12.00', inCatalogue: true },
      { code: 'B', amount: '0.00', inCatalogue: true },
    ];
    await refused('/persons/IN-1/visits', visitBody('ZERO', lines), 'lines.1.amount', 'isPositive');
    await refused(
      '/persons/IN-1/account/payments',
      { paymentId: 'P-ZERO', amount: '0', purpose: 'pharmacy', reference: 'r', paidOn: '2023-06-10' },
      'amount',
      'isPositive',
    );
  });

  it.each(['', '   '])(
    'a receipt reference, a payee, a counterpart region, a reversal reason or a place of %j is 400 isNotBlank',
    async (blank) => {
      const payment = { paymentId: 'P-BLANK', amount: '1.00', purpose: 'pharmacy', reference: blank, paidOn: '2023-06-10' };
      await refused('/persons/IN-1/account/payments', payment, 'reference', 'isNotBlank');
      await refused('/persons/IN-1/account/payout', { reason: 'emigration', paidOn: '2023-06-10', payee: blank }, 'payee', 'isNotBlank');
      const transfer = { transferId: 'T-BLANK', direction: 'in', amount: '1.00', counterpartRegion: blank, transferredOn: '2023-06-10' };
      await refused('/persons/IN-1/account/transfers', transfer, 'counterpartRegion', 'isNotBlank');
      await refused('/persons/IN-1/settlements/S-ANY/reversal', { reason: blank }, 'reason', 'isNotBlank');
      await refused('/persons/IN-1/off-site-registrations', { from: '2023-06-01', place: blank }, 'place', 'isNotBlank');
    },
  );

  it('three-decimal and negative money are 400 isMoneyString', async () => {
    await refused(
      '/persons/IN-1/contribution-base',
      { contributionBase: '6000.001', effectiveFrom: '2023-07-01' },
      'contributionBase',
      'isMoneyString',
    );
    await refused(
      '/persons/IN-1/contribution-base',
      { contributionBase: '-1.00', effectiveFrom: '2023-07-01' },
      'contributionBase',
      'isMoneyString',
    );
  });

  it('a body larger than 2 MB is a 4xx, not a 500', async () => {
    const res = await post(
      '/persons/IN-1/relatives',
      JSON.stringify({ relatives: [], pad: 'x'.repeat(3 * 1024 * 1024) }),
      'application/json',
    );
    expect(res.status).toBe(413);
  });
});
