import type { PersonYearSummary, VisitRecord } from '../person-views';

/**
 * Settlement records kept in memory at most, with their person-years' last summaries:
 * ~320 bytes per record as parsed (measured on bench:settle's records; long ids and
 * corrections make some larger), so ~20 MB, and a summary per person-year (~1 KB as text:
 * no settlements' list since issue 10). Enough for every person-year bench:settle's 3,000
 * persons build (~15 visits each after six rounds), where each person comes back within
 * seconds.
 */
const KEPT_RECORDS = 60_000;

/** `summarizeYearTotals` of a person-year's first `count` records under the profile whose stored text is `profile`. */
export interface KeptSummary {
  view: PersonYearSummary;
  profile: string;
  count: number;
}

/** A person-year's rows in log order, as `readVisits` reads them, and the last summary of a prefix of them. */
export interface KeptYear {
  readonly records: VisitRecord[];
  summary?: KeptSummary;
}

/**
 * The settlement rows of recently summarised person-years, parsed, least recently used first
 * (issue 10: in a live batch of ~25 persons each person-year was read and parsed again at
 * every visit, O(visits) per event). An entry is exactly what `readVisits` would return for
 * its person-year: the projection adds and replaces records as it writes their rows, and
 * forgets everything whenever the writes may have rolled back (`clear`).
 */
export class PersonYearRecords {
  private readonly years = new Map<string, KeptYear>();
  private kept = 0;

  constructor(private readonly limit = KEPT_RECORDS) {}

  get size(): number {
    return this.years.size;
  }

  /** The person-year kept, marked most recently used; undefined when not kept. */
  get(personId: string, year: number): KeptYear | undefined {
    // A rebuild keeps none: no key built for it.
    if (this.years.size === 0) return undefined;
    const key = yearKey(personId, year);
    const entry = this.years.get(key);
    if (entry) {
      this.years.delete(key);
      this.years.set(key, entry);
    }
    return entry;
  }

  /** Keeps `records` (every row of the person-year, in log order), dropping the least recently used beyond the limit. */
  keep(personId: string, year: number, records: VisitRecord[]): KeptYear {
    const key = yearKey(personId, year);
    const entry: KeptYear = { records };
    this.drop(key);
    if (records.length > this.limit) return entry;
    this.years.set(key, entry);
    this.kept += records.length;
    for (const [oldest] of this.years) {
      if (this.kept <= this.limit) break;
      this.drop(oldest);
    }
    return entry;
  }

  /** A row inserted after every other row of its person-year (positions only grow). */
  added(personId: string, record: VisitRecord): void {
    if (this.years.size === 0) return;
    const entry = this.years.get(yearKey(personId, record.year));
    if (!entry) return;
    entry.records.push(record);
    this.kept += 1;
  }

  /** A row rewritten (reversed, adjusted): its record replaced where it stands; the summary no longer holds. */
  replaced(personId: string, year: number, record: VisitRecord): void {
    if (this.years.size === 0) return;
    const entry = this.years.get(yearKey(personId, year));
    const at = entry?.records.findIndex((r) => r.settlementId === record.settlementId) ?? -1;
    if (at < 0) return;
    entry!.records[at] = record;
    entry!.summary = undefined;
  }

  clear(): void {
    this.years.clear();
    this.kept = 0;
  }

  private drop(key: string): void {
    const entry = this.years.get(key);
    if (!entry) return;
    this.years.delete(key);
    this.kept -= entry.records.length;
  }
}

const yearKey = (personId: string, year: number): string => `${personId}\u0000${year}`;
