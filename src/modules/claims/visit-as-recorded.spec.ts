/**
 * Issue 10, request path: the visit VisitSettled records is built in canonical key order, so
 * sealing stores it without a sorted copy, and it is the same JSON value as the spread it
 * replaces (`{ ...visit, institution }`), whatever members the request carried.
 */
import fc from 'fast-check';
import { canonicalJson, inCanonicalOrder } from '../../policy/canonical-json';
import type { BillLine, InstitutionFacts, VisitFacts } from '../../policy/engine/types';
import { referenceCanonicalJson } from '../../../test/audit/support/canonical-json.reference';
import { visitAsRecorded } from './visit-as-recorded';

const institution: InstitutionFacts = { code: 'NY-L2', designated: true, level: 'level2', region: 'nanyang' };

/** An optional member: absent, present with a value, or present as undefined (a DTO's unset field). */
const optional = <T>(value: fc.Arbitrary<T>) => fc.option(fc.option(value, { nil: undefined }), { nil: null });

const line = fc
  .record({
    amount: fc.constantFrom('80.00', '200.00', '12.34'),
    category: optional(fc.constantFrom('drug', 'consultation')),
    code: fc.string({ maxLength: 5 }),
    costKind: optional(fc.constantFrom('medical', 'work_injury')),
    inCatalogue: fc.boolean(),
    name: optional(fc.constantFrom('诊查费', 'x')),
  })
  .map(withoutAbsent);

const visit = fc
  .record({
    directSettlement: optional(fc.boolean()),
    lines: fc.array(line, { maxLength: 3 }),
    medType: fc.constantFrom('ordinary', 'chronic'),
    occurredAt: fc.constant('2023-03-01T09:00:00+08:00'),
    offSite: optional(fc.boolean()),
    prescriptionDays: optional(fc.integer({ min: 1, max: 90 })),
    referral: optional(fc.boolean()),
    settledAt: fc.constant('2023-03-01T09:30:00+08:00'),
    visitId: fc.string({ maxLength: 5 }),
  })
  .map(withoutAbsent);

/** Members generated as `null` are left out; the rest are inserted in reverse order (a client's order, not the sorted one). */
function withoutAbsent(record: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(record).filter((k) => record[k] !== null);
  const out: Record<string, unknown> = {};
  for (const key of keys.reverse()) out[key] = record[key];
  return out;
}

describe('visitAsRecorded', () => {
  it('property: the spread’s JSON value, in canonical order throughout (sealing copies nothing)', () => {
    fc.assert(
      fc.property(visit, (v) => {
        const given = v as unknown as Omit<VisitFacts, 'institution'>;
        const recorded = visitAsRecorded(given, institution);
        expect(canonicalJson(recorded)).toBe(referenceCanonicalJson({ ...given, institution }));
        expect(JSON.stringify(recorded)).toBe(referenceCanonicalJson({ ...given, institution }));
        expect(inCanonicalOrder(recorded)).toBe(recorded);
      }),
      { numRuns: 300 },
    );
  });

  it('a member the types do not name is kept (the spread’s way), on the visit and on a line', () => {
    const lines = [{ code: 'A01', amount: '80.00', inCatalogue: true, extra: 1 } as BillLine];
    const given = { visitId: 'V1', occurredAt: 'a', settledAt: 'b', medType: 'ordinary', lines, note: 'kept' } as Omit<
      VisitFacts,
      'institution'
    >;
    const recorded = visitAsRecorded(given, institution);
    expect(canonicalJson(recorded)).toBe(referenceCanonicalJson({ ...given, institution }));
    expect(JSON.stringify(visitAsRecorded({ ...given, note: undefined } as typeof given, institution).lines[0])).toContain('"extra":1');
  });
});
