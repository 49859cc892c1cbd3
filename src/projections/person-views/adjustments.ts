/**
 * Issue 15 item 3: what the read side keeps of a settlement's corrections. A settlement's
 * `original` figures are its VisitSettled decision (never changed); each SettlementAdjusted
 * replaces the figures in force, so `net` is the last adjustment's and `adjustment` the
 * signed difference net − original (the sum of the adjustments' deltas).
 */
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { Money3, SettlementAdjusted } from '../../corrections/correction.events';
import { fmt, money } from '../../kernel/money';
import { fenOf, fenText } from '../read-models/fen';
import type { PersonCategory } from '../../policy/engine/types';

/** One SettlementAdjusted as a settlement row keeps it. */
export interface AdjustmentRecord {
  correctionId: string;
  disputeId?: string;
  position: number;
  recordedAt: string;
  policyVersion: string;
  /** The category the adjusted decision applied (a category correction changes it). */
  category: PersonCategory;
  /** The reimbursement rate the adjusted decision applied. */
  rate: string;
  adjusted: Money3;
  delta: Money3;
  /** First trace step where the adjusted decision parts from the one before, with its clause. */
  divergence: { step: string; clause: string };
}

export function adjustmentRecordOf(event: Pick<RecordedEvent, 'data' | 'position' | 'metadata'>): AdjustmentRecord {
  const d = event.data as SettlementAdjusted['data'];
  return {
    correctionId: d.correctionId,
    ...(d.disputeId !== undefined ? { disputeId: d.disputeId } : {}),
    position: event.position,
    recordedAt: event.metadata.recordedAt,
    policyVersion: d.policyVersion,
    category: d.decision.category,
    rate: d.decision.amounts.rate,
    adjusted: d.adjusted,
    delta: d.delta,
    divergence: d.divergence,
  };
}

export const ZERO3: Money3 = { fund: '0.00', account: '0.00', cash: '0.00' };

export function minus3(a: Money3, b: Money3): Money3 {
  return {
    fund: fmt(money(a.fund).minus(money(b.fund))),
    account: fmt(money(a.account).minus(money(b.account))),
    cash: fmt(money(a.cash).minus(money(b.cash))),
  };
}

/** `total + amount` in fen; a "0.00" adds nothing (most adjustments and account parts are zero). */
const plusFen = (total: bigint, amount: string): bigint => (amount === '0.00' ? total : total + fenOf(amount));

/**
 * The sum of fen amounts is exact, so one sum formatted once equals formatting after each
 * addition; summed in integer fen, the text (and any InvalidMoney) of the Decimal sum, several
 * times cheaper (issue 10: the read side's running sums, see README "Money on the read side").
 */
export function sum3(items: ReadonlyArray<Money3>): Money3 {
  if (items.length === 0) return ZERO3;
  let fund = 0n;
  let account = 0n;
  let cash = 0n;
  for (const m of items) {
    fund = plusFen(fund, m.fund);
    account = plusFen(account, m.account);
    cash = plusFen(cash, m.cash);
  }
  return { fund: fenText(fund), account: fenText(account), cash: fenText(cash) };
}

/** A money string already as `fmt` prints it (two decimals, no "-0.00"), so formatting it again changes nothing. */
const FORMATTED_MONEY = /^-?(0|[1-9]\d{0,14})\.\d\d$/;
const formatted = (s: string): string => (typeof s === 'string' && FORMATTED_MONEY.test(s) && s !== '-0.00' ? s : fmt(money(s)));

/** `plus3(ZERO3, m)` without parsing amounts that are already formatted (replay summarises every settlement of a year). */
const formatted3 = (m: Money3): Money3 => ({ fund: formatted(m.fund), account: formatted(m.account), cash: formatted(m.cash) });

/** Original, adjustment and net figures of one settlement. */
export interface AdjustedFigures {
  original: Money3;
  adjustment: Money3;
  net: Money3;
}

export function adjustedFigures(original: Money3, adjustments: ReadonlyArray<AdjustmentRecord> | undefined): AdjustedFigures {
  const last = adjustments?.length ? adjustments[adjustments.length - 1].adjusted : undefined;
  const net = formatted3(last ?? original);
  // Unadjusted, net is the original, so the adjustment is exactly zero.
  return { original: formatted3(original), adjustment: last ? minus3(net, original) : { ...ZERO3 }, net };
}
