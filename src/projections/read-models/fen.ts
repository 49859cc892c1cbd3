/**
 * Money as integer fen for running sums of the read side (issue 10 item 5): adding parsed
 * decimal.js values and printing them again at every event cost more than the projections'
 * own work. BigInt keeps every amount the money pattern admits exact (a JS number does not
 * past 2^53 fen, and is never used for money); the strings read and written are exactly
 * those of `money()` and `fmt()`.
 */
import { InvalidMoney, MONEY_PATTERN } from '../../kernel/money';

/** A money string as integer fen; throws InvalidMoney as `money()` does. */
export function fenOf(text: string): bigint {
  if (typeof text !== 'string' || !MONEY_PATTERN.test(text)) throw new InvalidMoney(text);
  const dot = text.indexOf('.');
  // BigInt reads "-012" as -12: the sign and leading zeros need no handling.
  return BigInt(dot < 0 ? `${text}00` : text.slice(0, dot) + text.slice(dot + 1).padEnd(2, '0'));
}

/** Integer fen as the canonical money string (`fmt`): two places, never "-0.00". */
export function fenText(fen: bigint): string {
  const digits = (fen < 0n ? -fen : fen).toString().padStart(3, '0');
  return `${fen < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The largest magnitude `money()` reads (15 integer digits and two places), plus one fen. */
const FEN_LIMIT = 10n ** 17n;

/**
 * `fmt(money(sum).plus(money(amount)))` on a running sum kept in fen: a sum past what
 * `money()` reads fails here as it did when it was parsed again.
 */
export function fenPlus(sum: bigint, amount: string): bigint {
  if (sum >= FEN_LIMIT || sum <= -FEN_LIMIT) throw new InvalidMoney(fenText(sum));
  return sum + fenOf(amount);
}
