/**
 * Personal-account rules for the accounts module, read from the pack (宛政办〔2022〕42号
 * 第八条–第十条; 安医保〔2019〕75号 三). Pure functions; no region's number lives here.
 */
import { InvalidInput, PolicyRefusal } from '../kernel/errors';
import { fmt, money, rate, toFen } from '../kernel/money';
import type { PersonCategory, TraceEntry } from './engine/types';
import { cite, ledgerRule } from './citation';
import type { AccountPurpose, PolicyPack } from './pack.types';

export type { AccountPurpose } from './pack.types';

/** Where a pack's document has no personal-account rules, nothing is credited or paid: the ledger's rule, not a clause. */
const noRules = (_pack: PolicyPack): string => ledgerRule('no-personal-account-rules');

/**
 * The clause behind carry-over, transfer, inheritance and one-time payout: the pack's
 * `account.balance` (宛政办〔2022〕42号 第十二条), or the ledger's own rule where the pack's
 * document has no such rule (the balance still moves with the person).
 */
export function balanceClause(pack: PolicyPack | undefined): string {
  return pack?.kind === 'city' && pack.account?.balance ? cite(pack.account.balance) : ledgerRule('account-balance-moves-with-person');
}

/**
 * One month's account credit for a person of `category`: in-service = contribution base ×
 * share (第八条（一）); retired = the configured average monthly pension × share (第八条（二）).
 * Refuses where the pack credits nothing (e.g. 安医保 三: no new family-account money from 2020).
 */
export function monthlyAccountCredit(
  pack: PolicyPack,
  category: PersonCategory,
  params: { contributionBase?: string },
): { amount: string; clause: string; trace: TraceEntry } {
  if (pack.kind !== 'city') throw new InvalidInput('pack', `framework pack ${pack.id} credits no accounts`);
  const rules = pack.account;
  if (!rules) throw new PolicyRefusal('ACCOUNT_CREDIT_NOT_PROVIDED', noRules(pack), `policy ${pack.id} has no personal-account credits`);
  if (rules.noNewCredits) {
    throw new PolicyRefusal(
      'ACCOUNT_CREDIT_NOT_PROVIDED',
      cite(rules.noNewCredits),
      `no new account money from ${rules.noNewCredits.value.from} under ${pack.document}`,
      {
        from: rules.noNewCredits.value.from,
      },
    );
  }
  const credits = rules.credits;
  if (category === 'in_service' && credits?.in_service) {
    const rule = credits.in_service;
    if (params.contributionBase === undefined)
      throw new InvalidInput('contributionBase', `is required for an in-service credit (${cite(rule)})`);
    const base = money(params.contributionBase);
    if (base.isNegative()) throw new InvalidInput('contributionBase', 'must not be negative');
    const amount = fmt(toFen(base.times(rate(rule.value.share))));
    const clause = cite(rule);
    return {
      amount,
      clause,
      trace: {
        step: 'accountCredit',
        clause,
        inputs: { category, contributionBase: fmt(base), share: rule.value.share },
        result: { amount },
      },
    };
  }
  if (category === 'retired' && credits?.retired && credits.averageMonthlyPension) {
    const rule = credits.retired;
    const pension = credits.averageMonthlyPension;
    const amount = fmt(toFen(money(pension.value).times(rate(rule.value.share))));
    const clause = cite(rule);
    return {
      amount,
      clause,
      trace: {
        step: 'accountCredit',
        clause,
        inputs: { category, averageMonthlyPension: pension.value, averageMonthlyPensionSource: cite(pension), share: rule.value.share },
        result: { amount },
      },
    };
  }
  throw new PolicyRefusal(
    'ACCOUNT_CREDIT_NOT_PROVIDED',
    credits?.in_service ? cite(credits.in_service) : noRules(pack),
    `policy ${pack.id} credits no account money to a ${category} person`,
    {
      category,
    },
  );
}

/** Whether the holder's account may pay for this relative (第九条（二）: spouse, parents, children). */
export function familyUseAllowed(pack: PolicyPack, relation: string): { allowed: boolean; clause: string } {
  if (pack.kind !== 'city' || !pack.account) return { allowed: false, clause: noRules(pack) };
  const rule = pack.account.familyRelations;
  return { allowed: rule.value.includes(relation), clause: cite(rule) };
}

/** Whether the account may pay for a purpose (第九条 allows, 第十条 forbids). */
export function accountMayPay(pack: PolicyPack, purpose: AccountPurpose): { allowed: boolean; clause: string } {
  if (pack.kind !== 'city' || !pack.account) return { allowed: false, clause: noRules(pack) };
  const rule = pack.account.mayPay[purpose];
  if (!rule) throw new InvalidInput('purpose', `unknown account purpose ${purpose}`);
  return { allowed: rule.value, clause: cite(rule) };
}
