/**
 * What every adjudication step shares: the facts, the pack in force, the visit date, and
 * the decision being written (trace, reasons, flags). Steps append to these in rule order.
 */
import { Dec, fmt, money } from '../../../kernel/money';
import { InvalidInput } from '../../../kernel/errors';
import { cite, type Cited } from '../../citation';
import type { BenefitRules, CityPack } from '../../pack.types';
import type { ReasonCode } from '../../reason-codes';
import type { AdjudicationInput, Reason, TraceEntry } from '../types';

export interface Adjudication {
  input: AdjudicationInput;
  pack: CityPack;
  benefit: BenefitRules;
  visitDate: string;
  year: number;
  /** The visit's instants as epoch milliseconds (checkFacts parsed them). */
  occurredMs: number;
  settledMs: number;
  trace: TraceEntry[];
  /** Why money was not paid: refusals, exclusions, reductions. */
  reasons: Reason[];
  /** Facts worth knowing beside the figures. */
  flags: Reason[];
  /** A figure as its decision string; each figure is formatted once and the same string feeds trace, amounts and national fields. */
  show(value: Dec): string;
}

/** What checkFacts established about the visit, for the steps. */
export type VisitFacts = Pick<Adjudication, 'pack' | 'visitDate' | 'year' | 'occurredMs' | 'settledMs'>;

export function newAdjudication(input: AdjudicationInput, facts: VisitFacts): Adjudication {
  // A decision has a few dozen figures: a scan by identity is cheaper than hashing each new Dec into a Map.
  const figures: Dec[] = [];
  const texts: string[] = [];
  const show = (value: Dec): string => {
    const known = figures.indexOf(value);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent because fenText is pure; the list only saves formatting twice
    if (known >= 0) return texts[known];
    const out = fenText(value);
    figures.push(value);
    texts.push(out);
    return out;
  };
  const { pack, visitDate, year, occurredMs, settledMs } = facts;
  return { input, pack, benefit: pack.benefit, visitDate, year, occurredMs, settledMs, trace: [], reasons: [], flags: [], show };
}

/**
 * `fmt(value)`. Nearly every figure is a whole number of fen: its plain toString, padded to
 * two decimals, is the same text without toFixed's rounded copy. Anything else (sub-fen,
 * ≥ 10^15, where toString might switch to exponent notation) goes through fmt.
 */
function fenText(value: Dec): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent because fmt prints the same text for any value this shortcut skips (toString keeps plain notation below 1e21; two decimals print alike)
  if (value.e >= 15 || value.decimalPlaces() > 2) return fmt(value);
  const text = value.toString();
  const dot = text.indexOf('.');
  // Stryker disable next-line EqualityOperator: equivalent because a Decimal's toString never starts with '.' (dot is never 0)
  if (dot < 0) return `${text}.00`;
  return dot === text.length - 2 ? `${text}0` : text;
}

/**
 * Decision objects are built with their members in canonical (sorted) key order, as stored:
 * sealing then keeps them as they are instead of copying ~30 objects per settlement
 * (issue 10, request path; canonical-json.ts inCanonicalOrder). The stored text is the same.
 */

/** Appends a reason or flag citing the rule (a pack value, or an already-printed citation). */
export function addReason(list: Reason[], code: ReasonCode, rule: Cited<unknown> | string, message: string, lineCode?: string): void {
  const clause = typeof rule === 'string' ? rule : cite(rule);
  list.push(lineCode === undefined ? { clause, code, message } : { clause, code, lineCode, message });
}

/** Appends a trace entry, members in canonical order; `inputs` and `result` are written in that order by each step. */
export function traceStep(
  c: Adjudication,
  step: string,
  clause: string,
  inputs: TraceEntry['inputs'],
  result: TraceEntry['result'],
  note?: string,
): void {
  c.trace.push(note === undefined ? { clause, inputs, result, step } : { clause, inputs, note, result, step });
}

export const within = (date: string, p: { from: string; to?: string }): boolean => p.from <= date && (p.to === undefined || date <= p.to);

/**
 * A money figure of a pack, parsed once: packs are immutable once loaded and hold a few
 * dozen figures, while replay adjudicates thousands of visits under the same ones.
 */
const packFigures = new Map<string, Dec>();
const packRates = new Map<string, Dec>();
export const packFigure = (text: string): Dec => parsedOnce(packFigures, text, money);
/** A rate of a pack ("0.6", or "0" for an ineligible visit), parsed once. */
export const packRate = (text: string): Dec => parsedOnce(packRates, text, (t) => new Dec(t));

function parsedOnce(parsed: Map<string, Dec>, text: string, parse: (text: string) => Dec): Dec {
  let value = parsed.get(text);
  // Stryker disable next-line ConditionalExpression: equivalent because parsing again gives the same value; the map only saves the parse
  if (value === undefined) {
    value = parse(text);
    parsed.set(text, value);
  }
  return value;
}

/** A money amount given as input that must be ≥ 0 (a bad one is the caller's mistake). */
export function nonNegative(value: string, field: string): Dec {
  let v: Dec;
  try {
    v = money(value);
  } catch {
    throw new InvalidInput(field, `is not a money amount: ${JSON.stringify(value)}`);
  }
  if (v.isNegative()) throw new InvalidInput(field, 'must not be negative');
  return v;
}
