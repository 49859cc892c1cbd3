/**
 * Issue 10 item 5: the year-to-date each recorded settlement is checked against, summed as a
 * replay walks the stream instead of parsing every earlier settlement again for each one
 * (quadratic in the settlements of a year). Same answer as paidInYear: the same live
 * settlements of the year, each parsed once, summed exactly (fen amounts), formatted once.
 */
import { Dec, fmt, money, ZERO } from '../kernel/money';
import { livePaymentOf, PaidInYear, SettlementSummary } from '../modules/claims/claims.state';

interface YearSum {
  /** The settlements already summed (a prefix of the next list asked about, when nothing changed). */
  summed: ReadonlyArray<SettlementSummary>;
  fund: Dec;
  deductible: Dec;
}

export class RunningYearTotals {
  private readonly byYear = new Map<number, YearSum>();

  /** paidInYear(settlements, year), reusing the sum of the list asked about last time when this one extends it. */
  paidInYear(settlements: ReadonlyArray<SettlementSummary>, year: number): PaidInYear {
    const known = this.byYear.get(year);
    // Summaries are replaced, never mutated: a reversal or an adjustment breaks the prefix and the year is summed again.
    let next = known && extendsList(settlements, known.summed) ? known : { summed: [], fund: ZERO, deductible: ZERO };
    for (let i = next.summed.length; i < settlements.length; i++) next = withSettlement(next, settlements[i], year);
    next = { ...next, summed: settlements };
    this.byYear.set(year, next);
    return { fundPaid: fmt(next.fund), deductibleMet: fmt(next.deductible) };
  }
}

function withSettlement(sum: YearSum, s: SettlementSummary, year: number): YearSum {
  if (!livePaymentOf(s, year)) return sum;
  return { summed: sum.summed, fund: plusMoney(sum.fund, s.fund), deductible: plusMoney(sum.deductible, s.deductible) };
}

/** `total + amount`; a "0.00" (most settlements charge no deductible) adds nothing and needs no Decimal. */
const plusMoney = (total: Dec, amount: string): Dec => (amount === '0.00' ? total : total.plus(money(amount)));

/** Whether `list` starts with exactly the summaries of `prefix` (same objects). */
function extendsList(list: ReadonlyArray<SettlementSummary>, prefix: ReadonlyArray<SettlementSummary>): boolean {
  if (list.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (list[i] !== prefix[i]) return false;
  return true;
}
