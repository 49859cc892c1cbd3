/**
 * The crossings judged at every visit compute only the indicators that have a threshold and
 * enough data (issue 10 item 5); they must equal the crossings read from the full indicators.
 */
import fc from 'fast-check';
import { institutionCrossings, institutionMonthCrossings } from '../../src/monitoring/evaluate';
import {
  addVisit,
  emptyMonthSums,
  InstitutionMonthSums,
  institutionMonthIndicators,
  LINE_CATEGORIES,
  withCounts,
} from '../../src/monitoring/indicators';
import { INSTITUTION_ALERT_INDICATORS, MonitoringThresholds } from '../../src/monitoring/thresholds';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';

const fen = fc.integer({ min: 0, max: 5_000_000 }).map((n) => (n / 100).toFixed(2));
const count = fc.integer({ min: 0, max: 60 });

const sums = (month: string): fc.Arbitrary<InstitutionMonthSums> =>
  fc
    .record({
      visits: count,
      reversals: count,
      persons: count,
      referrals: count,
      total: fen,
      fund: fen,
      outOfCatalogue: fen,
      outOfCatalogueLines: count,
      inpatientAdmissions: count,
      byCategory: fc.array(fen, { minLength: LINE_CATEGORIES.length, maxLength: LINE_CATEGORIES.length }),
    })
    .map((r) => ({
      ...emptyMonthSums('X', month),
      ...r,
      settlements: r.visits + r.reversals,
      byCategory: Object.fromEntries(LINE_CATEGORIES.map((c, i) => [c, r.byCategory[i]])) as InstitutionMonthSums['byCategory'],
    }));

/** Thresholds from the configuration, or random ones (some indicators without any) so that many cross. */
const thresholds: fc.Arbitrary<MonitoringThresholds['institution']> = fc.oneof(
  fc.constant(loadMonitoringThresholds().institution),
  fc
    .record({
      minVisitsPerMonth: fc.integer({ min: 0, max: 30 }),
      minAdmissionsPerMonth: fc.integer({ min: 0, max: 30 }),
      maxima: fc.array(fc.option(fc.integer({ min: -100, max: 300 }).map((n) => (n / 100).toFixed(2))), {
        minLength: INSTITUTION_ALERT_INDICATORS.length,
        maxLength: INSTITUTION_ALERT_INDICATORS.length,
      }),
    })
    .map(({ minVisitsPerMonth, minAdmissionsPerMonth, maxima }) => ({
      minVisitsPerMonth,
      minAdmissionsPerMonth,
      indicators: Object.fromEntries(
        INSTITUTION_ALERT_INDICATORS.flatMap((k, i) =>
          maxima[i] === null ? [] : [[k, { max: maxima[i]!, clause: '宛政办〔2022〕42号 第二十二条（二）' }]],
        ),
      ),
    })),
);

describe('institution crossings computed lazily', () => {
  it('equal the crossings of the full indicators, for any month, base months and thresholds', () => {
    fc.assert(
      fc.property(sums('2024-05'), fc.option(sums('2024-04')), fc.option(sums('2023-05')), thresholds, (cur, prev, lastYear, t) => {
        const full = institutionCrossings(
          institutionMonthIndicators(cur, prev ?? undefined, lastYear ?? undefined),
          cur,
          prev ?? undefined,
          lastYear ?? undefined,
          t,
        );
        expect(institutionMonthCrossings(cur, prev ?? undefined, lastYear ?? undefined, t)).toEqual(full);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sums carried from visit to visit keep their parsed figures', () => {
  const contribution = fc
    .record({
      total: fen,
      fund: fen,
      outOfCatalogue: fen,
      outOfCatalogueLines: fc.integer({ min: 0, max: 5 }),
      referral: fc.boolean(),
      byCategory: fc.array(fen, { minLength: LINE_CATEGORIES.length, maxLength: LINE_CATEGORIES.length }),
    })
    .map((r) => ({
      ...r,
      byCategory: Object.fromEntries(LINE_CATEGORIES.map((c, i) => [c, r.byCategory[i]])) as InstitutionMonthSums['byCategory'],
    }));

  it('a chain of visits and reversals gives the figures of the same sums read back from storage (JSON)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(contribution, fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.option(sums('2023-05')),
        thresholds,
        (steps, lastYear, t) => {
          let cur = emptyMonthSums('X', '2024-05');
          for (const [c, reversal] of steps) {
            cur = withCounts(addVisit(cur, c, reversal ? -1 : 1), { persons: cur.persons + 1 });
            const stored = JSON.parse(JSON.stringify(cur)) as InstitutionMonthSums;
            expect(stored).toEqual(cur);
            expect(institutionMonthCrossings(cur, undefined, lastYear ?? undefined, t)).toEqual(
              institutionMonthCrossings(stored, undefined, lastYear ?? undefined, t),
            );
            expect(institutionMonthIndicators(cur, undefined, lastYear ?? undefined)).toEqual(
              institutionMonthIndicators(stored, undefined, lastYear ?? undefined),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
