/**
 * Issue 15 item 3: what the read side keeps of a settlement's corrections. A settlement's
 * `original` figures are its VisitSettled decision (never changed); each SettlementAdjusted
 * replaces the figures in force, so `net` is the last adjustment's and `adjustment` the
 * signed difference net − original (the sum of the adjustments' deltas).
 */
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { Money3, SettlementAdjusted } from '../../corrections/correction.events';
import { fmt, money } from '../../kernel/money';
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

export function plus3(a: Money3, b: Money3): Money3 {
  return {
    fund: fmt(money(a.fund).plus(money(b.fund))),
    account: fmt(money(a.account).plus(money(b.account))),
    cash: fmt(money(a.cash).plus(money(b.cash))),
  };
}

export function minus3(a: Money3, b: Money3): Money3 {
  return {
    fund: fmt(money(a.fund).minus(money(b.fund))),
    account: fmt(money(a.account).minus(money(b.account))),
    cash: fmt(money(a.cash).minus(money(b.cash))),
  };
}

export const sum3 = (items: ReadonlyArray<Money3>): Money3 => items.reduce(plus3, ZERO3);

/** Original, adjustment and net figures of one settlement. */
export interface AdjustedFigures {
  original: Money3;
  adjustment: Money3;
  net: Money3;
}

export function adjustedFigures(original: Money3, adjustments: ReadonlyArray<AdjustmentRecord> | undefined): AdjustedFigures {
  const last = adjustments?.length ? adjustments[adjustments.length - 1].adjusted : undefined;
  const net = last ? plus3(ZERO3, last) : plus3(ZERO3, original);
  return { original: plus3(ZERO3, original), adjustment: minus3(net, original), net };
}
