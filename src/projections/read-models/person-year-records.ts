import type { VisitRecord } from '../person-views';

/**
 * Settlement records kept in memory at most: ~320 bytes each as parsed (measured on
 * bench:settle's records; ids and corrections make some larger, ~1 KB at worst), so
 * 20–60 MB. Enough for every person-year bench:settle's 3,000 persons build (~15 visits
 * each after six rounds), where each person comes back within seconds.
 */
const KEPT_RECORDS = 60_000;

/**
 * The settlement rows of recently summarised person-years, parsed, least recently used first
 * (issue 10: in a live batch of ~25 persons each person-year was read and parsed again at
 * every visit, O(visits) per event). An entry is exactly what `readVisits` would return for
 * its person-year: the projection adds and replaces records as it writes their rows, and
 * forgets everything whenever the writes may have rolled back (`clear`).
 */
export class PersonYearRecords {
  private readonly years = new Map<string, VisitRecord[]>();
  private kept = 0;

  constructor(private readonly limit = KEPT_RECORDS) {}

  get size(): number {
    return this.years.size;
  }

  /** The person-year's records in log order, marked most recently used; undefined when not kept. */
  get(personId: string, year: number): VisitRecord[] | undefined {
    const key = yearKey(personId, year);
    const records = this.years.get(key);
    if (records) {
      this.years.delete(key);
      this.years.set(key, records);
    }
    return records;
  }

  /** Keeps `records` (every row of the person-year, in log order), dropping the least recently used beyond the limit. */
  keep(personId: string, year: number, records: VisitRecord[]): void {
    const key = yearKey(personId, year);
    this.drop(key);
    if (records.length > this.limit) return;
    this.years.set(key, records);
    this.kept += records.length;
    for (const [oldest] of this.years) {
      if (this.kept <= this.limit) break;
      this.drop(oldest);
    }
  }

  /** A row inserted after every other row of its person-year (positions only grow). */
  added(personId: string, record: VisitRecord): void {
    const records = this.years.get(yearKey(personId, record.year));
    if (!records) return;
    records.push(record);
    this.kept += 1;
  }

  /** A row rewritten (reversed, adjusted): its record replaced where it stands. */
  replaced(personId: string, year: number, record: VisitRecord): void {
    const records = this.years.get(yearKey(personId, year));
    const at = records?.findIndex((r) => r.settlementId === record.settlementId) ?? -1;
    if (at >= 0) records![at] = record;
  }

  clear(): void {
    this.years.clear();
    this.kept = 0;
  }

  private drop(key: string): void {
    const records = this.years.get(key);
    if (!records) return;
    this.years.delete(key);
    this.kept -= records.length;
  }
}

const yearKey = (personId: string, year: number): string => `${personId}\u0000${year}`;
