/**
 * Calendar dates of the ledger are local dates in Asia/Shanghai (UTC+8, no daylight
 * saving since 1991), written 'YYYY-MM-DD'. Instants are ISO-8601 strings with an
 * offset. All functions here are pure: none reads the clock.
 *
 * Every helper is total (issue 11 item 3): a stored value that is not a date it can
 * compute with ('9999-12-31' + 1 day, '10000-01-01', '') never throws; it answers
 * INVALID_DATE (strings) or NaN (numbers), so a projection, a replay or the audit CLI
 * keeps going and can name the odd value instead of crashing on it.
 */
export type LocalDate = string;
export type Instant = string;

export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/**
 * The range every date and instant of an input must lie in: the policy documents cover
 * 2019–2024; the margin keeps history and decades of future use, and excludes the
 * year-0000 / 9999 values that are typing or default-value errors.
 */
export const LEDGER_DATE_MIN: LocalDate = '2000-01-01';
export const LEDGER_DATE_MAX: LocalDate = '2099-12-31';

/** What a date helper answers when it cannot compute a real date. Sorts after every real date. */
export const INVALID_DATE = 'invalid-date';

/** A real calendar date 'YYYY-MM-DD' (no 2023-02-30), any four-digit year. */
export function isLocalDate(s: unknown): s is LocalDate {
  if (typeof s !== 'string' || !DATE_PATTERN.test(s)) return false;
  // The pattern bounds month and day; the rest is arithmetic, not a Date round trip (an adjudication checks several dates).
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  return day <= DAYS_IN_MONTH[month - 1] || (month === 2 && day === 29 && isLeapYear(Number(s.slice(0, 4))));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Proleptic Gregorian, as Date and ISO 8601 count (year 0000 is a leap year). */
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** A real calendar date inside LEDGER_DATE_MIN … LEDGER_DATE_MAX (both date-only, so text order is date order). */
export function isLedgerDate(s: unknown): s is LocalDate {
  return isLocalDate(s) && s >= LEDGER_DATE_MIN && s <= LEDGER_DATE_MAX;
}

/** Milliseconds since the epoch of an ISO instant; NaN for anything unparseable. */
export function instantMs(instant: Instant): number {
  return typeof instant === 'string' ? Date.parse(instant) : Number.NaN;
}

/** a is strictly earlier than b, compared as instants (offsets differ: '+08:00' vs 'Z'). */
export function isBeforeInstant(a: Instant, b: Instant): boolean {
  return instantMs(a) < instantMs(b);
}

/** Formats epoch milliseconds as a date, or INVALID_DATE outside four-digit years. */
function dateOfMs(ms: number): LocalDate {
  // Date's range (±8.64e15 ms); inside it, the day by arithmetic rather than a Date and its ISO text (two per adjudication).
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return INVALID_DATE;
  const { year, month, day } = civilDate(dayNumber(ms));
  if (year < 0 || year > 9999) return INVALID_DATE;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01): H. Hinnant's civil_from_days. */
function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day: dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1 };
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Instant): LocalDate {
  return shanghaiDateOfMs(instantMs(instant));
}

/** shanghaiDate of an instant already parsed (instantMs): an adjudication parses each of its instants once. */
export function shanghaiDateOfMs(ms: number): LocalDate {
  return dateOfMs(ms + SHANGHAI_OFFSET_MS);
}

/**
 * `daysBetween(shanghaiDateOfMs(fromMs), shanghaiDateOfMs(toMs))` by day numbers, without
 * printing and parsing the two dates: NaN when either instant has no date.
 */
export function shanghaiDaysBetween(fromMs: number, toMs: number): number {
  if (shanghaiDateOfMs(fromMs) === INVALID_DATE || shanghaiDateOfMs(toMs) === INVALID_DATE) return Number.NaN;
  return dayNumber(toMs + SHANGHAI_OFFSET_MS) - dayNumber(fromMs + SHANGHAI_OFFSET_MS);
}

/** Days since 1970-01-01 of epoch milliseconds, as dateOfMs counts them. */
const dayNumber = (ms: number): number => Math.floor(Math.trunc(ms) / 86_400_000);

/** Year of a date; NaN when the value is not a date. */
export function yearOf(date: LocalDate): number {
  return isLocalDate(date) ? Number(date.slice(0, 4)) : Number.NaN;
}

export function monthOf(date: LocalDate): string {
  return isLocalDate(date) ? date.slice(0, 7) : INVALID_DATE;
}

/** First day of the month after the one `date` falls in (第六条: "次月起"). */
export function firstDayOfNextMonth(date: LocalDate): LocalDate {
  if (!isLocalDate(date)) return INVALID_DATE;
  const y = yearOf(date);
  const m = Number(date.slice(5, 7));
  if (m === 12) return y >= 9999 ? INVALID_DATE : `${y + 1}-01-01`;
  return `${date.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  if (!isLocalDate(date) || !Number.isFinite(days)) return INVALID_DATE;
  return dateOfMs(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
}

/** Whole days from a to b (b − a); NaN when either is not a date. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  if (!isLocalDate(a) || !isLocalDate(b)) return Number.NaN;
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
