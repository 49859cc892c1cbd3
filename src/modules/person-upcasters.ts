/* eslint-disable @typescript-eslint/no-explicit-any -- stored data of older schema versions is untyped until upcast; typing it would only restate `unknown` casts. */
/**
 * Upcasters of the person stream's event types (see src/event-store/upcasting.ts).
 *
 * PersonEnrolled v2 (current): `relatives` became a required array. v1 events — as
 * written by the first schema, and by migrations from systems that record no family
 * links — have no such field; they are read as "no relatives declared", which is what
 * the absence meant (宛政办〔2022〕42号 第九条: family use needs the relation declared).
 */
import { registerUpcaster } from '../event-store/upcasting';
import { fmt, money } from '../kernel/money';
import { LEGACY_NO_ACCOUNT_RULES, NO_ACCOUNT_RULES_CLAUSE } from '../policy/engine/steps/account';
import { LEGACY_NATIONAL_CLAUSE, NATIONAL_CLAUSE } from '../policy/engine/steps/national';

registerUpcaster('PersonEnrolled', 1, (data: Record<string, unknown>) => ({
  ...data,
  relatives: Array.isArray(data.relatives) ? data.relatives : [],
}));

/**
 * VisitSettled v2 (current): every bill line carries its monitoring category
 * (宛政办〔2022〕42号 第二十二条（二）, 焦医保〔2024〕32号 五（一） watch examinations, drugs incl.
 * herbal pieces and treatments by amount). v1 lines have none, and the sender of a v2
 * settlement may still omit it. A missing category reads as 'other': the line stays in
 * the visit's total (per-visit cost and self-pay share are unchanged) but is not claimed
 * for any watched category, so a category share computed over old events is a lower
 * bound, never an alarm raised on a guess. Only the category is filled in; the amounts
 * and the recorded decision are untouched, so replay recomputes the same decision.
 */
registerUpcaster('VisitSettled', 1, (data: Record<string, any>) => {
  const visit = data?.visit;
  if (!visit || !Array.isArray(visit.lines)) return data;
  return {
    ...data,
    visit: {
      ...visit,
      lines: visit.lines.map((l: Record<string, unknown>) => (l && l.category === undefined ? { ...l, category: 'other' } : l)),
    },
  };
});

/**
 * VisitSettled v3 (current), issue 14: the recorded decision in the shape the engine now
 * writes, so replay of an older store still finds 0 differences:
 *  - item 2: the `national` trace step cited 'DOMAIN.md §2 national settlement identities'
 *    (a file outside the repository); it now says the identities are the ledger's own.
 *  - item 4: the amounts state the cap left after the visit, `capRemainingAfter`, which is
 *    capRemainingBefore − fund of the same decision (the engine computes it so).
 * Only the decision changes; the facts the engine was given are untouched.
 */
registerUpcaster('VisitSettled', 2, (data: Record<string, any>) => {
  const decision = data?.decision;
  if (!decision || typeof decision !== 'object') return data;
  const upcast = withoutLegacyAccountClause(decisionAsOfIssue14(decision));
  return upcast === decision ? data : { ...data, decision: upcast };
});

/** "<document> (no personal-account rules)" wherever the decision cites it → the ledger rule; the same object when absent. */
function withoutLegacyAccountClause(decision: Record<string, any>): Record<string, any> {
  const text = JSON.stringify(decision);
  if (!text.includes('(no personal-account rules)')) return decision;
  return JSON.parse(text.replace(LEGACY_NO_ACCOUNT_RULES, NO_ACCOUNT_RULES_CLAUSE));
}

/** The decision in the current shape; the same object when nothing needs changing. */
function decisionAsOfIssue14(decision: Record<string, any>): Record<string, any> {
  const trace = Array.isArray(decision.trace) ? decision.trace.map(nationalStepCitedAsLedgerRule) : decision.trace;
  const traceChanged = Array.isArray(trace) && trace.some((t: unknown, i: number) => t !== decision.trace[i]);
  const amounts = withCapRemainingAfter(decision.amounts);
  if (!traceChanged && amounts === decision.amounts) return decision;
  return { ...decision, trace: traceChanged ? trace : decision.trace, amounts };
}

function withCapRemainingAfter(amounts: Record<string, any> | undefined): Record<string, any> | undefined {
  if (
    !amounts ||
    amounts.capRemainingAfter !== undefined ||
    typeof amounts.capRemainingBefore !== 'string' ||
    typeof amounts.fund !== 'string'
  )
    return amounts;
  return { ...amounts, capRemainingAfter: fmt(money(amounts.capRemainingBefore).minus(money(amounts.fund))) };
}

function nationalStepCitedAsLedgerRule(entry: Record<string, any>): Record<string, any> {
  return entry?.step === 'national' && entry.clause === LEGACY_NATIONAL_CLAUSE ? { ...entry, clause: NATIONAL_CLAUSE } : entry;
}
