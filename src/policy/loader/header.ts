/** The header every pack has: id, document, region, scheme, period, framework. */
import { Checker, type Json, SLUG } from './checker';

export function checkHeader(c: Checker, p: Json): void {
  if (typeof p.id !== 'string' || !SLUG.test(p.id)) c.fail('id', 'must be a lower-case slug');
  c.string(p.document, 'document');
  c.string(p.title, 'title');
  c.oneOf(p.kind, ['city', 'framework'] as const, 'kind');
  if (typeof p.region !== 'string' || !SLUG.test(p.region)) c.fail('region', 'must be a lower-case slug');
  c.oneOf(p.scheme, ['employee', 'resident'] as const, 'scheme');
  if (c.object(p.effective, 'effective')) {
    c.date(p.effective.from, 'effective.from');
    if (p.effective.to !== undefined && c.date(p.effective.to, 'effective.to') && String(p.effective.to) < String(p.effective.from)) {
      c.fail('effective.to', 'is before effective.from');
    }
    if (p.effective.clause !== undefined) c.string(p.effective.clause, 'effective.clause');
  }
  if (p.framework !== undefined) c.string(p.framework, 'framework');
  if (p.notes !== undefined && (!Array.isArray(p.notes) || !p.notes.every((n) => typeof n === 'string')))
    c.fail('notes', 'must be a list of strings');
}
