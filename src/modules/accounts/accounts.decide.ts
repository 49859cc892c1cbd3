/**
 * Personal-account decisions. Pure: the policy pack in force (for the person's region, on
 * the command's date) is resolved by the handler and passed in the command; every value
 * and citation comes from it (its `account` section), or is a named ledger rule.
 */
import { assertNever } from '../../kernel/decider';
import { LocalDate } from '../../kernel/dates';
import { InvalidInput, PolicyRefusal } from '../../kernel/errors';
import { fmt, money } from '../../kernel/money';
import { accountMayPay, balanceClause, familyUseAllowed, monthlyAccountCredit } from '../../policy/account-rules';
import type { PolicyPack } from '../../policy/catalog';
import { ledgerRule } from '../../policy/citation';
import { enrollmentClause } from '../../policy/person-rules';
import type { EnrollmentEvent } from '../enrollment/enrollment.events';
import { categoryOn, contributionBaseOn } from '../enrollment/enrollment.state';
import type { PersonState } from '../person-stream';
import type { AccountEvent, AccountPurchasePaid, FamilyAccountPayment } from './accounts.events';

export type AccountCommand =
  | { type: 'CreditMonth'; data: { month: string }; pack: PolicyPack }
  | {
      type: 'PayFromAccount';
      data: { paymentId: string; purpose: AccountPurchasePaid['data']['purpose']; amount: string; reference: string; paidOn: LocalDate };
      pack: PolicyPack;
    }
  | {
      type: 'PayForRelative';
      data: {
        paymentId: string;
        beneficiaryId: string;
        purpose: FamilyAccountPayment['data']['purpose'];
        amount: string;
        settlementId?: string;
        reference: string;
        paidOn: LocalDate;
      };
      pack: PolicyPack;
    }
  | {
      type: 'RefundFamilyPayment';
      data: {
        paymentId: string;
        keep: string;
        reason: 'settlement_reversed' | 'settlement_not_completed' | 'settlement_recomputed' | 'settlement_not_recorded';
      };
    }
  /** `pack`: in force on the command's date, where one is (its balance rule is cited; absent = a ledger rule). */
  | {
      type: 'TransferAccount';
      data: { transferId: string; direction: 'out' | 'in'; amount?: string; counterpartRegion: string; transferredOn: LocalDate };
      pack?: PolicyPack;
    }
  | {
      type: 'PayOutAccount';
      data: { reason: 'death' | 'emigration' | 'voluntary_exit'; paidOn: LocalDate; payee: string };
      pack?: PolicyPack;
    }
  | { type: 'BequeathAccount'; data: { heirId: string; on: LocalDate }; pack?: PolicyPack }
  | { type: 'ReceiveInheritance'; data: { fromPersonId: string; amount: string; on: LocalDate }; pack?: PolicyPack };

type Out = Array<AccountEvent | EnrollmentEvent>;

function requireOpenAccount(state: PersonState, pack: PolicyPack | undefined): void {
  if (!state.enrollment.enrolled)
    throw new PolicyRefusal('NOT_ENROLLED', enrollmentClause(pack), 'the person is not (or no longer) enrolled');
  if (state.account.closed) throw new PolicyRefusal('ACCOUNT_CLOSED', balanceClause(pack), 'the account was transferred out or paid out');
}

function requireFunds(state: PersonState, amount: string, clause: string): void {
  if (money(amount).greaterThan(money(state.account.balance))) {
    throw new PolicyRefusal('ACCOUNT_INSUFFICIENT', clause, `account balance ${state.account.balance} is less than ${amount}`, {
      balance: state.account.balance,
      requested: amount,
    });
  }
}

function requirePositive(field: string, amount: string): void {
  if (!money(amount).greaterThan(0)) throw new InvalidInput(field, 'must be greater than 0');
}

/** The pack's monthly credit (`account.credits`), by the category in force on the month's first day (`account.categorySwitch`). */
export function creditMonth(cmd: { month: string }, pack: PolicyPack, state: PersonState): Out {
  requireOpenAccount(state, pack);
  if (state.account.creditedMonths.includes(cmd.month)) {
    throw new PolicyRefusal(
      'ACCOUNT_MONTH_ALREADY_CREDITED',
      ledgerRule('account-month-credited-once'),
      `month ${cmd.month} is already credited`,
    );
  }
  const firstDay = `${cmd.month}-01`;
  const enrolledFrom = state.enrollment.enrollments[state.enrollment.enrollments.length - 1].from;
  if (`${cmd.month}-31` < enrolledFrom)
    throw new PolicyRefusal('BEFORE_ENROLMENT', enrollmentClause(pack), `month ${cmd.month} is before the enrollment (${enrolledFrom})`, {
      field: 'month',
    });
  const category = categoryOn(state.enrollment, firstDay) ?? state.enrollment.categoryTimeline[0].category;
  const contributionBase = contributionBaseOn(state.enrollment, firstDay) ?? state.enrollment.contributionBases[0]?.amount;
  const credit = monthlyAccountCredit(pack, category, { contributionBase });
  return [
    {
      type: 'AccountCredited',
      data: {
        month: cmd.month,
        amount: credit.amount,
        category,
        basis: Object.fromEntries(Object.entries(credit.trace.inputs).map(([k, v]) => [k, String(v)])),
        clause: credit.clause,
        packVersion: pack.version,
      },
    },
  ];
}

export function payFromAccount(
  cmd: Extract<AccountCommand, { type: 'PayFromAccount' }>['data'],
  pack: PolicyPack,
  state: PersonState,
): Out {
  requireOpenAccount(state, pack);
  requirePositive('amount', cmd.amount);
  if (state.account.paymentIds.includes(cmd.paymentId))
    throw new PolicyRefusal('DUPLICATE_PAYMENT', ledgerRule('duplicate-payment'), `payment ${cmd.paymentId} already recorded`);
  const may = accountMayPay(pack, cmd.purpose);
  if (!may.allowed) throw new PolicyRefusal('ACCOUNT_USE_NOT_ALLOWED', may.clause, `the personal account may not pay for ${cmd.purpose}`);
  requireFunds(state, cmd.amount, may.clause);
  return [{ type: 'AccountPurchasePaid', data: { ...cmd, amount: fmt(money(cmd.amount)), clause: may.clause } }];
}

/** The pack's `account.familyRelations` (宛政办 第九条（二）: spouse, parents, children); the relation is the holder's own declaration. */
export function payForRelative(
  cmd: Extract<AccountCommand, { type: 'PayForRelative' }>['data'],
  pack: PolicyPack,
  state: PersonState,
): Out {
  requireOpenAccount(state, pack);
  requirePositive('amount', cmd.amount);
  if (state.account.paymentIds.includes(cmd.paymentId))
    throw new PolicyRefusal('DUPLICATE_PAYMENT', ledgerRule('duplicate-payment'), `payment ${cmd.paymentId} already recorded`);
  const relative = state.enrollment.relatives.find((r) => r.personId === cmd.beneficiaryId);
  if (!relative) {
    throw new PolicyRefusal(
      'RELATION_NOT_ALLOWED',
      familyUseAllowed(pack, 'undeclared').clause,
      `person ${cmd.beneficiaryId} is not a declared relative of the account holder`,
    );
  }
  const allowed = familyUseAllowed(pack, relative.relation);
  if (!allowed.allowed) {
    throw new PolicyRefusal(
      'RELATION_NOT_ALLOWED',
      allowed.clause,
      `a ${relative.relation} may not be paid for from the account (spouse, parents and children only)`,
      {
        relation: relative.relation,
      },
    );
  }
  const may = accountMayPay(pack, cmd.purpose);
  if (!may.allowed) throw new PolicyRefusal('ACCOUNT_USE_NOT_ALLOWED', may.clause, `the personal account may not pay for ${cmd.purpose}`);
  requireFunds(state, cmd.amount, may.clause);
  return [
    { type: 'FamilyAccountPayment', data: { ...cmd, amount: fmt(money(cmd.amount)), relation: relative.relation, clause: allowed.clause } },
  ];
}

/**
 * Gives back what a family payment holds beyond `keep` (what its settlement still uses).
 * Stated as a target rather than an amount, it is idempotent: deciding it again on the
 * new state refunds nothing more, so retries and racing reconciliations cannot refund twice.
 */
export function refundFamilyPayment(cmd: Extract<AccountCommand, { type: 'RefundFamilyPayment' }>['data'], state: PersonState): Out {
  const payment = state.account.familyPayments[cmd.paymentId];
  if (!payment) throw new PolicyRefusal('UNKNOWN_PAYMENT', ledgerRule('known-family-payment'), `no family payment ${cmd.paymentId}`);
  const excess = money(payment.outstanding).minus(money(cmd.keep));
  if (!excess.greaterThan(0)) return [];
  return [{ type: 'FamilyAccountPaymentRefunded', data: { paymentId: cmd.paymentId, amount: fmt(excess), reason: cmd.reason } }];
}

/** The pack's `account.balance` (宛政办 第十二条): the balance moves with the person; moving out empties and closes the account. */
export function transferAccount(
  cmd: Extract<AccountCommand, { type: 'TransferAccount' }>['data'],
  state: PersonState,
  pack?: PolicyPack,
): Out {
  if (state.account.transferIds.includes(cmd.transferId))
    throw new PolicyRefusal('DUPLICATE_TRANSFER', ledgerRule('duplicate-transfer'), `transfer ${cmd.transferId} already recorded`);
  const clause = balanceClause(pack);
  if (cmd.direction === 'in') {
    if (!state.enrollment.enrolled)
      throw new PolicyRefusal('NOT_ENROLLED', enrollmentClause(pack), 'enrol the person before transferring an account in');
    if (!cmd.amount) throw new InvalidInput('amount', 'is required for a transfer in');
    requirePositive('amount', cmd.amount);
    return [{ type: 'AccountTransferred', data: { ...cmd, amount: fmt(money(cmd.amount)), clause } }];
  }
  requireOpenAccount(state, pack);
  if (cmd.amount !== undefined && money(cmd.amount).comparedTo(money(state.account.balance)) !== 0) {
    throw new PolicyRefusal(
      'TRANSFER_OUT_NOT_WHOLE_BALANCE',
      clause,
      `a transfer out moves the whole balance (${state.account.balance}), not ${cmd.amount}`,
      {
        field: 'amount',
      },
    );
  }
  return [
    {
      type: 'AccountTransferred',
      data: {
        transferId: cmd.transferId,
        direction: 'out',
        amount: state.account.balance,
        counterpartRegion: cmd.counterpartRegion,
        transferredOn: cmd.transferredOn,
        clause,
      },
    },
    { type: 'EnrolmentEnded', data: { endedOn: cmd.transferredOn, reason: 'transfer_out' } },
  ];
}

/** The pack's `account.balance` (宛政办 第十二条): one-time payout on emigration, death or voluntary exit. */
export function payOutAccount(cmd: Extract<AccountCommand, { type: 'PayOutAccount' }>['data'], state: PersonState, pack?: PolicyPack): Out {
  requireOpenAccount(state, pack);
  const clause = balanceClause(pack);
  return [
    { type: 'AccountPaidOut', data: { reason: cmd.reason, amount: state.account.balance, paidOn: cmd.paidOn, payee: cmd.payee, clause } },
    { type: 'EnrolmentEnded', data: { endedOn: cmd.paidOn, reason: cmd.reason } },
  ];
}

/** The pack's `account.balance` (宛政办 第十二条): inheritance, the deceased's side; the heir's stream receives `AccountInherited`. */
export function bequeathAccount(
  cmd: Extract<AccountCommand, { type: 'BequeathAccount' }>['data'],
  state: PersonState,
  pack?: PolicyPack,
): Out {
  requireOpenAccount(state, pack);
  if (cmd.heirId === state.enrollment.personId) throw new InvalidInput('heirId', 'must be another person');
  const clause = balanceClause(pack);
  return [
    { type: 'AccountBequeathed', data: { heirId: cmd.heirId, amount: state.account.balance, on: cmd.on, clause } },
    { type: 'EnrolmentEnded', data: { endedOn: cmd.on, reason: 'death' } },
  ];
}

export function receiveInheritance(
  cmd: Extract<AccountCommand, { type: 'ReceiveInheritance' }>['data'],
  state: PersonState,
  pack?: PolicyPack,
): Out {
  requireOpenAccount(state, pack);
  if (money(cmd.amount).isZero()) return [];
  return [{ type: 'AccountInherited', data: { ...cmd, amount: fmt(money(cmd.amount)), clause: balanceClause(pack) } }];
}

export function decideAccount(command: AccountCommand, state: PersonState): Out {
  switch (command.type) {
    case 'CreditMonth':
      return creditMonth(command.data, command.pack, state);
    case 'PayFromAccount':
      return payFromAccount(command.data, command.pack, state);
    case 'PayForRelative':
      return payForRelative(command.data, command.pack, state);
    case 'RefundFamilyPayment':
      return refundFamilyPayment(command.data, state);
    case 'TransferAccount':
      return transferAccount(command.data, state, command.pack);
    case 'PayOutAccount':
      return payOutAccount(command.data, state, command.pack);
    case 'BequeathAccount':
      return bequeathAccount(command.data, state, command.pack);
    case 'ReceiveInheritance':
      return receiveInheritance(command.data, state, command.pack);
    default:
      return assertNever(command);
  }
}
