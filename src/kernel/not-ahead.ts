import { instantMs, shanghaiDateOfMs } from './dates';
import { InvalidInput } from './errors';

/**
 * How far a caller's clock may run ahead of the ledger's: a hospital or agency host without
 * time sync drifts by seconds to minutes. More than that is a typed date (2099-12-31) or a
 * wrong clock, and would stand in an event that cannot change.
 */
export const AHEAD_TOLERANCE_MS = 5 * 60_000;

/** The latest Asia/Shanghai day a fact recorded now may bear (the tolerance covers a caller a few minutes past midnight). */
export function latestRecordableDay(now: Date): string {
  return shanghaiDateOfMs(now.getTime() + AHEAD_TOLERANCE_MS);
}

/**
 * A day ('YYYY-MM-DD') or month ('YYYY-MM') on which something happened (a payment made, a
 * retirement processed, an admission, a month credited) is not later than the ledger's date.
 * Dates that plan ahead (an enrolment from next year, a referral's validity) are not checked.
 */
export function checkHappened(field: string, dayOrMonth: string, now: Date): void {
  const today = latestRecordableDay(now);
  if (dayOrMonth <= today.slice(0, dayOrMonth.length)) return;
  const unit = dayOrMonth.length === 7 ? 'month' : 'date';
  throw new InvalidInput(
    field,
    `must not be later than the ledger's ${unit} (${today.slice(0, dayOrMonth.length)}, Asia/Shanghai): it records what has happened`,
  );
}

/**
 * The field of each command type that dates what the command records as done, as a table per
 * module; a command not in it, or without that field (an advance paid "today"), is not checked.
 */
export type HappenedOn<C extends { type: string; data: object }> = {
  [T in C['type']]?: keyof Extract<C, { type: T }>['data'] & string;
};

export function checkCommandHappened<C extends { type: string; data: object }>(command: C, fields: HappenedOn<C>, now: Date): void {
  const field: string | undefined = fields[command.type as C['type']];
  const value = field === undefined ? undefined : (command.data as Record<string, unknown>)[field];
  if (field !== undefined && typeof value === 'string') checkHappened(field, value, now);
}

/** An instant at which something happened (a settlement, a visit's start) is not later than the ledger's clock past the tolerance. */
export function checkInstantHappened(field: string, instant: string, now: Date): void {
  if (instantMs(instant) <= now.getTime() + AHEAD_TOLERANCE_MS) return;
  throw new InvalidInput(
    field,
    `must not be later than the ledger's clock (${now.toISOString()}) by more than ${AHEAD_TOLERANCE_MS / 60_000} minutes`,
  );
}
