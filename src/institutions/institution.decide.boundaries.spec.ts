/**
 * Issue 17 (institution core): the institution decider's input checks, refusals and boundaries.
 * Each refusal is checked for what the agency reads: reason code, clause and the figures in
 * its message; each input error for the field and the rule.
 */
import { ledgerRule } from '../policy/citation';
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { foldInstitution, InstitutionEvent } from './institution.events';
import { InstitutionProfile } from './institution.types';
import { defaultCatalog } from '../../test/support/policy';
import { categoriesOf, settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());
const DOC = '焦医保〔2024〕32号';
const MONTHLY = `${DOC} 四（二）`;

const CITY_L3: InstitutionProfile = {
  code: 'JZ-H001',
  name: '焦作市某三级综合医院',
  category: 'city_level3_general',
  level: 'level3',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
};
const VILLAGE: InstitutionProfile = { ...CITY_L3, code: 'JZ-V001', category: 'village_clinic', level: 'village', location: 'village' };
const ANYANG: InstitutionProfile = {
  code: 'AY-T001',
  name: '安阳某乡镇卫生院',
  category: 'township_health_centre',
  level: 'township',
  location: 'township',
  region: 'anyang',
  designations: ['resident'],
};
const registered = (p: InstitutionProfile = CITY_L3): InstitutionEvent => ({ type: 'InstitutionRegistered', data: p });

/** Runs commands in order, each decided on the state folded so far. */
function run(history: InstitutionEvent[], commands: InstitutionCommand[]): InstitutionEvent[] {
  const all = [...history];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

/** The error a command throws on the given history (fails the test if it decides). */
function thrown(history: InstitutionEvent[], command: InstitutionCommand, categories?: Parameters<typeof decideInstitution>[3]): any {
  try {
    decideInstitution(command, foldInstitution(history), P, categories);
  } catch (e) {
    return e;
  }
  throw new Error(`expected ${command.type} to be refused`);
}

const register = (data: Partial<InstitutionProfile> | Record<string, unknown>): InstitutionCommand => ({
  type: 'RegisterInstitution',
  data: { ...CITY_L3, ...data } as InstitutionProfile,
});

const declare = (month: string, over: Partial<{ visits: number; totalCost: string; fundDue: string; declaredOn: string }> = {}) =>
  ({
    type: 'DeclareMonth',
    data: { month, visits: 10, totalCost: '1000', fundDue: '400', declaredOn: '2026-01-05', ...over },
  }) as InstitutionCommand;
const approve = (month: string, approvedAmount = '400'): InstitutionCommand => ({ type: 'ApproveMonth', data: { month, approvedAmount } });
const pay = (month: string): InstitutionCommand => ({ type: 'PayAdvance', data: { month } });
const fullMonth = (month: string): InstitutionCommand[] => [declare(month), approve(month), pay(month)];
const AUG_DEC = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];

describe('registry: each invalid profile field is named with its rule', () => {
  const CODE_RULE = '1-64 letters, digits, . _ - (starting with a letter or digit)';
  const DESIGNATIONS_RULE = "distinct values of 'employee' | 'resident'";
  it.each([
    ['a code that is not a string', { code: 42 }, 'code', CODE_RULE],
    ['a code starting with a dash', { code: '-JZ1' }, 'code', CODE_RULE],
    ['a code ending in a space', { code: 'JZ1 ' }, 'code', CODE_RULE],
    ['a code of 65 characters', { code: 'A'.repeat(65) }, 'code', CODE_RULE],
    ['a name that is not a string', { name: 7 }, 'name', 'required'],
    ['an empty name', { name: '' }, 'name', 'required'],
    ['a blank name', { name: '   ' }, 'name', 'required'],
    ['an unknown level', { level: 'level4' }, 'level', 'unknown level'],
    ['an unknown location', { location: 'moon' }, 'location', 'unknown location'],
    ['a region that is not a string', { region: 5 }, 'region', 'required'],
    ['a blank region', { region: '  ' }, 'region', 'required'],
    ['an unknown category (no list in the pack)', { category: 'hospital' }, 'category', 'unknown category'],
    ['designations that are not a list', { designations: 'employee' }, 'designations', DESIGNATIONS_RULE],
    ['an unknown scheme among known ones', { designations: ['employee', 'retired'] }, 'designations', DESIGNATIONS_RULE],
    ['a scheme named twice', { designations: ['employee', 'employee'] }, 'designations', DESIGNATIONS_RULE],
  ])('%s', (_, data, field, rule) => {
    expect(thrown([], register(data))).toMatchObject({ kind: 'invalid', field, rule });
  });

  it('accepts a 64-character code, both schemes, and a code with . _ -', () => {
    for (const data of [{ code: 'A'.repeat(64) }, { designations: ['employee', 'resident'] }, { code: 'JZ.H_001-a' }]) {
      const [event] = decideInstitution(register(data), foldInstitution([]), P);
      expect(event.data).toMatchObject(data);
    }
  });

  it("the region's category list (四（一）1) is required and cited when the pack declares one", () => {
    const categories = categoriesOf(defaultCatalog(), 'jiaozuo', '2024-09-01');
    const listed = categories!.value.join(', ');
    for (const data of [{ category: 'campus_clinic' }, { category: undefined }]) {
      expect(thrown([], register(data), categories)).toMatchObject({
        field: 'category',
        rule: `must be one of ${listed} for an institution of jiaozuo (${DOC} 四（一）1)`,
      });
    }
  });

  it('other_general: level-1 and unrated only; city and township only (四（一）1 第二段)', () => {
    for (const [level, location] of [
      ['level1', 'city'],
      ['unrated', 'township'],
    ] as const) {
      const [event] = decideInstitution(register({ category: 'other_general', level, location }), foldInstitution([]), P);
      expect(event.data).toMatchObject({ category: 'other_general', level, location });
    }
    expect(thrown([], register({ category: 'other_general', level: 'level2' }))).toMatchObject({
      field: 'level',
      rule: `other_general is for level-1 or unrated general institutions (${DOC} 四（一）1)`,
    });
    expect(thrown([], register({ category: 'other_general', level: 'unrated', location: 'village' }))).toMatchObject({
      code: 'UNRATED_LOCATION_NOT_MAPPED',
      clause: `${DOC} 四（一）1`,
      message:
        'an unrated general institution is mapped by location: 城区 (city) → community health service centre, 乡镇 (township) → township health centre',
    });
  });

  it('a second registration is refused under the one-stream rule, naming the code', () => {
    expect(thrown([registered()], register({}))).toMatchObject({
      code: 'INSTITUTION_ALREADY_REGISTERED',
      clause: ledgerRule('one-stream-per-institution'),
      message: 'institution JZ-H001 is already registered',
    });
  });

  it('records category, countyDesignated and pharmacy only when given (false is recorded)', () => {
    const [plain] = decideInstitution(register({}), foldInstitution([]), P);
    expect(plain.data).toStrictEqual(CITY_L3);
    const { category: _, ...uncategorised } = CITY_L3;
    const [noCategory] = decideInstitution({ type: 'RegisterInstitution', data: uncategorised }, foldInstitution([]), P);
    expect(noCategory.data).toStrictEqual(uncategorised);
    const [flagged] = decideInstitution(register({ countyDesignated: false, pharmacy: true }), foldInstitution([]), P);
    expect(flagged.data).toStrictEqual({ ...CITY_L3, countyDesignated: false, pharmacy: true });
  });

  it('a profile change of an unregistered institution is not found; a change is validated like a registration', () => {
    expect(thrown([], { type: 'ChangeInstitutionProfile', data: { changes: { name: 'x' } } })).toMatchObject({
      kind: 'not_found',
      what: 'institution',
      id: '(unregistered)',
    });
    expect(thrown([registered()], { type: 'ChangeInstitutionProfile', data: { changes: { name: ' ' } } })).toMatchObject({
      field: 'name',
      rule: 'required',
    });
  });
});

describe('scope: conditional fee-for-service is for Jiaozuo employee institutions with a category (一（一）)', () => {
  it.each([
    ['another region', { region: 'anyang' }, 'institution JZ-H001 is not a jiaozuo institution designated for employee outpatient pooling'],
    ['resident designation only', { designations: ['resident'] as InstitutionProfile['designations'] }, undefined],
    ['no category', { category: undefined }, undefined],
  ])('refuses %s', (_, over, message) => {
    const refusal = thrown([registered({ ...CITY_L3, ...over })], { type: 'SetCostBase', data: { year: 2024 } });
    expect(refusal).toMatchObject({ code: 'NOT_UNDER_JIAOZUO_EMPLOYEE_SETTLEMENT', clause: `${DOC} 一（一）` });
    if (message) expect(refusal.message).toBe(message);
  });

  it('capitation is for Anyang resident institutions (安医保〔2019〕75号 五)', () => {
    for (const over of [{ designations: ['employee'] as InstitutionProfile['designations'] }, { region: 'jiaozuo' }]) {
      expect(thrown([registered({ ...ANYANG, ...over })], { type: 'AssignPersons', data: { year: 2020, count: 10 } })).toMatchObject({
        code: 'NOT_UNDER_ANYANG_RESIDENT_CAPITATION',
        clause: '安医保〔2019〕75号 五',
      });
    }
    expect(thrown([registered({ ...ANYANG, region: 'jiaozuo' })], { type: 'AssignPersons', data: { year: 2020, count: 10 } }).message).toBe(
      'institution AY-T001 is not an anyang institution designated for resident outpatient pooling',
    );
  });
});

describe('cost base command', () => {
  it('a year that is not an integer is invalid; a settled year is refused under 四（一）', () => {
    expect(thrown([registered()], { type: 'SetCostBase', data: { year: 2024.5 } })).toMatchObject({
      field: 'year',
      rule: 'must be an integer',
    });
    const settled = run([registered(VILLAGE)], [...AUG_DEC.flatMap(fullMonth), { type: 'SettlePeriod', data: { year: 2024 } }]);
    const withBase = run([registered()], [{ type: 'SetCostBase', data: { year: 2024 } }]);
    // The village clinic is exempt, so the settled-year check must come first to be seen at all.
    expect(thrown(settled, { type: 'SetCostBase', data: { year: 2024 } })).toMatchObject({
      code: 'PERIOD_ALREADY_SETTLED',
      clause: `${DOC} 四（一）`,
      message: 'the 2024 period is already settled',
    });
    expect(withBase[1]).toMatchObject({ type: 'CostBaseSet', data: { year: 2024, base: '265.00', method: 'category' } });
  });
});

describe('monthly declaration (四（二）): inputs and boundaries', () => {
  it.each([
    ['a month number 13', declare('2024-13'), 'month', "must be 'YYYY-MM'"],
    ['a one-digit month', declare('2024-8'), 'month', "must be 'YYYY-MM'"],
    ['a month that is not a string', declare(202408 as unknown as string), 'month', "must be 'YYYY-MM'"],
    ['a declaration date that is not a date', declare('2024-08', { declaredOn: '5 Sept' }), 'declaredOn', "must be a 'YYYY-MM-DD' date"],
    [
      'a declaration on the last day of the month',
      declare('2024-08', { declaredOn: '2024-08-31' }),
      'declaredOn',
      'a month is declared after it ends (on or after 2024-09-01)',
    ],
    ['fractional visits', declare('2024-08', { visits: 1.5 }), 'visits', 'must be a non-negative integer'],
    ['negative visits', declare('2024-08', { visits: -1 }), 'visits', 'must be a non-negative integer'],
    [
      'a cost without visits',
      declare('2024-08', { visits: 0, totalCost: '0.01', fundDue: '0' }),
      'visits',
      'a month with costs has visits',
    ],
    ['a negative total cost', declare('2024-08', { totalCost: '-0.01', fundDue: '0' }), 'totalCost', 'must not be negative'],
    ['a negative fund due', declare('2024-08', { fundDue: '-0.01' }), 'fundDue', 'must not be negative'],
    [
      'a fund due one fen over the total cost',
      declare('2024-08', { totalCost: '100', fundDue: '100.01' }),
      'fundDue',
      'must not exceed totalCost',
    ],
  ])('%s is invalid', (_, command, field, rule) => {
    expect(thrown([registered()], command)).toMatchObject({ kind: 'invalid', field, rule });
  });

  it('boundaries accepted: declared on the 1st of the next month, no visits and no cost, fund due equal to the cost', () => {
    const events = run(
      [registered()],
      [
        declare('2024-08', { declaredOn: '2024-09-01' }),
        declare('2024-09', { visits: 0, totalCost: '0', fundDue: '0' }),
        declare('2024-10', { totalCost: '100.00', fundDue: '100.00' }),
      ],
    );
    expect(events.slice(1).map((e) => e.data)).toMatchObject([
      { month: '2024-08', declaredOn: '2024-09-01', late: false },
      { month: '2024-09', visits: 0, totalCost: '0.00', fundDue: '0.00' },
      { month: '2024-10', totalCost: '100.00', fundDue: '100.00' },
    ]);
  });

  it('refusals name the start date, the month and the settled year', () => {
    expect(thrown([registered()], declare('2024-07'))).toMatchObject({
      code: 'MONTH_BEFORE_CONDITIONAL_FFS',
      clause: `${DOC} 六（三）`,
      message: 'conditional fee-for-service starts 2024-08-01',
    });
    expect(thrown(run([registered()], [declare('2024-08')]), declare('2024-08'))).toMatchObject({
      code: 'MONTH_ALREADY_DECLARED',
      clause: MONTHLY,
      message: '2024-08 is already declared',
    });
    const settled = run([registered(VILLAGE)], [...AUG_DEC.flatMap(fullMonth), { type: 'SettlePeriod', data: { year: 2024 } }]);
    expect(thrown(settled, declare('2024-12'))).toMatchObject({
      code: 'PERIOD_ALREADY_SETTLED',
      clause: MONTHLY,
      message: 'the 2024 period is already settled',
    });
  });
});

describe('approval and advance (四（二）)', () => {
  const declared = run([registered()], [declare('2024-08', { fundDue: '12345.67', totalCost: '30000' })]);

  it('approval: the month must be declared, once; the amount not negative, not above the declared fund due', () => {
    const notDeclared = { code: 'MONTH_NOT_DECLARED', clause: MONTHLY, message: '2024-09 has not been declared' };
    expect(thrown([registered()], approve('2024-09'))).toMatchObject(notDeclared);
    expect(thrown(declared, approve('2024-09'))).toMatchObject(notDeclared);
    expect(thrown(declared, approve('2024-08', '-0.01'))).toMatchObject({ field: 'approvedAmount', rule: 'must not be negative' });
    expect(thrown(declared, approve('2024-08', '12345.68'))).toMatchObject({
      code: 'APPROVED_EXCEEDS_DECLARED_FUND_DUE',
      clause: MONTHLY,
      message: 'approved 12345.68 exceeds the declared fund due 12345.67',
    });
    const approved = run(declared, [approve('2024-08', '0')]);
    expect(approved[2].data).toMatchObject({ month: '2024-08', approvedAmount: '0.00', clause: MONTHLY });
    expect(thrown(approved, approve('2024-08', '1'))).toMatchObject({
      code: 'MONTH_ALREADY_APPROVED',
      clause: MONTHLY,
      message: '2024-08 is already approved',
    });
  });

  it('approval of a month of a settled year is refused', () => {
    const settled = run([registered(VILLAGE)], [...AUG_DEC.flatMap(fullMonth), { type: 'SettlePeriod', data: { year: 2024 } }]);
    expect(thrown(settled, approve('2024-08'))).toMatchObject({
      code: 'PERIOD_ALREADY_SETTLED',
      clause: MONTHLY,
      message: 'the 2024 period is already settled',
    });
  });

  it('advance: the month must be approved, paid once, with a valid payment date; no date, none recorded', () => {
    const notApproved = { code: 'MONTH_NOT_APPROVED', clause: MONTHLY, message: '2024-08 has not been approved' };
    expect(thrown([registered()], pay('2024-08'))).toMatchObject(notApproved);
    expect(thrown(declared, pay('2024-08'))).toMatchObject(notApproved);
    const approved = run(declared, [approve('2024-08', '12345.67')]);
    expect(thrown(approved, { type: 'PayAdvance', data: { month: '2024-08', paidOn: '30 Sept' } })).toMatchObject({
      field: 'paidOn',
      rule: "must be a 'YYYY-MM-DD' date",
    });
    const paid = run(approved, [pay('2024-08')]);
    expect(paid[3].data).toStrictEqual({
      month: '2024-08',
      approvedAmount: '12345.67',
      amount: '11728.39',
      held: '617.28',
      advanceShare: '0.95',
      clause: MONTHLY,
      packVersion: P.jiaozuo.packVersion,
    });
    expect(thrown(paid, pay('2024-08'))).toMatchObject({
      code: 'ADVANCE_ALREADY_PAID',
      clause: MONTHLY,
      message: 'the advance for 2024-08 is already paid',
    });
  });
});

describe('period settlement (四（一）; 附件): through month, missing steps, base and cap', () => {
  const RULE = `${DOC} 四（一）; 附件`;
  const villageYear = run([registered(VILLAGE)], AUG_DEC.flatMap(fullMonth));
  const settle = (throughMonth?: string): InstitutionCommand => ({
    type: 'SettlePeriod',
    data: { year: 2024, ...(throughMonth ? { throughMonth } : {}) },
  });

  it('an exempt institution: fund due paid as itemised, the trace cites the rule and the exemption', () => {
    const [settled] = decideInstitution(settle(), foldInstitution(villageYear), P);
    expect(settled.data).toMatchObject({
      fromMonth: '2024-08',
      throughMonth: '2024-12',
      visits: 50,
      totalCost: '5000.00',
      fundDue: '2000.00',
      payable: '2000.00',
      base: null,
      overspend: '0.00',
    });
    expect((settled.data as { trace: { step: string; clause: string }[] }).trace.map((t) => [t.step, t.clause])).toEqual([
      ['actual_average', RULE],
      ['exempt', `${DOC} 四（一）1`],
    ]);
  });

  it('settles through a given month (the last of the period), and not past a declared later month', () => {
    const throughOct = run([registered(VILLAGE)], ['2024-08', '2024-09', '2024-10'].flatMap(fullMonth));
    const [settled] = decideInstitution(settle('2024-10'), foldInstitution(throughOct), P);
    expect(settled.data).toMatchObject({ fromMonth: '2024-08', throughMonth: '2024-10', visits: 30, payable: '1200.00' });
    expect(thrown(villageYear, settle('2024-10'))).toMatchObject({
      field: 'throughMonth',
      rule: 'months after 2024-10 are declared (2024-11, 2024-12)',
    });
  });

  it('a through month of another year, or not a month, is invalid; one before the start date is refused', () => {
    expect(thrown(villageYear, settle('2025-01'))).toMatchObject({ field: 'throughMonth', rule: 'must be a month of 2024' });
    expect(thrown(villageYear, settle('2024-1'))).toMatchObject({ field: 'month', rule: "must be 'YYYY-MM'" });
    expect(thrown([registered(VILLAGE)], settle('2024-07'))).toMatchObject({
      code: 'MONTH_BEFORE_CONDITIONAL_FFS',
      clause: `${DOC} 六（三）`,
      message: 'no month of 2024 through 2024-07 is under conditional fee-for-service',
    });
  });

  it('each month of the period must be declared, approved and paid; the refusal names the month', () => {
    const cases: [InstitutionCommand[], string, string][] = [
      [[declare('2024-08'), approve('2024-08')], 'ADVANCE_NOT_PAID', 'the advance for 2024-08 has not been paid'],
      [[declare('2024-08')], 'MONTH_NOT_APPROVED', '2024-08 has not been approved'],
      [fullMonth('2024-08'), 'MONTH_NOT_DECLARED', '2024-09 has not been declared'],
    ];
    for (const [commands, code, message] of cases) {
      const refusal = thrown(run([registered(VILLAGE)], commands), settle());
      expect(refusal).toMatchObject({ code, clause: MONTHLY, message });
      expect(refusal.details).toEqual({ month: message.match(/2024-\d\d/)![0] });
    }
  });

  it('without a cost base: refused under 四（一）1; a settled year is refused under the rule', () => {
    const year = run([registered()], AUG_DEC.flatMap(fullMonth));
    expect(thrown(year, settle())).toMatchObject({
      code: 'COST_BASE_NOT_SET',
      clause: `${DOC} 四（一）1`,
      message: 'no per-visit average base is set for 2024',
    });
    expect(thrown(run(villageYear, [settle()]), settle())).toMatchObject({
      code: 'PERIOD_ALREADY_SETTLED',
      clause: RULE,
      message: 'the 2024 period is already settled',
    });
  });

  it('a year after the start runs from January and needs its published growth cap (四（一）2)', () => {
    const specialty = registered({ ...CITY_L3, code: 'JZ-S001', category: 'other_specialty', level: 'level2' });
    const history = [2022, 2023, 2024].map((y) => ({ year: y, average: '100.00' }));
    const events = run([specialty], [{ type: 'SetCostBase', data: { year: 2025, history } }, ...fullMonth('2025-01')]);
    expect(thrown(events, { type: 'SettlePeriod', data: { year: 2025, throughMonth: '2025-01' } })).toMatchObject({
      code: 'NO_GROWTH_CAP_PUBLISHED_FOR_YEAR',
      clause: `${DOC} 四（一）2`,
      message: 'no growth cap is published for 2025',
    });
    const village = run([registered(VILLAGE)], ['2025-01', '2025-02'].flatMap(fullMonth));
    const [settled] = decideInstitution(
      { type: 'SettlePeriod', data: { year: 2025, throughMonth: '2025-02' } },
      foldInstitution(village),
      P,
    );
    expect(settled.data).toMatchObject({ year: 2025, fromMonth: '2025-01', throughMonth: '2025-02', visits: 20 });
  });
});

describe('year end: review, assessment and final payment refusals', () => {
  // Over the cap: 2 visits costing 1,000 a month against a ceiling of 265.00 × 1.065 = 282.225 a visit.
  const overYear = run(
    [registered()],
    [
      { type: 'SetCostBase', data: { year: 2024 } },
      ...AUG_DEC.flatMap((m) => [declare(m, { visits: 2, totalCost: '1000', fundDue: '400' }), approve(m), pay(m)]),
    ],
  );
  const settled = run(overYear, [{ type: 'SettlePeriod', data: { year: 2024 } }]);
  const review: InstitutionCommand = {
    type: 'RecordOverspendReview',
    data: { year: 2024, reviewedVisits: 100, violatingCost: '0', reviewedCost: '100' },
  };
  const REVIEW = `${DOC} 六（一）`;

  it('a review needs a settled year with an overspend, once', () => {
    expect(thrown(overYear, review)).toMatchObject({
      code: 'PERIOD_NOT_SETTLED',
      clause: REVIEW,
      message: 'the 2024 period has not been settled',
    });
    // 10 visits × 282.225 × 2,000 fund due / 5,000 cost = 1,128.90
    expect(settled[settled.length - 1].data).toMatchObject({ withinCap: false, payable: '1128.90' });
    const reviewed = run(settled, [review]);
    expect(thrown(reviewed, review)).toMatchObject({
      code: 'OVERSPEND_ALREADY_REVIEWED',
      clause: REVIEW,
      message: 'the 2024 overspend is already reviewed',
    });
    const villageSettled = run([registered(VILLAGE)], [...AUG_DEC.flatMap(fullMonth), { type: 'SettlePeriod', data: { year: 2024 } }]);
    expect(thrown(villageSettled, review)).toMatchObject({
      code: 'NO_OVERSPEND_TO_REVIEW',
      clause: REVIEW,
      message: 'the 2024 period has no overspend to review',
    });
  });

  it('assessment: once, after settlement, passed is a boolean, a note is recorded when given', () => {
    const assess = (passed: unknown, note?: string): InstitutionCommand =>
      ({ type: 'AssessYear', data: { year: 2024, passed, ...(note ? { note } : {}) } }) as InstitutionCommand;
    expect(thrown(overYear, assess(true))).toMatchObject({ code: 'PERIOD_NOT_SETTLED', clause: MONTHLY });
    expect(thrown(settled, assess('yes'))).toMatchObject({ field: 'passed', rule: 'must be a boolean' });
    const [assessed] = decideInstitution(assess(false, '病历不规范'), foldInstitution(settled), P);
    // held: 5 months × 5% of 400 = 100.00
    expect(assessed.data).toStrictEqual({
      year: 2024,
      passed: false,
      held: '100.00',
      holdbackReleased: '0.00',
      holdbackKept: '100.00',
      note: '病历不规范',
      clause: MONTHLY,
      packVersion: P.jiaozuo.packVersion,
    });
    expect(thrown(run(settled, [assess(true)]), assess(true))).toMatchObject({
      code: 'YEAR_ALREADY_ASSESSED',
      clause: MONTHLY,
      message: '2024 is already assessed',
    });
  });

  it('the holdback and the advances at year end are those of the settled months only', () => {
    // A stream where November sits beside a period settled through October (its events were
    // decided before the through-month rule existed): November's 20.00 holdback is not the year's.
    const throughOct = run([registered(VILLAGE)], ['2024-08', '2024-09', '2024-10'].flatMap(fullMonth));
    const november = run(throughOct, fullMonth('2024-11')).slice(throughOct.length);
    const history = [...run(throughOct, [{ type: 'SettlePeriod', data: { year: 2024, throughMonth: '2024-10' } }]), ...november];
    const events = run(history, [
      { type: 'AssessYear', data: { year: 2024, passed: true } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    ]);
    expect(events[events.length - 2].data).toMatchObject({ held: '60.00', holdbackReleased: '60.00' });
    expect(events[events.length - 1].data).toMatchObject({ advances: '1140.00', entitlement: '1200.00', adjustment: '0.00' });
  });

  it('final payment: after assessment, once, cited to 四（二）, 六（一） and 附件', () => {
    const FINAL = `${MONTHLY}; ${REVIEW}; ${DOC} 附件`;
    expect(thrown(settled, { type: 'MakeFinalPayment', data: { year: 2024 } })).toMatchObject({
      code: 'YEAR_NOT_ASSESSED',
      clause: MONTHLY,
      message: '2024 has not been assessed',
    });
    const paid = run(settled, [
      { type: 'AssessYear', data: { year: 2024, passed: true } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    ]);
    // No review: the entitlement is the payable 1,128.90; advances 5 × 380 = 1,900.
    expect(paid[paid.length - 1].data).toMatchObject({ entitlement: '1128.90', advances: '1900.00', clause: FINAL });
    expect(thrown(paid, { type: 'MakeFinalPayment', data: { year: 2024 } })).toMatchObject({
      code: 'FINAL_PAYMENT_ALREADY_MADE',
      clause: FINAL,
      message: 'the 2024 final payment is already made',
    });
  });
});

describe('Anyang capitation (安医保〔2019〕75号 四（二）, 附件): inputs, budget boundary, refusals', () => {
  const persons = (count: number, year = 2020): InstitutionCommand => ({ type: 'AssignPersons', data: { year, count } });
  const claim = (month: string, claimed: string, consultationClaimed?: string): InstitutionCommand => ({
    type: 'SettleCapitationMonth',
    data: { month, claimed, ...(consultationClaimed ? { consultationClaimed } : {}) },
  });

  it('a year that is not an integer is invalid; a year without a funding standard is refused under 附件', () => {
    expect(thrown([registered(ANYANG)], persons(10, 2020.5))).toMatchObject({ field: 'year', rule: 'must be an integer' });
    expect(thrown([registered(ANYANG)], persons(10, 2021))).toMatchObject({
      code: 'NO_CAPITATION_FUNDING_FOR_YEAR',
      clause: '安医保〔2019〕75号 附件',
      message: 'no funding standard is published for 2021',
    });
  });

  it('a new budget may equal what was paid, not fall below it in either part', () => {
    // 10 persons: 720 general + 180 consultation, all paid.
    const allPaid = run([registered(ANYANG)], [persons(10), claim('2020-01', '720', '180')]);
    expect(decideInstitution(persons(10), foldInstitution(allPaid), P)[0].data).toMatchObject({ count: 10, budget: '900.00' });
    const BELOW = { code: 'BUDGET_BELOW_AMOUNT_PAID', clause: '安医保〔2019〕75号 附件; 安医保〔2019〕75号 四' };
    expect(thrown(allPaid, persons(9))).toMatchObject({
      ...BELOW,
      message: 'a budget for 9 persons is below what was already paid in 2020',
    });
    // Only the general part paid beyond a smaller budget's general part (720 > 9 × 72 = 648; consultation 0 ≤ 162).
    const generalOnly = run([registered(ANYANG)], [persons(10), claim('2020-01', '720')]);
    expect(thrown(generalOnly, persons(9))).toMatchObject(BELOW);
    // Only the consultation part (180 > 9 × 18 = 162; general 0 ≤ 648).
    const consultationOnly = run([registered(ANYANG)], [persons(10), claim('2020-01', '0', '180')]);
    expect(consultationOnly[2].data).toMatchObject({ generalPaid: '0.00', consultationPaid: '180.00' });
    expect(thrown(consultationOnly, persons(9))).toMatchObject(BELOW);
  });

  it('capitation decisions record the capitation pack’s version, not the fee-for-service one', () => {
    expect(P.anyang.packVersion).not.toBe(P.jiaozuo.packVersion);
    const events = run([registered(ANYANG)], [persons(10), claim('2020-01', '1')]);
    expect(events.slice(1).map((e) => [e.type, (e.data as { packVersion?: string }).packVersion])).toEqual([
      ['PersonsAssigned', P.anyang.packVersion],
      ['CapitationSettled', P.anyang.packVersion],
    ]);
  });

  it('a month needs persons assigned for its year and is settled once', () => {
    expect(thrown([registered(ANYANG)], claim('2020-01', '1'))).toMatchObject({
      code: 'PERSONS_NOT_ASSIGNED',
      clause: '安医保〔2019〕75号 四（二）',
      message: 'no persons are assigned for 2020',
    });
    const once = run([registered(ANYANG)], [persons(10), claim('2020-03', '1')]);
    expect(thrown(once, claim('2020-03', '1'))).toMatchObject({
      code: 'CAPITATION_MONTH_ALREADY_SETTLED',
      clause: '安医保〔2019〕75号 四（二）',
      message: '2020-03 is already settled',
    });
    expect(thrown(once, claim('2020-3', '1'))).toMatchObject({ field: 'month', rule: "must be 'YYYY-MM'" });
  });
});

describe('decider', () => {
  it('an unknown command is a programming error, not a silent no-op', () => {
    expect(() => decideInstitution({ type: 'Teleport', data: {} } as unknown as InstitutionCommand, foldInstitution([]), P)).toThrow(
      'unhandled case: {"type":"Teleport","data":{}}',
    );
  });
});
