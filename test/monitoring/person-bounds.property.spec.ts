/**
 * Issue 10: the monitor runs the person evaluation only when an integer bound of some
 * indicator is above its threshold (`personMayCross`). A bound must never hide a crossing:
 * whenever `personCrossings` finds one, `personMayCross` says it may.
 */
import fc from 'fast-check';
import { addDays } from '../../src/kernel/dates';
import { personCrossings } from '../../src/monitoring/evaluate';
import { personBounds, personMayCross } from '../../src/monitoring/person-bounds';
import { MonitoringThresholds, PERSON_ALERT_INDICATORS } from '../../src/monitoring/thresholds';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';

const DATE = '2024-02-27';
const CLAUSE = '焦医保〔2024〕32号 五（一）';

/** Visits within ±40 days of DATE (past every window's reach), at a few institutions, many on the same days. */
const visits = fc.array(
  fc.record({ offset: fc.integer({ min: -40, max: 40 }), institution: fc.constantFrom('A', 'B', 'C', 'D') }).map((v) => ({
    date: addDays(DATE, v.offset),
    institutionCode: v.institution,
  })),
  { maxLength: 24 },
);

/** The configured thresholds, or small random ones (some indicators without any) so that many cross. */
const thresholds: fc.Arbitrary<MonitoringThresholds['person']> = fc.oneof(
  fc.constant(loadMonitoringThresholds().person),
  fc
    .array(fc.option(fc.integer({ min: 0, max: 8 })), {
      minLength: PERSON_ALERT_INDICATORS.length,
      maxLength: PERSON_ALERT_INDICATORS.length,
    })
    .map((maxima) =>
      Object.fromEntries(
        PERSON_ALERT_INDICATORS.flatMap((k, i) => (maxima[i] === null ? [] : [[k, { max: String(maxima[i]), clause: CLAUSE }]])),
      ),
    ),
);

describe('person crossings ruled out on integer bounds', () => {
  it('are never ruled out when the full evaluation finds one', () => {
    fc.assert(
      fc.property(visits, thresholds, (vs, t) => {
        const all = [...vs, { date: DATE, institutionCode: 'A' }];
        if (personCrossings(all, DATE, t).length > 0) expect(personMayCross(personBounds(t), all, DATE)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('rule out the usual visit: a few visits a month under the configured thresholds', () => {
    const t = loadMonitoringThresholds().person;
    const weekly = [-28, -21, -14, -7, 7, 14, 21, 28].map((d) => ({ date: addDays(DATE, d), institutionCode: 'A' }));
    const all = [...weekly, { date: DATE, institutionCode: 'B' }, { date: DATE, institutionCode: 'A' }];
    expect(personMayCross(personBounds(t), all, DATE)).toBe(false);
    expect(personMayCross(personBounds(t), [...all, { date: DATE, institutionCode: 'C' }], DATE)).toBe(true);
  });
});
