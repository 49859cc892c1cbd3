/**
 * Calendar dates of the ledger are local dates in Asia/Shanghai (UTC+8, no daylight
 * saving since 1991), written 'YYYY-MM-DD'. Instants are ISO-8601 strings with an
 * offset. All functions here are pure: none reads the clock.
 */
export type LocalDate = string;
export type Instant = string;

export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export function isLocalDate(s: unknown): s is LocalDate {
  if (typeof s !== 'string' || !DATE_PATTERN.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Milliseconds since the epoch of an ISO instant; throws on an unparseable one. */
export function instantMs(instant: Instant): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${instant}`);
  return ms;
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Instant): LocalDate {
  return new Date(instantMs(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

export function monthOf(date: LocalDate): string {
  return date.slice(0, 7);
}

/** First day of the month after the one `date` falls in (第六条: "次月起"). */
export function firstDayOfNextMonth(date: LocalDate): LocalDate {
  const y = yearOf(date);
  const m = Number(date.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Lexicographic order is chronological order for 'YYYY-MM-DD'. */
export function isOnOrAfter(date: LocalDate, from: LocalDate): boolean {
  return date >= from;
}
