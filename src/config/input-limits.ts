import * as fs from 'node:fs';
import * as path from 'node:path';
import { Dec, MONEY_PATTERN } from '../kernel/money';
import { ConfigError } from './config';

/**
 * Ceilings on money amounts in requests (issue 11 item 3), read from a JSON file
 * (default config/input-limits.json, LEDGER_INPUT_LIMITS to override) and validated at
 * start: every kind present, a money string, and a reason.
 */
export const AMOUNT_KINDS = ['visitLine', 'accountPayment', 'accountTransfer', 'contributionBase', 'perVisitAverage', 'institutionMonth', 'institutionReview', 'capitationClaim'] as const;
export type AmountKind = (typeof AMOUNT_KINDS)[number];
export interface AmountCeiling {
  max: string;
  reason: string;
}
export type InputLimits = Record<AmountKind, AmountCeiling>;

export const DEFAULT_INPUT_LIMITS_FILE = path.resolve(__dirname, '../../config/input-limits.json');

function ceilingOf(raw: unknown, kind: AmountKind): AmountCeiling {
  const c = raw as Partial<AmountCeiling> | undefined;
  const variable = `LEDGER_INPUT_LIMITS amountCeilings.${kind}`;
  if (!c || typeof c !== 'object') throw new ConfigError(variable, 'is missing', undefined);
  if (typeof c.max !== 'string' || !MONEY_PATTERN.test(c.max) || new Dec(c.max).lte(0)) throw new ConfigError(variable, 'max must be a positive decimal string', String(c.max));
  if (typeof c.reason !== 'string' || c.reason.trim() === '') throw new ConfigError(variable, 'needs a reason', String(c.reason));
  return { max: c.max, reason: c.reason };
}

/** Parses and validates an input-limits document; throws ConfigError naming the kind. */
export function parseInputLimits(doc: unknown): InputLimits {
  const ceilings = (doc as { amountCeilings?: Record<string, unknown> } | null)?.amountCeilings;
  if (!ceilings || typeof ceilings !== 'object') throw new ConfigError('LEDGER_INPUT_LIMITS', 'must have amountCeilings', undefined);
  const unknown = Object.keys(ceilings).filter((k) => !(AMOUNT_KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new ConfigError('LEDGER_INPUT_LIMITS', `unknown kinds ${unknown.join(', ')}`, undefined);
  return Object.fromEntries(AMOUNT_KINDS.map((k) => [k, ceilingOf(ceilings[k], k)])) as InputLimits;
}

export function loadInputLimits(file: string = DEFAULT_INPUT_LIMITS_FILE): InputLimits {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('LEDGER_INPUT_LIMITS', `must be a readable JSON file (${(e as Error).message})`, file);
  }
  return parseInputLimits(doc);
}

let active: InputLimits | undefined;

/** The ceilings the DTO validators apply; the app sets them at start from its config. */
export function inputLimits(): InputLimits {
  active ??= loadInputLimits();
  return active;
}

export function useInputLimits(limits: InputLimits): void {
  active = limits;
}
