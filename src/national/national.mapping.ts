/**
 * Pure mapping between the national shapes and the ledger's: fee lines to bill lines,
 * the 2207 totals checked against the uploaded lines, and a decision to setlinfo/setldetail.
 */
import { InvalidInput, PolicyRefusal } from '../kernel/errors';
import { ledgerRule } from '../policy/citation';
import { Dec, money } from '../kernel/money';
import type { BillLine, Decision } from '../policy/engine/types';
import { codeFor, CODE_TABLES, lookup } from './code-tables';
import type { SetlDetail, SetlInfo, Settle2207Data } from './national.dto';
import type { StoredFeeLine } from './national-visit.events';

const fen = (d: Dec): string => d.toFixed(2);

export function billLines(lines: readonly StoredFeeLine[]): BillLine[] {
  return lines.map((l) => ({
    code: l.med_list_codg,
    ...(l.medins_list_name ? { name: l.medins_list_name } : {}),
    amount: l.det_item_fee_sumamt,
    inCatalogue: lookup('chrgitm_lv', 'chrgitm_lv', l.chrgitm_lv).inCatalogue,
  }));
}

/** A line's fully self-paid part: all of a line outside the catalogue. */
export function lineOwnPay(l: StoredFeeLine): string {
  return lookup('chrgitm_lv', 'chrgitm_lv', l.chrgitm_lv).inCatalogue ? '0.00' : fen(money(l.det_item_fee_sumamt));
}

/** pric × cnt must give the line's amount (to the fen) when both are sent. */
export function checkLineArithmetic(l: StoredFeeLine, index: number): void {
  if (l.pric === undefined || l.cnt === undefined) return;
  const product = money(l.pric).times(new Dec(l.cnt)).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  if (!product.equals(money(l.det_item_fee_sumamt))) {
    throw new InvalidInput(
      `input.feedetail.${index}.det_item_fee_sumamt`,
      'equalsPriceTimesCount',
      `det_item_fee_sumamt ${l.det_item_fee_sumamt} is not pric ${l.pric} × cnt ${l.cnt} = ${fen(product)}`,
    );
  }
}

/** What the lines of a batch add up to, under the 2207 total names. */
export function batchTotals(
  lines: readonly StoredFeeLine[],
): Pick<Settle2207Data, 'medfee_sumamt' | 'fulamt_ownpay_amt' | 'overlmt_selfpay' | 'preselfpay_amt' | 'inscp_scp_amt'> {
  const sum = lines.reduce((a, l) => a.plus(money(l.det_item_fee_sumamt)), new Dec(0));
  const own = lines.reduce((a, l) => a.plus(money(lineOwnPay(l))), new Dec(0));
  return {
    medfee_sumamt: fen(sum),
    fulamt_ownpay_amt: fen(own),
    overlmt_selfpay: '0.00',
    preselfpay_amt: '0.00',
    inscp_scp_amt: fen(sum.minus(own)),
  };
}

const TOTALS = ['medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt'] as const;

/** Every total the call sends must equal what the uploaded lines give; refused naming both figures. */
export function checkTotals(data: Settle2207Data, lines: readonly StoredFeeLine[]): void {
  const fromLines = batchTotals(lines);
  for (const field of TOTALS) {
    const given = data[field];
    if (given === undefined || money(given).equals(money(fromLines[field]!))) continue;
    throw new PolicyRefusal(
      'FEE_TOTALS_MISMATCH',
      ledgerRule('national-2207-totals-match-2204-lines'),
      `${field} ${fen(money(given))} does not agree with the fee lines of chrg_bchno ${data.chrg_bchno}: ${fromLines[field]}`,
      { field, given: fen(money(given)), lines: fromLines[field], chrg_bchno: data.chrg_bchno },
    );
  }
}

/** 'yyyy-MM-dd HH:mm:ss' Beijing time of an instant. */
export function beijingTime(instant: string | Date): string {
  const t = new Date(new Date(instant).getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}

export interface SettlementIds {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  insutype: string;
  med_type: string;
  mdtrt_cert_type: string;
  setl_time: string;
}

export function setlInfo(decision: Decision, ids: SettlementIds, balc: string): SetlInfo {
  const n = decision.national;
  return {
    ...ids,
    psn_type: codeFor('psn_type', 'category', decision.category) ?? '',
    medfee_sumamt: n.medfee_sumamt,
    fulamt_ownpay_amt: n.fulamt_ownpay_amt,
    overlmt_selfpay: n.overlmt_selfpay,
    preselfpay_amt: n.preselfpay_amt,
    inscp_scp_amt: n.inscp_scp_amt,
    act_pay_dedc: n.act_pay_dedc,
    hifp_pay: n.hifp_pay,
    fund_pay_sumamt: n.fund_pay_sumamt,
    psn_part_amt: n.psn_part_amt,
    acct_pay: n.acct_pay,
    acct_mulaid_pay: n.acct_mulaid_pay,
    psn_cash_pay: n.psn_cash_pay,
    balc,
    policy_version: decision.policy.version,
  };
}

/** The clauses of the steps that set the fund's figure, in trace order. */
function fundClauses(decision: Decision): string {
  const steps = new Set(['deductible', 'rate', 'fund']);
  return [...new Set(decision.trace.filter((t) => steps.has(t.step)).map((t) => t.clause))].join('; ');
}

/** One row per fund that pays (none when the fund pays nothing). */
export function setlDetail(decision: Decision): SetlDetail[] {
  const a = decision.amounts;
  if (!money(a.fund).greaterThan(0)) return [];
  const fundPayType = codeFor('fund_pay_type', 'scheme', decision.policy.scheme)!;
  return [
    {
      fund_pay_type: fundPayType,
      fund_pay_type_name: CODE_TABLES.fund_pay_type.codes[fundPayType as keyof typeof CODE_TABLES.fund_pay_type.codes].name,
      inscp_scp_amt: decision.national.inscp_scp_amt,
      crt_payb_lmt_amt: a.capRemainingBefore,
      fund_payamt: a.fund,
      setl_proc_info: `deductible ${a.deductible}; rate ${a.rate}; cap remaining ${a.capRemainingBefore} (${fundClauses(decision)})`,
    },
  ];
}

/** The figure negated (a zero stays 0.00, never -0.00). */
export const negate = (amount: string): string => (money(amount).isZero() ? '0.00' : fen(money(amount).negated()));
