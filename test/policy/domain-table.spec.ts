/**
 * DOMAIN.md §3, row by row, to the fen. Expected figures are worked from the documents'
 * numbers in the test (not copied from the engine's output).
 */
import { firstDayOfNextMonth } from '../../src/kernel/dates';
import { PolicyRefusal } from '../../src/kernel/errors';
import { Dec } from '../../src/kernel/money';
import { accountMayPay, familyUseAllowed, monthlyAccountCredit } from '../../src/policy/account-rules';
import { PolicyCatalog } from '../../src/policy/catalog';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { Decision } from '../../src/policy/engine/types';
import type { AccountPurpose } from '../../src/policy/pack.types';
import { catalog, cityPack, deploymentParams, gansuFixture, input, line } from './helpers';

const nanyang = () => cityPack('nanyang-employee-2022');
const anyang = () => cityPack('anyang-resident-2020');
const jiaozuo = () => cityPack('jiaozuo-employee-2024');
const lanzhou = () => cityPack('gansu-lanzhou-2023');
const codes = (d: Decision) => d.reasons.map((r) => r.code);
const flagCodes = (d: Decision) => d.flags.map((r) => r.code);
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('3.1 Nanyang employees — 宛政办〔2022〕42号', () => {
  const D = '宛政办〔2022〕42号';

  test.each([
    ['village', '0.00', '60.00'],
    ['township', '0.00', '60.00'],
    ['level1', '0.00', '60.00'],
    ['level2', '30.00', '38.50'], // (100 − 30) × 55%
    ['level3', '50.00', '25.00'], // (100 − 50) × 50%
  ] as const)(`${D} 第五条（一）（二）: deductible per visit at %s is %s; in-service fund on 100 is %s`, (level, deductible, fund) => {
    const d = adjudicate(input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', level }), nanyang());
    expect(d.amounts.deductible).toBe(deductible);
    expect(d.amounts.fund).toBe(fund);
    expect(d.trace.find((t) => t.step === 'deductible')?.clause).toBe(`${D} 第五条（一）`);
  });

  test(`${D} 第五条（一）: level-2 deductible 30`, () => {
    const d = adjudicate(input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', level: 'level2', lines: [line('230')] }), nanyang());
    expect(d.national.act_pay_dedc).toBe('30.00');
    expect(d.national.hifp_pay).toBe('110.00'); // (230 − 30) × 55%
    expect(d.deductibleCharged).toBe(true);
  });

  test(`${D} 第五条（一）: the deductible never exceeds the policy-scope cost`, () => {
    const d = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        level: 'level3',
        lines: [line('40'), line('25', { code: 'X', inCatalogue: false })],
      }),
      nanyang(),
    );
    expect(d.amounts.policyScope).toBe('40.00');
    expect(d.amounts.deductible).toBe('40.00');
    expect(d.amounts.fund).toBe('0.00');
    expect(d.amounts.cash).toBe('65.00');
  });

  describe(`${D} 第五条（一）: one deductible per 24 h at one hospital, counted from the visit that was charged`, () => {
    const first = '2023-03-01T09:00:00+08:00';
    const charge = { institutionCode: 'H1', at: first, visitId: 'v-first' };
    test.each([
      ['same hospital 23h59m later', '2023-03-02T08:59:00+08:00', 'H1', '0.00'],
      ['same hospital exactly 24h later', '2023-03-02T09:00:00+08:00', 'H1', '30.00'],
      ['another hospital 1h later', '2023-03-01T10:00:00+08:00', 'H2', '30.00'],
    ])('%s', (_name, at, code, deductible) => {
      const d = adjudicate(
        input({ pack: nanyang(), at, level: 'level2', institution: { code }, ytd: { deductibleCharges: [charge] } }),
        nanyang(),
      );
      expect(d.amounts.deductible).toBe(deductible);
      expect(d.deductibleCharged).toBe(deductible !== '0.00');
      expect(flagCodes(d).includes('DEDUCTIBLE_WAIVED_24H')).toBe(deductible === '0.00');
    });

    test('a waived visit opens no window: 30 h after the charged visit a new deductible is due', () => {
      const p = nanyang();
      const a = adjudicate(input({ pack: p, at: first, level: 'level2' }), p);
      expect(a.deductibleCharged).toBe(true);
      const charges = [{ institutionCode: 'H1', at: first, visitId: a.visitId }];
      const b = adjudicate(input({ pack: p, at: '2023-03-02T05:00:00+08:00', level: 'level2', ytd: { deductibleCharges: charges } }), p);
      expect(b.deductibleCharged).toBe(false);
      const c = adjudicate(input({ pack: p, at: '2023-03-02T15:00:00+08:00', level: 'level2', ytd: { deductibleCharges: charges } }), p);
      expect(c.amounts.deductible).toBe('30.00');
    });
  });

  test.each([
    ['in_service', 'level1', '600.00'], // 1000 × 60%
    ['in_service', 'level2', '533.50'], // 970 × 55%
    ['in_service', 'level3', '475.00'], // 950 × 50%
    ['retired', 'level1', '700.00'], // 1000 × 70%
    ['retired', 'level2', '630.50'], // 970 × 65%
    ['retired', 'level3', '570.00'], // 950 × 60%
  ] as const)(`${D} 第五条（二）: %s at %s pays %s on 1000`, (category, level, fund) => {
    const d = adjudicate(input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', level, category, lines: [line('1000')] }), nanyang());
    expect(d.amounts.fund).toBe(fund);
    expect(d.trace.find((t) => t.step === 'rate')?.clause).toBe(`${D} 第五条（二）`);
  });

  test(`${D} 第五条（二）: rounding is once, half-up, to the fen`, () => {
    // (33.33 − 30) × 55% = 1.8315 → 1.83; (100.01 − 30) × 55% = 38.5055 → 38.51
    const a = adjudicate(input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', level: 'level2', lines: [line('33.33')] }), nanyang());
    expect(a.amounts.fund).toBe('1.83');
    const b = adjudicate(
      input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', level: 'level2', lines: [line('60.01'), line('40.00', { code: 'B' })] }),
      nanyang(),
    );
    expect(b.amounts.fund).toBe('38.51');
  });

  test.each([
    ['in_service', '1450.00', '50.00', true, '0.00'], // 1500 − 1450 left of 120
    ['in_service', '1500.00', '0.00', true, '0.00'],
    ['retired', '1950.00', '50.00', true, '0.00'], // 2000 − 1950 left of 140
    ['retired', '1500.00', '140.00', false, '360.00'], // 2000 − 1500 − 140
  ] as const)(`${D} 第五条（三）: %s with %s paid this year gets %s of a level-1 visit of 200`, (category, paid, fund, capped, after) => {
    const d = adjudicate(
      input({ pack: nanyang(), at: '2023-09-01T09:00:00+08:00', category, lines: [line('200')], ytd: { fundPaid: paid } }),
      nanyang(),
    );
    expect(d.amounts.capAnnual).toBe(category === 'retired' ? '2000.00' : '1500.00');
    expect(d.amounts.fund).toBe(fund);
    expect(d.amounts.capRemainingAfter).toBe(after);
    expect(codes(d).includes('CAP_REACHED')).toBe(capped);
  });

  test(`${D} 第六条: retired processed 2023-05-15 → 2023-05-20 at the in-service rate, 2023-06-02 at the retired rate and cap 2000 with May's usage counted`, () => {
    const p = nanyang();
    const retiredFrom = firstDayOfNextMonth('2023-05-15');
    expect(retiredFrom).toBe('2023-06-01');
    const person = {
      categoryTimeline: [
        { from: '2000-01-01', category: 'in_service' as const },
        { from: retiredFrom, category: 'retired' as const },
      ],
    };
    let fundPaid = new Dec(0);
    const visit = (at: string, amount: string) => {
      const d = adjudicate(input({ pack: p, at, person, lines: [line(amount)], ytd: { fundPaid: fundPaid.toFixed(2) } }), p);
      fundPaid = fundPaid.plus(d.amounts.fund);
      return d;
    };
    const march = visit('2023-03-01T09:00:00+08:00', '2000'); // 60% of 2000 = 1200
    expect(march.amounts.fund).toBe('1200.00');
    const may = visit('2023-05-20T09:00:00+08:00', '500'); // still in service: 60% = 300, reaching 1500
    expect(may.category).toBe('in_service');
    expect(may.amounts.rate).toBe('0.6');
    expect(may.amounts.fund).toBe('300.00');
    const june = visit('2023-06-02T09:00:00+08:00', '1000'); // retired 70% = 700, but 2000 − 1500 = 500 left
    expect(june.category).toBe('retired');
    expect(june.amounts.rate).toBe('0.7');
    expect(june.amounts.capAnnual).toBe('2000.00');
    expect(june.amounts.capRemainingBefore).toBe('500.00');
    expect(june.amounts.fund).toBe('500.00');
    expect(june.amounts.capRemainingAfter).toBe('0.00');
    expect(june.trace.find((t) => t.step === 'fund')?.clause).toContain(`${D} 第六条`);
  });

  test(`${D} 第八条（一）: in-service monthly credit is 2% of the contribution base`, () => {
    expect(monthlyAccountCredit(nanyang(), 'in_service', { contributionBase: '5000' })).toMatchObject({
      amount: '100.00',
      clause: `${D} 第八条（一）`,
    });
    expect(monthlyAccountCredit(nanyang(), 'in_service', { contributionBase: '4321.55' }).amount).toBe('86.43'); // 86.431
    expect(monthlyAccountCredit(nanyang(), 'in_service', { contributionBase: '4321.75' }).amount).toBe('86.44'); // 86.435 half-up
  });

  test(`${D} 第八条（二）: retired monthly credit is 2% of the configured 2021 average pension`, () => {
    const base = deploymentParams() as { packs: Record<string, Record<string, unknown>> };
    const cat = PolicyCatalog.load({
      packs: { ...base.packs, 'nanyang-employee-2022': { ...base.packs['nanyang-employee-2022'], averageMonthlyPension: '3456.78' } },
    });
    const p = cat.byId('nanyang-employee-2022')!;
    const credit = monthlyAccountCredit(p, 'retired', {});
    expect(credit.amount).toBe('69.14'); // 3456.78 × 2% = 69.1356
    expect(credit.clause).toBe(`${D} 第八条（二）`);
    expect(credit.trace.inputs.averageMonthlyPensionSource).toContain('config/deployment-policy.json');
    expect(p.version).not.toBe(nanyang().version); // the deployment value is part of the version
  });

  test(`${D} 第十一条: the account credit follows the category (switched from the month after processing)`, () => {
    const p = nanyang();
    expect(p.account?.categorySwitch).toMatchObject({ value: { effective: 'next_month' }, clause: '第十一条' });
    expect(monthlyAccountCredit(p, 'retired', { contributionBase: '5000' }).clause).toBe(`${D} 第八条（二）`);
    expect(() => monthlyAccountCredit(p, 'in_service', {})).toThrow(/contributionBase/);
  });

  test.each([
    ['own_self_pay', true, '第九条（一）'],
    ['relative_self_pay', true, '第九条（二）'],
    ['pharmacy', true, '第九条（二）'],
    ['relative_resident_contribution', true, '第九条（三）'],
    ['own_large_amount_contribution', true, '第九条（三）'],
    ['public_health', false, '第十条'],
    ['fitness_wellness', false, '第十条'],
    ['outside_basic_insurance', false, '第十条'],
  ] as const)(`${D} 第九条/第十条: the account may pay for %s: %s (%s)`, (purpose, allowed, clause) => {
    expect(accountMayPay(nanyang(), purpose as AccountPurpose)).toEqual({ allowed, clause: `${D} ${clause}` });
  });

  test.each([
    ['spouse', true],
    ['parent', true],
    ['child', true],
    ['sibling', false],
    ['other', false],
  ])(`${D} 第九条（二）: family use by a %s: %s`, (relation, allowed) => {
    expect(familyUseAllowed(nanyang(), relation)).toEqual({ allowed, clause: `${D} 第九条（二）` });
  });

  test(`${D} 第九条（一）（二）: the own account pays the person's share, out-of-catalogue medical cost included; cash pays the rest`, () => {
    const lines = [line('100'), line('50', { code: 'OUT', inCatalogue: false })];
    const rich = adjudicate(
      input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', lines, account: { source: 'own', balance: '1000' } }),
      nanyang(),
    );
    expect(rich.amounts).toMatchObject({ total: '150.00', excluded: '50.00', fund: '60.00', account: '90.00', cash: '0.00' });
    const poor = adjudicate(
      input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', lines, account: { source: 'own', balance: '20.5' } }),
      nanyang(),
    );
    expect(poor.amounts).toMatchObject({ fund: '60.00', account: '20.50', cash: '69.50' });
    expect(flagCodes(poor)).toContain('ACCOUNT_INSUFFICIENT');
  });

  test(`${D} 第十条: the account does not pay fitness/wellness or public-health lines`, () => {
    const lines = [
      line('100'),
      line('30', { code: 'GYM', costKind: 'fitness_wellness' }),
      line('12', { code: 'VAX', costKind: 'public_health' }),
    ];
    const d = adjudicate(
      input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', lines, account: { source: 'own', balance: '1000' } }),
      nanyang(),
    );
    expect(d.amounts).toMatchObject({ total: '142.00', excluded: '42.00', fund: '60.00', account: '40.00', cash: '42.00' });
    expect(codes(d)).toEqual(expect.arrayContaining(['EXCLUDED_FITNESS_WELLNESS', 'EXCLUDED_PUBLIC_HEALTH']));
  });

  test(`${D} 第九条（二）: a spouse's account pays as acct_mulaid_pay; a sibling's may not`, () => {
    const spouse = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        level: 'level2',
        account: { source: 'relative', balance: '500', holderId: 'p2', relation: 'spouse' },
      }),
      nanyang(),
    );
    expect(spouse.national).toMatchObject({ hifp_pay: '38.50', acct_pay: '0.00', acct_mulaid_pay: '61.50', psn_cash_pay: '0.00' });
    const sibling = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        level: 'level2',
        account: { source: 'relative', balance: '500', holderId: 'p2', relation: 'sibling' },
      }),
      nanyang(),
    );
    expect(sibling.national).toMatchObject({ acct_mulaid_pay: '0.00', psn_cash_pay: '61.50' });
    expect(sibling.reasons.find((r) => r.code === 'RELATION_NOT_ALLOWED')?.clause).toBe(`${D} 第九条（二）`);
  });

  test(`${D} 第十二条: the balance carries over, is inherited, moves on transfer, is paid out once`, () => {
    expect(nanyang().account?.balance).toMatchObject({
      value: { carriesOver: true, inheritable: true, transferable: true, oneTimePayout: ['emigration', 'death', 'voluntary_exit'] },
      clause: '第十二条',
    });
  });

  test.each([
    ['registered, directly settled', true, true, [] as string[], '60.00'],
    ['registered, not directly settled', true, false, ['OFFSITE_NOT_DIRECT'], '0.00'],
    ['not registered, directly settled', false, true, ['OFFSITE_NOT_REGISTERED'], '0.00'],
  ])(`${D} 第十五条: off-site care, %s`, (_name, registered, direct, expected, fund) => {
    const d = adjudicate(
      input({
        pack: nanyang(),
        at: '2023-03-01T09:00:00+08:00',
        institution: { region: 'zhengzhou' },
        visit: { offSite: true, directSettlement: direct },
        person: { offSiteRegistrations: registered ? [{ from: '2023-01-01' }] : [] },
      }),
      nanyang(),
    );
    expect(codes(d)).toEqual(expected);
    expect(d.amounts.fund).toBe(fund);
    expect(d.eligible).toBe(expected.length === 0);
  });

  test(`${D} 第十九条（一）: out-of-scope costs are never paid by the fund (全自费 → fulamt_ownpay_amt)`, () => {
    const d = adjudicate(
      input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00', lines: [line('80'), line('20', { code: 'OUT', inCatalogue: false })] }),
      nanyang(),
    );
    expect(d.national).toMatchObject({ medfee_sumamt: '100.00', fulamt_ownpay_amt: '20.00', inscp_scp_amt: '80.00', hifp_pay: '48.00' });
    expect(d.reasons).toEqual([
      expect.objectContaining({ code: 'EXCLUDED_NOT_IN_CATALOGUE', clause: `${D} 第十九条（一）`, lineCode: 'OUT' }),
    ]);
  });

  test(`${D} 第二十五条: in force from 2022-07-01`, () => {
    expect(catalog().resolve('nanyang', 'employee', '2022-06-30')).toBeUndefined();
    expect(catalog().resolve('nanyang', 'employee', '2022-07-01')?.id).toBe('nanyang-employee-2022');
  });
});

describe('3.2 Anyang residents — 安医保〔2019〕75号', () => {
  const D = '安医保〔2019〕75号';

  test(`${D} 二（一）: not enrolled on the visit date → fund 0`, () => {
    const d = adjudicate(
      input({ pack: anyang(), at: '2020-05-01T09:00:00+08:00', level: 'township', person: { enrollments: [{ from: '2020-06-01' }] } }),
      anyang(),
    );
    expect(d.eligible).toBe(false);
    expect(d.amounts.fund).toBe('0.00');
    expect(d.reasons[0]).toMatchObject({ code: 'NOT_ENROLLED', clause: `${D} 二（一）` });
  });

  test(`${D} 二（二）: nothing while the person is an inpatient`, () => {
    const d = adjudicate(
      input({
        pack: anyang(),
        at: '2020-05-01T09:00:00+08:00',
        level: 'township',
        person: { inpatientStays: [{ from: '2020-04-28', to: '2020-05-03' }] },
      }),
      anyang(),
    );
    expect(d.amounts.fund).toBe('0.00');
    expect(d.reasons[0]).toMatchObject({ code: 'INPATIENT', clause: `${D} 二（二）` });
  });

  test.each(['village', 'township'] as const)(`${D} 三（三）: at %s level no deductible, 60%% of policy scope`, (level) => {
    const d = adjudicate(input({ pack: anyang(), at: '2020-05-01T09:00:00+08:00', level, lines: [line('87.65')] }), anyang());
    expect(d.amounts.deductible).toBe('0.00');
    expect(d.amounts.fund).toBe('52.59'); // 87.65 × 60% = 52.59
  });

  test.each([
    ['level1', false, false, ['LEVEL_NOT_COVERED'], '0.00'],
    ['level1', true, false, [], '60.00'],
    ['level2', false, true, ['LEVEL_NOT_COVERED'], '0.00'],
    ['level2', true, false, ['REFERRAL_REQUIRED'], '0.00'],
    ['level2', true, true, [], '60.00'],
  ] as const)(
    `${D} 五 (+人社部发〔2011〕59号 二): %s, county-designated %s, referral on record %s → %j`,
    (level, countyDesignated, referred, expected, fund) => {
      // Issue 16.1: only a referral recorded in the person's stream counts.
      const referrals = referred
        ? [
            {
              referralId: 'R1',
              referredOn: '2020-04-30',
              validUntil: '2020-05-30',
              fromInstitution: 'T1',
              toInstitution: 'H1',
              revision: 3,
            },
          ]
        : [];
      const d = adjudicate(
        input({ pack: anyang(), at: '2020-05-01T09:00:00+08:00', level, institution: { countyDesignated }, person: { referrals } }),
        anyang(),
      );
      expect(codes(d)).toEqual(expected);
      expect(d.amounts.fund).toBe(fund);
    },
  );

  test.each([
    ['resident', '300.00', '20.00', true], // cap 320
    ['student', '300.00', '60.00', false], // cap 400
    ['student', '380.00', '20.00', true],
  ] as const)(`${D} 附件: 2020 cap — %s with %s paid gets %s of a visit of 100`, (category, paid, fund, capped) => {
    const d = adjudicate(
      input({ pack: anyang(), at: '2020-09-01T09:00:00+08:00', level: 'village', category, ytd: { fundPaid: paid } }),
      anyang(),
    );
    expect(d.amounts.fund).toBe(fund);
    expect(codes(d).includes('CAP_REACHED')).toBe(capped);
    if (capped) expect(d.reasons.find((r) => r.code === 'CAP_REACHED')?.clause).toBe(`${D} 附件`);
  });

  test(`${D} 三（四）: the cap rule (2 × the year's contribution, with the two-disease benefit) is exposed`, () => {
    expect(anyang().institution?.capRule).toMatchObject({
      value: { outpatientPlusTwoDiseasesMultipleOfContribution: '2' },
      clause: '三（四）',
    });
  });

  test(`${D} 三: no new family-account money from 2020; old balances offset outpatient self-pay`, () => {
    const refusal = thrown(() => monthlyAccountCredit(anyang(), 'resident', {}));
    expect(refusal).toBeInstanceOf(PolicyRefusal);
    expect(refusal).toMatchObject({ code: 'ACCOUNT_CREDIT_NOT_PROVIDED', clause: `${D} 三` });
    const d = adjudicate(
      input({ pack: anyang(), at: '2020-05-01T09:00:00+08:00', level: 'village', account: { source: 'own', balance: '25' } }),
      anyang(),
    );
    expect(d.amounts).toMatchObject({ fund: '60.00', account: '25.00', cash: '15.00' });
    expect(accountMayPay(anyang(), 'own_self_pay')).toEqual({ allowed: true, clause: `${D} 三` });
    expect(accountMayPay(anyang(), 'relative_resident_contribution').allowed).toBe(false);
    expect(familyUseAllowed(anyang(), 'spouse').allowed).toBe(false);
  });

  test(`${D} 三（二）: the general consultation fee is covered, not twice with a contract fee (exposed)`, () => {
    expect(anyang().institution?.consultationFee).toMatchObject({ value: { covered: true, notWithContractFee: true }, clause: '三（二）' });
  });

  test(`${D} 附件: 2020 funding 90 per person, 18 of it for consultation / contract fees`, () => {
    expect(anyang().institution?.fundingPerPerson).toMatchObject({
      value: { year: 2020, total: '90', consultationOrContract: '18' },
      clause: '附件',
    });
  });

  test(`${D} 四: institutions paid by capitation under a total budget, monthly within the limit`, () => {
    expect(anyang().institution?.capitation).toMatchObject({
      value: { method: 'capitation_under_total_budget', settlement: 'monthly_within_limit' },
      clause: '四',
    });
  });

  test(`${D}: in force 2020-01-01, the attachment's figures are 2020's only`, () => {
    expect(catalog().resolve('anyang', 'resident', '2019-12-31')).toBeUndefined();
    expect(catalog().resolve('anyang', 'resident', '2020-12-31')?.id).toBe('anyang-resident-2020');
    expect(catalog().resolve('anyang', 'resident', '2021-01-01')).toBeUndefined();
  });
});

describe('3.3 Gansu framework — 甘政办发〔2021〕111号 (bounds on city packs)', () => {
  const D = '甘政办发〔2021〕111号';
  type Json = Record<string, any>;
  const load = (mutate: (p: Json) => void) => {
    const p = gansuFixture() as Json;
    mutate(p);
    return () => PolicyCatalog.load(deploymentParams(), { extraPacks: [p] });
  };

  test(`${D}: a city pack inside the bounds loads`, () => {
    expect(load(() => undefined)).not.toThrow();
  });

  test.each<[string, (p: Json) => void, string]>([
    [
      'annual cap ≤ 2500',
      (p) => (p.benefit.annualCaps.value.retired = '3000'),
      `pack gansu-lanzhou-2023: annual cap 3000 exceeds the bound 2500 (${D} 第七条)`,
    ],
    [
      'annual deductible ≤ 300',
      (p) => (p.benefit.deductible.value.amount = '300.01'),
      `annual deductible 300.01 exceeds the bound 300 (${D} 第七条)`,
    ],
    [
      'the deductible is annual and cumulative',
      (p) =>
        (p.benefit.deductible.value = {
          mode: 'per_visit',
          byLevel: { village: '0', township: '0', level1: '0', level2: '10', level3: '20' },
          windowHours: 24,
        }),
      `deductible mode per_visit is not allowed: the bound allows annual (${D} 第七条)`,
    ],
    [
      'in-service rate about 60%',
      (p) => (p.benefit.rates.value.in_service.level3 = '0.45'),
      `rate 0.45 for in_service at level3 is outside the bound 0.6 ± 0.1 (${D} 第七条)`,
    ],
    [
      'retired rate about 65%',
      (p) => (p.benefit.rates.value.retired.level1 = '0.8'),
      `rate 0.8 for retired at level1 is outside the bound 0.65 ± 0.1 (${D} 第七条)`,
    ],
    [
      'rates differ by institution level',
      (p) => (p.benefit.rates.value.in_service = { village: '0.6', township: '0.6', level1: '0.6', level2: '0.6', level3: '0.6' }),
      `rates for in_service do not differ by institution level, which the bound requires (${D} 第七条)`,
    ],
    [
      'in-service account credit 2% of base',
      (p) => (p.account.credits.in_service.value.share = '0.03'),
      `in-service account credit share 0.03 differs from the bound 0.02 (${D} 第十五条)`,
    ],
    [
      'retired account credit about 2% of the average pension',
      (p) => (p.account.credits.retired.value.share = '0.03'),
      `retired account credit share 0.03 is outside the bound 0.02 ± 0.005 (${D} 第十五条)`,
    ],
  ])(`${D} 第七条/第十五条: %s — a pack outside it is refused naming the clause`, (_name, mutate, message) => {
    expect(load(mutate)).toThrow(message);
  });

  test(`${D}: a pack in a Gansu region is checked even without declaring the framework`, () => {
    expect(
      load((p) => {
        delete p.framework;
        p.benefit.annualCaps.value.in_service = '2600';
      }),
    ).toThrow(`annual cap 2600 exceeds the bound 2500 (${D} 第七条)`);
  });

  test(`${D} 第七条: the annual deductible is cumulative within the natural year`, () => {
    const p = lanzhou();
    const first = adjudicate(input({ pack: p, at: '2023-02-01T09:00:00+08:00', lines: [line('150')] }), p);
    expect(first.amounts).toMatchObject({ deductible: '150.00', fund: '0.00' });
    const second = adjudicate(
      input({ pack: p, at: '2023-02-10T09:00:00+08:00', lines: [line('100')], ytd: { deductibleMet: '150.00' } }),
      p,
    );
    expect(second.amounts).toMatchObject({ deductible: '50.00', fund: '32.50' }); // fixture: 200 annual, 65% → (100 − 50) × 65%
  });
});

describe('3.4 National guidance for residents — 人社部发〔2011〕59号 (floors)', () => {
  const D = '人社部发〔2011〕59号';
  type Json = Record<string, any>;
  const residentPack = (mutate: (p: Json) => void): Json => {
    const p = JSON.parse(JSON.stringify(catalog().byId('anyang-resident-2020'))) as Json;
    delete p.version;
    delete p.deploymentParameters;
    p.id = 'testcity-resident-2020';
    p.region = 'testcity';
    mutate(p);
    return p;
  };
  const load = (p: Json) => () => PolicyCatalog.load(deploymentParams(), { extraPacks: [p] });

  test(`${D} 二: a resident pack paying under 50% at a primary institution is refused`, () => {
    const p = residentPack((x) => (x.benefit.rates.value.student.township = '0.45'));
    expect(load(p)).toThrow(
      `pack testcity-resident-2020: rate 0.45 for student at primary level township is under the floor 0.5 (${D} 二)`,
    );
  });

  test(`${D} 二: exactly 50% at primary is allowed`, () => {
    const p = residentPack((x) => (x.benefit.rates.value.resident.village = '0.5'));
    expect(load(p)).not.toThrow();
  });

  test(`${D} 二: non-primary care without a referral is not paid — a pack that pays it is refused`, () => {
    const p = residentPack((x) => (x.benefit.levelAccess = x.benefit.levelAccess.slice(0, 2)));
    expect(load(p)).toThrow(`non-primary level level2 is paid without a referral, which the bound forbids (${D} 二)`);
  });

  test(`${D} 二: a fixed copay per visit may serve as the deductible`, () => {
    const raw = residentPack((x) => (x.benefit.deductible = { value: { mode: 'fixed_copay', amount: '5' }, clause: '二', document: D }));
    const cat = PolicyCatalog.load(deploymentParams(), { extraPacks: [raw] });
    const p = cat.resolve('testcity', 'resident', '2020-03-01')!;
    const d = adjudicate(input({ pack: p, at: '2020-03-01T09:00:00+08:00', level: 'township' }), p);
    expect(d.amounts).toMatchObject({ deductible: '5.00', fund: '57.00' }); // (100 − 5) × 60%
    const small = adjudicate(input({ pack: p, at: '2020-03-01T09:00:00+08:00', level: 'township', lines: [line('3')] }), p);
    expect(small.amounts).toMatchObject({ deductible: '3.00', fund: '0.00' });
  });

  test(`${D} 四: one first-contact primary institution per year (exposed)`, () => {
    const f = catalog().byId('national-resident-floor-2011');
    expect(f?.kind === 'framework' && f.bounds.firstContactPerYear).toMatchObject({ value: 1, clause: '四' });
  });
});

describe('3.5 Jiaozuo employees — 焦医保〔2024〕32号', () => {
  const D = '焦医保〔2024〕32号';

  test(`${D} 三: no pooling while the person is an inpatient`, () => {
    const d = adjudicate(
      input({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', person: { inpatientStays: [{ from: '2024-09-01' }] } }),
      jiaozuo(),
    );
    expect(d.amounts.fund).toBe('0.00');
    expect(d.reasons[0]).toMatchObject({ code: 'INPATIENT', clause: `${D} 三` });
  });

  test.each([
    ['health_checkup', 'EXCLUDED_HEALTH_CHECKUP'],
    ['work_injury', 'EXCLUDED_WORK_INJURY'],
    ['third_party', 'EXCLUDED_THIRD_PARTY'],
    ['public_health', 'EXCLUDED_PUBLIC_HEALTH'],
  ] as const)(`${D} 三: %s costs are never pooled`, (costKind, code) => {
    const d = adjudicate(
      input({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', lines: [line('100'), line('40', { code: 'K', costKind })] }),
      jiaozuo(),
    );
    expect(d.amounts).toMatchObject({ total: '140.00', excluded: '40.00', policyScope: '100.00' });
    expect(d.reasons).toEqual([{ code, clause: `${D} 三`, message: expect.any(String), lineCode: 'K' }]);
  });

  test.each([
    ['ordinary', 7, false],
    ['ordinary', 8, true],
    ['emergency', 3, false],
    ['emergency', 4, true],
    ['chronic', 30, false],
    ['chronic', 31, true],
  ] as const)(`${D} 二（二）: %s prescription of %i days flagged: %s (money unchanged)`, (medType, days, flagged) => {
    const d = adjudicate(
      input({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', visit: { medType, prescriptionDays: days } }),
      jiaozuo(),
    );
    expect(flagCodes(d).includes('PRESCRIPTION_DAYS_EXCEEDED')).toBe(flagged);
    expect(d.eligible).toBe(true);
  });

  test.each([
    ['the same day', '2024-09-02T17:00:00+08:00', true],
    ['30 days later', '2024-10-02T23:59:00+08:00', true],
    ['31 days later', '2024-10-03T00:00:00+08:00', false],
  ])(`${D} 一（一）: settled %s (%s) → eligible: %s`, (_name, settledAt, eligible) => {
    const d = adjudicate(input({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', settledAt }), jiaozuo());
    expect(d.eligible).toBe(eligible);
    expect(codes(d)).toEqual(eligible ? [] : ['SETTLEMENT_TOO_LATE']);
  });

  test(`${D}: rates, deductible and caps come from the deployment, not the document`, () => {
    const p = jiaozuo();
    for (const key of ['deductible', 'rates', 'annualCaps'] as const) {
      expect(p.benefit[key]).toMatchObject({ source: 'deployment', document: 'config/deployment-policy.json' });
    }
    const params = deploymentParams() as { packs: Record<string, Record<string, unknown>> };
    const window = { reversalWindowDays: params.packs['jiaozuo-employee-2024'].reversalWindowDays };
    expect(() => PolicyCatalog.load({ packs: { ...params.packs, 'jiaozuo-employee-2024': window } })).toThrow(
      /pack jiaozuo-employee-2024: missing deployment parameters deductible, rates, annualCaps/,
    );
  });

  test(`${D} 四（一）3: 2024 per-visit average bases by category and the 6.5% growth cap`, () => {
    expect(jiaozuo().institution?.perVisitAverageBase.value).toEqual({
      year: 2024,
      byCategory: {
        city_level3_general: '265',
        city_tcm: '215',
        city_maternal_child: '298',
        county_general: '204',
        county_tcm: '200',
        county_maternal_child: '140',
        community_health_centre: '123',
        township_health_centre: '82',
      },
    });
    expect(jiaozuo().institution?.growthCap).toMatchObject({ value: { year: 2024, rate: '0.065' }, clause: '四（一）3（2）' });
  });

  test(`${D} 附件: the worked examples reproduce from the pack's base and growth cap`, () => {
    const inst = jiaozuo().institution as Record<string, { value: any }>;
    const bases = inst.perVisitAverageBase.value.byCategory;
    const cap = new Dec(inst.growthCap.value.rate);
    const pays = (base: string, visits: number, cost: number, due: number) => {
      const limit = new Dec(base).times(cap.plus(1));
      const average = new Dec(cost).div(visits);
      return average.lessThanOrEqualTo(limit) ? new Dec(due) : new Dec(visits).times(limit).times(due).div(cost);
    };
    // 例1: county level-2, 260,000 visits, 45,000,000 cost (average 173.08), fund due 18,600,000 → paid in full.
    expect(new Dec(45_000_000).div(260_000).toDecimalPlaces(2).toFixed(2)).toBe('173.08');
    expect(pays(bases.county_general, 260_000, 45_000_000, 18_600_000).toFixed(2)).toBe('18600000.00');
    // 例2: city level-3, 350,000 visits, 105,000,000 cost (average 300) → 350,000 × 265 × 1.065 × 45/105.
    expect(pays(bases.city_level3_general, 350_000, 105_000_000, 45_000_000).toFixed(2)).toBe('42333750.00');
    // The document prints 4233.38 万元.
    expect(pays(bases.city_level3_general, 350_000, 105_000_000, 45_000_000).div(10_000).toDecimalPlaces(2).toFixed(2)).toBe('4233.38');
  });

  test(`${D} 四（二）/六（一）: 95% monthly advance, 5% held; overspend review band 60%`, () => {
    const inst = jiaozuo().institution as Record<string, { value: any; clause: string }>;
    expect(inst.monthlySettlement).toMatchObject({
      value: { declareByDay: 10, advanceShare: '0.95', heldShare: '0.05' },
      clause: '四（二）',
    });
    expect(inst.overspendReview).toMatchObject({
      value: { sampleSize: 100, partialBelowShare: '0.6', nothingAtOrAboveShare: '0.6' },
      clause: '六（一）',
    });
    expect(inst.specialtyBaseWeights.value).toEqual({ weightsOldestToNewest: [1, 2, 7], covidBestOf: { best: 3, of: 5 } });
    expect(inst.otherInstitutions.value.villageClinicsExempt).toBe(true);
  });

  test(`${D} 六（三）: in force from 2024-08-01`, () => {
    expect(catalog().resolve('jiaozuo', 'employee', '2024-07-31')).toBeUndefined();
    expect(catalog().resolve('jiaozuo', 'employee', '2024-08-01')?.id).toBe('jiaozuo-employee-2024');
  });

  test(`${D}: no personal-account rules — the share is cash, with the reason recorded`, () => {
    const d = adjudicate(
      input({ pack: jiaozuo(), at: '2024-09-02T09:00:00+08:00', account: { source: 'own', balance: '500' } }),
      jiaozuo(),
    );
    expect(d.amounts.account).toBe('0.00');
    expect(codes(d)).toContain('ACCOUNT_RULES_ABSENT');
    expect(() => monthlyAccountCredit(jiaozuo(), 'in_service', { contributionBase: '5000' })).toThrow(PolicyRefusal);
  });
});
