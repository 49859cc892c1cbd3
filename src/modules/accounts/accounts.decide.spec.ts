import fc from 'fast-check';
import { defaultCatalog } from '../../../test/support/policy';
import { given } from '../../../test/support/given-when-then';
import { money } from '../../kernel/money';
import type { PolicyPack } from '../../policy/catalog';
import type { PersonEnrolled } from '../enrollment/enrollment.events';
import { foldPerson } from '../person-stream';
import { AccountCommand, decideAccount } from './accounts.decide';

const catalog = defaultCatalog();
const nanyang = (date: string): PolicyPack => catalog.resolve('nanyang', 'employee', date)!;

const enrolled: PersonEnrolled = {
  type: 'PersonEnrolled',
  data: {
    personId: 'H1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
    relatives: [
      { personId: 'S1', relation: 'spouse' },
      { personId: 'C1', relation: 'child' },
      { personId: 'B1', relation: 'sibling' },
    ],
  },
};
const retiredInMay = {
  type: 'RetiredStatusChanged',
  data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' },
};
const credit = (month: string, amount: string, category = 'in_service') => ({
  type: 'AccountCredited',
  data: expect.objectContaining({ month, amount, category }),
});
const funded = {
  type: 'AccountCredited',
  data: { month: '2023-01', amount: '120.00', category: 'in_service', basis: {}, clause: 'x', packVersion: 'v' },
};

describe('accounts decider (given events / when command / then events)', () => {
  it('宛政办〔2022〕42号 第八条（一）: in-service credit is 2% of the contribution base (6000.00 → 120.00)', () => {
    given([enrolled])
      .when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-05' }, pack: nanyang('2023-05-01') }, s))
      .then([credit('2023-05', '120.00')]);
  });

  it('宛政办〔2022〕42号 第八条（二）/第十一条: retired from the month after processing: May in-service, June 2% of the configured pension', () => {
    const pension = catalog.resolve('nanyang', 'employee', '2023-06-01')!;
    const g = given([enrolled, retiredInMay]);
    g.when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-05' }, pack: pension }, s)).then([credit('2023-05', '120.00')]);
    // deployment example pension 3000.00 × 2% = 60.00 (config/deployment-policy.json)
    g.when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-06' }, pack: pension }, s)).then([
      credit('2023-06', '60.00', 'retired'),
    ]);
  });

  it('refuses crediting the same month twice', () => {
    given([
      enrolled,
      {
        type: 'AccountCredited',
        data: { month: '2023-05', amount: '120.00', category: 'in_service', basis: {}, clause: 'x', packVersion: 'v' },
      },
    ])
      .when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-05' }, pack: nanyang('2023-05-01') }, s))
      .thenRefuses('ACCOUNT_MONTH_ALREADY_CREDITED');
  });

  it('pays a pharmacy purchase within the balance and refuses beyond it', () => {
    const g = given([enrolled, funded]);
    g.when((s) =>
      decideAccount(
        {
          type: 'PayFromAccount',
          data: { paymentId: 'P1', purpose: 'pharmacy', amount: '120.00', reference: 'r', paidOn: '2023-02-01' },
          pack: nanyang('2023-02-01'),
        },
        s,
      ),
    ).then([
      {
        type: 'AccountPurchasePaid',
        data: {
          paymentId: 'P1',
          purpose: 'pharmacy',
          amount: '120.00',
          reference: 'r',
          paidOn: '2023-02-01',
          clause: expect.stringContaining('第九条'),
        },
      },
    ]);
    g.when((s) =>
      decideAccount(
        {
          type: 'PayFromAccount',
          data: { paymentId: 'P1', purpose: 'pharmacy', amount: '120.01', reference: 'r', paidOn: '2023-02-01' },
          pack: nanyang('2023-02-01'),
        },
        s,
      ),
    ).thenRefuses('ACCOUNT_INSUFFICIENT');
  });

  it('宛政办〔2022〕42号 第十条: the account may not pay public health or fitness', () => {
    for (const purpose of ['public_health', 'fitness_wellness'] as const) {
      given([enrolled, funded])
        .when((s) =>
          decideAccount(
            {
              type: 'PayFromAccount',
              data: { paymentId: 'P1', purpose, amount: '1.00', reference: 'r', paidOn: '2023-02-01' },
              pack: nanyang('2023-02-01'),
            },
            s,
          ),
        )
        .thenRefuses('ACCOUNT_USE_NOT_ALLOWED', /第十条/);
    }
  });

  it('宛政办〔2022〕42号 第九条（二）: pays for a spouse or child; refuses a sibling and an undeclared person', () => {
    const g = given([enrolled, funded]);
    const pay = (beneficiaryId: string) => (s: any) =>
      decideAccount(
        {
          type: 'PayForRelative',
          data: {
            paymentId: `F-${beneficiaryId}`,
            beneficiaryId,
            purpose: 'relative_self_pay',
            amount: '30.00',
            reference: 'inv',
            paidOn: '2023-02-01',
          },
          pack: nanyang('2023-02-01'),
        },
        s,
      );
    g.when(pay('S1')).then([
      {
        type: 'FamilyAccountPayment',
        data: expect.objectContaining({
          beneficiaryId: 'S1',
          relation: 'spouse',
          amount: '30.00',
          clause: expect.stringContaining('第九条'),
        }),
      },
    ]);
    g.when(pay('C1')).then([{ type: 'FamilyAccountPayment', data: expect.objectContaining({ beneficiaryId: 'C1', relation: 'child' }) }]);
    g.when(pay('B1')).thenRefuses('RELATION_NOT_ALLOWED', /宛政办〔2022〕42号 第九条/);
    g.when(pay('X9')).thenRefuses('RELATION_NOT_ALLOWED');
  });

  it('宛政办〔2022〕42号 第十二条: a transfer out moves the whole balance, closes the account and ends the enrollment', () => {
    given([enrolled, funded])
      .when((s) =>
        decideAccount(
          {
            type: 'TransferAccount',
            data: { transferId: 'T1', direction: 'out', counterpartRegion: 'zhengzhou', transferredOn: '2023-03-01' },
            pack: nanyang('2023-03-01'),
          },
          s,
        ),
      )
      .then([
        {
          type: 'AccountTransferred',
          data: {
            transferId: 'T1',
            direction: 'out',
            amount: '120.00',
            counterpartRegion: 'zhengzhou',
            transferredOn: '2023-03-01',
            clause: '宛政办〔2022〕42号 第十二条',
          },
        },
        { type: 'EnrolmentEnded', data: { endedOn: '2023-03-01', reason: 'transfer_out' } },
      ]);
  });

  it('第十二条: one-time payout on death empties the account; then nothing more can be paid', () => {
    const paidOut = [
      {
        type: 'AccountPaidOut',
        data: { reason: 'death', amount: '120.00', paidOn: '2023-04-01', payee: 'heir', clause: '宛政办〔2022〕42号 第十二条' },
      },
      { type: 'EnrolmentEnded', data: { endedOn: '2023-04-01', reason: 'death' } },
    ];
    given([enrolled, funded])
      .when((s) =>
        decideAccount(
          { type: 'PayOutAccount', data: { reason: 'death', paidOn: '2023-04-01', payee: 'heir' }, pack: nanyang('2023-04-01') },
          s,
        ),
      )
      .then(paidOut);
    given([enrolled, funded, ...paidOut])
      .when((s) =>
        decideAccount(
          {
            type: 'PayFromAccount',
            data: { paymentId: 'P2', purpose: 'pharmacy', amount: '1.00', reference: 'r', paidOn: '2023-05-01' },
            pack: nanyang('2023-05-01'),
          },
          s,
        ),
      )
      .thenRefuses('NOT_ENROLLED');
  });

  it('第十二条: inheritance moves the balance to the heir', () => {
    given([enrolled, funded])
      .when((s) => decideAccount({ type: 'BequeathAccount', data: { heirId: 'C1', on: '2023-04-01' }, pack: nanyang('2023-04-01') }, s))
      .then([
        { type: 'AccountBequeathed', data: { heirId: 'C1', amount: '120.00', on: '2023-04-01', clause: '宛政办〔2022〕42号 第十二条' } },
        { type: 'EnrolmentEnded', data: { endedOn: '2023-04-01', reason: 'death' } },
      ]);
  });

  it('a family payment is refunded down to what its settlement keeps, and only once', () => {
    const paid = {
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
    const refunded = { type: 'FamilyAccountPaymentRefunded', data: { paymentId: 'F1', amount: '10.00', reason: 'settlement_recomputed' } };
    given([enrolled, funded, paid])
      .when((s) =>
        decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: 'F1', keep: '20.00', reason: 'settlement_recomputed' } }, s),
      )
      .then([refunded]);
    given([enrolled, funded, paid, refunded])
      .when((s) =>
        decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: 'F1', keep: '20.00', reason: 'settlement_recomputed' } }, s),
      )
      .then([]);
    given([enrolled, funded, paid, refunded])
      .when((s) =>
        decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: 'F1', keep: '0.00', reason: 'settlement_reversed' } }, s),
      )
      .then([{ type: 'FamilyAccountPaymentRefunded', data: { paymentId: 'F1', amount: '20.00', reason: 'settlement_reversed' } }]);
    given([enrolled, funded, paid])
      .when((s) =>
        decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: 'NOPE', keep: '0.00', reason: 'settlement_reversed' } }, s),
      )
      .thenRefuses('UNKNOWN_PAYMENT');
  });
});

describe('accounts invariants (fast-check)', () => {
  const amount = fc.integer({ min: 1, max: 50_000 }).map((fen) => (fen / 100).toFixed(2));
  const command = fc.oneof(
    fc.record({ kind: fc.constant('credit' as const), month: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('pay' as const), amount }),
    fc.record({ kind: fc.constant('family' as const), amount, who: fc.constantFrom('S1', 'C1', 'B1') }),
    fc.record({ kind: fc.constant('refund' as const), amount }),
    fc.record({ kind: fc.constant('transferIn' as const), amount }),
  );

  it('credits − debits = balance at every revision, and the balance is never negative', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (cmds) => {
        const events: Array<{ type: string; data: any }> = [enrolled];
        cmds.forEach((c, i) => {
          const state = foldPerson(events.map((e, r) => ({ ...e, revision: r })));
          let cmd: AccountCommand;
          const pack = nanyang('2023-06-01');
          switch (c.kind) {
            case 'credit':
              cmd = { type: 'CreditMonth', data: { month: `2023-${String(c.month).padStart(2, '0')}` }, pack };
              break;
            case 'pay':
              cmd = {
                type: 'PayFromAccount',
                data: { paymentId: `P${i}`, purpose: 'pharmacy', amount: c.amount, reference: 'r', paidOn: '2023-06-01' },
                pack,
              };
              break;
            case 'family':
              cmd = {
                type: 'PayForRelative',
                data: {
                  paymentId: `F${i}`,
                  beneficiaryId: c.who,
                  purpose: 'relative_self_pay',
                  amount: c.amount,
                  reference: 'r',
                  paidOn: '2023-06-01',
                },
                pack,
              };
              break;
            case 'refund': {
              const open = Object.entries(state.account.familyPayments)[0];
              cmd = {
                type: 'RefundFamilyPayment',
                data: { paymentId: open ? open[0] : 'none', keep: c.amount, reason: 'settlement_reversed' },
              };
              break;
            }
            case 'transferIn':
              cmd = {
                type: 'TransferAccount',
                data: { transferId: `T${i}`, direction: 'in', amount: c.amount, counterpartRegion: 'x', transferredOn: '2023-06-01' },
              };
              break;
          }
          try {
            events.push(...decideAccount(cmd, state));
          } catch (e: any) {
            // Refusals are expected (insufficient balance, sibling, unknown payment); they write nothing.
            if (!['refusal', 'invalid'].includes(e.kind)) throw e;
          }
          const after = foldPerson(events.map((e, r) => ({ ...e, revision: r }))).account;
          expect(money(after.credits).minus(money(after.debits)).eq(money(after.balance))).toBe(true);
          expect(money(after.balance).isNegative()).toBe(false);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("accounts decider: every citation from the pack of the person's region (issue 14 item 1)", () => {
  const jiaozuo = catalog.resolve('jiaozuo', 'employee', '2024-09-01')!;
  const inJiaozuo: PersonEnrolled = { type: 'PersonEnrolled', data: { ...enrolled.data, region: 'jiaozuo', enrolledOn: '2024-08-01' } };
  const ended = { type: 'EnrolmentEnded', data: { endedOn: '2024-08-31', reason: 'transfer_out' } };

  it('a Jiaozuo transfer cites the ledger rule, not Nanyang 第十二条: 焦医保〔2024〕32号 has no account rules', () => {
    given([inJiaozuo])
      .when((s) =>
        decideAccount(
          {
            type: 'TransferAccount',
            data: { transferId: 'T1', direction: 'in', amount: '10.00', counterpartRegion: 'nanyang', transferredOn: '2024-09-01' },
            pack: jiaozuo,
          },
          s,
        ),
      )
      .then([
        expect.objectContaining({
          type: 'AccountTransferred',
          data: expect.objectContaining({ clause: 'ledger rule account-balance-moves-with-person' }),
        }),
      ]);
  });

  it('not enrolled: Jiaozuo cites its own enrollment clause, Nanyang its 第三条', () => {
    given([inJiaozuo, ended])
      .when((s) =>
        decideAccount({ type: 'PayOutAccount', data: { reason: 'death', paidOn: '2024-09-01', payee: 'heir' }, pack: jiaozuo }, s),
      )
      .thenRefuses('NOT_ENROLLED', '焦医保〔2024〕32号 一（一）');
    given([enrolled, { type: 'EnrolmentEnded', data: { endedOn: '2023-03-01', reason: 'transfer_out' } }])
      .when((s) =>
        decideAccount(
          { type: 'PayOutAccount', data: { reason: 'death', paidOn: '2023-04-01', payee: 'heir' }, pack: nanyang('2023-04-01') },
          s,
        ),
      )
      .thenRefuses('NOT_ENROLLED', '宛政办〔2022〕42号 第三条');
  });

  it("ledger rules are named as such: a duplicate payment, an undeclared relative cites the pack's family relations", () => {
    const pay =
      (id: string, beneficiaryId = 'S1') =>
      (s: Parameters<typeof decideAccount>[1]) =>
        decideAccount(
          {
            type: 'PayForRelative',
            data: { paymentId: id, beneficiaryId, purpose: 'relative_self_pay', amount: '1.00', reference: 'r', paidOn: '2023-02-01' },
            pack: nanyang('2023-02-01'),
          },
          s,
        );
    const paid = {
      type: 'FamilyAccountPayment',
      data: {
        paymentId: 'F1',
        beneficiaryId: 'S1',
        relation: 'spouse',
        purpose: 'relative_self_pay',
        amount: '1.00',
        reference: 'r',
        paidOn: '2023-02-01',
        clause: 'c',
      },
    };
    given([enrolled, funded, paid]).when(pay('F1')).thenRefuses('DUPLICATE_PAYMENT', 'ledger rule duplicate-payment');
    given([enrolled, funded]).when(pay('F2', 'X9')).thenRefuses('RELATION_NOT_ALLOWED', '宛政办〔2022〕42号 第九条（二）');
  });
});

describe('accounts decider: the heir side and closed accounts', () => {
  it('第十二条: the heir receives the inherited amount; a zero inheritance writes nothing', () => {
    given([enrolled])
      .when((s) =>
        decideAccount(
          { type: 'ReceiveInheritance', data: { fromPersonId: 'D1', amount: '120.00', on: '2023-04-01' }, pack: nanyang('2023-04-01') },
          s,
        ),
      )
      .then([
        {
          type: 'AccountInherited',
          data: { fromPersonId: 'D1', amount: '120.00', on: '2023-04-01', clause: '宛政办〔2022〕42号 第十二条' },
        },
      ]);
    given([enrolled])
      .when((s) => decideAccount({ type: 'ReceiveInheritance', data: { fromPersonId: 'D1', amount: '0.00', on: '2023-04-01' } }, s))
      .then([]);
  });

  it('refuses a transfer in without an amount and a credit after the account was transferred out', () => {
    given([enrolled])
      .when((s) =>
        decideAccount(
          { type: 'TransferAccount', data: { transferId: 'T9', direction: 'in', counterpartRegion: 'x', transferredOn: '2023-02-01' } },
          s,
        ),
      )
      .thenInvalid('amount');
    const out = [
      {
        type: 'AccountTransferred',
        data: { transferId: 'T1', direction: 'out', amount: '0.00', counterpartRegion: 'x', transferredOn: '2023-03-01', clause: 'c' },
      },
      { type: 'EnrolmentEnded', data: { endedOn: '2023-03-01', reason: 'transfer_out' } },
    ];
    given([enrolled, ...out])
      .when((s) => decideAccount({ type: 'CreditMonth', data: { month: '2023-04' }, pack: nanyang('2023-04-01') }, s))
      .thenRefuses('NOT_ENROLLED');
  });

  it('安医保〔2019〕75号 三: no new account money for Anyang residents', () => {
    const resident = {
      type: 'PersonEnrolled',
      data: { personId: 'R1', scheme: 'resident', category: 'resident', region: 'anyang', enrolledOn: '2020-01-01', relatives: [] },
    };
    given([resident])
      .when((s) =>
        decideAccount({ type: 'CreditMonth', data: { month: '2020-03' }, pack: catalog.resolve('anyang', 'resident', '2020-03-01')! }, s),
      )
      .thenRefuses('ACCOUNT_CREDIT_NOT_PROVIDED', /安医保〔2019〕75号 三/);
  });
});
