/**
 * Issue 10: the live persons projection extends a person-year's summary by one visit
 * (`summarizeYearWith`) instead of summarising the whole year again, and stores the year
 * without its settlements' list (`summarizeYearTotals`), which the read builds from the
 * settlement rows (`yearSettlements`). The extension must give exactly the text
 * `summarizeYearTotals` gives for the same visits, or refuse (undefined) and let the
 * projection summarise the whole year; the summary and the list together must give exactly
 * the text of `summarizeYear`, the view the as-of queries answer.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyCatalog } from '../../src/policy/catalog';
import type { PersonCategory } from '../../src/policy/engine/types';
import {
  PersonProfile,
  summarizeYear,
  summarizeYearTotals,
  summarizeYearWith,
  VisitRecord,
  yearSettlements,
} from '../../src/projections/person-views';
import type { AdjustmentRecord } from '../../src/projections/person-views/adjustments';
import { visitRecord } from '../support/visit-record';

const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));

const fen = (max: number) => fc.integer({ min: 0, max }).map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`);
const day = fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
const money3 = fc.record({ fund: fen(60_000), account: fen(5_000), cash: fen(30_000) });

const adjustment = (position: number) =>
  fc
    .record({ adjusted: money3, category: fc.constantFrom<PersonCategory>('in_service', 'retired') })
    .map(({ adjusted, category }): AdjustmentRecord => ({
      correctionId: `C-${position}`,
      position,
      recordedAt: '2023-12-01T00:00:00Z',
      policyVersion: 'v',
      category,
      rate: '0.6',
      adjusted,
      delta: { fund: '0.00', account: '0.00', cash: '0.00' },
      divergence: { step: 'rates', clause: 'c' },
    }));

/** A settlement record; most are live and not corrected (the case the extension takes), some are reversed or corrected. */
const visit = (position: number) =>
  fc
    .record({
      date: day,
      amounts: money3,
      reversed: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      adjustments: fc.oneof(
        { weight: 5, arbitrary: fc.constant<AdjustmentRecord[]>([]) },
        { weight: 1, arbitrary: fc.array(adjustment(position + 1), { minLength: 1, maxLength: 2 }) },
      ),
    })
    .map(({ date, amounts, reversed, adjustments }): VisitRecord =>
      visitRecord(`S-${position}`, date, position, {
        visitId: `V-${position}`,
        deductible: '0.00',
        ...amounts,
        ...(reversed ? { reversedPosition: position + 1, reversedRecordedAt: `${date}T03:00:00Z` } : {}),
        ...(adjustments.length ? { adjustments } : {}),
      }),
    );

const visits = fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => visit(10 + 3 * i))));

const profile = fc
  .record({
    enrolledOn: fc.constantFrom('2022-07-01', '2023-03-15'),
    endedOn: fc.constantFrom(undefined, '2023-10-31'),
    retiredFrom: fc.constantFrom(undefined, '2023-07-01'),
  })
  .map(({ enrolledOn, endedOn, retiredFrom }): PersonProfile => ({
    personId: 'P',
    scheme: 'employee',
    region: 'nanyang',
    enrolledOn,
    ...(endedOn ? { endedOn } : {}),
    categoryTimeline: [
      { from: enrolledOn, category: 'in_service', cause: 'enrollment', position: 1 },
      ...(retiredFrom ? [{ from: retiredFrom, category: 'retired' as const, cause: 'retirement' as const, position: 2 }] : []),
    ],
  }));

describe('summarizeYearWith', () => {
  it('property: extending the summary of the visits before by each next visit gives the text summarizeYearTotals gives, or undefined', () => {
    let extended = 0;
    fc.assert(
      fc.property(profile, visits, (p, all) => {
        let summary = summarizeYearTotals(catalog, p, [], 2023);
        for (let i = 0; i < all.length; i++) {
          const whole = summarizeYearTotals(catalog, p, all.slice(0, i + 1), 2023);
          const next = summarizeYearWith(summary, all[i]);
          if (next) {
            extended += 1;
            expect(JSON.stringify(next)).toBe(JSON.stringify(whole));
          }
          summary = whole;
        }
      }),
      { numRuns: 300 },
    );
    // The property must have exercised the extension, not only its refusals.
    expect(extended).toBeGreaterThan(500);
  });

  it('property: the summary followed by the settlements built from the rows is the text of summarizeYear', () => {
    fc.assert(
      fc.property(profile, visits, fc.constantFrom(2022, 2023, 2024), (p, all, year) => {
        const view = { ...summarizeYearTotals(catalog, p, all, year), settlements: yearSettlements(all, year) };
        expect(JSON.stringify(view)).toBe(JSON.stringify(summarizeYear(catalog, p, all, year)));
      }),
      { numRuns: 300 },
    );
  });

  it('takes a live, uncorrected visit of the year, whatever its date, and refuses the others', () => {
    const base = visitRecord('S-1', '2023-05-10', 5, { visitId: 'V-1' });
    const p: PersonProfile = {
      personId: 'P',
      scheme: 'employee',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      categoryTimeline: [{ from: '2023-01-01', category: 'in_service', cause: 'enrollment', position: 1 }],
    };
    const one = summarizeYearTotals(catalog, p, [base], 2023);
    const later = { ...base, settlementId: 'S-2', position: 9 };
    expect(summarizeYearWith(one, later)?.fundPaid).toBe('297.00');
    const earlier = { ...later, visitDate: '2023-05-09' };
    expect(JSON.stringify(summarizeYearWith(one, earlier))).toBe(JSON.stringify(summarizeYearTotals(catalog, p, [base, earlier], 2023)));
    expect(summarizeYearWith(one, { ...later, year: 2024, visitDate: '2024-01-02' })).toBeUndefined();
    expect(summarizeYearWith(one, { ...later, reversedPosition: 10 })).toBeUndefined();
    const adjusted = { ...later, adjustments: [{ adjusted: { fund: '1.00', account: '0.00', cash: '0.00' } } as AdjustmentRecord] };
    expect(summarizeYearWith(one, adjusted)).toBeUndefined();
  });
});
