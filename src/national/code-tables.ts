/**
 * The national interface's code tables (as public hospital-system code shows them; the specification is not in this repository), one JSON data file per table with
 * its source named in the file. An unknown code is a 400 naming the field and the table.
 */
import { InvalidInput } from '../kernel/errors';
import acctUsedFlag from './code-tables/acct_used_flag.json';
import admdvs from './code-tables/admdvs.json';
import chrgitmLv from './code-tables/chrgitm_lv.json';
import fundPayType from './code-tables/fund_pay_type.json';
import hospLv from './code-tables/hosp_lv.json';
import insutype from './code-tables/insutype.json';
import mdtrtCertType from './code-tables/mdtrt_cert_type.json';
import medType from './code-tables/med_type.json';
import psnCertType from './code-tables/psn_cert_type.json';
import psnType from './code-tables/psn_type.json';

interface CodeTable<Entry> {
  table: string;
  source: string;
  codes: Record<string, Entry>;
}

export const CODE_TABLES = {
  insutype: insutype as CodeTable<{ name: string; scheme: 'employee' | 'resident' }>,
  psn_type: psnType as CodeTable<{ name: string; category: 'in_service' | 'retired' | 'resident' | 'student' }>,
  med_type: medType as CodeTable<{ name: string; medType: 'ordinary' | 'emergency' | 'chronic' }>,
  hosp_lv: hospLv as CodeTable<{ name: string; level: 'level3' | 'level2' | 'level1' | 'unrated' }>,
  fund_pay_type: fundPayType as CodeTable<{ name: string; scheme: 'employee' | 'resident' }>,
  mdtrt_cert_type: mdtrtCertType as CodeTable<{ name: string }>,
  psn_cert_type: psnCertType as CodeTable<{ name: string }>,
  chrgitm_lv: chrgitmLv as CodeTable<{ name: string; inCatalogue: boolean }>,
  acct_used_flag: acctUsedFlag as CodeTable<{ name: string; source: 'none' | 'own' }>,
  admdvs: admdvs as CodeTable<{ name: string; region: string }>,
};

export type TableName = keyof typeof CODE_TABLES;
type EntryOf<T extends TableName> = (typeof CODE_TABLES)[T] extends CodeTable<infer E> ? E : never;

/** The entry for `code` in `table`; 400 naming the field and the table when the code is not in it. */
export function lookup<T extends TableName>(table: T, field: string, code: string): EntryOf<T> {
  const entry = Object.prototype.hasOwnProperty.call(CODE_TABLES[table].codes, code)
    ? (CODE_TABLES[table].codes as Record<string, EntryOf<T>>)[code]
    : undefined;
  if (!entry)
    throw new InvalidInput(
      field,
      `codeTable:${table}`,
      `${field} '${code}' is not a code of table ${table} (${Object.keys(CODE_TABLES[table].codes).join(', ')})`,
    );
  return entry;
}

/** The code of `table` whose entry has `key` = `value` (the first one, for answers). */
export function codeFor<T extends TableName>(table: T, key: keyof EntryOf<T>, value: unknown): string | undefined {
  return Object.entries(CODE_TABLES[table].codes).find(([, e]) => (e as Record<string, unknown>)[key as string] === value)?.[0];
}
