/**
 * One line of a historical import (issue 12 item 2), in the national field names, and
 * the ledger command it becomes. Pure: validation and mapping only, no I/O.
 *   rec_type fixmedins     institution        → RegisterInstitution (so a sample year loads on an empty store)
 *   rec_type psn_insu      enrollment          → Enrol
 *   rec_type psn_type_chg  category change    → ChangeRetiredStatus (in-service → retired)
 *   rec_type acct_crdt     account credit     → CreditMonth
 *   rec_type setl          settlement         → SettleVisit, re-adjudicated, figures kept as `historical`
 */
import { plainToInstance } from 'class-transformer';
import { Equals, IsIn, IsOptional, IsString, Matches, MaxLength, validateSync } from 'class-validator';
import type { InstitutionCommand } from '../institutions/institution.decide';
import { INSTITUTION_CATEGORIES, INSTITUTION_LOCATIONS, InstitutionCategory, InstitutionLocation } from '../institutions/institution.types';
import { canonicalJson, sha256Hex } from '../policy/canonical-json';
import { FieldError, flattenValidationErrors } from '../http/validation';
import { ID_PATTERN, IsLocalDate, IsMonth, IsMoneyString, MaxAmount } from '../http/validators';
import { lookup } from '../national/code-tables';
import { IsCode, IsNationalTime, nationalTimeToInstant } from '../national/national.validators';
import { Dec, money } from '../kernel/money';
import type { EnrollmentCommand } from '../modules/enrollment/enrollment.decide';
import type { VisitRequest } from '../modules/claims/commands/claims.command';
import { hasLoneSurrogate, LONE_SURROGATE_RULE } from '../kernel/well-formed-text';

class InstitutionLine {
  @Equals('fixmedins') rec_type!: 'fixmedins';
  @Matches(ID_PATTERN) fixmedins_code!: string;
  @IsString() @MaxLength(200) fixmedins_name!: string;
  @IsCode('hosp_lv') hosp_lv!: string;
  @IsCode('admdvs') admdvs!: string;
  /** The scheme it is designated for (one insutype per line). */
  @IsCode('insutype') insutype!: string;
  /** Ledger extensions (no national field): registry category and location. */
  @IsIn(INSTITUTION_CATEGORIES) ledger_category!: string;
  @IsIn(INSTITUTION_LOCATIONS) ledger_location!: string;
}

class EnrollmentLine {
  @Equals('psn_insu') rec_type!: 'psn_insu';
  @Matches(ID_PATTERN) psn_no!: string;
  @IsCode('insutype') insutype!: string;
  @IsCode('psn_type') psn_type!: string;
  @IsCode('admdvs') insu_admdvs!: string;
  @IsLocalDate() begndate!: string;
  /** Monthly contribution base (缴费基数); required for in-service employees. */
  @IsOptional() @IsMoneyString() @MaxAmount('contributionBase') clct_base?: string;
}

class CategoryChangeLine {
  @Equals('psn_type_chg') rec_type!: 'psn_type_chg';
  @Matches(ID_PATTERN) psn_no!: string;
  /** The only change the ledger records: to retired (12 / 1201). */
  @IsIn(['12', '1201'], { message: 'psn_type must be a retired code (12, 1201): the ledger records in-service → retired only' })
  psn_type!: string;
  @IsLocalDate() chg_date!: string;
}

class CreditLine {
  @Equals('acct_crdt') rec_type!: 'acct_crdt';
  @Matches(ID_PATTERN) psn_no!: string;
  @IsMonth() crdt_ym!: string;
}

class SettlementLine {
  @Equals('setl') rec_type!: 'setl';
  @Matches(ID_PATTERN) psn_no!: string;
  @Matches(ID_PATTERN) setl_id!: string;
  @Matches(ID_PATTERN) mdtrt_id!: string;
  @Matches(ID_PATTERN) fixmedins_code!: string;
  @IsNationalTime() begntime!: string;
  @IsNationalTime() setl_time!: string;
  @IsCode('med_type') med_type!: string;
  @IsCode('acct_used_flag') acct_used_flag!: string;
  @IsMoneyString() @MaxAmount('visitLine') medfee_sumamt!: string;
  @IsMoneyString() @MaxAmount('visitLine') fulamt_ownpay_amt!: string;
  @IsMoneyString() @MaxAmount('visitLine') fund_pay_sumamt!: string;
  @IsMoneyString() @MaxAmount('visitLine') acct_pay!: string;
  @IsMoneyString() @MaxAmount('visitLine') psn_cash_pay!: string;
}

const CLASSES = {
  fixmedins: InstitutionLine,
  psn_insu: EnrollmentLine,
  psn_type_chg: CategoryChangeLine,
  acct_crdt: CreditLine,
  setl: SettlementLine,
} as const;
export type RecType = keyof typeof CLASSES;

export type ImportCommand =
  | { kind: 'institution'; code: string; key: string; command: InstitutionCommand }
  | { kind: 'enrollment'; personId: string; key: string; command: EnrollmentCommand }
  | { kind: 'credit'; personId: string; key: string; month: string }
  | { kind: 'settlement'; personId: string; key: string; request: VisitRequest };

export type Parsed = { ok: true; command: ImportCommand } | { ok: false; errors: FieldError[] };

/** CSV cells are strings and an empty cell means absent. */
function present(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}

/** The line's idempotency key: the same line (whatever its position or file) is written once. */
export function lineKey(record: Record<string, unknown>): string {
  return `import-${String(record.rec_type)}-${sha256Hex(canonicalJson(record)).slice(0, 32)}`;
}

/** Validates a line against its type's rules (every field and rule named) and maps it to a ledger command. */
export function parseLine(raw: unknown): Parsed {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, errors: [{ field: 'line', rule: 'isObject', message: 'a line must be a JSON object' }] };
  const record = present(raw as Record<string, unknown>);
  const type = record.rec_type as RecType;
  if (!Object.prototype.hasOwnProperty.call(CLASSES, type)) {
    return {
      ok: false,
      errors: [{ field: 'rec_type', rule: 'isIn', message: `rec_type must be one of ${Object.keys(CLASSES).join(', ')}` }],
    };
  }
  const illFormed = Object.keys(record).find((k) => typeof record[k] === 'string' && hasLoneSurrogate(record[k]));
  if (illFormed !== undefined) return { ok: false, errors: [{ field: illFormed, ...LONE_SURROGATE_RULE }] };
  const errors = validateSync(plainToInstance(CLASSES[type] as new () => object, record), { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) return { ok: false, errors: flattenValidationErrors(errors) };
  const command = toCommand(record as never, lineKey(record));
  const unbalanced = command.kind === 'settlement' ? checkHistoricalSum(command.request) : undefined;
  return unbalanced ? { ok: false, errors: [unbalanced] } : { ok: true, command };
}

function toCommand(line: InstitutionLine | EnrollmentLine | CategoryChangeLine | CreditLine | SettlementLine, key: string): ImportCommand {
  switch (line.rec_type) {
    case 'fixmedins':
      return {
        kind: 'institution',
        code: line.fixmedins_code,
        key,
        command: {
          type: 'RegisterInstitution',
          data: {
            code: line.fixmedins_code,
            name: line.fixmedins_name,
            category: line.ledger_category as InstitutionCategory,
            level: lookup('hosp_lv', 'hosp_lv', line.hosp_lv).level,
            location: line.ledger_location as InstitutionLocation,
            region: lookup('admdvs', 'admdvs', line.admdvs).region,
            designations: [lookup('insutype', 'insutype', line.insutype).scheme],
          },
        },
      };
    case 'psn_insu':
      return {
        kind: 'enrollment',
        personId: line.psn_no,
        key,
        command: {
          type: 'Enrol',
          data: {
            personId: line.psn_no,
            scheme: lookup('insutype', 'insutype', line.insutype).scheme,
            category: lookup('psn_type', 'psn_type', line.psn_type).category,
            region: lookup('admdvs', 'insu_admdvs', line.insu_admdvs).region,
            enrolledOn: line.begndate,
            ...(line.clct_base ? { contributionBase: line.clct_base } : {}),
            relatives: [],
          },
        },
      };
    case 'psn_type_chg':
      return {
        kind: 'enrollment',
        personId: line.psn_no,
        key,
        command: { type: 'ChangeRetiredStatus', data: { processedOn: line.chg_date } },
      };
    case 'acct_crdt':
      return { kind: 'credit', personId: line.psn_no, key, month: line.crdt_ym };
    case 'setl':
      return { kind: 'settlement', personId: line.psn_no, key, request: settlementRequest(line) };
  }
}

/** A historical row has totals, not lines: its in-scope part and its fully self-paid part become two bill lines. */
function settlementRequest(line: SettlementLine): VisitRequest {
  const inScope = money(line.medfee_sumamt).minus(money(line.fulamt_ownpay_amt));
  const lines = [
    ...(inScope.greaterThan(0) ? [{ code: 'HIST-INSCP', amount: inScope.toFixed(2), inCatalogue: true }] : []),
    ...(money(line.fulamt_ownpay_amt).greaterThan(0)
      ? [{ code: 'HIST-OWNPAY', amount: money(line.fulamt_ownpay_amt).toFixed(2), inCatalogue: false }]
      : []),
  ];
  return {
    settlementId: line.setl_id,
    institutionCode: line.fixmedins_code,
    account: { source: lookup('acct_used_flag', 'acct_used_flag', line.acct_used_flag).source },
    visit: {
      visitId: line.mdtrt_id,
      occurredAt: nationalTimeToInstant(line.begntime),
      settledAt: nationalTimeToInstant(line.setl_time),
      medType: lookup('med_type', 'med_type', line.med_type).medType,
      lines,
    },
    historical: {
      setl_id: line.setl_id,
      fund_pay_sumamt: line.fund_pay_sumamt,
      acct_pay: line.acct_pay,
      psn_cash_pay: line.psn_cash_pay,
      source: 'historical import',
    },
  };
}

/** medfee_sumamt must be the sum of what was paid (the row's own identity), else the row is refused. */
export function checkHistoricalSum(request: VisitRequest): FieldError | undefined {
  const h = request.historical!;
  const paid = [h.fund_pay_sumamt, h.acct_pay, h.psn_cash_pay].reduce((a, v) => a.plus(money(v)), new Dec(0));
  const total = request.visit.lines.reduce((a, l) => a.plus(money(l.amount)), new Dec(0));
  if (paid.equals(total)) return undefined;
  return {
    field: 'medfee_sumamt',
    rule: 'equalsFundPlusAccountPlusCash',
    message: `medfee_sumamt ${total.toFixed(2)} is not fund_pay_sumamt + acct_pay + psn_cash_pay = ${paid.toFixed(2)}`,
  };
}
