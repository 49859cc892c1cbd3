import { defaultCatalog } from '../../../test/support/policy';
import { given } from '../../../test/support/given-when-then';
import type { CityPack, PolicyPack } from '../../policy/catalog';
import type { InstitutionFacts } from '../../policy/engine/types';
import type { PersonEnrolled } from '../enrollment/enrollment.events';
import { foldPerson } from '../person-stream';
import { ClaimsCommand, decideClaims, SettleVisitCommand } from './claims.decide';
import { yearToDate } from './claims.state';

const catalog = defaultCatalog();
const nanyang = (date: string): PolicyPack => catalog.resolve('nanyang', 'employee', date)!;

const enrolled: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: {
    personId: 'P1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
    relatives: [],
  },
};
const retiredInMay = {
  type: 'RetiredStatusChanged',
  data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' },
};
const level2: InstitutionFacts = { code: 'NY-L2', level: 'level2', region: 'nanyang', designated: true };
const level3: InstitutionFacts = { code: 'NY-L3', level: 'level3', region: 'nanyang', designated: true };

function settle(id: string, occurredAt: string, amount: string, institution = level2): SettleVisitCommand {
  const date = occurredAt.slice(0, 10);
  return {
    type: 'SettleVisit',
    data: {
      settlementId: id,
      visit: {
        visitId: `V-${id}`,
        occurredAt,
        settledAt: occurredAt,
        institution,
        medType: 'ordinary',
        lines: [{ code: 'L1', amount, inCatalogue: true }],
      },
      institution,
      account: { source: 'none', balance: '0.00' },
    },
    pack: nanyang(date),
  };
}

/** Runs commands in order, each against the state the previous ones left. */
function history(start: Array<{ type: string; data: unknown }>, commands: ClaimsCommand[]) {
  const events = [...start];
  for (const c of commands) events.push(...decideClaims(c, foldPerson(events.map((e, r) => ({ ...e, revision: r })))));
  return events;
}

describe('claims decider (given events / when command / then events)', () => {
  it('宛政办〔2022〕42号 第五条: level-2 visit of 200.00 in service → fund (200 − 30) × 55% = 93.50, recorded with the policy version', () => {
    given([enrolled])
      .when((s) => decideClaims(settle('S1', '2023-03-01T09:00:00+08:00', '200.00'), s))
      .then([
        {
          type: 'VisitSettled',
          data: expect.objectContaining({
            settlementId: 'S1',
            policyVersion: nanyang('2023-03-01').version,
            yearToDate: {
              year: 2023,
              fundPaid: '0.00',
              deductibleMet: '0.00',
              deductibleCharges: [],
              deductibleWindow: { around: '2023-03-01T09:00:00+08:00', hours: 24 },
            },
            decision: expect.objectContaining({
              amounts: expect.objectContaining({
                total: '200.00',
                deductible: '30.00',
                rate: expect.stringMatching(/^0\.55/),
                fund: '93.50',
                cash: '106.50',
              }),
            }),
          }),
        },
      ]);
  });

  it('refuses a duplicate settlement id and a second settlement of the same visit', () => {
    const events = history([enrolled], [settle('S1', '2023-03-01T09:00:00+08:00', '200.00')]);
    given(events)
      .when((s) => decideClaims(settle('S1', '2023-03-02T09:00:00+08:00', '50.00'), s))
      .thenRefuses('DUPLICATE_SETTLEMENT');
    const sameVisit = settle('S2', '2023-03-01T09:00:00+08:00', '200.00');
    sameVisit.data.visit.visitId = 'V-S1';
    given(events)
      .when((s) => decideClaims(sameVisit, s))
      .thenRefuses('VISIT_ALREADY_SETTLED');
  });

  it('宛政办〔2022〕42号 第五条（三）: the in-service cap of 1500 limits the fund, counting earlier payments of the year', () => {
    // Level-3 visits of 3050.00: (3050 − 50) × 50% = 1500.00 reaches the cap at once.
    const events = history([enrolled], [settle('S1', '2023-02-01T09:00:00+08:00', '3050.00', level3)]);
    expect(yearToDate(foldPerson(events.map((e, r) => ({ ...e, revision: r }))).claims, 2023).fundPaid).toBe('1500.00');
    given(events)
      .when((s) => decideClaims(settle('S2', '2023-03-01T09:00:00+08:00', '200.00'), s))
      .then([
        {
          type: 'VisitSettled',
          data: expect.objectContaining({
            decision: expect.objectContaining({ amounts: expect.objectContaining({ fund: '0.00', cash: '200.00' }) }),
          }),
        },
      ]);
  });

  it('宛政办〔2022〕42号 第六条: after retirement the cap becomes 2000 with May usage counted; rate 65% at level 2', () => {
    const events = history([enrolled, retiredInMay], [settle('S1', '2023-05-20T09:00:00+08:00', '3050.00', level3)]);
    // 20 May: still in service: 1500.00 paid (cap reached).
    // 2 June: retired; level 2: (1000 − 30) × 65% = 630.50, limited to 2000 − 1500 = 500.00.
    given(events)
      .when((s) => decideClaims(settle('S2', '2023-06-02T09:00:00+08:00', '1000.00'), s))
      .then([
        {
          type: 'VisitSettled',
          data: expect.objectContaining({
            decision: expect.objectContaining({
              category: 'retired',
              amounts: expect.objectContaining({ fundBeforeCap: '630.50', capAnnual: '2000.00', fund: '500.00' }),
            }),
          }),
        },
      ]);
  });

  it('a new natural year starts the cap again', () => {
    const events = history([enrolled], [settle('S1', '2023-12-31T20:00:00+08:00', '3050.00', level3)]);
    given(events)
      .when((s) => decideClaims(settle('S2', '2024-01-01T08:00:00+08:00', '200.00'), s))
      .then([
        {
          type: 'VisitSettled',
          data: expect.objectContaining({
            decision: expect.objectContaining({ year: 2024, amounts: expect.objectContaining({ fund: '93.50' }) }),
          }),
        },
      ]);
  });

  it('reversal restores the cap usage; reversing twice or after the deployment window (30 days) is refused', () => {
    const window = (nanyang('2023-02-01') as CityPack).benefit.reversalWindowDays;
    expect(window).toMatchObject({
      value: 30,
      source: 'deployment',
      document: 'config/deployment-policy.json',
      clause: 'packs.nanyang-employee-2022.reversalWindowDays',
    });
    const events = history([enrolled], [settle('S1', '2023-02-01T09:00:00+08:00', '3050.00', level3)]);
    given(events)
      .when((s) =>
        decideClaims(
          { type: 'ReverseSettlement', data: { settlementId: 'S1', reversedAt: '2023-02-10T09:00:00+08:00', reason: 'error' }, window },
          s,
        ),
      )
      .then([
        {
          type: 'SettlementReversed',
          data: {
            settlementId: 'S1',
            reversedAt: '2023-02-10T09:00:00+08:00',
            reason: 'error',
            fundRestored: '1500.00',
            accountRestored: '0.00',
            relativeAccountRestored: '0.00',
            clause: 'config/deployment-policy.json packs.nanyang-employee-2022.reversalWindowDays',
          },
        },
      ]);
    const reversed = history(events, [
      { type: 'ReverseSettlement', data: { settlementId: 'S1', reversedAt: '2023-02-10T09:00:00+08:00', reason: 'error' }, window },
    ]);
    expect(yearToDate(foldPerson(reversed.map((e, r) => ({ ...e, revision: r }))).claims, 2023).fundPaid).toBe('0.00');
    given(reversed)
      .when((s) =>
        decideClaims(
          { type: 'ReverseSettlement', data: { settlementId: 'S1', reversedAt: '2023-02-11T09:00:00+08:00', reason: 'again' }, window },
          s,
        ),
      )
      .thenRefuses('ALREADY_REVERSED');
    given(events)
      .when((s) =>
        decideClaims(
          { type: 'ReverseSettlement', data: { settlementId: 'S1', reversedAt: '2023-03-03T09:00:00+08:00', reason: 'day 30' }, window },
          s,
        ),
      )
      .then([expect.objectContaining({ type: 'SettlementReversed' })]);
    given(events)
      .when((s) =>
        decideClaims(
          { type: 'ReverseSettlement', data: { settlementId: 'S1', reversedAt: '2023-03-04T09:00:00+08:00', reason: 'late' }, window },
          s,
        ),
      )
      .thenRefuses('REVERSAL_WINDOW_PASSED');
    given(events)
      .when((s) =>
        decideClaims(
          {
            type: 'ReverseSettlement',
            data: { settlementId: 'S1', reversedAt: '2023-02-10T09:00:00+08:00', reason: 'short window' },
            window: { ...window, value: 5 },
          },
          s,
        ),
      )
      .thenRefuses('REVERSAL_WINDOW_PASSED');
    given(events)
      .when((s) =>
        decideClaims(
          { type: 'ReverseSettlement', data: { settlementId: 'NOPE', reversedAt: '2023-02-10T09:00:00+08:00', reason: 'x' }, window },
          s,
        ),
      )
      .thenRefuses('UNKNOWN_SETTLEMENT');
  });

  it('the own account pays the person part when asked, up to the balance', () => {
    const funded = {
      type: 'AccountCredited',
      data: { month: '2023-01', amount: '50.00', category: 'in_service', basis: {}, clause: 'c', packVersion: 'v' },
    };
    const cmd = settle('S1', '2023-03-01T09:00:00+08:00', '200.00');
    cmd.data.account = { source: 'own', balance: '0.00' };
    const g = given([enrolled, funded]);
    const [event] = decideClaims(cmd, g.state) as any[];
    expect(event.data.account.balance).toBe('50.00');
    expect(event.data.decision.amounts).toEqual(expect.objectContaining({ fund: '93.50', account: '50.00', cash: '56.50' }));
    const after = foldPerson([enrolled, funded, event].map((e, r) => ({ ...e, revision: r })));
    expect(after.account.balance).toBe('0.00');
  });
});
