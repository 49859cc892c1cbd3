/**
 * Upcasters of the person stream's event types (see src/event-store/upcasting.ts).
 *
 * PersonEnrolled v2 (current): `relatives` became a required array. v1 events — as
 * written by the first schema, and by migrations from systems that record no family
 * links — have no such field; they are read as "no relatives declared", which is what
 * the absence meant (宛政办〔2022〕42号 第九条: family use needs the relation declared).
 */
import { registerUpcaster } from '../event-store/upcasting';

registerUpcaster('PersonEnrolled', 1, (data: Record<string, unknown>) => ({ ...data, relatives: Array.isArray(data.relatives) ? data.relatives : [] }));

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
  return { ...data, visit: { ...visit, lines: visit.lines.map((l: Record<string, unknown>) => (l && l.category === undefined ? { ...l, category: 'other' } : l)) } };
});
