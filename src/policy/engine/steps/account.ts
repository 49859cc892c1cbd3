/**
 * Pack key `account` (`familyRelations`, `mayPay`, `visitPayment`): the person's share is paid
 * from the personal account (own, or a relative's under family use, 家庭共济) as far as the
 * rules and the balance allow, the rest in cash. Typical clause: 宛政办〔2022〕42号 第九条（二）, 第十条;
 * 安医保〔2019〕75号 三, 四.
 */
import { min, ZERO, type Dec } from '../../../kernel/money';
import { cite, ledgerRule } from '../../citation';
import type { AccountRules } from '../../pack.types';
import { addReason, nonNegative, traceStep, type Adjudication } from './context';
import type { PolicyScope } from './exclusions';

export interface PersonShare {
  personPart: Dec;
  ownAccount: Dec;
  relativeAccount: Dec;
  cash: Dec;
}

export function account(c: Adjudication, scope: PolicyScope, fund: Dec): PersonShare {
  const request = c.input.account;
  const personPart = scope.total.minus(fund);
  let ownAccount = ZERO;
  let relativeAccount = ZERO;
  if (request.source !== 'none') {
    const { allowed, payable, clause } = accountPayable(c, scope, fund, personPart);
    const balance = allowed ? nonNegative(request.balance, 'account.balance') : ZERO;
    const paid = min(balance, payable);
    if (allowed && balance.lessThan(payable)) {
      addReason(c.flags, 'ACCOUNT_INSUFFICIENT', clause, `balance ${c.show(balance)} covers ${c.show(paid)} of ${c.show(payable)}`);
    }
    if (request.source === 'own') ownAccount = paid;
    else relativeAccount = paid;
    traceStep(
      c,
      'account',
      clause,
      {
        balance: allowed ? c.show(balance) : null,
        holderId: request.holderId ?? null,
        personPart: c.show(personPart),
        relation: request.relation ?? null,
        source: request.source,
      },
      { allowed, paid: c.show(paid), payable: c.show(payable) },
    );
  }
  return { personPart, ownAccount, relativeAccount, cash: personPart.minus(ownAccount).minus(relativeAccount) };
}

/** A pack whose document has no personal-account rules: the share is cash by the ledger's own rule, not a clause. */
export const NO_ACCOUNT_RULES_CLAUSE = ledgerRule('no-personal-account-rules');
/** How decisions before issue 14 cited it: "<document> (no personal-account rules)". */
export const LEGACY_NO_ACCOUNT_RULES = /[^\s";,]+ \(no personal-account rules\)/g;

/** How much of the share the account may pay, before the balance; a refusal records its reason. */
function accountPayable(
  c: Adjudication,
  scope: PolicyScope,
  fund: Dec,
  personPart: Dec,
): { allowed: boolean; payable: Dec; clause: string } {
  const rules = c.pack.account;
  if (!rules) {
    const clause = NO_ACCOUNT_RULES_CLAUSE;
    addReason(c.reasons, 'ACCOUNT_RULES_ABSENT', clause, `policy ${c.pack.id} has no personal-account rules; the share is paid in cash`);
    return { allowed: false, payable: ZERO, clause };
  }
  const vp = rules.visitPayment;
  const clause = cite(vp);
  if (!accountUseAllowed(c, rules)) return { allowed: false, payable: ZERO, clause };
  // fund ≤ policy scope ≤ medical total, so both bases are ≥ 0.
  const payable = vp.value.scope === 'policy_scope_self_pay' ? scope.policyScope.minus(fund) : scope.medicalTotal.minus(fund);
  if (payable.lessThan(personPart)) {
    addReason(
      c.flags,
      'ACCOUNT_EXCLUDED_COSTS',
      vp,
      `${c.show(personPart.minus(payable))} of the person's share may not be paid from the account`,
    );
  }
  return { allowed: true, payable, clause };
}

/** The relation, the purpose and the place allow the account to pay; the first rule that refuses is recorded. */
function accountUseAllowed(c: Adjudication, rules: AccountRules): boolean {
  const request = c.input.account;
  const institution = c.input.visit.institution;
  if (request.source === 'relative') {
    const relation = request.relation ?? 'other';
    if (!rules.familyRelations.value.includes(relation)) {
      addReason(c.reasons, 'RELATION_NOT_ALLOWED', rules.familyRelations, `a ${relation} may not use the holder's account`);
      return false;
    }
  }
  const purpose = request.source === 'relative' ? 'relative_self_pay' : institution.pharmacy === true ? 'pharmacy' : 'own_self_pay';
  if (!rules.mayPay[purpose].value) {
    addReason(c.reasons, 'ACCOUNT_USE_NOT_ALLOWED', rules.mayPay[purpose], `the account may not pay for ${purpose}`);
    return false;
  }
  if (rules.visitPayment.value.designatedOnly && !institution.designated) {
    addReason(c.reasons, 'ACCOUNT_NOT_AT_DESIGNATED', rules.visitPayment, `institution ${institution.code} is not designated`);
    return false;
  }
  return true;
}
