/**
 * Issue 16: the facts the ledger records decide the payment — recorded referrals (1), the
 * pooling tier by category (4), the consultation fee under a family-doctor contract (5).
 * Anyang 2020 (安医保〔2019〕75号): 60% with no deductible; a 100.00 visit pays 60.00.
 */
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { RecordedContract, RecordedReferral } from '../../src/policy/engine/types';
import { cityPack, input, line } from './helpers';
import { preIssue16Pack } from './pre-issue-16';

const anyang = () => cityPack('anyang-resident-2020');
const AT = '2020-05-10T09:00:00+08:00';
const codes = (d: { reasons: Array<{ code: string }> }) => d.reasons.map((r) => r.code);
const referral = (extra: Partial<RecordedReferral> = {}): RecordedReferral => ({
  referralId: 'REF-1',
  referredOn: '2020-05-01',
  validUntil: '2020-05-31',
  fromInstitution: 'AY-TWN',
  toInstitution: 'AY-CTY-L2',
  revision: 4,
  ...extra,
});
/** A county-designated level-2 hospital of Anyang: pooled only with a referral (人社部发〔2011〕59号 二). */
const countyHospital = { code: 'AY-CTY-L2', countyDesignated: true };

describe('issue 16.1: referrals are read from the person’s stream (人社部发〔2011〕59号 二)', () => {
  it('a referral on record, valid on the visit date, to this institution: 100.00 → 60.00; the trace names the referral and its revision', () => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'level2', institution: countyHospital, person: { referrals: [referral()] } }),
      anyang(),
    );
    expect(codes(d)).toEqual([]);
    expect(d.amounts.fund).toBe('60.00');
    const step = d.trace.find((t) => t.step === 'eligibility.referral')!;
    expect(step.clause).toBe('人社部发〔2011〕59号 二; 人社部发〔2011〕59号 二');
    expect(step.result).toMatchObject({
      ok: true,
      referralId: 'REF-1',
      referralRevision: 4,
      referredOn: '2020-05-01',
      validUntil: '2020-05-31',
    });
  });

  it('the visit’s own referral: true with nothing on record pays 0.00 (REFERRAL_REQUIRED) and is flagged as ignored', () => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'level2', institution: countyHospital, visit: { referral: true } }),
      anyang(),
    );
    expect(codes(d)).toEqual(['REFERRAL_REQUIRED']);
    expect(d.amounts.fund).toBe('0.00');
    expect(d.flags.map((f) => f.code)).toEqual(['REFERRAL_FIELD_IGNORED']);
  });

  it('the field is flagged wherever it is sent (township visit, referral: false): 100.00 → 60.00 unchanged', () => {
    const d = adjudicate(input({ pack: anyang(), at: AT, level: 'township', visit: { referral: false } }), anyang());
    expect(d.amounts.fund).toBe('60.00');
    expect(d.flags).toEqual([expect.objectContaining({ code: 'REFERRAL_FIELD_IGNORED', clause: '人社部发〔2011〕59号 二' })]);
  });

  it('a referral on record and no field on the visit pays 60.00 (no flag)', () => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'level2', institution: countyHospital, person: { referrals: [referral()] } }),
      anyang(),
    );
    expect(d.flags).toEqual([]);
    expect(d.amounts.fund).toBe('60.00');
  });

  it.each([
    ['to another institution', { toInstitution: 'AY-OTHER' }],
    ['expired the day before the visit', { validUntil: '2020-05-09' }],
    ['issued the day after the visit', { referredOn: '2020-05-11', validUntil: '2020-06-10' }],
  ])('a referral %s does not count: 0.00', (_label, extra) => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'level2', institution: countyHospital, person: { referrals: [referral(extra)] } }),
      anyang(),
    );
    expect(codes(d)).toEqual(['REFERRAL_REQUIRED']);
    expect(d.amounts.fund).toBe('0.00');
  });

  it('valid on its first and last day (inclusive)', () => {
    for (const at of ['2020-05-01T08:00:00+08:00', '2020-05-31T23:00:00+08:00']) {
      const d = adjudicate(
        input({ pack: anyang(), at, level: 'level2', institution: countyHospital, person: { referrals: [referral()] } }),
        anyang(),
      );
      expect(d.amounts.fund).toBe('60.00');
    }
  });

  it('the pack before issue 16 (no referralRecords) still reads the visit field: recorded decisions replay unchanged', () => {
    const old = preIssue16Pack('anyang-resident-2020');
    const d = adjudicate(input({ pack: old, at: AT, level: 'level2', institution: countyHospital, visit: { referral: true } }), old);
    expect(d.amounts.fund).toBe('60.00');
    expect(d.trace.map((t) => t.step)).not.toContain('eligibility.tier');
  });
});

describe('issue 16.4: a primary institution is primary by what it is (安医保〔2019〕75号 三（三）)', () => {
  it('a community health service centre registered as level1 is pooled at township level: 100.00 → 60.00, no county designation needed', () => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'level1', institution: { category: 'community_health_centre' } }),
      anyang(),
    );
    expect(codes(d)).toEqual([]);
    expect(d.amounts.fund).toBe('60.00');
    expect(d.trace.find((t) => t.step === 'eligibility.tier')).toMatchObject({
      clause: '安医保〔2019〕75号 三（三）',
      result: { tier: 'township', byCategory: true },
    });
  });

  it('a campus clinic (高校校医院) of grade level1 is pooled as township-level (reading, stated in the pack): 87.65 → 52.59', () => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'level1', institution: { category: 'campus_clinic' }, lines: [line('87.65')] }),
      anyang(),
    );
    expect(d.amounts.fund).toBe('52.59');
    expect(anyang().benefit.tierByCategory!.note).toMatch(/does not say so/);
  });

  it('a level1 general hospital keeps its grade: without county designation LEVEL_NOT_COVERED, 0.00', () => {
    const d = adjudicate(input({ pack: anyang(), at: AT, level: 'level1', institution: { category: 'other_general' } }), anyang());
    expect(codes(d)).toEqual(['LEVEL_NOT_COVERED']);
    expect(d.amounts.fund).toBe('0.00');
  });

  it('before issue 16 the same centre was refused (the pack without tierByCategory)', () => {
    const old = preIssue16Pack('anyang-resident-2020');
    const d = adjudicate(input({ pack: old, at: AT, level: 'level1', institution: { category: 'community_health_centre' } }), old);
    expect(codes(d)).toEqual(['LEVEL_NOT_COVERED']);
  });
});

describe('issue 16.5: no general consultation fee with a pooled family-doctor contract (安医保〔2019〕75号 三（二）)', () => {
  const contract = (extra: Partial<RecordedContract> = {}): RecordedContract => ({
    contractId: 'FD-1',
    institutionCode: 'AY-TWN',
    from: '2020-01-01',
    to: '2020-12-31',
    feePaidByPooling: true,
    revision: 2,
    ...extra,
  });
  const lines = [line('80.00', { code: 'DRUG' }), line('10.00', { code: 'GEN', category: 'consultation' })];

  it('contracted: the 10.00 consultation line is excluded; fund 80.00 × 60% = 48.00; the trace names the contract', () => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'township', lines, person: { familyDoctorContracts: [contract()] } }),
      anyang(),
    );
    expect(d.amounts).toMatchObject({ total: '90.00', excluded: '10.00', policyScope: '80.00', fund: '48.00', cash: '42.00' });
    expect(d.reasons).toEqual([
      expect.objectContaining({ code: 'EXCLUDED_CONSULTATION_FEE_CONTRACTED', clause: '安医保〔2019〕75号 三（二）', lineCode: 'GEN' }),
    ]);
    expect(d.trace.find((t) => t.step === 'exclusion.consultationFee')!.result).toEqual({
      contractId: 'FD-1',
      contractRevision: 2,
      excluded: true,
    });
  });

  it.each([
    ['no contract', []],
    ['a contract that ended the day before', [contract({ to: '2020-05-09' })]],
    ['a contract whose fee the fund does not pay', [contract({ feePaidByPooling: false })]],
  ])('%s: the consultation fee is pooled, fund 90.00 × 60% = 54.00', (_label, contracts) => {
    const d = adjudicate(
      input({ pack: anyang(), at: AT, level: 'township', lines, person: { familyDoctorContracts: contracts } }),
      anyang(),
    );
    expect(d.amounts.fund).toBe('54.00');
    expect(codes(d)).toEqual([]);
  });

  it('the pack before issue 16 pooled both: 54.00', () => {
    const old = preIssue16Pack('anyang-resident-2020');
    const d = adjudicate(input({ pack: old, at: AT, level: 'township', lines, person: { familyDoctorContracts: [contract()] } }), old);
    expect(d.amounts.fund).toBe('54.00');
  });
});
