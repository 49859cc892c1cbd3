/**
 * Issue 16 over HTTP: the facts recorded in a person's stream decide (Anyang residents,
 * 安医保〔2019〕75号, 2020: 60%, no deductible). Errors write nothing.
 */
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

let h: LedgerHarness;
const EXTRA = [
  {
    code: 'AY-CHC',
    name: '安阳市某社区卫生服务中心',
    category: 'community_health_centre',
    level: 'level1',
    location: 'city',
    region: 'anyang',
    designations: ['resident'],
  },
  {
    code: 'AY-CTY-D',
    name: '安阳县某县级医院（县定点）',
    category: 'county_general',
    level: 'level2',
    location: 'county',
    region: 'anyang',
    designations: ['resident'],
    countyDesignated: true,
  },
  {
    code: 'AY-EMP',
    name: '安阳某职工定点卫生院',
    category: 'township_health_centre',
    level: 'township',
    location: 'township',
    region: 'anyang',
    designations: ['employee'],
  },
];
beforeAll(async () => {
  h = await startLedger();
  await registerInstitutions(h);
  await registerInstitutions(h, EXTRA);
});
afterAll(() => h.close());

const post = (path: string, body: unknown) =>
  h.http
    .post(path)
    .set('x-api-key', h.keys.agency)
    .send(body as object);
const resident = (personId: string) => ({ personId, scheme: 'resident', category: 'resident', region: 'anyang', enrolledOn: '2020-01-01' });
const visit = (settlementId: string, institutionCode: string, lines: unknown[], extra: Record<string, unknown> = {}) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode,
  occurredAt: '2020-05-10T09:00:00+08:00',
  settledAt: '2020-05-10T09:30:00+08:00',
  medType: 'ordinary',
  lines,
  ...extra,
});
const drug = (amount: string) => ({ code: 'D01', amount, inCatalogue: true, category: 'drug' });
async function writesNothing(action: () => Promise<unknown>): Promise<void> {
  const before = await h.store.headPosition();
  await action();
  expect(await h.store.headPosition()).toBe(before);
}

describe('issue 16.2: POST /persons/:id/first-contact-institution (人社部发〔2011〕59号 四)', () => {
  beforeAll(async () => expect((await post('/persons', resident('FC1'))).status).toBe(201));

  it('404 for an unregistered code; 422 with the clause for a level-2 hospital, another region, another scheme; nothing written', async () => {
    await writesNothing(async () => {
      expect((await post('/persons/FC1/first-contact-institution', { year: 2020, institutionCode: 'NOWHERE' })).status).toBe(404);
      for (const [code, reason] of [
        ['AY-CTY', 'FIRST_CONTACT_NOT_PRIMARY'],
        ['NY-L1', 'FIRST_CONTACT_OTHER_REGION'],
        ['AY-EMP', 'FIRST_CONTACT_NOT_DESIGNATED'],
      ]) {
        const res = await post('/persons/FC1/first-contact-institution', { year: 2020, institutionCode: code });
        expect([code, res.status, res.body.code, res.body.clause]).toEqual([code, 422, reason, '人社部发〔2011〕59号 四']);
      }
    });
  });

  it('201 for a community health service centre registered as level 1 (primary by category in Anyang)', async () => {
    expect((await post('/persons/FC1/first-contact-institution', { year: 2020, institutionCode: 'AY-CHC' })).status).toBe(201);
  });
});

describe('issue 16.1: referrals decide from the stream (人社部发〔2011〕59号 二)', () => {
  beforeAll(async () => expect((await post('/persons', resident('RF1'))).status).toBe(201));

  it('referral: true with nothing recorded pays 0.00 (REFERRAL_REQUIRED, field flagged as ignored)', async () => {
    const res = await post('/persons/RF1/visits', visit('S-RF1-a', 'AY-CTY-D', [drug('100.00')], { referral: true }));
    expect(res.status).toBe(201);
    expect(res.body.decision.amounts.fund).toBe('0.00');
    expect(res.body.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['REFERRAL_REQUIRED']);
    expect(res.body.decision.flags.map((r: { code: string }) => r.code)).toEqual(['REFERRAL_FIELD_IGNORED']);
  });

  it('a referral must come from a registered primary institution: 404 for an unknown code, 422 from a level-2 hospital; nothing written', async () => {
    await writesNothing(async () => {
      const unknown = await post('/persons/RF1/referrals', {
        referralId: 'REF-X',
        referredOn: '2020-05-08',
        validUntil: '2020-06-07',
        fromInstitution: 'AY-TWN',
        toInstitution: 'NOWHERE',
      });
      expect(unknown.status).toBe(404);
      const fromHospital = await post('/persons/RF1/referrals', {
        referralId: 'REF-X',
        referredOn: '2020-05-08',
        validUntil: '2020-06-07',
        fromInstitution: 'AY-CTY',
        toInstitution: 'AY-CTY-D',
      });
      expect([fromHospital.status, fromHospital.body.code, fromHospital.body.clause]).toEqual([
        422,
        'REFERRAL_FROM_NOT_PRIMARY',
        '人社部发〔2011〕59号 二',
      ]);
    });
  });

  it('a recorded referral and no field pays 60.00; the trace names the referral and its event revision', async () => {
    const recorded = await post('/persons/RF1/referrals', {
      referralId: 'REF-9',
      referredOn: '2020-05-08',
      validUntil: '2020-06-07',
      fromInstitution: 'AY-TWN',
      toInstitution: 'AY-CTY-D',
    });
    expect(recorded.status).toBe(201);
    const res = await post('/persons/RF1/visits', visit('S-RF1-b', 'AY-CTY-D', [drug('100.00')]));
    expect(res.status).toBe(201);
    expect(res.body.decision.amounts.fund).toBe('60.00');
    const step = res.body.decision.trace.find((t: { step: string }) => t.step === 'eligibility.referral');
    expect(recorded.body.events[0]).toEqual(expect.objectContaining({ type: 'ReferralRecorded', revision: 2 }));
    expect(step.result).toEqual(expect.objectContaining({ ok: true, referralId: 'REF-9', referralRevision: 2 }));
  });
});

describe('issue 16.4 and 16.5: tier by category; family-doctor contracts', () => {
  beforeAll(async () => expect((await post('/persons', resident('FD1'))).status).toBe(201));

  it('a level-1 community health service centre pays 60%: 100.00 → 60.00', async () => {
    const res = await post('/persons/FD1/visits', visit('S-FD1-a', 'AY-CHC', [drug('100.00')]));
    expect([res.status, res.body.decision.amounts.fund]).toEqual([201, '60.00']);
  });

  it('records a contract: fee 30.00 → fund 18.00, person 12.00; 404 for an unregistered institution', async () => {
    await writesNothing(async () => {
      expect(
        (
          await post('/persons/FD1/family-doctor-contracts', {
            contractId: 'C0',
            institutionCode: 'NOWHERE',
            from: '2020-05-01',
            to: '2021-04-30',
            fee: '30.00',
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await post('/persons/FD1/family-doctor-contracts', {
            contractId: 'C0',
            institutionCode: 'AY-CHC',
            from: '2020-05-01',
            to: '2021-04-30',
            fee: '-1',
          })
        ).status,
      ).toBe(400);
    });
    const res = await post('/persons/FD1/family-doctor-contracts', {
      contractId: 'C1',
      institutionCode: 'AY-CHC',
      from: '2020-05-01',
      to: '2021-04-30',
      fee: '30.00',
    });
    expect(res.status).toBe(201);
    const events = await h.store.readStream('person-FD1');
    expect(events.find((e) => e.type === 'FamilyDoctorContracted')!.data).toEqual(
      expect.objectContaining({ fee: '30.00', fundPays: '18.00', personPays: '12.00', clause: '安医保〔2019〕75号 附件' }),
    );
    const person = await h.http.get('/persons/FD1').set('x-api-key', h.keys.agency);
    expect(person.body.enrollment.familyDoctorContracts).toEqual([
      expect.objectContaining({ contractId: 'C1', institutionCode: 'AY-CHC', feePaidByPooling: true, fundPays: '18.00' }),
    ]);
  });

  it('then the 10.00 general consultation fee is not pooled: (100.00 drug) → 60.00 of 110.00', async () => {
    const res = await post(
      '/persons/FD1/visits',
      visit('S-FD1-b', 'AY-TWN', [
        drug('100.00'),
        { code: 'G01', name: '一般诊疗费', amount: '10.00', inCatalogue: true, category: 'consultation' },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body.decision.amounts).toEqual(expect.objectContaining({ total: '110.00', excluded: '10.00', fund: '60.00' }));
    expect(res.body.decision.reasons).toEqual([
      expect.objectContaining({ code: 'EXCLUDED_CONSULTATION_FEE_CONTRACTED', clause: '安医保〔2019〕75号 三（二）', lineCode: 'G01' }),
    ]);
  });

  it('a Nanyang employee cannot record a pooled contract (no contract-fee rule): 422', async () => {
    expect((await post('/persons', nanyangEmployee('FD-E'))).status).toBe(201);
    const res = await post('/persons/FD-E/family-doctor-contracts', {
      contractId: 'C1',
      institutionCode: 'NY-L1',
      from: '2023-05-01',
      to: '2024-04-30',
      fee: '30.00',
    });
    expect([res.status, res.body.code]).toEqual([422, 'CONTRACT_FEE_NOT_POOLED']);
  });
});
