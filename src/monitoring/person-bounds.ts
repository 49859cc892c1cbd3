/**
 * Upper bounds of a visit's person crossings, on integers (issue 10): `personCrossings`
 * slides every window holding the visit's date and reads each count as a decimal, which cost
 * ~20 µs per visit once a person had a few visits within ±29 days. A bound at or under its
 * threshold rules the indicator out; the full evaluation runs only past one.
 */
import type { LocalDate } from '../kernel/dates';
import { PERSON_WINDOWS, PersonVisit } from './evaluate';
import { countAbove } from './month-tally';
import type { MonitoringThresholds, Threshold } from './thresholds';

/** An indicator's bound: only visits within `reach` days of the date can count toward it. */
export interface PersonBound {
  reach: number;
  threshold: Threshold;
}

/** The bounds of the indicators that have a threshold. */
export function personBounds(thresholds: MonitoringThresholds['person']): PersonBound[] {
  const bounds: PersonBound[] = [];
  // Every window of `days` days holding the date lies within days − 1 of it.
  for (const [indicator, days] of PERSON_WINDOWS) {
    const t = thresholds[indicator];
    if (t) bounds.push({ reach: days - 1, threshold: t });
  }
  // Institutions on one day: never more than the visits on that day.
  const t = thresholds.institutionsOnOneDay;
  if (t) bounds.push({ reach: 0, threshold: t });
  return bounds;
}

/** Whether `personCrossings(visits, date, …)` can find a crossing: false when every bound is at or under its threshold. */
export function personMayCross(bounds: readonly PersonBound[], visits: readonly PersonVisit[], date: LocalDate): boolean {
  const day = dayNumberOf(date);
  const distances = visits.map((v) => Math.abs(dayNumberOf(v.date) - day));
  return bounds.some((b) => countAbove(countWithin(distances, b.reach), b.threshold));
}

const countWithin = (distances: readonly number[], reach: number): number => {
  let n = 0;
  for (const d of distances) if (d <= reach) n += 1;
  return n;
};

/** Days since 1970-01-01 of a valid 'YYYY-MM-DD' (the stored visit dates), without a string parse. */
const dayNumberOf = (date: LocalDate): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
