/**
 * Issue 17: the account decider's refusals and guards that mutation testing showed untested
 * (宛政办〔2022〕42号 第九条–第十二条). Given events / when command / then events or refusal.
 */
import { defaultCatalog } from '../../../test/support/policy';
import { given } from '../../../test/support/given-when-then';
import type { PolicyPack } from '../../policy/catalog';
import type { PersonEnrolled } from '../enrollment/enrollment.events';
import { AccountCommand, decideAccount } from './accounts.decide';

const catalog = defaultCatalog();
const pack: PolicyPack = catalog.resolve('nanyang', 'employee', '2023-02-01')!;
const ART12 = '宛政办〔2022〕42号 第十二条';

const enrolled: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: {
    personId: 'H1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
    relatives: [{ personId: 'S1', relation: 'spouse' }],
  },
};
const funded = {
  type: 'AccountCredited',
  data: { month: '2023-01', amount: '120.00', category: 'in_service', basis: {}, clause: 'x', packVersion: 'v' },
};
const paidP1 = {
  type: 'AccountPurchasePaid',
  data: { paymentId: 'P1', purpose: 'pharmacy', amount: '10.00', reference: 'r', paidOn: '2023-02-01', clause: 'c' },
};
const transferredOut = [
  {
    type: 'AccountTransferred',
    data: {
      transferId: 'T1',
      direction: 'out',
      amount: '120.00',
      counterpartRegion: 'zhengzhou',
      transferredOn: '2023-03-01',
      clause: ART12,
    },
  },
  { type: 'EnrolmentEnded', data: { endedOn: '2023-03-01', reason: 'transfer_out' } },
];
/** Enrolled again after moving the account out: enrolled, but the old account stays closed. */
const reEnrolled = { ...enrolled, data: { ...enrolled.data, enrolledOn: '2023-06-01' } };

const pay = (amount: string, paymentId = 'P2'): AccountCommand => ({
  type: 'PayFromAccount',
  data: { paymentId, purpose: 'pharmacy', amount, reference: 'r', paidOn: '2023-02-01' },
  pack,
});
const payRelative = (amount: string, paymentId = 'F2'): AccountCommand => ({
  type: 'PayForRelative',
  data: { paymentId, beneficiaryId: 'S1', purpose: 'relative_self_pay', amount, reference: 'r', paidOn: '2023-02-01' },
  pack,
});
const transfer = (direction: 'in' | 'out', amount?: string, transferId = 'T2'): AccountCommand => ({
  type: 'TransferAccount',
  data: { transferId, direction, ...(amount === undefined ? {} : { amount }), counterpartRegion: 'zhengzhou', transferredOn: '2023-07-01' },
  pack,
});

describe('payments must be positive (a negative payment would raise the balance)', () => {
  it.each(['0.00', '-5.00'])('PayFromAccount of %s is refused as invalid input naming the amount', (amount) => {
    given([enrolled, funded])
      .when((s) => decideAccount(pay(amount), s))
      .thenInvalid('amount');
  });
  it.each(['0.00', '-5.00'])('PayForRelative of %s is refused as invalid input naming the amount', (amount) => {
    given([enrolled, funded])
      .when((s) => decideAccount(payRelative(amount), s))
      .thenInvalid('amount');
  });
  it.each(['0.00', '-5.00'])('a transfer in of %s is refused as invalid input naming the amount', (amount) => {
    given([enrolled])
      .when((s) => decideAccount(transfer('in', amount), s))
      .thenInvalid('amount');
  });
  it('the smallest payment, 0.01, is paid', () => {
    given([enrolled, funded])
      .when((s) => decideAccount(pay('0.01'), s))
      .then([{ type: 'AccountPurchasePaid', data: expect.objectContaining({ paymentId: 'P2', amount: '0.01' }) }]);
  });
});

describe('a retried payment or transfer is not debited twice', () => {
  it('宛政办〔2022〕42号 第九条: a second PayFromAccount with the same payment id is DUPLICATE_PAYMENT', () => {
    given([enrolled, funded, paidP1])
      .when((s) => decideAccount(pay('10.00', 'P1'), s))
      .thenRefuses('DUPLICATE_PAYMENT', 'ledger rule duplicate-payment');
  });
  it('a family payment reusing a payment id is DUPLICATE_PAYMENT', () => {
    given([enrolled, funded, paidP1])
      .when((s) => decideAccount(payRelative('10.00', 'P1'), s))
      .thenRefuses('DUPLICATE_PAYMENT', 'ledger rule duplicate-payment');
  });
  it('第十二条: a transfer id already recorded is DUPLICATE_TRANSFER, whichever the direction', () => {
    const transferredIn = {
      type: 'AccountTransferred',
      data: {
        transferId: 'T2',
        direction: 'in',
        amount: '50.00',
        counterpartRegion: 'zhengzhou',
        transferredOn: '2023-02-01',
        clause: ART12,
      },
    };
    given([enrolled, transferredIn])
      .when((s) => decideAccount(transfer('in', '50.00'), s))
      .thenRefuses('DUPLICATE_TRANSFER', 'ledger rule duplicate-transfer');
    given([enrolled, transferredIn])
      .when((s) => decideAccount(transfer('out'), s))
      .thenRefuses('DUPLICATE_TRANSFER', 'ledger rule duplicate-transfer');
  });
});

describe('第十二条: transfers', () => {
  it('a transfer in credits the amount, formatted to the fen', () => {
    given([enrolled])
      .when((s) => decideAccount(transfer('in', '50.5'), s))
      .then([
        {
          type: 'AccountTransferred',
          data: {
            transferId: 'T2',
            direction: 'in',
            amount: '50.50',
            counterpartRegion: 'zhengzhou',
            transferredOn: '2023-07-01',
            clause: ART12,
          },
        },
      ]);
  });
  it('a transfer in for a person not enrolled is NOT_ENROLLED', () => {
    given([enrolled, ...transferredOut])
      .when((s) => decideAccount(transfer('in', '50.00'), s))
      .thenRefuses('NOT_ENROLLED', '宛政办〔2022〕42号 第三条');
  });
  it('a transfer out naming an amount other than the balance is refused; the balance in another spelling is accepted', () => {
    given([enrolled, funded])
      .when((s) => decideAccount(transfer('out', '100.00'), s))
      .thenRefuses('TRANSFER_OUT_NOT_WHOLE_BALANCE', '宛政办〔2022〕42号 第十二条');
    given([enrolled, funded])
      .when((s) => decideAccount(transfer('out', '120.01'), s))
      .thenRefuses('TRANSFER_OUT_NOT_WHOLE_BALANCE');
    given([enrolled, funded])
      .when((s) => decideAccount(transfer('out', '120'), s))
      .then([
        {
          type: 'AccountTransferred',
          data: {
            transferId: 'T2',
            direction: 'out',
            amount: '120.00',
            counterpartRegion: 'zhengzhou',
            transferredOn: '2023-07-01',
            clause: ART12,
          },
        },
        { type: 'EnrolmentEnded', data: { endedOn: '2023-07-01', reason: 'transfer_out' } },
      ]);
  });
});

describe('a closed account (transferred or paid out) pays nothing, even after re-enrollment', () => {
  const closed = [enrolled, funded, ...transferredOut, reEnrolled];
  it.each<[string, AccountCommand]>([
    ['PayFromAccount', pay('1.00')],
    ['PayForRelative', payRelative('1.00')],
    ['CreditMonth', { type: 'CreditMonth', data: { month: '2023-07' }, pack }],
    ['TransferAccount out', transfer('out')],
    ['PayOutAccount', { type: 'PayOutAccount', data: { reason: 'voluntary_exit', paidOn: '2023-07-01', payee: 'H1' }, pack }],
    ['BequeathAccount', { type: 'BequeathAccount', data: { heirId: 'S1', on: '2023-07-01' }, pack }],
    ['ReceiveInheritance', { type: 'ReceiveInheritance', data: { fromPersonId: 'D1', amount: '5.00', on: '2023-07-01' }, pack }],
  ])('%s is refused with ACCOUNT_CLOSED (第十二条)', (_name, command) => {
    given(closed)
      .when((s) => decideAccount(command, s))
      .thenRefuses('ACCOUNT_CLOSED', ART12);
  });
  it('the person re-enrolled is enrolled: the refusal is the closed account, not enrollment', () => {
    expect(given(closed).state.enrollment.enrolled).toBe(true);
    expect(given(closed).state.account.closed).toBe(true);
  });
});

describe('第十二条: inheritance', () => {
  it('naming oneself as heir is invalid input naming heirId', () => {
    given([enrolled, funded])
      .when((s) => decideAccount({ type: 'BequeathAccount', data: { heirId: 'H1', on: '2023-04-01' }, pack }, s))
      .thenInvalid('heirId');
  });
  it('an inheritance is formatted to the fen', () => {
    given([enrolled])
      .when((s) => decideAccount({ type: 'ReceiveInheritance', data: { fromPersonId: 'D1', amount: '7.5', on: '2023-04-01' }, pack }, s))
      .then([{ type: 'AccountInherited', data: { fromPersonId: 'D1', amount: '7.50', on: '2023-04-01', clause: ART12 } }]);
  });
  it('a payout or bequest by a person not enrolled is NOT_ENROLLED', () => {
    given([enrolled, ...transferredOut])
      .when((s) => decideAccount({ type: 'PayOutAccount', data: { reason: 'death', paidOn: '2023-04-01', payee: 'x' }, pack }, s))
      .thenRefuses('NOT_ENROLLED');
  });
});

describe('funds and amounts', () => {
  it('paying exactly the balance is allowed; a relative’s payment beyond it is ACCOUNT_INSUFFICIENT with the figures', () => {
    given([enrolled, funded])
      .when((s) => decideAccount(pay('120.00'), s))
      .then([{ type: 'AccountPurchasePaid', data: expect.objectContaining({ amount: '120.00' }) }]);
    given([enrolled, funded])
      .when((s) => decideAccount(payRelative('120.00'), s))
      .then([{ type: 'FamilyAccountPayment', data: expect.objectContaining({ amount: '120.00', relation: 'spouse' }) }]);
    let thrown: any;
    try {
      decideAccount(payRelative('120.01'), given([enrolled, funded]).state);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      code: 'ACCOUNT_INSUFFICIENT',
      clause: expect.stringMatching(/^宛政办〔2022〕42号 /),
      message: 'account balance 120.00 is less than 120.01',
      details: { balance: '120.00', requested: '120.01' },
    });
  });
  it('a relative’s payment for a purpose the account may not pay is ACCOUNT_USE_NOT_ALLOWED', () => {
    given([enrolled, funded])
      .when((s) =>
        decideAccount(
          {
            type: 'PayForRelative',
            data: {
              paymentId: 'F3',
              beneficiaryId: 'S1',
              purpose: 'fitness_wellness' as never,
              amount: '1.00',
              reference: 'r',
              paidOn: '2023-02-01',
            },
            pack,
          },
          s,
        ),
      )
      .thenRefuses('ACCOUNT_USE_NOT_ALLOWED', /第十条/);
  });
  it('amounts are written to the fen: 9.5 → 9.50', () => {
    given([enrolled, funded])
      .when((s) => decideAccount(pay('9.5'), s))
      .then([{ type: 'AccountPurchasePaid', data: expect.objectContaining({ amount: '9.50' }) }]);
    given([enrolled, funded])
      .when((s) => decideAccount(payRelative('9.5'), s))
      .then([{ type: 'FamilyAccountPayment', data: expect.objectContaining({ amount: '9.50' }) }]);
  });
});

describe('第八条: monthly credit and the enrollment month', () => {
  const late = { ...enrolled, data: { ...enrolled.data, enrolledOn: '2023-03-31' } };
  it('the month of enrollment is credited, even when enrolled on its last day; the month before is refused', () => {
    given([late])
      .when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-03' }, pack }, s))
      .then([{ type: 'AccountCredited', data: expect.objectContaining({ month: '2023-03', amount: '120.00' }) }]);
    given([late])
      .when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-02' }, pack }, s))
      .thenRefuses('BEFORE_ENROLMENT', '宛政办〔2022〕42号 第三条');
  });
  it('the credit records its basis, clause and pack version', () => {
    given([enrolled])
      .when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-02' }, pack }, s))
      .then([
        {
          type: 'AccountCredited',
          data: {
            month: '2023-02',
            amount: '120.00',
            category: 'in_service',
            basis: { category: 'in_service', contributionBase: '6000.00', share: '0.02' },
            clause: '宛政办〔2022〕42号 第八条（一）',
            packVersion: pack.version,
          },
        },
      ]);
  });
});

/** The refusal a decision throws, with its code or field, clause and message (what the 400/422 body carries). */
function refusalOf(events: Array<{ type: string; data: unknown }>, command: AccountCommand): Record<string, unknown> {
  try {
    decideAccount(command, given(events).state);
  } catch (e) {
    return { ...(e as object), message: (e as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('what the refusal says (code or field, clause, message)', () => {
  const paidF1 = {
    type: 'FamilyAccountPayment',
    data: {
      paymentId: 'F1',
      beneficiaryId: 'S1',
      relation: 'spouse',
      purpose: 'relative_self_pay',
      amount: '30.00',
      reference: 'r',
      paidOn: '2023-02-01',
      clause: 'c',
    },
  };
  const withSibling = { ...enrolled, data: { ...enrolled.data, relatives: [{ personId: 'B1', relation: 'sibling' as const }] } };
  it.each<[string, Array<{ type: string; data: unknown }>, AccountCommand, Record<string, unknown>]>([
    [
      'not enrolled',
      [enrolled, ...transferredOut],
      pay('1.00'),
      { code: 'NOT_ENROLLED', clause: '宛政办〔2022〕42号 第三条', message: 'the person is not (or no longer) enrolled' },
    ],
    [
      'closed',
      [enrolled, funded, ...transferredOut, reEnrolled],
      pay('1.00'),
      { code: 'ACCOUNT_CLOSED', clause: ART12, message: 'the account was transferred out or paid out' },
    ],
    ['amount 0', [enrolled, funded], pay('0'), { field: 'amount', message: 'amount: must be greater than 0' }],
    [
      'month credited',
      [enrolled, funded],
      { type: 'CreditMonth', data: { month: '2023-01' }, pack },
      {
        code: 'ACCOUNT_MONTH_ALREADY_CREDITED',
        clause: 'ledger rule account-month-credited-once',
        message: 'month 2023-01 is already credited',
      },
    ],
    [
      'month before enrollment',
      [enrolled],
      { type: 'CreditMonth', data: { month: '2022-12' }, pack },
      { code: 'BEFORE_ENROLMENT', clause: '宛政办〔2022〕42号 第三条', message: 'month 2022-12 is before the enrollment (2023-01-01)' },
    ],
    [
      'duplicate payment',
      [enrolled, funded, paidP1],
      pay('1.00', 'P1'),
      { code: 'DUPLICATE_PAYMENT', clause: 'ledger rule duplicate-payment', message: 'payment P1 already recorded' },
    ],
    [
      'duplicate family payment',
      [enrolled, funded, paidP1],
      payRelative('1.00', 'P1'),
      { code: 'DUPLICATE_PAYMENT', clause: 'ledger rule duplicate-payment', message: 'payment P1 already recorded' },
    ],
    [
      'purpose',
      [enrolled, funded],
      {
        type: 'PayFromAccount',
        data: { paymentId: 'P9', purpose: 'fitness_wellness', amount: '1.00', reference: 'r', paidOn: '2023-02-01' },
        pack,
      },
      { code: 'ACCOUNT_USE_NOT_ALLOWED', message: 'the personal account may not pay for fitness_wellness' },
    ],
    [
      'relative purpose',
      [enrolled, funded],
      {
        type: 'PayForRelative',
        data: {
          paymentId: 'F9',
          beneficiaryId: 'S1',
          purpose: 'public_health' as never,
          amount: '1.00',
          reference: 'r',
          paidOn: '2023-02-01',
        },
        pack,
      },
      { code: 'ACCOUNT_USE_NOT_ALLOWED', message: 'the personal account may not pay for public_health' },
    ],
    [
      'undeclared person',
      [enrolled, funded],
      { ...payRelative('1.00'), data: { ...(payRelative('1.00').data as object), beneficiaryId: 'X9' } } as AccountCommand,
      {
        code: 'RELATION_NOT_ALLOWED',
        clause: '宛政办〔2022〕42号 第九条（二）',
        message: 'person X9 is not a declared relative of the account holder',
      },
    ],
    [
      'sibling',
      [withSibling, funded],
      { ...payRelative('1.00'), data: { ...(payRelative('1.00').data as object), beneficiaryId: 'B1' } } as AccountCommand,
      {
        code: 'RELATION_NOT_ALLOWED',
        clause: expect.stringMatching(/^宛政办〔2022〕42号 第九条/),
        message: 'a sibling may not be paid for from the account (spouse, parents and children only)',
        details: { relation: 'sibling' },
      },
    ],
    [
      'unknown family payment',
      [enrolled, funded, paidF1],
      { type: 'RefundFamilyPayment', data: { paymentId: 'F0', keep: '0', reason: 'settlement_reversed' } },
      { code: 'UNKNOWN_PAYMENT', clause: 'ledger rule known-family-payment', message: 'no family payment F0' },
    ],
    [
      'duplicate transfer',
      [
        enrolled,
        {
          type: 'AccountTransferred',
          data: {
            transferId: 'T2',
            direction: 'in',
            amount: '5.00',
            counterpartRegion: 'x',
            transferredOn: '2023-02-01',
            clause: 'ledger rule duplicate-transfer',
          },
        },
      ],
      transfer('in', '5.00'),
      { code: 'DUPLICATE_TRANSFER', clause: 'ledger rule duplicate-transfer', message: 'transfer T2 already recorded' },
    ],
    [
      'transfer in, not enrolled',
      [enrolled, ...transferredOut],
      transfer('in', '5.00'),
      { code: 'NOT_ENROLLED', clause: '宛政办〔2022〕42号 第三条', message: 'enrol the person before transferring an account in' },
    ],
    ['transfer in, no amount', [enrolled], transfer('in'), { field: 'amount', message: 'amount: is required for a transfer in' }],
    [
      'transfer out, other amount',
      [enrolled, funded],
      transfer('out', '1.00'),
      {
        code: 'TRANSFER_OUT_NOT_WHOLE_BALANCE',
        clause: '宛政办〔2022〕42号 第十二条',
        message: 'a transfer out moves the whole balance (120.00), not 1.00',
      },
    ],
    [
      'self as heir',
      [enrolled, funded],
      { type: 'BequeathAccount', data: { heirId: 'H1', on: '2023-04-01' }, pack },
      { field: 'heirId', message: 'heirId: must be another person' },
    ],
  ])('%s', (_name, events, command, expected) => {
    expect(refusalOf(events, command)).toMatchObject(expected);
  });

  it('an unknown command type is a programming error, not a silent no-op', () => {
    expect(() => decideAccount({ type: 'Nope' } as never, given([enrolled]).state)).toThrow(/unhandled case/);
  });
});
