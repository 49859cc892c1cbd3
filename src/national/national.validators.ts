import { registerDecorator } from 'class-validator';
import { isLedgerDate, isLocalDate } from '../kernel/dates';
import { CODE_TABLES, TableName } from './code-tables';

/** A code of a national code table; the 400's rule is `codeTable:<table>`. */
export function IsCode(table: TableName): PropertyDecorator {
  const codes = CODE_TABLES[table].codes;
  return (target, propertyName) =>
    registerDecorator({
      name: `codeTable:${table}`,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a code of table ${table} (${Object.keys(codes).join(', ')})` },
      validator: { validate: (v: unknown) => typeof v === 'string' && Object.prototype.hasOwnProperty.call(codes, v) },
    });
}

const NATIONAL_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** The platform's 'yyyy-MM-dd HH:mm:ss' (Beijing time) as an ISO instant with +08:00. */
export function nationalTimeToInstant(v: string): string {
  return `${v.slice(0, 10)}T${v.slice(11)}+08:00`;
}

/** 'yyyy-MM-dd HH:mm:ss', a real time of a ledger date (Beijing time, as the platform sends it). */
export function IsNationalTime(): PropertyDecorator {
  const valid = (v: unknown) => {
    const m = typeof v === 'string' ? NATIONAL_TIME.exec(v) : null;
    return !!m && isLocalDate(m[1]) && isLedgerDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNationalTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a Beijing time yyyy-MM-dd HH:mm:ss, e.g. 2023-03-01 09:00:00' },
      validator: { validate: valid },
    });
}
