/** Engine behaviour not tied to one DOMAIN.md row: input checks, dates, traces, reason codes. */
import { InvalidInput, PolicyRefusal } from '../../src/kernel/errors';
import { accountMayPay, familyUseAllowed, monthlyAccountCredit } from '../../src/policy/account-rules';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import { REASON_CODES } from '../../src/policy/reason-codes';
import type { AccountPurpose } from '../../src/policy/pack.types';
import { catalog, cityPack, input, line } from './helpers';

const nanyang = () => cityPack('nanyang-employee-2022');

describe('adjudicate: the facts must fit the pack', () => {
  test('a framework pack cannot adjudicate', () => {
    const framework = catalog().byId('gansu-employee-framework-2021')!;
    expect(() => adjudicate(input({ pack: cityPack('gansu-lanzhou-2023'), at: '2023-03-01T09:00:00+08:00' }), framework)).toThrow(
      InvalidInput,
    );
  });
  test('a person of another region or scheme, a date outside the pack, a wrong year are input errors', () => {
    const base = input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00' });
    expect(() => adjudicate({ ...base, person: { ...base.person, region: 'anyang' } }, nanyang())).toThrow(/is for nanyang\/employee/);
    expect(() => adjudicate(input({ pack: nanyang(), at: '2022-06-30T09:00:00+08:00' }), nanyang())).toThrow(/not in force on 2022-06-30/);
    expect(() => adjudicate({ ...base, yearToDate: { ...base.yearToDate, year: 2022 } }, nanyang())).toThrow(InvalidInput);
    expect(() => adjudicate({ ...base, visit: { ...base.visit, settledAt: '2023-03-01T08:00:00+08:00' } }, nanyang())).toThrow(
      /before the visit/,
    );
    expect(() => adjudicate({ ...base, visit: { ...base.visit, lines: [line('0')] } }, nanyang())).toThrow(/greater than 0/);
    expect(() => adjudicate({ ...base, yearToDate: { ...base.yearToDate, fundPaid: '-1.00' } }, nanyang())).toThrow(/must not be negative/);
  });
});

describe('adjudicate: dates are Asia/Shanghai', () => {
  test('17:00 UTC on 31 December is the next year in Shanghai', () => {
    const base = input({ pack: nanyang(), at: '2024-01-01T01:00:00+08:00' });
    const d = adjudicate(
      { ...base, visit: { ...base.visit, occurredAt: '2023-12-31T17:00:00Z', settledAt: '2023-12-31T17:00:00Z' } },
      nanyang(),
    );
    expect(d.visitDate).toBe('2024-01-01');
    expect(d.year).toBe(2024);
  });
  test('an inpatient stay ending the day before does not block the visit', () => {
    const d = adjudicate(
      input({ pack: nanyang(), at: '2023-03-02T09:00:00+08:00', person: { inpatientStays: [{ from: '2023-02-20', to: '2023-03-01' }] } }),
      nanyang(),
    );
    expect(d.eligible).toBe(true);
  });
});

describe('adjudicate: visit types and pharmacies', () => {
  test('宛政办〔2022〕42号 第五条（二）: a chronic/special-disease visit is a different benefit', () => {
    const d = adjudicate(input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', visit: { medType: 'chronic' } }), nanyang());
    expect(d.reasons.map((r) => r.code)).toEqual(['MED_TYPE_NOT_COVERED']);
    expect(d.amounts.fund).toBe('0.00');
  });
  test('宛政办〔2022〕42号 第十三条/第九条（二）: a designated pharmacy is pooled and the account pays there', () => {
    const d = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        institution: { pharmacy: true },
        account: { source: 'own', balance: '100' },
      }),
      nanyang(),
    );
    expect(d.eligible).toBe(true);
    expect(d.amounts).toMatchObject({ fund: '60.00', account: '40.00', cash: '0.00' });
    expect(d.trace.find((t) => t.step === 'account')?.clause).toBe('宛政办〔2022〕42号 第九条（二）');
  });
  test('安医保〔2019〕75号 三（三）: no retail-pharmacy pooling, and the household account does not pay there', () => {
    const p = cityPack('anyang-resident-2020');
    const d = adjudicate(
      input({
        pack: p,
        at: '2020-03-01T09:00:00+08:00',
        level: 'village',
        institution: { pharmacy: true },
        account: { source: 'own', balance: '100' },
      }),
      p,
    );
    expect(d.reasons.map((r) => r.code)).toEqual(['PHARMACY_NOT_COVERED', 'ACCOUNT_USE_NOT_ALLOWED']);
    expect(d.amounts).toMatchObject({ fund: '0.00', account: '0.00', cash: '100.00' });
  });
  test('an undesignated institution: no fund, and the account (designated institutions only) does not pay', () => {
    const d = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        institution: { designated: false },
        account: { source: 'own', balance: '100' },
      }),
      nanyang(),
    );
    expect(d.reasons.map((r) => r.code)).toEqual(['INSTITUTION_NOT_DESIGNATED', 'ACCOUNT_NOT_AT_DESIGNATED']);
    expect(d.amounts).toMatchObject({ fund: '0.00', account: '0.00', cash: '100.00' });
  });
  test('an ineligible visit still splits the person part between account and cash', () => {
    const d = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        person: { inpatientStays: [{ from: '2023-03-01' }] },
        account: { source: 'own', balance: '30' },
      }),
      nanyang(),
    );
    expect(d.amounts).toMatchObject({ fund: '0.00', account: '30.00', cash: '70.00' });
  });
});

describe('decision records', () => {
  test('every reason and flag code is in the table, every trace step cites a clause', () => {
    const d = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        level: 'level2',
        lines: [line('100'), line('5', { code: 'X', inCatalogue: false }), line('6', { code: 'C', costKind: 'health_checkup' })],
        ytd: { fundPaid: '1490.00' },
        account: { source: 'own', balance: '1' },
      }),
      nanyang(),
    );
    expect(d.reasons.map((r) => r.code)).toEqual(['EXCLUDED_NOT_IN_CATALOGUE', 'EXCLUDED_HEALTH_CHECKUP', 'CAP_REACHED']);
    expect(d.flags.map((r) => r.code)).toEqual(['ACCOUNT_EXCLUDED_COSTS', 'ACCOUNT_INSUFFICIENT']);
    for (const r of [...d.reasons, ...d.flags]) {
      expect(Object.keys(REASON_CODES)).toContain(r.code);
      expect(r.clause).toMatch(/号 /);
    }
    for (const t of d.trace) expect(t.clause.length).toBeGreaterThan(0);
    expect(d.trace.map((t) => t.step)).toEqual([
      'category',
      'eligibility.enrolment',
      'eligibility.inpatient',
      'eligibility.designation',
      'eligibility.medType',
      'eligibility.level',
      'exclusion',
      'exclusion',
      'policyScope',
      'deductible',
      'rate',
      'fund',
      'account',
      'national',
    ]);
  });

  test('the decision carries the pack id and version (content hash)', () => {
    const d = adjudicate(input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00' }), nanyang());
    expect(d.policy).toEqual({ packId: 'nanyang-employee-2022', version: nanyang().version, region: 'nanyang', scheme: 'employee' });
    expect(d.policy.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('account rules', () => {
  test('a category without a credit rule is refused with a clause', () => {
    expect(() => monthlyAccountCredit(nanyang(), 'student', {})).toThrow(PolicyRefusal);
    expect(() => monthlyAccountCredit(cityPack('jiaozuo-employee-2024'), 'in_service', { contributionBase: '1' })).toThrow(
      /no personal-account credits/,
    );
    expect(() => monthlyAccountCredit(catalog().byId('gansu-employee-framework-2021')!, 'in_service', {})).toThrow(InvalidInput);
  });
  test('a pack without account rules allows no family use or purpose', () => {
    const j = cityPack('jiaozuo-employee-2024');
    expect(familyUseAllowed(j, 'spouse')).toEqual({ allowed: false, clause: 'ledger rule no-personal-account-rules' });
    expect(accountMayPay(j, 'own_self_pay').allowed).toBe(false);
    expect(() => accountMayPay(nanyang(), 'gambling' as AccountPurpose)).toThrow(/unknown account purpose/);
  });
});
