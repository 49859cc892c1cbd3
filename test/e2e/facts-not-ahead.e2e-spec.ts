/**
 * A fact recorded as having happened is not dated after the ledger's clock (the settlement
 * time's rule, test/e2e/ledger-write.e2e-spec.ts, for every other such date). Before, a
 * retirement processed on 2099-12-31, a payment made tomorrow or a month credited in advance
 * were accepted into events that cannot change. Each is 400 naming the field, nothing written;
 * today's date is accepted, a caller's clock a few minutes past midnight too, and dates that
 * plan ahead (an enrolment from next year, a new contribution base) are not refused.
 */
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
const NOW = '2024-09-10T12:00:00+08:00';
const TODAY = '2024-09-10';
const TOMORROW = '2024-09-11';
const JZ = 'JZ-NA';

beforeAll(async () => {
  h = await startLedger({ now: NOW });
  await registerInstitutions(h);
  for (const body of [nanyangEmployee('NA-1', { relatives: [{ personId: 'NA-2', relation: 'child' }] }), nanyangEmployee('NA-2')])
    expect((await post('/persons', body)).status).toBe(201);
  expect((await post('/persons/NA-1/account/credits', { month: '2024-08' })).status).toBe(201);
  expect((await post('/institutions', jiaozuoHospital)).status).toBe(201);
  expect((await post(`/institutions/${JZ}/years/2024/cost-base`, {})).status).toBe(201);
}, 60_000);
afterAll(() => h?.close());

const jiaozuoHospital = {
  code: JZ,
  name: '焦作某县人民医院',
  category: 'county_general',
  level: 'level2',
  location: 'county',
  region: 'jiaozuo',
  designations: ['employee'],
};
const post = (path: string, body: object) => h.http.post(path).set('x-api-key', h.keys.agency).send(body);

/** Refused with 400 naming `field` (and the ledger's date), the log untouched. */
async function refusedAhead(path: string, body: object, field: string): Promise<void> {
  const head = await h.store.headPosition();
  const res = await post(path, body);
  expect({ path, status: res.status, errors: res.body.errors }).toEqual({
    path,
    status: 400,
    errors: [expect.objectContaining({ field, message: expect.stringContaining("must not be later than the ledger's") })],
  });
  expect(await h.store.headPosition()).toBe(head);
}

async function accepted(path: string, body: object): Promise<void> {
  const res = await post(path, body);
  expect({ path, status: res.status, body: res.status === 201 ? 'written' : res.body }).toEqual({ path, status: 201, body: 'written' });
}

const payment = (paymentId: string, paidOn: string) => ({ paymentId, purpose: 'pharmacy', amount: '1.00', reference: '药店小票', paidOn });

describe("a person's facts dated after the ledger's date", () => {
  it('are 400 naming the field and write nothing: retirement, admission, discharge, referral, credit, payments, transfer, payout, inheritance', async () => {
    const cases: Array<[string, (day: string) => object, string]> = [
      ['/persons/NA-1/retirement', (d) => ({ processedOn: d }), 'processedOn'],
      ['/persons/NA-1/inpatient/admissions', (d) => ({ admittedOn: d, institutionCode: 'NY-L3' }), 'admittedOn'],
      [
        '/persons/NA-1/referrals',
        (d) => ({ referralId: `R-${d}`, referredOn: d, validUntil: '2024-12-31', fromInstitution: 'NY-L1', toInstitution: 'NY-L3' }),
        'referredOn',
      ],
      ['/persons/NA-1/account/payments', (d) => payment(`P-${d}`, d), 'paidOn'],
      [
        '/persons/NA-1/account/family-payments',
        (d) => ({ ...payment(`F-${d}`, d), beneficiaryId: 'NA-2', purpose: 'relative_self_pay' }),
        'paidOn',
      ],
      [
        '/persons/NA-1/account/transfers',
        (d) => ({ transferId: `T-${d}`, direction: 'out', counterpartRegion: 'zhengzhou', transferredOn: d }),
        'transferredOn',
      ],
      ['/persons/NA-1/account/payout', (d) => ({ reason: 'death', paidOn: d, payee: 'heirs' }), 'paidOn'],
      ['/persons/NA-1/account/inheritance', (d) => ({ heirId: 'NA-2', on: d }), 'on'],
    ];
    for (const [path, body, field] of cases) for (const day of [TOMORROW, '2099-12-31']) await refusedAhead(path, body(day), field);
    await refusedAhead('/persons/NA-1/account/credits', { month: '2024-10' }, 'month');
    await refusedAhead('/persons/NA-1/account/credits', { month: '2099-01' }, 'month');
    await accepted('/persons/NA-1/inpatient/admissions', { admittedOn: '2024-09-01', institutionCode: 'NY-L3' });
    await refusedAhead('/persons/NA-1/inpatient/discharges', { dischargedOn: TOMORROW }, 'dischargedOn');
  });

  it("today's date and this month are accepted; dates that plan ahead are not refused", async () => {
    await accepted('/persons/NA-1/inpatient/discharges', { dischargedOn: TODAY });
    await accepted('/persons/NA-1/account/credits', { month: '2024-09' });
    await accepted('/persons/NA-1/account/payments', payment('P-today', TODAY));
    await accepted('/persons/NA-1/contribution-base', { contributionBase: '6500.00', effectiveFrom: '2025-01-01' });
    await accepted('/persons/NA-1/retirement', { processedOn: TODAY });
    await accepted('/persons', nanyangEmployee('NA-NEXT-YEAR', { enrolledOn: '2025-01-01' }));
  });

  it("a caller's clock up to 5 minutes ahead at midnight may date tomorrow; 6 minutes may not", async () => {
    try {
      h.clock.set('2024-09-10T23:56:00+08:00');
      await accepted('/persons/NA-2/account/transfers', {
        transferId: 'T-midnight',
        direction: 'in',
        amount: '10.00',
        counterpartRegion: 'zhengzhou',
        transferredOn: TOMORROW,
      });
      h.clock.set('2024-09-10T23:54:00+08:00');
      await refusedAhead('/persons/NA-2/account/payments', payment('P-midnight', TOMORROW), 'paidOn');
    } finally {
      h.clock.set(NOW);
    }
  });
});

describe("an institution's facts dated after the ledger's date", () => {
  it('declaration, advance, correction (both routes) and a capitation month ahead are 400 naming the field; nothing written', async () => {
    const month = `/institutions/${JZ}/months/2024-08`;
    const declaration = (declaredOn: string) => ({ visits: 1000, totalCost: '230000.00', fundDue: '100000.00', declaredOn });
    await refusedAhead(`${month}/declaration`, declaration(TOMORROW), 'declaredOn');
    await accepted(`${month}/declaration`, declaration(TODAY));
    await accepted(`${month}/approval`, { approvedAmount: '100000.00' });
    await refusedAhead(`${month}/advance`, { paidOn: TOMORROW }, 'paidOn');
    await accepted(`${month}/advance`, { paidOn: TODAY });
    const corrected = { corrected: { visits: 1000, totalCost: '230000.00', fundDue: '90000.00' }, reason: 'audit' };
    await refusedAhead(`${month}/correction`, { ...corrected, correctedOn: TOMORROW }, 'correctedOn');
    const spec = { kind: 'institution-month', institutionCode: JZ, month: '2024-08', ...corrected, correctedOn: TOMORROW };
    await refusedAhead('/corrections', { spec }, 'spec.correctedOn');
    await accepted(`${month}/correction`, { ...corrected, correctedOn: TODAY });
    await refusedAhead('/institutions/AY-TWN/months/2024-10/capitation', { claimed: '100.00' }, 'month');
  });
});
