/** Issue 11 items 1 and 3: instants compare as instants; every date helper is total. */
import fc from 'fast-check';
import {
  addDays,
  daysBetween,
  firstDayOfNextMonth,
  INVALID_DATE,
  instantMs,
  isBeforeInstant,
  isLedgerDate,
  isLocalDate,
  monthOf,
  shanghaiDate,
  yearOf,
} from './dates';

describe('instants compare as instants', () => {
  it('09:00+08:00 is before 02:00Z the same day, although it sorts after it as text', () => {
    const visit = '2026-12-01T09:00:00+08:00';
    const settled = '2026-12-01T02:00:00.000Z';
    expect(settled < visit).toBe(true); // the bug: text order
    expect(isBeforeInstant(settled, visit)).toBe(false);
    expect(isBeforeInstant(visit, settled)).toBe(true);
  });

  it('the Shanghai date of an instant crosses midnight eight hours before UTC', () => {
    expect(shanghaiDate('2026-12-01T16:30:00Z')).toBe('2026-12-02');
    expect(shanghaiDate('2026-12-02T00:30:00+08:00')).toBe('2026-12-02');
  });
});

describe('ledger date range', () => {
  it.each(['2000-01-01', '2023-02-28', '2024-02-29', '2099-12-31'])('%s is a ledger date', (d) => expect(isLedgerDate(d)).toBe(true));
  it.each(['1999-12-31', '2100-01-01', '0000-01-01', '9999-12-31', '10000-01-01', '2023-02-29', '2023-02-30', '2023-13-01', ''])(
    '%s is not',
    (d) => expect(isLedgerDate(d)).toBe(false),
  );
});

describe('date helpers are total on odd stored values', () => {
  it('9999-12-31 and 10000-01-01 give the invalid marker, never a five-digit year or a throw', () => {
    expect(firstDayOfNextMonth('9999-12-31')).toBe(INVALID_DATE);
    expect(firstDayOfNextMonth('10000-01-01')).toBe(INVALID_DATE);
    expect(addDays('9999-12-31', 1)).toBe(INVALID_DATE);
    expect(addDays('0000-01-01', -1)).toBe(INVALID_DATE);
    expect(shanghaiDate('9999-12-31T23:00:00Z')).toBe(INVALID_DATE);
    expect(shanghaiDate('not a time')).toBe(INVALID_DATE);
    expect(daysBetween('10000-01-01', '2023-01-01')).toBeNaN();
    expect(yearOf('10000-01-01')).toBeNaN();
    expect(monthOf('2023-02-30')).toBe(INVALID_DATE);
    expect(instantMs('')).toBeNaN();
  });

  it('real dates still compute', () => {
    expect(firstDayOfNextMonth('2023-12-15')).toBe('2024-01-01');
    expect(firstDayOfNextMonth('2023-05-15')).toBe('2023-06-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(daysBetween('2023-01-01', '2023-03-01')).toBe(59);
    expect(yearOf('2023-05-04')).toBe(2023);
  });

  it('no helper throws on any string, and string answers are a real date or the marker', () => {
    const odd = fc.oneof(
      fc.string(),
      fc.constantFrom('9999-12-31', '10000-01-01', '0000-00-00', '+010000-01-01', '2023-02-30', 'T', '-1'),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    fc.assert(
      fc.property(odd, fc.integer({ min: -1e9, max: 1e9 }), (s, n) => {
        for (const out of [firstDayOfNextMonth(s), addDays(s, n), shanghaiDate(s), monthOf(s)])
          expect(out === INVALID_DATE || isLocalDate(out) || /^\d{4}-\d{2}$/.test(out)).toBe(true);
        expect(() => [daysBetween(s, s), yearOf(s), instantMs(s), isBeforeInstant(s, s)]).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
