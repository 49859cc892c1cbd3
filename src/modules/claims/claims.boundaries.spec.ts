/**
 * Issue 17: the settle and reverse deciders' branches that mutation testing showed untested —
 * the reversal window's day 30 and same day (焦医保〔2024〕32号 一（一）), a never-enrolled
 * person, a relative's account (its balance is the holder's, never the patient's own), the
 * family-payment record of a saga retry, the settlement time before the visit.
 */
import { defaultCatalog } from '../../../test/support/policy';
import { given } from '../../../test/support/given-when-then';
import type { PolicyPack } from '../../policy/catalog';
import type { InstitutionFacts } from '../../policy/engine/types';
import type { PersonEnrolled } from '../enrollment/enrollment.events';
import { foldPerson } from '../person-stream';
import { cite } from '../../policy/citation';
import type { CityPack } from '../../policy/pack.types';
import { ClaimsCommand, decideClaims, preSettle, SettleVisitCommand } from './claims.decide';

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
const ownFunds = {
  type: 'AccountCredited',
  data: { month: '2023-01', amount: '500.00', category: 'in_service', basis: {}, clause: 'c', packVersion: 'v' },
};
const level2: InstitutionFacts = { code: 'NY-L2', level: 'level2', region: 'nanyang', designated: true };

function settle(id: string, occurredAt: string, amount: string, settledAt = occurredAt): SettleVisitCommand {
  return {
    type: 'SettleVisit',
    data: {
      settlementId: id,
      visit: {
        visitId: `V-${id}`,
        occurredAt,
        settledAt,
        institution: level2,
        medType: 'ordinary',
        lines: [{ code: 'L1', amount, inCatalogue: true }],
      },
      institution: level2,
      account: { source: 'none', balance: '0.00' },
    },
    pack: nanyang(occurredAt.slice(0, 10)),
  };
}
const settled = (cmd: SettleVisitCommand, start: Array<{ type: string; data: unknown }> = [enrolled]) => [
  ...start,
  ...decideClaims(cmd, given(start).state),
];
/** The reversal window: a deployment parameter of the pack (no document gives one). */
const WINDOW = (nanyang('2023-02-01') as CityPack).benefit.reversalWindowDays;
const REVERSAL_CLAUSE = cite(WINDOW);
const reverse = (reversedAt: string, settlementId = 'S1'): ClaimsCommand => ({
  type: 'ReverseSettlement',
  data: { settlementId, reversedAt, reason: 'error' },
  window: WINDOW,
});

describe("reversal within the pack's window (deployment parameter, 30 days in the example file) of the settlement date", () => {
  // Settled 2023-02-01 (Shanghai): level 2, 200.00 → fund (200 − 30) × 55% = 93.50.
  const events = settled(settle('S1', '2023-02-01T09:00:00+08:00', '200.00'));
  const reversal = (reversedAt: string) => ({
    type: 'SettlementReversed',
    data: {
      settlementId: 'S1',
      reversedAt,
      reason: 'error',
      fundRestored: '93.50',
      accountRestored: '0.00',
      relativeAccountRestored: '0.00',
      clause: REVERSAL_CLAUSE,
    },
  });

  it('the window is 30 days, cited as a deployment parameter', () => {
    expect(WINDOW.value).toBe(30);
    expect(REVERSAL_CLAUSE).toBe('config/deployment-policy.json packs.nanyang-employee-2022.reversalWindowDays');
  });

  it('the same day, even a second later, is within it', () => {
    given(events)
      .when((s) => decideClaims(reverse('2023-02-01T09:00:01+08:00'), s))
      .then([reversal('2023-02-01T09:00:01+08:00')]);
  });

  it('day 30 (2023-03-03, late evening) is within it; day 31 is REVERSAL_WINDOW_PASSED', () => {
    given(events)
      .when((s) => decideClaims(reverse('2023-03-03T23:59:00+08:00'), s))
      .then([reversal('2023-03-03T23:59:00+08:00')]);
    given(events)
      .when((s) => decideClaims(reverse('2023-03-04T00:00:00+08:00'), s))
      .thenRefuses('REVERSAL_WINDOW_PASSED', REVERSAL_CLAUSE);
    let thrown: any;
    try {
      decideClaims(reverse('2023-03-04T00:00:00+08:00'), given(events).state);
    } catch (e) {
      thrown = e;
    }
    expect(thrown.message).toBe('settled 31 days ago; reversals are accepted within 30 days');
  });

  it('days are counted in Shanghai: 2023-03-03T16:30Z is 2023-03-04 there, day 31', () => {
    given(events)
      .when((s) => decideClaims(reverse('2023-03-03T16:30:00Z'), s))
      .thenRefuses('REVERSAL_WINDOW_PASSED');
  });

  it('a reversal dated the day before the settlement is invalid input naming reversedAt', () => {
    given(events)
      .when((s) => decideClaims(reverse('2023-01-31T09:00:00+08:00'), s))
      .thenInvalid('reversedAt');
  });

  it('restores what the settlement took from the own account', () => {
    const cmd = settle('S1', '2023-02-01T09:00:00+08:00', '200.00');
    cmd.data.account = { source: 'own', balance: '0.00' };
    const withAccount = settled(cmd, [enrolled, ownFunds]);
    given(withAccount)
      .when((s) => decideClaims(reverse('2023-02-02T09:00:00+08:00'), s))
      .then([
        {
          type: 'SettlementReversed',
          data: expect.objectContaining({ fundRestored: '93.50', accountRestored: '106.50', relativeAccountRestored: '0.00' }),
        },
      ]);
  });
});

describe('settling', () => {
  it('a person never enrolled is refused NOT_ENROLLED, before and at settlement', () => {
    given([])
      .when((s) => decideClaims(settle('S1', '2023-02-01T09:00:00+08:00', '200.00'), s))
      .thenRefuses('NOT_ENROLLED', 'ledger rule person-enrolled');
    expect(() => preSettle(settle('S1', '2023-02-01T09:00:00+08:00', '200.00'), given([]).state)).toThrow('the person was never enrolled');
  });

  it('a settlement time before the visit is invalid input naming visit.occurredAt, whatever the spelling of the zone', () => {
    given([enrolled])
      .when((s) => decideClaims(settle('S1', '2023-02-01T09:00:00+08:00', '200.00', '2023-02-01T00:59:00Z'), s))
      .thenInvalid('visit.occurredAt');
    // 01:00Z is 09:00 in Shanghai: the same instant, accepted.
    given([enrolled])
      .when((s) => decideClaims(settle('S1', '2023-02-01T09:00:00+08:00', '200.00', '2023-02-01T01:00:00Z'), s))
      .then([{ type: 'VisitSettled', data: expect.objectContaining({ settlementId: 'S1' }) }]);
  });

  it('a reversed settlement of the same visit does not block settling it again', () => {
    const events = settled(settle('S1', '2023-02-01T09:00:00+08:00', '200.00'));
    const reversed = [...events, ...decideClaims(reverse('2023-02-01T10:00:00+08:00'), given(events).state)];
    const again = settle('S2', '2023-02-01T09:00:00+08:00', '200.00');
    again.data.visit.visitId = 'V-S1';
    given(reversed)
      .when((s) => decideClaims(again, s))
      .then([{ type: 'VisitSettled', data: expect.objectContaining({ settlementId: 'S2' }) }]);
  });

  it('the own account is read from the person’s stream, not from the command', () => {
    const cmd = settle('S1', '2023-02-01T09:00:00+08:00', '200.00');
    cmd.data.account = { source: 'own', balance: '9999.00' };
    const [event] = decideClaims(cmd, given([enrolled, ownFunds]).state) as any[];
    expect(event.data.account).toEqual({ source: 'own', balance: '500.00' });
    expect(event.data.decision.amounts).toMatchObject({ account: '106.50', relativeAccount: '0.00', cash: '0.00' });
    expect(preSettle(cmd, given([enrolled, ownFunds]).state).amounts.account).toBe('106.50');
  });

  it('宛政办〔2022〕42号 第九条（二）: a relative’s account pays from the holder’s balance given by the handler, never the patient’s own', () => {
    const cmd = settle('S1', '2023-02-01T09:00:00+08:00', '200.00');
    cmd.data.account = { source: 'relative', balance: '40.00', relation: 'spouse', holderId: 'H1' };
    cmd.data.familyPayment = { holderId: 'H1', paymentId: 'FP-1', amount: '999.00' };
    const state = given([enrolled, ownFunds]).state;
    const [event] = decideClaims(cmd, state) as any[];
    // The patient's own 500.00 is not touched: 40.00 of the 106.50 share from the spouse's account, 66.50 cash.
    expect(event.data.account).toEqual({ source: 'relative', balance: '40.00', relation: 'spouse', holderId: 'H1' });
    expect(event.data.decision.amounts).toMatchObject({ fund: '93.50', account: '0.00', relativeAccount: '40.00', cash: '66.50' });
    // The family payment records what the decision takes from the holder, not what the command said.
    expect(event.data.familyPayment).toEqual({ holderId: 'H1', paymentId: 'FP-1', amount: '40.00' });
    expect(preSettle(cmd, state).amounts.relativeAccount).toBe('40.00');
    const after = foldPerson([enrolled, ownFunds, event].map((e, r) => ({ ...e, revision: r })));
    expect(after.account.balance).toBe('500.00');
  });

  it('without a family payment the event has no familyPayment or historical key', () => {
    const [event] = decideClaims(settle('S1', '2023-02-01T09:00:00+08:00', '200.00'), given([enrolled]).state) as any[];
    expect(event.data).not.toHaveProperty('familyPayment');
    expect(event.data).not.toHaveProperty('historical');
    expect(event.data.visit.institution).toEqual(level2);
  });

  it('the pre-issue-16 yearToDate (no either-side window) for a pack without one: Jiaozuo records no deductibleWindow', () => {
    const jiaozuo = catalog.resolve('jiaozuo', 'employee', '2024-09-02')!;
    const person = { ...enrolled, data: { ...enrolled.data, region: 'jiaozuo', enrolledOn: '2024-01-01' } };
    const cmd: SettleVisitCommand = { ...settle('S1', '2024-09-02T09:00:00+08:00', '200.00'), pack: jiaozuo };
    cmd.data.institution = { ...level2, region: 'jiaozuo' };
    const [event] = decideClaims(cmd, given([person]).state) as any[];
    expect(event.data.yearToDate).toEqual({ year: 2024, fundPaid: '0.00', deductibleMet: '0.00', deductibleCharges: [] });
    expect(event.data.decision.amounts.fund).toBe('93.50');
  });
});

describe('what the refusal says (code or field, clause, message)', () => {
  const refusalOf = (events: Array<{ type: string; data: unknown }>, command: ClaimsCommand): Record<string, unknown> => {
    try {
      decideClaims(command, given(events).state);
    } catch (e) {
      return { ...(e as object), message: (e as Error).message };
    }
    throw new Error('expected a refusal');
  };
  const once = settled(settle('S1', '2023-02-01T09:00:00+08:00', '200.00'));
  const reversedOnce = [...once, ...decideClaims(reverse('2023-02-02T09:00:00+08:00'), given(once).state)];
  const sameVisit = { ...settle('S2', '2023-02-01T09:00:00+08:00', '200.00') };
  sameVisit.data = { ...sameVisit.data, visit: { ...sameVisit.data.visit, visitId: 'V-S1' } };

  it.each<[string, Array<{ type: string; data: unknown }>, ClaimsCommand, Record<string, unknown>]>([
    [
      'duplicate settlement',
      once,
      settle('S1', '2023-02-02T09:00:00+08:00', '50.00'),
      { code: 'DUPLICATE_SETTLEMENT', clause: 'ledger rule duplicate-settlement', message: 'settlement S1 already exists' },
    ],
    [
      'visit already settled',
      once,
      sameVisit,
      { code: 'VISIT_ALREADY_SETTLED', clause: 'ledger rule one-settlement-per-visit', message: 'visit V-S1 is already settled as S1' },
    ],
    [
      'settled before the visit',
      [enrolled],
      settle('S1', '2023-02-01T09:00:00+08:00', '200.00', '2023-02-01T08:00:00+08:00'),
      { field: 'visit.occurredAt', message: 'visit.occurredAt: must not be after the settlement time' },
    ],
    [
      'unknown settlement',
      once,
      reverse('2023-02-02T09:00:00+08:00', 'S9'),
      { code: 'UNKNOWN_SETTLEMENT', clause: 'ledger rule known-settlement', message: 'no settlement S9 for this person' },
    ],
    [
      'already reversed',
      reversedOnce,
      reverse('2023-02-03T09:00:00+08:00'),
      { code: 'ALREADY_REVERSED', clause: 'ledger rule reverse-once', message: 'settlement S1 is already reversed' },
    ],
    [
      'reversed before settled',
      once,
      reverse('2023-01-31T09:00:00+08:00'),
      { field: 'reversedAt', message: 'reversedAt: is before the settlement' },
    ],
  ])('%s', (_name, events, command, expected) => {
    expect(refusalOf(events, command)).toMatchObject(expected);
  });

  it('a framework pack cannot settle a visit: invalid input naming the pack', () => {
    const framework = catalog.byId('gansu-employee-framework-2021')!;
    expect(framework.kind).toBe('framework');
    const cmd = { ...settle('S1', '2023-02-01T09:00:00+08:00', '200.00'), pack: framework };
    expect(() => decideClaims(cmd, given([enrolled]).state)).toThrow(expect.objectContaining({ field: 'pack' }));
  });

  it('a historical settlement is kept beside the decision', () => {
    const historical = { setl_id: 'OLD-1', fund_pay_sumamt: '93.50', acct_pay: '0.00', psn_cash_pay: '106.50', source: 'import' };
    const cmd = settle('S1', '2023-02-01T09:00:00+08:00', '200.00');
    cmd.data.historical = historical;
    const [event] = decideClaims(cmd, given([enrolled]).state) as any[];
    expect(event.data.historical).toEqual(historical);
  });

  it('an unknown command type is a programming error', () => {
    expect(() => decideClaims({ type: 'Nope' } as never, given([enrolled]).state)).toThrow(/unhandled case/);
  });
});
