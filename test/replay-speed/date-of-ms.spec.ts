/**
 * Issue 10 item 5: the date of an instant is computed by arithmetic instead of a Date and
 * its ISO text. shanghaiDate and addDays must answer what the Date-based definition
 * answered: every day of years 0000–9999 at its first and last millisecond, the edges of
 * Date's range, fractions of a millisecond, and what is not an instant.
 */
import fc from 'fast-check';
import { addDays, INVALID_DATE, shanghaiDate } from '../../src/kernel/dates';

const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** The previous definition of the date of epoch milliseconds, kept as the reference. */
const byDate = (ms: number): string => {
  if (!Number.isFinite(ms)) return INVALID_DATE;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return INVALID_DATE;
  const iso = d.toISOString();
  return DATE_PATTERN.test(iso.slice(0, 10)) ? iso.slice(0, 10) : INVALID_DATE;
};
const SHANGHAI_MS = 8 * 3600 * 1000;
const DAY_MS = 86_400_000;
/** shanghaiDate as the reference computes it: the date of the instant 8 hours later. */
const expectedShanghaiDate = (ms: number): string => byDate(ms + SHANGHAI_MS);

describe('dates by arithmetic (issue 10 item 5)', () => {
  it('agrees with Date on the first and last millisecond of every day of years 0000–9999 (and the days around)', () => {
    const start = new Date(0).setUTCFullYear(0, 0, 1) - SHANGHAI_MS;
    const end = new Date(0).setUTCFullYear(9999, 11, 31) - SHANGHAI_MS;
    const wrong: string[] = [];
    for (let ms = start - DAY_MS; ms <= end + DAY_MS && wrong.length < 5; ms += DAY_MS) {
      for (const at of [ms, ms + DAY_MS - 1]) {
        const got = shanghaiDate(new Date(at).toISOString());
        if (got !== expectedShanghaiDate(at)) wrong.push(`${at}: ${got} ≠ ${expectedShanghaiDate(at)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with Date at any instant, up to the edges of its range', () => {
    const edges = fc.constantFrom(
      8.64e15,
      -8.64e15,
      8.64e15 - SHANGHAI_MS,
      8.64e15 - SHANGHAI_MS + 1,
      0,
      -1,
      253402271999999,
      253402272000000,
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), edges), (ms) => {
        expect(shanghaiDate(new Date(ms).toISOString())).toBe(expectedShanghaiDate(ms));
      }),
      { numRuns: 5000 },
    );
  });

  it('addDays agrees with Date for whole and fractional day counts', () => {
    const date = fc.constantFrom('1970-01-01', '2024-02-29', '0000-01-01', '9999-12-31', '2023-12-31');
    const days = fc.oneof(fc.integer({ min: -4_000_000, max: 4_000_000 }), fc.double({ min: -4e6, max: 4e6, noNaN: true }));
    fc.assert(
      fc.property(date, days, (d, n) => {
        expect(addDays(d, n)).toBe(byDate(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS));
      }),
      { numRuns: 5000 },
    );
    for (const n of [0.5, -0.5, 1e-9, -1e-9, -1.5 / DAY_MS]) expect(addDays('1970-01-01', n)).toBe(byDate(n * DAY_MS));
  });

  it('answers INVALID_DATE for what is not an instant or a day count', () => {
    expect(shanghaiDate('not a date')).toBe(INVALID_DATE);
    expect(shanghaiDate(undefined as unknown as string)).toBe(INVALID_DATE);
    expect(addDays('9999-12-31', 1)).toBe(INVALID_DATE);
    expect(addDays('0000-01-01', -1)).toBe(INVALID_DATE);
    expect(addDays('2024-01-01', Number.POSITIVE_INFINITY)).toBe(INVALID_DATE);
  });
});
