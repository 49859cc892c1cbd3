/**
 * Issue 10 item 5: the engine parses each instant of a visit once, and counts the days from
 * the visit to its settlement (settlementWindowDays) by day numbers. shanghaiDaysBetween must
 * answer what the definition it replaces answers: daysBetween of the two Shanghai dates.
 */
import fc from 'fast-check';
import { daysBetween, shanghaiDate, shanghaiDateOfMs, shanghaiDaysBetween } from '../../src/kernel/dates';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const definition = (fromMs: number, toMs: number): number => daysBetween(shanghaiDateOfMs(fromMs), shanghaiDateOfMs(toMs));
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('days between the Shanghai dates of two instants (issue 10 item 5)', () => {
  it('shanghaiDateOfMs is shanghaiDate of the parsed instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(shanghaiDateOfMs(Date.parse(iso))).toBe(shanghaiDate(iso));
      }),
    );
  });

  it('property: the same number as daysBetween of the two dates, NaN included', () => {
    const instant = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
      fc.constantFrom(Number.NaN, 8.64e15, -8.64e15, 253_402_271_999_999, 253_402_272_000_000, -62_167_248_000_001, 0, -1),
    );
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        expect(same(shanghaiDaysBetween(a, b), definition(a, b))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts calendar days in Shanghai, not 24-hour spans', () => {
    const visit = Date.parse('2024-03-10T23:30:00+08:00');
    expect(shanghaiDaysBetween(visit, visit + HOUR)).toBe(1); // 00:30 the next day
    expect(shanghaiDaysBetween(visit, Date.parse('2024-03-10T15:59:59Z'))).toBe(0); // 23:59:59 in Shanghai
    expect(shanghaiDaysBetween(visit, visit + 30 * DAY)).toBe(30);
    expect(shanghaiDaysBetween(visit + DAY, visit)).toBe(-1);
    expect(shanghaiDaysBetween(visit, Number.NaN)).toBeNaN();
  });
});
