import Decimal from 'decimal.js';

/**
 * Money is yuan held as decimal.js values; amounts cross every boundary (events, HTTP,
 * policy packs) as decimal strings with at most two places ("123.45"). A JS number is
 * never used for money.
 *
 * `Dec` is a private Decimal clone so that no other code's Decimal.set() can change our
 * precision or rounding. 40 significant digits is far beyond any yuan amount we hold.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

/** A money string: optional minus, digits, optionally '.' and one or two digits. */
export const MONEY_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,2})?$/;
/** A rate or ratio string such as "0.6" or "0.065". */
export const RATE_PATTERN = /^(0|[1-9]\d{0,3})(\.\d{1,8})?$/;

export class InvalidMoney extends Error {
  constructor(readonly input: unknown) {
    super(`not a money amount with at most two decimals: ${JSON.stringify(input)}`);
  }
}

/** Parses a money string exactly; rejects numbers, blanks, exponents and sub-fen digits. */
export function money(input: string): Dec {
  if (typeof input !== 'string' || !MONEY_PATTERN.test(input)) throw new InvalidMoney(input);
  return new Dec(input);
}

/** Parses a rate / ratio string (no rounding). */
export function rate(input: string): Dec {
  if (typeof input !== 'string' || !RATE_PATTERN.test(input)) throw new InvalidMoney(input);
  return new Dec(input);
}

export const ZERO: Dec = new Dec(0);

/** The one rounding of a computed payment: to the fen, half-up. */
export function toFen(value: Dec): Dec {
  return value.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** Canonical money string: always two decimals, "-0.00" never appears. */
export function fmt(value: Dec): string {
  // toFixed rounds (half-up, as toFen) in the same step; it keeps the sign of a negative
  // amount that rounds to zero, the one case to map. One Decimal allocated, not three.
  const text = value.toFixed(2, Dec.ROUND_HALF_UP);
  return text === '-0.00' ? '0.00' : text;
}

export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

export function min(a: Dec, b: Dec): Dec {
  return a.lessThanOrEqualTo(b) ? a : b;
}

export function max(a: Dec, b: Dec): Dec {
  return a.greaterThanOrEqualTo(b) ? a : b;
}
