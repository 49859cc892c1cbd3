/**
 * The write side over HTTP on the embedded store: every endpoint's success and each error
 * class (400/401/403/404/409/422), idempotency, nothing written on any error, and the
 * concurrency guarantees of issue 4.
 */
import { money, sum, fmt } from '../../src/kernel/money';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
});
afterAll(() => h.close());

const agency = () => h.keys.agency;
const post = (path: string, body: unknown, key = agency(), idem?: string) => {
  const r = h.http.post(path).set('x-api-key', key);
  if (idem) r.set('Idempotency-Key', idem);
  return r.send(body as object);
};
const get = (path: string, key = agency()) => h.http.get(path).set('x-api-key', key);

const visit = (
  settlementId: string,
  institutionCode: string,
  amount: string,
  occurredAt = '2023-03-01T09:00:00+08:00',
  extra: Record<string, unknown> = {},
) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode,
  occurredAt,
  settledAt: occurredAt,
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount, inCatalogue: true, category: 'consultation' }],
  ...extra,
});

/** Asserts that `action` leaves the whole log exactly as it was. */
async function writesNothing(action: () => Promise<unknown>): Promise<void> {
  const before = await h.store.headPosition();
  await action();
  expect(await h.store.headPosition()).toBe(before);
}

describe('health and docs', () => {
  it('GET /health answers without a key; /docs serves the OpenAPI page', async () => {
    const health = await h.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual(
      expect.objectContaining({
        status: 'ok',
        store: 'sqlite',
        projections: expect.objectContaining({ lag: expect.any(Number), checkpoint: expect.any(Number), running: true }),
      }),
    );
    const docs = await h.http.get('/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/persons', '/persons/{personId}/visits', '/persons/{personId}/account/family-payments']),
    );
    const settle = docs.body.paths['/persons/{personId}/visits'].post;
    expect(settle.responses['201'].content['application/json'].example.decision.national).toEqual(
      expect.objectContaining({ hifp_pay: expect.any(String) }),
    );
    expect(settle.responses['422'].content['application/json'].example).toEqual(
      expect.objectContaining({ code: expect.any(String), clause: expect.any(String) }),
    );
    expect(settle.requestBody.content['application/json'].schema.$ref).toMatch(/SettleVisitDto$/);
  });
});

describe('access by API key and role', () => {
  it('401 without a key or with an unknown one', async () => {
    expect((await h.http.post('/persons').send(nanyangEmployee('A1'))).status).toBe(401);
    expect((await post('/persons', nanyangEmployee('A1'), 'lk_nope_nope')).status).toBe(401);
  });

  it('403 for an auditor writing and for an institution settling at another institution; nothing written', async () => {
    await writesNothing(async () => {
      const res = await post('/persons', nanyangEmployee('A1'), h.keys.auditor);
      expect(res.status).toBe(403);
    });
    expect((await post('/persons', nanyangEmployee('A1'))).status).toBe(201);
    await writesNothing(async () => {
      const res = await post('/persons/A1/visits', visit('S-A1', 'NY-L3', '100.00'), h.keys.institution('NY-L2'));
      expect(res.status).toBe(403);
    });
    const own = await post('/persons/A1/visits', visit('S-A1', 'NY-L2', '100.00'), h.keys.institution('NY-L2'));
    expect(own.status).toBe(201);
    expect((await get('/persons/A1', h.keys.auditor)).status).toBe(200);
    expect((await get('/persons/A1', h.keys.institution('NY-L2'))).status).toBe(403);
  });
});

describe('enrollment, retirement and settlement figures', () => {
  it('settles a level-2 visit: (200 − 30) × 55% = 93.50 with national fields and clause-cited trace', async () => {
    expect((await post('/persons', nanyangEmployee('B1'))).status).toBe(201);
    const res = await post('/persons/B1/visits', {
      ...visit('S-B1', 'NY-L2', '200.00'),
      lines: [
        { code: 'A01', amount: '200.00', inCatalogue: true },
        { code: 'Z99', amount: '15.50', inCatalogue: false },
      ],
    });
    expect(res.status).toBe(201);
    const d = res.body.decision;
    expect(d.amounts).toEqual(
      expect.objectContaining({
        total: '215.50',
        excluded: '15.50',
        policyScope: '200.00',
        deductible: '30.00',
        fund: '93.50',
        cash: '122.00',
      }),
    );
    expect(d.national).toEqual(
      expect.objectContaining({
        medfee_sumamt: '215.50',
        fulamt_ownpay_amt: '15.50',
        inscp_scp_amt: '200.00',
        act_pay_dedc: '30.00',
        hifp_pay: '93.50',
        fund_pay_sumamt: '93.50',
        psn_part_amt: '122.00',
        psn_cash_pay: '122.00',
      }),
    );
    expect(d.trace.map((t: any) => t.clause).join(' ')).toMatch(/宛政办〔2022〕42号 第五条/);
    const detail = await get('/persons/B1/settlements/S-B1', h.keys.auditor);
    expect(detail.status).toBe(200);
    expect(detail.body.decision).toEqual(d);
  });

  it('records RetiredStatusChanged effective the next month; events carry both times', async () => {
    expect((await post('/persons', nanyangEmployee('B2'))).status).toBe(201);
    const res = await post('/persons/B2/retirement', { processedOn: '2023-05-15' });
    expect(res.status).toBe(201);
    expect(res.body.events[0]).toEqual(
      expect.objectContaining({ type: 'RetiredStatusChanged', data: expect.objectContaining({ effectiveFrom: '2023-06-01' }) }),
    );
    const [event] = await h.store.readStream('person-B2', { direction: 'backwards', maxCount: 1 });
    expect(event.metadata).toEqual(
      expect.objectContaining({
        occurredAt: '2023-05-15',
        recordedAt: h.clock.now().toISOString(),
        schemaVersion: 1,
        commandId: expect.any(String),
        actor: expect.stringMatching(/^agency:/),
      }),
    );
    const person = await get('/persons/B2');
    expect(person.body.enrollment.categoryTimeline).toEqual([
      { from: '2023-01-01', category: 'in_service' },
      { from: '2023-06-01', category: 'retired' },
    ]);
  });

  it('pre-settlement (2206) returns the decision and writes nothing', async () => {
    await writesNothing(async () => {
      const res = await post('/persons/B1/visits/pre-settlement', visit('S-B1-pre', 'NY-L3', '150.00', '2023-03-05T09:00:00+08:00'));
      expect(res.status).toBe(200);
      expect(res.body.amounts).toEqual(expect.objectContaining({ deductible: '50.00', fund: '50.00' }));
    });
  });

  it('every enrollment endpoint answers 201', async () => {
    expect((await post('/persons', nanyangEmployee('B3', { relatives: [{ personId: 'B4', relation: 'child' }] }))).status).toBe(201);
    for (const [path, body] of [
      ['/persons/B3/contribution-base', { contributionBase: '6500.00', effectiveFrom: '2023-07-01' }],
      [
        '/persons/B3/relatives',
        {
          relatives: [
            { personId: 'B4', relation: 'child' },
            { personId: 'B5', relation: 'spouse' },
          ],
        },
      ],
      ['/persons/B3/inpatient/admissions', { admittedOn: '2023-04-01', institutionCode: 'NY-L3' }],
      ['/persons/B3/inpatient/discharges', { dischargedOn: '2023-04-05' }],
      ['/persons/B3/off-site-registrations', { from: '2023-08-01', place: 'Zhengzhou' }],
      [
        '/persons/B3/referrals',
        { referralId: 'R1', referredOn: '2023-04-01', validUntil: '2023-04-30', fromInstitution: 'NY-L1', toInstitution: 'NY-L3' },
      ],
      ['/persons/B3/first-contact-institution', { year: 2023, institutionCode: 'NY-L1' }],
    ] as const) {
      const res = await post(path, body);
      expect([path, res.status]).toEqual([path, 201]);
    }
  });
});

describe('idempotency: a retry returns the first result and writes nothing', () => {
  it('the same Idempotency-Key replays the settlement', async () => {
    expect((await post('/persons', nanyangEmployee('C1'))).status).toBe(201);
    const first = await post('/persons/C1/visits', visit('S-C1', 'NY-L2', '300.00'), agency(), 'retry-key-0001');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBe('false');
    await writesNothing(async () => {
      const again = await post('/persons/C1/visits', visit('S-C1', 'NY-L2', '300.00'), agency(), 'retry-key-0001');
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.decision).toEqual(first.body.decision);
      expect(again.body.revision).toBe(first.body.revision);
    });
    // A new key for the same visit is a second settlement attempt: refused, not duplicated.
    await writesNothing(async () => {
      const dup = await post('/persons/C1/visits', { ...visit('S-C1b', 'NY-L2', '300.00'), visitId: 'V-S-C1' }, agency(), 'retry-key-0002');
      expect(dup.status).toBe(422);
      expect(dup.body.code).toBe('VISIT_ALREADY_SETTLED');
    });
  });

  it('the same key replays an account payment', async () => {
    expect((await post('/persons/C1/account/credits', { month: '2023-01' })).status).toBe(201);
    const pay = { paymentId: 'PH-1', purpose: 'pharmacy', amount: '20.00', reference: 'receipt 1', paidOn: '2023-02-01' };
    const first = await post('/persons/C1/account/payments', pay, agency(), 'pay-key-00001');
    await writesNothing(async () => {
      const again = await post('/persons/C1/account/payments', pay, agency(), 'pay-key-00001');
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect({ ...again.body, created: 'n/a' }).toEqual({ ...first.body, created: 'n/a' });
    });
    expect((await get('/persons/C1/account')).body.balance).toBe('100.00');
  });
});

describe('instants as other systems write them', () => {
  it('fractions of a second to the nanosecond (Java 9 digits, .NET 7, Python 6) settle, keep their text and replay to 0 differences', async () => {
    expect((await post('/persons', nanyangEmployee('NS-1'))).status).toBe(201);
    const written = [
      ['S-NS-java', '2023-03-01T09:00:00.123456789+08:00', '2023-03-01T09:30:00.987654321+08:00'],
      ['S-NS-dotnet', '2023-03-08T09:00:00.1234567+08:00', '2023-03-08T09:30:00.1234567+08:00'],
      ['S-NS-python', '2023-03-15T01:00:00.123456+00:00', '2023-03-15T01:30:00.5+00:00'],
    ];
    for (const [id, occurredAt, settledAt] of written) {
      const res = await post('/persons/NS-1/visits', { ...visit(id, 'NY-L2', '80.00', occurredAt), settledAt });
      expect({ id, status: res.status }).toEqual({ id, status: 201 });
      expect((await get(`/persons/NS-1/settlements/${id}`)).body.facts.visit).toEqual(expect.objectContaining({ occurredAt, settledAt }));
    }
    const replay = await post('/audit/replay', { personId: 'NS-1', year: 2023 }, h.keys.auditor);
    expect(replay.body).toMatchObject({ verdict: '0 differences', settlementsChecked: 3, chain: { intact: true } });
  });
});

describe("a settlement's time against the ledger's clock", () => {
  it('a time later than the clock by more than 5 minutes is 400 naming settledAt, on settlement and pre-settlement; a hospital clock 4 minutes ahead is settled', async () => {
    expect((await post('/persons', nanyangEmployee('AH-1'))).status).toBe(201);
    const now = h.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const ahead = (id: string, ms: number) => ({ ...visit(id, 'NY-L2', '80.00', at(ms - 3_600_000)), settledAt: at(ms) });
    for (const [id, ms] of [
      ['S-AH-day', 86_400_000],
      ['S-AH-2099', Date.parse('2099-12-31T03:00:00Z') - now],
      ['S-AH-6min', 6 * 60_000],
    ] as const) {
      await writesNothing(async () => {
        for (const path of ['/persons/AH-1/visits', '/persons/AH-1/visits/pre-settlement']) {
          const res = await post(path, ahead(id, ms));
          expect({ path, status: res.status, errors: res.body.errors }).toEqual({
            path,
            status: 400,
            errors: [expect.objectContaining({ field: 'settledAt', message: expect.stringContaining('by more than 5 minutes') })],
          });
        }
      });
    }
    expect((await post('/persons/AH-1/visits', ahead('S-AH-4min', 4 * 60_000))).status).toBe(201);
  });
});

describe('a command that finds nothing to change', () => {
  it('answers with the stream as it stands, changed: false, and is no replay (Idempotent-Replayed: false); a retry of a real change is', async () => {
    const profile = (await get('/institutions/NY-L1')).body;
    const stream = await h.store.readStream('institution-NY-L1');
    const last = stream[stream.length - 1];
    await writesNothing(async () => {
      const same = await h.http.patch('/institutions/NY-L1').set('x-api-key', agency()).send({ name: profile.name });
      expect([same.status, same.headers['idempotent-replayed'], same.body]).toEqual([
        201,
        'false',
        { code: 'NY-L1', created: false, changed: false, revision: last.revision, position: last.position, events: [] },
      ]);
    });
    const renamed = () =>
      h.http
        .patch('/institutions/NY-L1')
        .set('x-api-key', agency())
        .set('Idempotency-Key', 'rename-NY-L1')
        .send({ name: `${profile.name}（新院区）` });
    const first = await renamed();
    expect([first.status, first.headers['idempotent-replayed'], first.body.created, first.body.changed]).toEqual([
      201,
      'false',
      true,
      undefined,
    ]);
    await writesNothing(async () => {
      const retry = await renamed();
      expect([retry.headers['idempotent-replayed'], retry.body.created, retry.body.changed]).toEqual(['true', false, undefined]);
    });
  });
});

describe('bad input and refusals write nothing', () => {
  it('400 names the field and the rule', async () => {
    await writesNothing(async () => {
      const res = await post('/persons/C1/visits', {
        ...visit('S-bad', 'NY-L2', '1'),
        lines: [{ code: 'A', amount: 12.5, inCatalogue: true }],
        occurredAt: '2023-03-01',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'lines.0.amount', rule: 'isMoneyString', message: expect.any(String) },
          { field: 'occurredAt', rule: 'isInstant', message: expect.any(String) },
        ]),
      );
    });
    await writesNothing(async () => {
      const res = await post('/persons', { ...nanyangEmployee('C9'), unexpected: true, enrolledOn: '2023-02-30' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => `${e.field}:${e.rule}`)).toEqual(
        expect.arrayContaining(['unexpected:whitelistValidation', 'enrolledOn:isLocalDate']),
      );
    });
    await writesNothing(async () => {
      const res = await post('/persons/C1/visits', visit('S-bad2', 'NY-L2', '10.00'), agency(), 'bad key with spaces');
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('Idempotency-Key');
    });
  });

  it('relatives name each person once: the same person as child and as spouse is 400 arrayUnique on enrolment and on update', async () => {
    const twice = [
      { personId: 'RT-3', relation: 'child' },
      { personId: 'RT-3', relation: 'spouse' },
    ];
    expect((await post('/persons', nanyangEmployee('RT-1'))).status).toBe(201);
    for (const [path, body] of [
      ['/persons', nanyangEmployee('RT-2', { relatives: twice })],
      ['/persons/RT-1/relatives', { relatives: twice }],
      ['/persons/RT-1/relatives', { relatives: [twice[0], twice[0]] }],
    ] as const) {
      await writesNothing(async () => {
        const res = await post(path, body);
        expect([path, res.status, res.body.errors]).toEqual([
          path,
          400,
          [{ field: 'relatives', rule: 'arrayUnique', message: 'relatives must name each person once' }],
        ]);
      });
    }
    expect((await post('/persons/RT-1/relatives', { relatives: [twice[0], { personId: 'RT-4', relation: 'spouse' }] })).status).toBe(201);
  });

  it('a request that contradicts the recorded facts is 422 with code, clause and the field in details: a discharge before the admission', async () => {
    expect((await post('/persons', nanyangEmployee('DA-1'))).status).toBe(201);
    expect((await post('/persons/DA-1/inpatient/admissions', { admittedOn: '2023-04-01', institutionCode: 'NY-L3' })).status).toBe(201);
    await writesNothing(async () => {
      const res = await post('/persons/DA-1/inpatient/discharges', { dischargedOn: '2023-03-31' });
      expect([res.status, res.body]).toEqual([
        422,
        expect.objectContaining({
          code: 'DISCHARGE_BEFORE_ADMISSION',
          clause: '宛政办〔2022〕42号 第五条（二）',
          message: 'dischargedOn 2023-03-31 is before the admission (2023-04-01)',
          details: { field: 'dischargedOn' },
        }),
      ]);
    });
  });

  it('404 for an unknown person', async () => {
    await writesNothing(async () => {
      expect((await post('/persons/NOBODY/visits', visit('S-x', 'NY-L2', '10.00'))).status).toBe(404);
      expect((await get('/persons/NOBODY')).status).toBe(404);
      expect((await post('/persons/NOBODY/account/credits', { month: '2023-01' })).status).toBe(404);
    });
  });

  it('422 with reason code and clause: a sibling is not an allowed relative (宛政办〔2022〕42号 第九条)', async () => {
    expect((await post('/persons', nanyangEmployee('D1', { relatives: [{ personId: 'D2', relation: 'sibling' }] }))).status).toBe(201);
    expect((await post('/persons/D1/account/credits', { month: '2023-01' })).status).toBe(201);
    await writesNothing(async () => {
      const res = await post('/persons/D1/account/family-payments', {
        paymentId: 'F1',
        beneficiaryId: 'D2',
        purpose: 'relative_self_pay',
        amount: '10.00',
        reference: 'inv',
        paidOn: '2023-02-01',
      });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(
        expect.objectContaining({ code: 'RELATION_NOT_ALLOWED', clause: expect.stringContaining('宛政办〔2022〕42号 第九条') }),
      );
    });
    await writesNothing(async () => {
      const res = await post('/persons/D1/account/payments', {
        paymentId: 'PX',
        purpose: 'fitness_wellness',
        amount: '10.00',
        reference: 'gym',
        paidOn: '2023-02-01',
      });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(expect.objectContaining({ code: 'ACCOUNT_USE_NOT_ALLOWED', clause: expect.stringContaining('第十条') }));
    });
    await writesNothing(async () => {
      const res = await post('/persons/D1/account/payments', {
        paymentId: 'PY',
        purpose: 'pharmacy',
        amount: '999.00',
        reference: 'r',
        paidOn: '2023-02-01',
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ACCOUNT_INSUFFICIENT');
    });
    await writesNothing(async () => {
      const res = await post('/persons', { ...nanyangEmployee('D9'), region: 'atlantis' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('NO_POLICY_FOR_REGION');
    });
  });
});

describe("a relative's account pays (FamilyAccountPayment on the holder's stream)", () => {
  it('pays the child’s self-pay from the parent’s account; reversal refunds the parent', async () => {
    expect((await post('/persons', nanyangEmployee('F-PARENT', { relatives: [{ personId: 'F-CHILD', relation: 'child' }] }))).status).toBe(
      201,
    );
    expect((await post('/persons', nanyangEmployee('F-CHILD'))).status).toBe(201);
    for (const m of ['2023-01', '2023-02']) expect((await post('/persons/F-PARENT/account/credits', { month: m })).status).toBe(201);
    // Parent's balance 240.00. Child's level-2 visit of 200.00: fund 93.50, self-pay 106.50.
    const res = await post(
      '/persons/F-CHILD/visits',
      { ...visit('S-F1', 'NY-L2', '200.00', '2023-03-10T09:00:00+08:00'), account: { source: 'relative', holderId: 'F-PARENT' } },
      agency(),
      'family-settle-01',
    );
    expect(res.status).toBe(201);
    expect(res.body.decision.amounts).toEqual(expect.objectContaining({ fund: '93.50', relativeAccount: '106.50', cash: '0.00' }));
    expect(res.body.decision.national.acct_mulaid_pay).toBe('106.50');
    const parent = await get('/persons/F-PARENT/account');
    expect(parent.body.balance).toBe('133.50');
    expect(parent.body.statement.map((l: any) => l.type)).toContain('FamilyAccountPayment');
    // Retried request: nothing more is taken from the parent.
    await writesNothing(async () => {
      const again = await post(
        '/persons/F-CHILD/visits',
        { ...visit('S-F1', 'NY-L2', '200.00', '2023-03-10T09:00:00+08:00'), account: { source: 'relative', holderId: 'F-PARENT' } },
        agency(),
        'family-settle-01',
      );
      expect(again.body.decision).toEqual(res.body.decision);
    });
    h.clock.set('2023-03-20T09:00:00+08:00');
    const rev = await post('/persons/F-CHILD/settlements/S-F1/reversal', { reason: 'hospital corrected the bill' });
    expect(rev.status).toBe(201);
    // As the ledger stood before the reversal was recorded, the settlement shows no reversal.
    const before = await get(`/persons/F-CHILD/settlements/S-F1?asOf=${rev.body.position - 1}`, h.keys.auditor);
    expect(before.status).toBe(200);
    expect(before.body.reversal).toBeUndefined();
    expect((await get('/persons/F-CHILD/settlements/S-F1', h.keys.auditor)).body.reversal).toEqual(
      expect.objectContaining({ relativeAccountRestored: '106.50' }),
    );
    expect((await get('/persons/F-CHILD/settlements/S-F1?asOf=1', h.keys.auditor)).status).toBe(404);
    expect((await get('/persons/F-CHILD/settlements/S-F1?asOf=yesterday', h.keys.auditor)).status).toBe(400);
    expect((await get('/persons/F-PARENT/account')).body.balance).toBe('240.00');
    h.clock.set('2023-06-30T12:00:00+08:00');
  });

  it('refuses a relative that the holder has not declared, writing nothing on either stream', async () => {
    await writesNothing(async () => {
      const res = await post('/persons/F-PARENT/visits', {
        ...visit('S-F2', 'NY-L2', '200.00'),
        account: { source: 'relative', holderId: 'F-CHILD' },
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('RELATION_NOT_ALLOWED');
    });
  });
});

describe('accounts endpoints', () => {
  it('transfer in and out, payout, inheritance', async () => {
    expect((await post('/persons', nanyangEmployee('G1'))).status).toBe(201);
    expect((await post('/persons', nanyangEmployee('G2'))).status).toBe(201);
    expect(
      (
        await post('/persons/G1/account/transfers', {
          transferId: 'TI1',
          direction: 'in',
          amount: '500.00',
          counterpartRegion: 'zhengzhou',
          transferredOn: '2023-02-01',
        })
      ).status,
    ).toBe(201);
    expect((await post('/persons/G1/account/inheritance', { heirId: 'G2', on: '2023-04-01' })).status).toBe(201);
    expect((await get('/persons/G1/account')).body).toEqual(expect.objectContaining({ balance: '0.00', closed: true }));
    expect((await get('/persons/G2/account')).body.balance).toBe('500.00');
    expect((await post('/persons/G2/account/payout', { reason: 'emigration', paidOn: '2023-05-01', payee: 'G2' })).status).toBe(201);
    expect((await get('/persons/G2/account')).body.balance).toBe('0.00');
    const closed = await post('/persons/G2/account/payments', {
      paymentId: 'P',
      purpose: 'pharmacy',
      amount: '1.00',
      reference: 'r',
      paidOn: '2023-06-01',
    });
    expect(closed.status).toBe(422);
  });
});

describe('concurrency', () => {
  it('50 concurrent settlements near the cap: the fund never passes 1500; every acknowledged one is recorded once', async () => {
    expect((await post('/persons', nanyangEmployee('K1'))).status).toBe(201);
    // Level-3 visits of 150.00 → (150 − 50) × 50% = 50.00 each; 50 × 50 = 2500 > cap 1500. One visit
    // a day: each charges its own deductible whichever settlements win the races (two visits within
    // 24 hours at one institution share one, 宛政办〔2022〕42号 第五条（一）, and the later would pay 75.00).
    const day = (i: number) => new Date(Date.UTC(2023, 3, 1 + i)).toISOString().slice(0, 10);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post('/persons/K1/visits', visit(`S-K${i}`, 'NY-L3', '150.00', `${day(i)}T09:00:00+08:00`))),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const events = (await h.store.readStream('person-K1')).filter((e) => e.type === 'VisitSettled');
    expect(events).toHaveLength(ok.length);
    const fund = sum(events.map((e: any) => money(e.data.decision.amounts.fund)));
    expect(fund.lessThanOrEqualTo(1500)).toBe(true);
    // Each accepted settlement pays min(50.00, what is left of the cap): the total is exact.
    expect(fmt(fund)).toBe(fmt(money('50.00').times(ok.length).greaterThan(1500) ? money('1500.00') : money('50.00').times(ok.length)));
    if (process.env.LEDGER_REPORT) console.log(`settlements: ${ok.length} × 201, ${results.length - ok.length} × 409`);
  });

  it('50 concurrent account payments never overdraw the account', async () => {
    expect((await post('/persons', nanyangEmployee('K2'))).status).toBe(201);
    expect((await post('/persons/K2/account/credits', { month: '2023-01' })).status).toBe(201); // 120.00
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post('/persons/K2/account/payments', {
          paymentId: `PK-${i}`,
          purpose: 'pharmacy',
          amount: '7.00',
          reference: 'r',
          paidOn: '2023-02-01',
        }),
      ),
    );
    expect(results.every((r) => [201, 409, 422].includes(r.status))).toBe(true);
    const paid = results.filter((r) => r.status === 201).length;
    const account = await get('/persons/K2/account');
    expect(money(account.body.balance).isNegative()).toBe(false);
    expect(account.body.balance).toBe(fmt(money('120.00').minus(money('7.00').times(paid))));
    expect(paid).toBeLessThanOrEqual(17);
    if (process.env.LEDGER_REPORT)
      console.log(
        `payments: ${paid} × 201, ${results.filter((r) => r.status === 422).length} × 422, ${results.filter((r) => r.status === 409).length} × 409`,
      );
  });
});
