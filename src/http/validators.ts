import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { AmountKind, inputLimits } from '../config/input-limits';
import { isLedgerDate, isLocalDate, LEDGER_DATE_MAX, LEDGER_DATE_MIN, shanghaiDateOfMs } from '../kernel/dates';
import { Dec } from '../kernel/money';

const NON_NEGATIVE_MONEY = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;
/**
 * RFC 3339 with a colon offset. Fractions up to nanoseconds: Java's OffsetDateTime writes 9
 * digits, .NET's "o" 7, Python's isoformat 6 (3 refused a hospital system's ordinary time).
 * The text is kept as written; instants are compared at the millisecond (Date.parse).
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const RANGE = `from ${LEDGER_DATE_MIN} to ${LEDGER_DATE_MAX}`;

/** Years an input may name: the ledger date range's. */
export const LEDGER_YEAR_MIN = Number(LEDGER_DATE_MIN.slice(0, 4));
export const LEDGER_YEAR_MAX = Number(LEDGER_DATE_MAX.slice(0, 4));

function rule(
  name: string,
  message: ValidationOptions['message'],
  validate: (v: unknown) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate },
    });
}

/** A money amount as a decimal string: no sign, at most two decimals ("123.45"). Numbers are refused. */
export function IsMoneyString(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isMoneyString',
    '$property must be a decimal string with at most two decimals, e.g. "123.45" (not a number)',
    (v) => typeof v === 'string' && NON_NEGATIVE_MONEY.test(v),
    options,
  );
}

/** More than zero: a bill line or a payment of 0.00 is a mistake (named here, at its place in the body); a non-money value is left to IsMoneyString. */
export function IsPositiveMoney(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isPositive',
    '$property must be greater than 0',
    (v) => typeof v !== 'string' || !NON_NEGATIVE_MONEY.test(v) || /[1-9]/.test(v),
    options,
  );
}

/**
 * A text that says something: not empty, not only spaces. A payment's receipt reference, a
 * payee or a reversal's reason of "" or "   " was recorded as given and tells an auditor nothing;
 * a non-string is left to IsString.
 */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return rule('isNotBlank', '$property must not be empty or blank', (v) => typeof v !== 'string' || /\S/.test(v), options);
}

/** At most the configured ceiling of its kind (config/input-limits.json); a non-money value is left to IsMoneyString. */
export function MaxAmount(kind: AmountKind, options?: ValidationOptions): PropertyDecorator {
  const message = (a: ValidationArguments) =>
    `${a.property} must be at most ${inputLimits()[kind].max} (${kind} ceiling: ${inputLimits()[kind].reason})`;
  return rule(
    'maxAmount',
    message,
    (v) => typeof v !== 'string' || !NON_NEGATIVE_MONEY.test(v) || new Dec(v).lte(inputLimits()[kind].max),
    options,
  );
}

/** A calendar date 'YYYY-MM-DD' that exists, inside the ledger's date range. */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return rule('isLocalDate', `$property must be a calendar date YYYY-MM-DD ${RANGE}`, isLedgerDate, options);
}

/** An ISO-8601 instant with an explicit offset (e.g. 2023-05-04T09:30:00+08:00), its Shanghai date inside the range. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  const valid = (v: unknown) => typeof v === 'string' && ISO_INSTANT.test(v) && isLedgerInstant(v);
  return rule('isInstant', `$property must be an ISO-8601 time with an offset, e.g. 2023-05-04T09:30:00+08:00, ${RANGE}`, valid, options);
}

/** A parseable instant whose written date exists and whose Shanghai date is in range; parsed once (shanghaiDate would parse it again). */
function isLedgerInstant(v: string): boolean {
  const ms = Date.parse(v);
  return !Number.isNaN(ms) && isLocalDate(v.slice(0, 10)) && isLedgerDate(shanghaiDateOfMs(ms));
}

/** A 'YYYY-MM' month inside the ledger's date range. */
export function IsMonth(options?: ValidationOptions): PropertyDecorator {
  const valid = (v: unknown) => typeof v === 'string' && MONTH.test(v) && isLedgerDate(`${v}-01`);
  return rule('isMonth', `$property must be a month YYYY-MM ${RANGE}`, valid, options);
}

/** Identifiers: person ids, settlement ids, institution codes. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
