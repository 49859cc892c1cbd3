import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Dec, MONEY_PATTERN } from '../kernel/money';
import { ConfigError } from './config';
import { parseJsonStrict } from '../kernel/json-duplicate-keys';

/**
 * Ceilings on money amounts in requests (issue 11 item 3), read from a JSON file
 * (default config/input-limits.json, LEDGER_INPUT_LIMITS to override) and validated at
 * start with a zod schema (issue 14 item 5): every kind present, a money string, and a reason.
 */
export const AMOUNT_KINDS = [
  'visitLine',
  'accountPayment',
  'accountTransfer',
  'contributionBase',
  'perVisitAverage',
  'institutionMonth',
  'institutionReview',
  'capitationClaim',
] as const;
export type AmountKind = (typeof AMOUNT_KINDS)[number];
export interface AmountCeiling {
  max: string;
  reason: string;
}
export type InputLimits = Record<AmountKind, AmountCeiling>;

export const DEFAULT_INPUT_LIMITS_FILE = path.resolve(__dirname, '../../config/input-limits.json');

const POSITIVE_MONEY = 'max must be a positive decimal string';

/** One ceiling: a positive money string and the reason for it. */
const CEILING = z.object(
  {
    max: z
      .string({ error: POSITIVE_MONEY })
      .regex(MONEY_PATTERN, POSITIVE_MONEY)
      .refine((v) => new Dec(v).gt(0), POSITIVE_MONEY),
    reason: z.string({ error: 'needs a reason' }).refine((v) => v.trim() !== '', 'needs a reason'),
  },
  { error: 'is missing' },
);

/** Every kind, and no other: an unknown kind is a typo that would leave a real one unbounded. */
const INPUT_LIMITS = z.object(
  {
    amountCeilings: z.strictObject(Object.fromEntries(AMOUNT_KINDS.map((k) => [k, CEILING])) as Record<AmountKind, typeof CEILING>, {
      error: 'must have amountCeilings',
    }),
  },
  { error: 'must have amountCeilings' },
);

/** The first problem as a ConfigError naming the kind (`LEDGER_INPUT_LIMITS amountCeilings.visitLine`), the rule and the value. */
function configErrorOf(issue: z.core.$ZodIssue): ConfigError {
  if (issue.code === 'unrecognized_keys')
    return new ConfigError('LEDGER_INPUT_LIMITS', `unknown kinds ${issue.keys.join(', ')}`, undefined);
  const [, kind] = issue.path;
  const variable = kind === undefined ? 'LEDGER_INPUT_LIMITS' : `LEDGER_INPUT_LIMITS amountCeilings.${String(kind)}`;
  const value = issue.path.length > 2 && issue.input !== undefined ? String(issue.input) : undefined;
  return new ConfigError(variable, issue.message, value);
}

/** Parses and validates an input-limits document; throws ConfigError naming the kind. */
export function parseInputLimits(doc: unknown): InputLimits {
  const parsed = INPUT_LIMITS.safeParse(doc, { reportInput: true });
  if (!parsed.success) throw configErrorOf(parsed.error.issues[0]);
  return parsed.data.amountCeilings;
}

export function loadInputLimits(file: string = DEFAULT_INPUT_LIMITS_FILE): InputLimits {
  let doc: unknown;
  try {
    doc = parseJsonStrict(fs.readFileSync(file, 'utf8'));
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
