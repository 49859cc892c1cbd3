/**
 * Claims decisions. Pure: the handler resolves the policy pack in force on the visit
 * date, the institution's facts and (for a relative's account) the holder's balance,
 * and passes them in; the engine does the arithmetic.
 */
import { assertNever } from '../../kernel/decider';
import { daysBetween, isBeforeInstant, shanghaiDate } from '../../kernel/dates';
import { InvalidInput, PolicyRefusal } from '../../kernel/errors';
import type { PolicyPack } from '../../policy/catalog';
import { cite, type Cited, ledgerRule } from '../../policy/citation';
import { adjudicate } from '../../policy/engine/adjudicate';
import type { AccountRequest, AdjudicationInput, Decision, InstitutionFacts, VisitFacts } from '../../policy/engine/types';
import { personFacts } from '../enrollment/enrollment.state';
import type { PersonState } from '../person-stream';
import type { ClaimsEvent, HistoricalSettlement, VisitSettled } from './claims.events';
import { DeductibleWindow, findSettlement, yearToDate } from './claims.state';

export interface SettleVisitCommand {
  type: 'SettleVisit';
  data: {
    settlementId: string;
    visit: VisitFacts;
    institution: InstitutionFacts;
    /** 'relative' requires the holder's balance, read by the handler. */
    account: AccountRequest;
    /** A family payment already made for this settlement (saga retry): its amount is fixed. */
    familyPayment?: { holderId: string; paymentId: string; amount: string };
    historical?: HistoricalSettlement;
  };
  pack: PolicyPack;
}

export interface ReverseSettlementCommand {
  type: 'ReverseSettlement';
  data: { settlementId: string; reversedAt: string; reason: string };
  /**
   * Days within which a settlement may be reversed, from the pack in force on its visit
   * date (`benefit.reversalWindowDays`: a deployment parameter, no document gives one).
   * The handler passes it for a known, unreversed settlement.
   */
  window?: Cited<number>;
}

export type ClaimsCommand = SettleVisitCommand | ReverseSettlementCommand;

/** Issue 16.3: a pack whose per-visit deductible window looks either side gets the charges around the visit, whatever the year. */
function deductibleWindow(cmd: SettleVisitCommand): DeductibleWindow | undefined {
  return packDeductibleWindow(cmd.pack, cmd.data.visit.occurredAt);
}

/** The same, for a pack and a visit instant (issue 15: re-adjudication under a corrected pack). */
export function packDeductibleWindow(pack: PolicyPack, occurredAt: string): DeductibleWindow | undefined {
  if (pack.kind !== 'city') return undefined;
  const ded = pack.benefit.deductible.value;
  // Stryker disable next-line ConditionalExpression: equivalent because only the per_visit mode has a window (pack schema)
  return ded.mode === 'per_visit' && ded.window === 'either_side' ? { around: occurredAt, hours: ded.windowHours } : undefined;
}

/** The adjudication a settlement would get, without writing (national 2206 pre-settlement). */
export function preSettle(cmd: SettleVisitCommand, state: PersonState): Decision {
  return adjudicate(adjudicationInput(cmd, state), cmd.pack);
}

/** What the engine is given for a settlement; its year-to-date and account are recorded with it. */
function adjudicationInput(cmd: SettleVisitCommand, state: PersonState): AdjudicationInput {
  if (!state.enrollment.personId) throw new PolicyRefusal('NOT_ENROLLED', ledgerRule('person-enrolled'), 'the person was never enrolled');
  const visitDate = shanghaiDate(cmd.data.visit.occurredAt);
  // Instants, not strings: '+08:00' and 'Z' spellings of times do not sort as text (issue 11 item 1).
  if (isBeforeInstant(cmd.data.visit.settledAt, cmd.data.visit.occurredAt))
    throw new InvalidInput('visit.occurredAt', 'must not be after the settlement time');
  const year = Number(visitDate.slice(0, 4));
  const { account } = cmd.data;
  return {
    visit: { ...cmd.data.visit, institution: cmd.data.institution },
    person: personFacts(state.enrollment),
    yearToDate: yearToDate(state.claims, year, deductibleWindow(cmd)),
    account: account.source === 'own' ? withBalance(account, state.account.balance) : account,
  };
}

/** The account request with the balance seen; `balance` first, as in canonical order (the stored event is not copied, issue 10). */
function withBalance(account: AccountRequest, balance: string): AccountRequest {
  const { balance: _requested, ...rest } = account;
  return { balance, ...rest };
}

export function settleVisit(cmd: SettleVisitCommand, state: PersonState): ClaimsEvent[] {
  if (findSettlement(state.claims, cmd.data.settlementId)) {
    throw new PolicyRefusal(
      'DUPLICATE_SETTLEMENT',
      ledgerRule('duplicate-settlement'),
      `settlement ${cmd.data.settlementId} already exists`,
    );
  }
  const sameVisit = state.claims.settlements.find((s) => s.visitId === cmd.data.visit.visitId && !s.reversed);
  if (sameVisit) {
    throw new PolicyRefusal(
      'VISIT_ALREADY_SETTLED',
      ledgerRule('one-settlement-per-visit'),
      `visit ${cmd.data.visit.visitId} is already settled as ${sameVisit.settlementId}`,
    );
  }
  const input = adjudicationInput(cmd, state);
  const decision = adjudicate(input, cmd.pack);
  return [{ type: 'VisitSettled', data: settledData(cmd, input, decision) }];
}

/**
 * VisitSettled's data, members in canonical key order as stored (issue 10: sealing keeps the
 * event uncopied). The usual settlement is one literal: a spread amid members builds the
 * object the slow way, so only a family payment or an imported settlement takes that way.
 */
function settledData(cmd: SettleVisitCommand, input: AdjudicationInput, decision: Decision): VisitSettled['data'] {
  const { familyPayment, historical, institution, settlementId, visit } = cmd.data;
  const { account, yearToDate } = input;
  const policyVersion = decision.policy.version;
  if (familyPayment === undefined && historical === undefined)
    return { account, decision, institution, policyVersion, settlementId, visit, yearToDate };
  return {
    account,
    decision,
    ...(familyPayment
      ? {
          familyPayment: { amount: decision.amounts.relativeAccount, holderId: familyPayment.holderId, paymentId: familyPayment.paymentId },
        }
      : {}),
    ...(historical ? { historical } : {}),
    institution,
    policyVersion,
    settlementId,
    visit,
    yearToDate,
  };
}

/** Reversal within the window restores the cap usage and the account payments. */
export function reverseSettlement(cmd: ReverseSettlementCommand['data'], state: PersonState, window?: Cited<number>): ClaimsEvent[] {
  const s = findSettlement(state.claims, cmd.settlementId);
  if (!s)
    throw new PolicyRefusal('UNKNOWN_SETTLEMENT', ledgerRule('known-settlement'), `no settlement ${cmd.settlementId} for this person`);
  if (s.reversed)
    throw new PolicyRefusal('ALREADY_REVERSED', ledgerRule('reverse-once'), `settlement ${cmd.settlementId} is already reversed`);
  if (!window) throw new Error(`reversing ${cmd.settlementId} needs the reversal window of its pack`);
  const age = daysBetween(shanghaiDate(s.settledAt), shanghaiDate(cmd.reversedAt));
  if (age > window.value) {
    throw new PolicyRefusal(
      'REVERSAL_WINDOW_PASSED',
      cite(window),
      `settled ${age} days ago; reversals are accepted within ${window.value} days`,
    );
  }
  if (age < 0) throw new InvalidInput('reversedAt', 'is before the settlement');
  return [
    {
      type: 'SettlementReversed',
      data: {
        settlementId: s.settlementId,
        reversedAt: cmd.reversedAt,
        reason: cmd.reason,
        fundRestored: s.fund,
        accountRestored: s.account,
        relativeAccountRestored: s.relativeAccount,
        clause: cite(window),
      },
    },
  ];
}

export function decideClaims(command: ClaimsCommand, state: PersonState): ClaimsEvent[] {
  switch (command.type) {
    case 'SettleVisit':
      return settleVisit(command, state);
    case 'ReverseSettlement':
      return reverseSettlement(command.data, state, command.window);
    default:
      return assertNever(command);
  }
}
