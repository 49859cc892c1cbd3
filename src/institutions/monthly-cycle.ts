import { LocalDate } from '../kernel/dates';
import { Dec, fmt, money, toFen } from '../kernel/money';
import { Month } from './institution.types';
import { cite, SettlementParameters } from './settlement-parameters';

/**
 * 焦医保〔2024〕32号 四（二）: institutions declare each month "每月 10日前"; the agency pays
 * 95% of the approved amount by month end and holds 5% until the annual assessment. Pure.
 */

/** The month after `month` ('YYYY-MM'). */
export function nextMonth(month: Month): Month {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function monthsOfYear(year: number, fromMonth?: Month, throughMonth?: Month): Month[] {
  const all = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  return all.filter((m) => (!fromMonth || m >= fromMonth) && (!throughMonth || m <= throughMonth));
}

/**
 * Last on-time day of a month's declaration. We read "每月 10日前" as "on or before the
 * 10th of the following month" (the brief's reading: due by the 10th).
 */
export function declarationDueDate(month: Month, params: SettlementParameters): LocalDate {
  const day = params.jiaozuo.monthly.declarationDueDay.value;
  return `${nextMonth(month)}-${String(day).padStart(2, '0')}`;
}

export interface AdvanceSplit {
  approved: string;
  advance: string;
  held: string;
  advanceShare: string;
  clause: string;
}

/** Advance = approved × 95% rounded once to the fen; held = the rest, so both sum exactly. */
export function splitAdvance(approvedAmount: string, params: SettlementParameters): AdvanceSplit {
  const approved = money(approvedAmount);
  const share = params.jiaozuo.monthly.advanceShare;
  const advance = toFen(approved.times(new Dec(share.value)));
  return {
    approved: fmt(approved),
    advance: fmt(advance),
    held: fmt(approved.minus(advance)),
    advanceShare: share.value,
    clause: cite(share),
  };
}
