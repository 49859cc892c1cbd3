/**
 * Pack keys `annualCaps` and `categorySwitch`: the fund pays (policy scope − deductible) × rate,
 * rounded once to the fen, up to what is left of the annual cap of the category in force; all
 * of the year's payments count, whatever category they were made under (宛政办 第六条's
 * reading, for every pack). Typical clause: 宛政办〔2022〕42号 第五条（三）, 第六条; 安医保〔2019〕75号 附件.
 */
import { max, min, toFen, ZERO, type Dec } from '../../../kernel/money';
import { cite, type Cited } from '../../citation';
import type { PersonCategory } from '../types';
import { addReason, packFigure, traceStep, type Adjudication } from './context';

export interface FundPayment {
  capAnnual: Dec;
  capRemainingBefore: Dec;
  /** (policy scope − deductible) × rate, rounded to the fen, before the cap. */
  fundBeforeCap: Dec;
  fund: Dec;
  /** What is left of the cap after this visit (never negative: the fund is at most what was left). */
  capRemainingAfter: Dec;
}

export interface FundBase {
  eligible: boolean;
  category: PersonCategory;
  switchedThisYear: boolean;
  policyScope: Dec;
  deductible: Dec;
  rate: Dec;
  rateText: string;
  fundPaidBefore: Dec;
}

/** "<caps>; <category switch>", printed once per pair of citations (one shared string, as cite() does). */
const pairs = new WeakMap<object, { first: string; second: string; text: string }>();
function bothCited(firstRule: Cited<unknown>, secondRule: Cited<unknown>): string {
  const first = cite(firstRule);
  const second = cite(secondRule);
  const known = pairs.get(firstRule);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: equivalent because the text is rebuilt from the same two citations
  if (known !== undefined && known.first === first && known.second === second) return known.text;
  const text = `${first}; ${second}`;
  // Stryker disable next-line ObjectLiteral: equivalent because an empty cache entry fails the check above and is rebuilt
  pairs.set(firstRule, { first, second, text });
  return text;
}

export function annualCaps(c: Adjudication, b: FundBase): FundPayment {
  const { annualCaps: caps, categorySwitch } = c.benefit;
  const capAnnual = packFigure(caps.value[b.category] ?? '0');
  const capRemainingBefore = max(ZERO, capAnnual.minus(b.fundPaidBefore));
  const fundBeforeCap = b.eligible ? toFen(b.policyScope.minus(b.deductible).times(b.rate)) : ZERO;
  const fund = min(fundBeforeCap, capRemainingBefore);
  const clause = categorySwitch ? bothCited(caps, categorySwitch) : cite(caps);
  if (fund.lessThan(fundBeforeCap)) {
    addReason(
      c.reasons,
      'CAP_REACHED',
      clause,
      `the fund would pay ${c.show(fundBeforeCap)}; ${c.show(capRemainingBefore)} is left of the ${b.category} cap ${c.show(capAnnual)}`,
    );
  }
  traceStep(
    c,
    'fund',
    clause,
    {
      capAnnual: c.show(capAnnual),
      deductible: c.show(b.deductible),
      fundPaidBefore: c.show(b.fundPaidBefore),
      policyScope: c.show(b.policyScope),
      rate: b.rateText,
    },
    { capRemainingBefore: c.show(capRemainingBefore), fund: c.show(fund), fundBeforeCap: c.show(fundBeforeCap) },
    b.switchedThisYear ? 'category changed this year: earlier payments under the old category count against this cap' : undefined,
  );
  return { capAnnual, capRemainingBefore, fundBeforeCap, fund, capRemainingAfter: capRemainingBefore.minus(fund) };
}
