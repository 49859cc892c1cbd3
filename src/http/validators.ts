import { registerDecorator, ValidationOptions } from 'class-validator';
import { isLocalDate } from '../kernel/dates';

const NON_NEGATIVE_MONEY = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A money amount as a decimal string: no sign, at most two decimals ("123.45"). Numbers are refused. */
export function IsMoneyString(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMoneyString',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a decimal string with at most two decimals, e.g. "123.45" (not a number)`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && NON_NEGATIVE_MONEY.test(v) },
    });
}

/** A calendar date 'YYYY-MM-DD' that exists. */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isLocalDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a calendar date YYYY-MM-DD', ...options },
      validator: { validate: (v: unknown) => isLocalDate(v) },
    });
}

/** An ISO-8601 instant with an explicit offset (e.g. 2023-05-04T09:30:00+08:00). */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an ISO-8601 time with an offset, e.g. 2023-05-04T09:30:00+08:00', ...options },
      validator: {
        validate: (v: unknown) => typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)) && isLocalDate(v.slice(0, 10)),
      },
    });
}

/** A 'YYYY-MM' month. */
export function IsMonth(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMonth',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a month YYYY-MM', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(v) },
    });
}

/** Identifiers: person ids, settlement ids, institution codes. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
