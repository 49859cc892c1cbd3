import fc from 'fast-check';
import { Dec, fmt, money, sum } from '../kernel/money';
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { foldInstitution, InstitutionEvent } from './institution.events';
import { InstitutionProfile } from './institution.types';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());

/** given(events).when(command) → the events decided (or the error thrown). */
function given(history: InstitutionEvent[]) {
  const state = foldInstitution(history);
  return {
    when: (command: InstitutionCommand) => ({
      then: (expected: InstitutionEvent[] | ((events: InstitutionEvent[]) => void)) => {
        const events = decideInstitution(command, state, P);
        if (typeof expected === 'function') expected(events);
        else expect(events).toEqual(expected);
        return events;
      },
      thenRefuses: (code: string) => expect(() => decideInstitution(command, state, P)).toThrow(expect.objectContaining({ code })),
      thenInvalid: (field: string) => expect(() => decideInstitution(command, state, P)).toThrow(expect.objectContaining({ field })),
    }),
  };
}

/** Runs commands in order, each decided on the state folded so far. */
function run(history: InstitutionEvent[], commands: InstitutionCommand[]): InstitutionEvent[] {
  const all = [...history];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

const CITY_L3: InstitutionProfile = {
  code: 'JZ-H001',
  name: '焦作市某三级综合医院',
  category: 'city_level3_general',
  level: 'level3',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
};
const registered: InstitutionEvent = { type: 'InstitutionRegistered', data: CITY_L3 };
const MONTHS = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];

/** 例2 spread evenly over August–December: 70,000 visits, 21,000,000 cost, 9,000,000 due a month. */
function example2Year(): InstitutionEvent[] {
  const commands: InstitutionCommand[] = [{ type: 'SetCostBase', data: { year: 2024 } }];
  for (const month of MONTHS) {
    const next = month === '2024-12' ? '2025-01' : `2024-${String(Number(month.slice(5)) + 1).padStart(2, '0')}`;
    commands.push(
      { type: 'DeclareMonth', data: { month, visits: 70_000, totalCost: '21000000', fundDue: '9000000', declaredOn: `${next}-08` } },
      { type: 'ApproveMonth', data: { month, approvedAmount: '9000000' } },
      { type: 'PayAdvance', data: { month } },
    );
  }
  return run([registered], commands);
}

describe('institution decider: registry', () => {
  it('registers once', () => {
    given([]).when({ type: 'RegisterInstitution', data: CITY_L3 }).then([registered]);
    given([registered]).when({ type: 'RegisterInstitution', data: CITY_L3 }).thenRefuses('INSTITUTION_ALREADY_REGISTERED');
  });

  it('an unrated general institution is only registrable in a city or township (四（一）1 第二段)', () => {
    given([])
      .when({ type: 'RegisterInstitution', data: { ...CITY_L3, category: 'other_general', level: 'unrated', location: 'county' } })
      .thenRefuses('UNRATED_LOCATION_NOT_MAPPED');
    given([])
      .when({ type: 'RegisterInstitution', data: { ...CITY_L3, category: 'other_general', level: 'level3' } })
      .thenInvalid('level');
  });

  it('issue 16.4: a campus clinic (高校校医院, 安医保〔2019〕75号 一（三）/五) registers; 焦医保 publishes no per-visit base for it (422, not a crash)', () => {
    const campus = { ...CITY_L3, code: 'JZ-CAMPUS', category: 'campus_clinic' as const, level: 'unrated' as const };
    const registeredCampus: InstitutionEvent = { type: 'InstitutionRegistered', data: campus };
    given([]).when({ type: 'RegisterInstitution', data: campus }).then([registeredCampus]);
    given([registeredCampus])
      .when({ type: 'SetCostBase', data: { year: 2024 } })
      .thenRefuses('NO_BASE_FOR_CATEGORY');
  });

  it('records only the profile fields that change', () => {
    given([registered])
      .when({ type: 'ChangeInstitutionProfile', data: { changes: { name: CITY_L3.name, level: 'level2' } } })
      .then([{ type: 'InstitutionProfileChanged', data: { changes: { level: 'level2' } } }]);
    given([registered])
      .when({ type: 'ChangeInstitutionProfile', data: { changes: { name: CITY_L3.name } } })
      .then([]);
  });
});

describe('institution decider: monthly cycle (焦医保〔2024〕32号 四（二）)', () => {
  it('a declaration by the 10th is on time; after it, late', () => {
    given([registered])
      .when({ type: 'DeclareMonth', data: { month: '2024-08', visits: 10, totalCost: '2000', fundDue: '800', declaredOn: '2024-09-10' } })
      .then([
        {
          type: 'MonthDeclared',
          data: {
            month: '2024-08',
            visits: 10,
            totalCost: '2000.00',
            fundDue: '800.00',
            declaredOn: '2024-09-10',
            dueBy: '2024-09-10',
            late: false,
            clause: '焦医保〔2024〕32号 四（二）',
            packVersion: P.jiaozuo.packVersion,
          },
        },
      ]);
    given([registered])
      .when({ type: 'DeclareMonth', data: { month: '2024-08', visits: 10, totalCost: '2000', fundDue: '800', declaredOn: '2024-09-11' } })
      .then((events) => expect(events[0].data).toMatchObject({ late: true, dueBy: '2024-09-10' }));
  });

  it('refuses months before 2024-08-01, a month not yet ended, and a second declaration', () => {
    const d = (month: string, declaredOn: string): InstitutionCommand => ({
      type: 'DeclareMonth',
      data: { month, visits: 1, totalCost: '1', fundDue: '1', declaredOn },
    });
    given([registered]).when(d('2024-07', '2024-08-05')).thenRefuses('MONTH_BEFORE_CONDITIONAL_FFS');
    given([registered]).when(d('2024-08', '2024-08-31')).thenInvalid('declaredOn');
    const declared = run([registered], [d('2024-08', '2024-09-01')]);
    given(declared).when(d('2024-08', '2024-09-02')).thenRefuses('MONTH_ALREADY_DECLARED');
  });

  it('issue 14 item 1: every decision records the version of the pack whose figures it used', () => {
    expect(P.jiaozuo.packVersion).toBe(defaultCatalog().byId('jiaozuo-employee-2024')!.version);
    expect(P.anyang.packVersion).toBe(defaultCatalog().byId('anyang-resident-2020')!.version);
    const declared = run(
      [registered],
      [{ type: 'DeclareMonth', data: { month: '2024-08', visits: 1, totalCost: '1', fundDue: '1', declaredOn: '2024-09-01' } }],
    );
    expect(declared[1].data).toMatchObject({ packVersion: P.jiaozuo.packVersion });
    expect(declared[0].data).not.toHaveProperty('packVersion');
  });

  it('refuses institutions outside Jiaozuo employee pooling', () => {
    const anyang: InstitutionEvent = { type: 'InstitutionRegistered', data: { ...CITY_L3, region: 'anyang', designations: ['resident'] } };
    given([anyang])
      .when({ type: 'SetCostBase', data: { year: 2024 } })
      .thenRefuses('NOT_UNDER_JIAOZUO_EMPLOYEE_SETTLEMENT');
  });

  it('approval cannot exceed the declared fund due; the advance is 95% and 5% is held', () => {
    const declared = run(
      [registered],
      [
        {
          type: 'DeclareMonth',
          data: { month: '2024-08', visits: 100, totalCost: '30000', fundDue: '12345.67', declaredOn: '2024-09-05' },
        },
      ],
    );
    given(declared)
      .when({ type: 'ApproveMonth', data: { month: '2024-08', approvedAmount: '12345.68' } })
      .thenRefuses('APPROVED_EXCEEDS_DECLARED_FUND_DUE');
    const approved = run(declared, [{ type: 'ApproveMonth', data: { month: '2024-08', approvedAmount: '12345.67' } }]);
    given(approved)
      .when({ type: 'PayAdvance', data: { month: '2024-08', paidOn: '2024-09-30' } })
      .then([
        {
          type: 'AdvancePaid',
          data: {
            month: '2024-08',
            approvedAmount: '12345.67',
            amount: '11728.39',
            held: '617.28',
            advanceShare: '0.95',
            paidOn: '2024-09-30',
            clause: '焦医保〔2024〕32号 四（二）',
            packVersion: P.jiaozuo.packVersion,
          },
        },
      ]);
    given(run(approved, [{ type: 'PayAdvance', data: { month: '2024-08' } }]))
      .when({ type: 'PayAdvance', data: { month: '2024-08' } })
      .thenRefuses('ADVANCE_ALREADY_PAID');
  });
});

describe('institution decider: year end (例2 spread over August–December)', () => {
  it('settles the period at 42,333,750.00', () => {
    given(example2Year())
      .when({ type: 'SettlePeriod', data: { year: 2024 } })
      .then((events) => {
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          type: 'PeriodSettled',
          data: {
            year: 2024,
            fromMonth: '2024-08',
            throughMonth: '2024-12',
            visits: 350_000,
            totalCost: '105000000.00',
            fundDue: '45000000.00',
            base: '265.00',
            growthCap: '0.065',
            withinCap: false,
            payable: '42333750.00',
            overspend: '2666250.00',
          },
        });
      });
  });

  it('refuses to settle with a month missing, or without a cost base', () => {
    const year = example2Year();
    const withoutDecember = year.filter((e) => !('month' in e.data && e.data.month === '2024-12'));
    given(withoutDecember)
      .when({ type: 'SettlePeriod', data: { year: 2024 } })
      .thenRefuses('MONTH_NOT_DECLARED');
    const withoutBase = year.filter((e) => e.type !== 'CostBaseSet');
    given(withoutBase)
      .when({ type: 'SettlePeriod', data: { year: 2024 } })
      .thenRefuses('COST_BASE_NOT_SET');
  });

  it('review at 25%, a passed assessment, and the final payment that closes the identity', () => {
    const events = run(example2Year(), [
      { type: 'SettlePeriod', data: { year: 2024 } },
      { type: 'RecordOverspendReview', data: { year: 2024, reviewedVisits: 100, violatingCost: '12000', reviewedCost: '48000' } },
      { type: 'AssessYear', data: { year: 2024, passed: true } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    ]);
    const review = events.find((e) => e.type === 'OverspendReviewed')!;
    expect(review.data).toMatchObject({ outcome: 'compliant_share', compensation: '1999687.50' });
    const assessed = events.find((e) => e.type === 'AnnualAssessed')!;
    expect(assessed.data).toMatchObject({ held: '2250000.00', holdbackReleased: '2250000.00', holdbackKept: '0.00' });
    const final = events.find((e) => e.type === 'FinalPaymentMade')!;
    // 42,333,750 + 1,999,687.50 = 44,333,437.50; − advances 42,750,000 − released 2,250,000 = −666,562.50
    expect(final.data).toMatchObject({
      entitlement: '44333437.50',
      advances: '42750000.00',
      holdbackReleased: '2250000.00',
      adjustment: '-666562.50',
      finalPayment: '44333437.50',
      yearEndTransfer: '1583437.50',
    });
    given(events)
      .when({ type: 'MakeFinalPayment', data: { year: 2024 } })
      .thenRefuses('FINAL_PAYMENT_ALREADY_MADE');
    given(events)
      .when({ type: 'DeclareMonth', data: { month: '2024-12', visits: 1, totalCost: '1', fundDue: '1', declaredOn: '2025-01-02' } })
      .thenRefuses('PERIOD_ALREADY_SETTLED');
  });

  it('例1 within the cap: no review possible; a failed assessment keeps the holdback', () => {
    const county: InstitutionEvent = {
      type: 'InstitutionRegistered',
      data: { ...CITY_L3, code: 'JZ-C002', category: 'county_general', level: 'level2', location: 'county' },
    };
    const commands: InstitutionCommand[] = [{ type: 'SetCostBase', data: { year: 2024 } }];
    MONTHS.forEach((month, i) => {
      const next = i === 4 ? '2025-01' : MONTHS[i + 1];
      commands.push(
        { type: 'DeclareMonth', data: { month, visits: 52_000, totalCost: '9000000', fundDue: '3720000', declaredOn: `${next}-09` } },
        { type: 'ApproveMonth', data: { month, approvedAmount: '3720000' } },
        { type: 'PayAdvance', data: { month } },
      );
    });
    commands.push({ type: 'SettlePeriod', data: { year: 2024 } });
    const settled = run([county], commands);
    expect(settled[settled.length - 1].data).toMatchObject({ payable: '18600000.00', withinCap: true, actualAverage: '173.08' });
    given(settled)
      .when({ type: 'RecordOverspendReview', data: { year: 2024, reviewedVisits: 100, violatingCost: '0', reviewedCost: '1' } })
      .thenRefuses('NO_OVERSPEND_TO_REVIEW');
    given(settled)
      .when({ type: 'MakeFinalPayment', data: { year: 2024 } })
      .thenRefuses('YEAR_NOT_ASSESSED');
    const failed = run(settled, [
      { type: 'AssessYear', data: { year: 2024, passed: false } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    ]);
    // advances 5 × 3,534,000 = 17,670,000; holdback 930,000 kept
    expect(failed[failed.length - 1].data).toMatchObject({
      advances: '17670000.00',
      holdbackReleased: '0.00',
      forfeited: '930000.00',
      finalPayment: '17670000.00',
      adjustment: '0.00',
    });
    const passed = run(settled, [
      { type: 'AssessYear', data: { year: 2024, passed: true } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    ]);
    expect(passed[passed.length - 1].data).toMatchObject({
      finalPayment: '18600000.00',
      holdbackReleased: '930000.00',
      adjustment: '0.00',
    });
  });

  it('property: advances + holdback released + adjustment = final payment, for any year', () => {
    const fenString = (max: bigint) => fc.bigInt({ min: 0n, max }).map((f) => new Dec(f.toString()).dividedBy(100).toFixed(2));
    const monthArb = fc.record({
      visits: fc.integer({ min: 1, max: 200_000 }),
      totalCost: fenString(10n ** 10n).map((c) => (money(c).isZero() ? '0.01' : c)),
      dueShare: fc.integer({ min: 0, max: 100 }),
      approvedShare: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom<InstitutionProfile['category']>(
          'city_level3_general',
          'county_general',
          'township_health_centre',
          'village_clinic',
        ),
        fc.array(monthArb, { minLength: 5, maxLength: 5 }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }))),
        fc.boolean(),
        (category, months, review, passed) => {
          const profile: InstitutionProfile = {
            ...CITY_L3,
            category,
            ...(category === 'village_clinic' ? { level: 'village', location: 'village' } : {}),
          };
          const commands: InstitutionCommand[] = category === 'village_clinic' ? [] : [{ type: 'SetCostBase', data: { year: 2024 } }];
          months.forEach((m, i) => {
            const month = MONTHS[i];
            const fundDue = fmt(money(m.totalCost).times(m.dueShare).dividedBy(100).toDecimalPlaces(2, Dec.ROUND_DOWN));
            const approved = fmt(money(fundDue).times(m.approvedShare).dividedBy(100).toDecimalPlaces(2, Dec.ROUND_DOWN));
            commands.push(
              { type: 'DeclareMonth', data: { month, visits: m.visits, totalCost: m.totalCost, fundDue, declaredOn: '2025-01-05' } },
              { type: 'ApproveMonth', data: { month, approvedAmount: approved } },
              { type: 'PayAdvance', data: { month } },
            );
          });
          commands.push({ type: 'SettlePeriod', data: { year: 2024 } });
          let events = run([{ type: 'InstitutionRegistered', data: profile }], commands);
          const settled = events[events.length - 1];
          if (settled.type !== 'PeriodSettled') throw new Error('not settled');
          if (review && money(settled.data.overspend).greaterThan(0)) {
            const [violating, extra] = review;
            events = run(events, [
              {
                type: 'RecordOverspendReview',
                data: { year: 2024, reviewedVisits: 100, violatingCost: String(violating), reviewedCost: String(violating + extra) },
              },
            ]);
          }
          events = run(events, [
            { type: 'AssessYear', data: { year: 2024, passed } },
            { type: 'MakeFinalPayment', data: { year: 2024 } },
          ]);

          const advances = events.flatMap((e) => (e.type === 'AdvancePaid' ? [e.data] : []));
          const assessed = events.find((e) => e.type === 'AnnualAssessed')!.data as { holdbackReleased: string };
          const final = events.find((e) => e.type === 'FinalPaymentMade')!.data as {
            adjustment: string;
            finalPayment: string;
            entitlement: string;
            forfeited: string;
          };
          const paidAdvances = sum(advances.map((a) => money(a.amount)));
          expect(paidAdvances.plus(money(assessed.holdbackReleased)).plus(money(final.adjustment)).equals(money(final.finalPayment))).toBe(
            true,
          );
          for (const a of advances) expect(money(a.amount).plus(money(a.held)).equals(money(a.approvedAmount))).toBe(true);
          const compensation = events.find((e) => e.type === 'OverspendReviewed')?.data as { compensation: string } | undefined;
          // The fund never pays more than what was approved, and exactly the entitlement on a pass.
          expect(money(final.entitlement).equals(money(settled.data.payable).plus(money(compensation?.compensation ?? '0')))).toBe(true);
          expect(money(final.entitlement).lessThanOrEqualTo(money(settled.data.fundDue))).toBe(true);
          if (passed) expect(final.finalPayment).toBe(final.entitlement);
          else expect(money(final.finalPayment).greaterThanOrEqualTo(0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('institution decider: Anyang capitation (安医保〔2019〕75号 四, 附件)', () => {
  const anyang: InstitutionEvent = {
    type: 'InstitutionRegistered',
    data: {
      code: 'AY-T001',
      name: '安阳某乡镇卫生院',
      category: 'township_health_centre',
      level: 'township',
      location: 'township',
      region: 'anyang',
      designations: ['resident'],
    },
  };

  it('budgets 90 per person, 18 of it for consultation / contract fees', () => {
    given([anyang])
      .when({ type: 'AssignPersons', data: { year: 2020, count: 1000 } })
      .then((events) =>
        expect(events[0].data).toMatchObject({
          count: 1000,
          budget: '90000.00',
          consultationBudget: '18000.00',
          generalBudget: '72000.00',
        }),
      );
    given([anyang])
      .when({ type: 'AssignPersons', data: { year: 2021, count: 1000 } })
      .thenRefuses('NO_CAPITATION_FUNDING_FOR_YEAR');
    given([registered])
      .when({ type: 'AssignPersons', data: { year: 2020, count: 1000 } })
      .thenRefuses('NOT_UNDER_ANYANG_RESIDENT_CAPITATION');
  });

  it('settles monthly within the limit: cumulative paid never exceeds the budget', () => {
    const events = run(
      [anyang],
      [
        { type: 'AssignPersons', data: { year: 2020, count: 100 } }, // 9,000: 7,200 general + 1,800 consultation
        { type: 'SettleCapitationMonth', data: { month: '2020-01', claimed: '5000', consultationClaimed: '1000' } },
        { type: 'SettleCapitationMonth', data: { month: '2020-02', claimed: '3000', consultationClaimed: '1000' } },
        { type: 'SettleCapitationMonth', data: { month: '2020-03', claimed: '500' } },
      ],
    );
    const settled = events.filter((e) => e.type === 'CapitationSettled').map((e) => e.data);
    expect(settled).toEqual([
      expect.objectContaining({ claimed: '6000.00', paid: '6000.00', cumulativePaid: '6000.00', remaining: '3000.00' }),
      expect.objectContaining({
        claimed: '4000.00',
        generalPaid: '2200.00',
        consultationPaid: '800.00',
        paid: '3000.00',
        cumulativePaid: '9000.00',
        remaining: '0.00',
      }),
      expect.objectContaining({ claimed: '500.00', paid: '0.00', cumulativePaid: '9000.00' }),
    ]);
    given(events)
      .when({ type: 'SettleCapitationMonth', data: { month: '2020-03', claimed: '1' } })
      .thenRefuses('CAPITATION_MONTH_ALREADY_SETTLED');
    given(events)
      .when({ type: 'AssignPersons', data: { year: 2020, count: 99 } })
      .thenRefuses('BUDGET_BELOW_AMOUNT_PAID');
  });

  it('property: whatever is claimed, the paid total equals the sum of monthly payments and stays within the budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 8n }), fc.bigInt({ min: 0n, max: 10n ** 7n })), { minLength: 1, maxLength: 12 }),
        (persons, claims) => {
          const cmds: InstitutionCommand[] = [{ type: 'AssignPersons', data: { year: 2020, count: persons } }];
          claims.forEach(([g, c], i) =>
            cmds.push({
              type: 'SettleCapitationMonth',
              data: {
                month: `2020-${String(i + 1).padStart(2, '0')}`,
                claimed: new Dec(g.toString()).dividedBy(100).toFixed(2),
                consultationClaimed: new Dec(c.toString()).dividedBy(100).toFixed(2),
              },
            }),
          );
          const settled = run([anyang], cmds).flatMap((e) => (e.type === 'CapitationSettled' ? [e.data] : []));
          const total = sum(settled.map((s) => money(s.paid)));
          expect(total.lessThanOrEqualTo(new Dec(90).times(persons))).toBe(true);
          expect(sum(settled.map((s) => money(s.consultationPaid))).lessThanOrEqualTo(new Dec(18).times(persons))).toBe(true);
          expect(money(settled[settled.length - 1].cumulativePaid).equals(total)).toBe(true);
          for (const s of settled) expect(money(s.paid).lessThanOrEqualTo(money(s.claimed))).toBe(true);
        },
      ),
    );
  });
});
