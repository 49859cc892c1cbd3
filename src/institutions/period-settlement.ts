import { Dec, fmt, money, toFen, ZERO } from '../kernel/money';
import type { TraceEntry } from '../policy/engine/types';

/**
 * Conditional fee-for-service under a budget (焦医保〔2024〕32号 四（一）, 附件 例1/例2). Pure.
 *
 * actual average = total cost / visits. If it does not exceed base × (1 + cap) the fund
 * pays the itemised fund due; otherwise it pays
 *   visits × base × (1 + cap) × (fund due / total cost),
 * rounded once to the fen, half-up. The comparison is made on exact values (total cost
 * against visits × ceiling), never on a rounded average.
 */
export interface PeriodFigures {
  visits: number;
  totalCost: string;
  /** Fund due under the itemised rules (统筹基金应负担). */
  fundDue: string;
}

export interface PeriodRule {
  /** Per-visit average base (money string); absent for an exempt institution. */
  base?: string;
  /** Growth cap as a rate string, e.g. "0.065". */
  growthCap?: string;
  /** Citations for the trace. */
  baseClause: string;
  capClause: string;
  ruleClause: string;
}

export interface PeriodOutcome {
  visits: number;
  totalCost: string;
  fundDue: string;
  /** total cost / visits, rounded to the fen for display. */
  actualAverage: string;
  base: string | null;
  growthCap: string | null;
  /** base × (1 + cap), rounded to the fen for display. */
  ceilingAverage: string | null;
  /** (actual / base − 1), as a percentage with two decimals, for display. */
  growthOverBase: string | null;
  withinCap: boolean;
  payable: string;
  /** Fund due − payable: the overspend the fund does not pay unless the review restores it. */
  overspend: string;
  trace: TraceEntry[];
}

export function settlePeriod(figures: PeriodFigures, rule: PeriodRule): PeriodOutcome {
  const visits = new Dec(figures.visits);
  const totalCost = money(figures.totalCost);
  const fundDue = money(figures.fundDue);
  const exactAverage = visits.isZero() ? ZERO : totalCost.dividedBy(visits);
  const trace: TraceEntry[] = [
    {
      step: 'actual_average',
      clause: rule.ruleClause,
      inputs: { visits: figures.visits, totalCost: fmt(totalCost) },
      result: { actualAverage: fmt(exactAverage) },
    },
  ];
  const common = { visits: figures.visits, totalCost: fmt(totalCost), fundDue: fmt(fundDue), actualAverage: fmt(exactAverage) };

  if (rule.base === undefined || rule.growthCap === undefined) {
    trace.push({
      step: 'exempt',
      clause: rule.baseClause,
      inputs: {},
      result: { payable: fmt(fundDue) },
      note: 'exempt from per-visit average management: fund due paid as itemised',
    });
    return {
      ...common,
      base: null,
      growthCap: null,
      ceilingAverage: null,
      growthOverBase: null,
      withinCap: true,
      payable: fmt(fundDue),
      overspend: '0.00',
      trace,
    };
  }

  const base = money(rule.base);
  const cap = new Dec(rule.growthCap);
  const ceiling = base.times(cap.plus(1));
  const ceilingTotal = visits.times(ceiling);
  const growthOverBase = base.isZero()
    ? null
    : exactAverage.dividedBy(base).minus(1).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
  trace.push({
    step: 'ceiling',
    clause: `${rule.baseClause}; ${rule.capClause}`,
    inputs: { base: fmt(base), growthCap: rule.growthCap },
    result: { ceilingAverage: fmt(ceiling), growthOverBasePercent: growthOverBase },
  });

  const withinCap = totalCost.lessThanOrEqualTo(ceilingTotal);
  let payable: Dec;
  if (withinCap) {
    payable = fundDue;
    trace.push({
      step: 'within_cap',
      clause: rule.ruleClause,
      inputs: { actualAverage: fmt(exactAverage), ceilingAverage: fmt(ceiling), fundDue: fmt(fundDue) },
      result: { payable: fmt(payable) },
      note: 'average within base × (1 + cap): fund due paid as itemised',
    });
  } else {
    payable = toFen(ceilingTotal.times(fundDue).dividedBy(totalCost));
    trace.push({
      step: 'over_cap',
      clause: rule.ruleClause,
      inputs: { visits: figures.visits, base: fmt(base), growthCap: rule.growthCap, fundDue: fmt(fundDue), totalCost: fmt(totalCost) },
      result: { payable: fmt(payable) },
      note: 'visits × base × (1 + cap) × fund due / total cost, rounded once to the fen',
    });
  }
  return {
    ...common,
    base: fmt(base),
    growthCap: rule.growthCap,
    ceilingAverage: fmt(ceiling),
    growthOverBase,
    withinCap,
    payable: fmt(payable),
    overspend: fmt(fundDue.minus(payable)),
    trace,
  };
}
