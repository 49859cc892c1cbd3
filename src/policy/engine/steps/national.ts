/**
 * The national settlement interface's fields (2206/2207 output names), with their identities
 * checked on the exact values before formatting. Not a pack key: the interface is national.
 */
import type { Dec } from '../../../kernel/money';
import { ledgerRule } from '../../citation';
import type { NationalFields } from '../types';
import { traceStep, type Adjudication } from './context';

/** A broken identity between computed figures: a bug in the engine, never a business refusal. */
export class AdjudicationInvariantError extends Error {
  constructor(message: string) {
    super(`adjudication invariant violated: ${message}`);
    this.name = 'AdjudicationInvariantError';
  }
}

export type SettlementFigures = Record<
  'total' | 'excluded' | 'policyScope' | 'fund' | 'personPart' | 'ownAccount' | 'relativeAccount' | 'cash' | 'deductible',
  Dec
>;

/**
 * The identities are the ledger's own (they vary by province; no policy document gives them).
 * Decisions recorded before issue 14 cite LEGACY_NATIONAL_CLAUSE; the VisitSettled v3
 * upcaster (src/modules/person-upcasters.ts) reads them with this one.
 */
export const NATIONAL_CLAUSE = ledgerRule('national-settlement-identities');
export const LEGACY_NATIONAL_CLAUSE = 'DOMAIN.md §2 national settlement identities';

export function nationalFields(c: Adjudication, v: SettlementFigures): NationalFields {
  checkIdentities(v);
  // Members in canonical order (context.ts), as stored.
  const national: NationalFields = {
    acct_mulaid_pay: c.show(v.relativeAccount),
    acct_pay: c.show(v.ownAccount),
    act_pay_dedc: c.show(v.deductible),
    fulamt_ownpay_amt: c.show(v.excluded),
    fund_pay_sumamt: c.show(v.fund),
    hifp_pay: c.show(v.fund),
    inscp_scp_amt: c.show(v.policyScope),
    medfee_sumamt: c.show(v.total),
    overlmt_selfpay: '0.00',
    preselfpay_amt: '0.00',
    psn_cash_pay: c.show(v.cash),
    psn_part_amt: c.show(v.personPart),
  };
  traceStep(c, 'national', NATIONAL_CLAUSE, {}, { ...national });
  return national;
}

/**
 * The national identities (overlmt_selfpay and preselfpay_amt are 0: we model no over-limit
 * or 乙类 pre-self-pay). Every value is a whole number of fen, so formatting cannot break an
 * identity that holds here.
 */
function checkIdentities(v: SettlementFigures): void {
  const fail = (what: string) => {
    throw new AdjudicationInvariantError(
      `${what}: ${JSON.stringify(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.toString()])))}`,
    );
  };
  for (const k in v) {
    const x = v[k as keyof SettlementFigures];
    if (x.isNegative() && !x.isZero()) fail(`${k} is negative`);
    // More than two decimal places is exactly "differs from itself rounded to the fen", without a rounded copy.
    if (x.decimalPlaces() > 2) fail(`${k} is not a whole number of fen`);
  }
  // medfee_sumamt = fund_pay_sumamt + psn_part_amt
  if (!v.total.equals(v.fund.plus(v.personPart))) fail('medfee_sumamt ≠ fund_pay_sumamt + psn_part_amt');
  // psn_part_amt = acct_pay + acct_mulaid_pay + psn_cash_pay
  if (!v.personPart.equals(v.ownAccount.plus(v.relativeAccount).plus(v.cash)))
    fail('psn_part_amt ≠ acct_pay + acct_mulaid_pay + psn_cash_pay');
  // inscp_scp_amt = medfee_sumamt − fulamt_ownpay_amt − overlmt_selfpay − preselfpay_amt
  if (!v.policyScope.equals(v.total.minus(v.excluded))) fail('inscp_scp_amt ≠ medfee_sumamt − fulamt_ownpay_amt − 0 − 0');
  // fund_pay_sumamt = hifp_pay holds by construction: both are the one fund figure.
  if (v.deductible.greaterThan(v.policyScope) || v.fund.greaterThan(v.policyScope)) fail('deductible or fund exceeds the policy scope');
}
