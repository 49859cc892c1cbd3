/**
 * Issue 10 item 5: isLocalDate checks the calendar by arithmetic instead of a Date round
 * trip. It must accept exactly the dates the round trip accepts: the month ends of every
 * four-digit year is checked against it, with the days that do not exist.
 */
import { isLocalDate } from '../../src/kernel/dates';

const byRoundTrip = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

describe('isLocalDate by arithmetic (issue 10 item 5)', () => {
  it('agrees with the Date round trip on days 28–31 (01–27 exist in every month) of every month of years 0000–9999', () => {
    const disagreements: string[] = [];
    for (let year = 0; year <= 9999; year++) {
      const y = String(year).padStart(4, '0');
      for (let month = 1; month <= 12; month++) {
        const m = String(month).padStart(2, '0');
        for (let day = 28; day <= 31; day++) {
          const s = `${y}-${m}-${day}`;
          if (isLocalDate(s) !== byRoundTrip(s)) disagreements.push(s);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it.each(['2024-02-29', '2000-02-29', '0000-02-29', '2023-01-01', '9999-12-31'])('accepts %s', (s) => expect(isLocalDate(s)).toBe(true));
  it.each([
    '2023-02-29',
    '1900-02-29',
    '2100-02-29',
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-01-00',
    '10000-01-01',
    '',
    'x',
    '2023-1-01',
  ])('refuses %s', (s) => expect(isLocalDate(s)).toBe(false));
  it('refuses what is not a string', () => expect(isLocalDate(20230101)).toBe(false));
});
