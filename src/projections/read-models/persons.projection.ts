import type { RecordedEvent } from '../../event-store/event-store.port';
import type { SettlementReversed } from '../../modules/claims/claims.events';
import { Projection, personIdOfStream } from '../projection';
import type { ReadModelStore } from '../read-model-store';
import {
  addAdjustment,
  evolveProfile,
  PackSource,
  PersonProfile,
  PersonYearSummary,
  PersonYearView,
  RateSegment,
  rateTimeline,
  summarizeYear,
  summarizeYearTotals,
  summarizeYearWith,
  VisitRecord,
  visitRecordOf,
  yearSettlements,
} from '../person-views';
import { KeptSummary, KeptYear, PersonYearRecords } from './person-year-records';

/** The live read side's largest batch (projections.module.ts' LIVE_BATCH): larger batches keep no new person-year. */
const KEEP_FROM_BATCHES_OF = 250;

/** Person-years whose stored summary alone is kept (~1.5 KB each, parsed): see `summaries`. */
const KEPT_SUMMARIES = 10_000;

/** Persons whose stored profile text is kept between live batches (~0.5 KB each as text): bench:settle's 3,000 many times over. */
const KEPT_PROFILES = 20_000;

/**
 * Persons: profile (category timeline), settlements, the person's year (fund paid, cap in
 * force, cap remaining, by category period) and the category-and-rate timeline. The year
 * and the timeline are recomputed with the same pure summaries the as-of queries use.
 */
export class PersonsProjection implements Projection {
  readonly name = 'persons';
  readonly tables = ['rm_person', 'rm_person_visit', 'rm_person_year', 'rm_rate_timeline'];
  readonly schema = `
    CREATE TABLE IF NOT EXISTS rm_person (person_id TEXT PRIMARY KEY, profile TEXT NOT NULL, last_position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS rm_person_visit (
      person_id TEXT NOT NULL, settlement_id TEXT NOT NULL, year INTEGER NOT NULL, record TEXT NOT NULL,
      position INTEGER NOT NULL, reversed_position INTEGER,
      PRIMARY KEY (person_id, settlement_id));
    CREATE INDEX IF NOT EXISTS rm_person_visit_year ON rm_person_visit (person_id, year);
    CREATE TABLE IF NOT EXISTS rm_person_year (
      person_id TEXT NOT NULL, year INTEGER NOT NULL, fund_paid TEXT NOT NULL, cap_in_force TEXT, cap_remaining TEXT,
      view TEXT NOT NULL, PRIMARY KEY (person_id, year));
    CREATE TABLE IF NOT EXISTS rm_rate_timeline (
      person_id TEXT NOT NULL, seq INTEGER NOT NULL, from_date TEXT NOT NULL, to_date TEXT, category TEXT NOT NULL,
      pack_id TEXT, segment TEXT NOT NULL, PRIMARY KEY (person_id, seq));`;

  /**
   * Person-years touched since the last flush: each year's summary is recomputed once per
   * batch instead of at every event (it reads all the year's visits: O(n²) per year otherwise).
   */
  private readonly dirtyYears = new Map<string, Set<number>>();
  /** Each touched person's last event position in the batch: rm_person.last_position written once at `flush`. */
  private readonly lastPositions = new Map<string, number>();
  /**
   * Settlement rows written in this batch, as written: `flush` summarises their years from
   * these objects instead of parsing the rows again (issue 10: most of a rebuild's person-years
   * are summarised in the batch that wrote their visits).
   */
  private readonly written = new Map<string, VisitRecord>();
  /** Recently summarised person-years' rows, parsed, kept between batches (live batches summarise a person-year per visit). */
  private readonly kept = new PersonYearRecords();
  /**
   * rm_person.profile as stored, of persons flushed by recent live batches (least recently
   * used first): a live flush of a kept year then reads and parses no profile (issue 10).
   * Forgotten when this projection writes the person's profile, and with everything at `discard`.
   */
  private readonly profiles = new Map<string, string>();
  /**
   * Person-years extended from their stored row (`storedExtended`) by a live batch: the summary
   * written, by `yearKey`, least recently used first, so that the next live batch extends it
   * without reading the row again. Always the stored row's summary: written with it, dropped
   * when the year is summarised from its rows (then kept in `kept`) or changed otherwise, and
   * with everything at `discard`.
   */
  private readonly summaries = new Map<string, KeptSummary>();
  /** Settlement rows this batch inserted, by person-year (`yearKey`), in log order. */
  private readonly appended = new Map<string, VisitRecord[]>();
  /** Person-years (`yearKey`) this batch changed otherwise (a row rewritten, the person's profile): summarised whole. */
  private readonly wholeYears = new Set<string>();
  /** Events given to `apply` since the last flush: only a live-sized batch keeps the person-years it summarises. */
  private applied = 0;

  constructor(private readonly packs: PackSource) {}

  flush(store: ReadModelStore): void {
    const setLast = store.stmt('UPDATE rm_person SET last_position = ? WHERE person_id = ?');
    for (const [personId, position] of this.lastPositions) setLast.run(position, personId);
    this.lastPositions.clear();
    for (const [personId, years] of this.dirtyYears) {
      const text = this.profileText(store, personId);
      if (text === undefined) continue;
      const profile = new ParsedOnce(text);
      for (const year of years) this.writeYear(store, personId, profile, year);
    }
    this.dirtyYears.clear();
    this.written.clear();
    this.appended.clear();
    this.wholeYears.clear();
    this.applied = 0;
  }

  /** Also forgets the person-years kept between batches: the batch or savepoint that wrote their rows rolled back, or the tables were dropped. */
  discard(): void {
    this.dirtyYears.clear();
    this.lastPositions.clear();
    this.written.clear();
    this.kept.clear();
    this.profiles.clear();
    this.summaries.clear();
    this.appended.clear();
    this.wholeYears.clear();
    this.applied = 0;
  }

  /** The person's stored profile text: kept from an earlier live flush, else read (and kept when this batch is live-sized). */
  private profileText(store: ReadModelStore, personId: string): string | undefined {
    const kept = this.profiles.get(personId);
    if (kept !== undefined) {
      this.profiles.delete(personId);
      this.profiles.set(personId, kept);
      return kept;
    }
    const text = profileText(store, personId);
    if (text === undefined || this.applied > KEEP_FROM_BATCHES_OF) return text;
    this.profiles.set(personId, text);
    if (this.profiles.size > KEPT_PROFILES) this.profiles.delete(this.profiles.keys().next().value!);
    return text;
  }

  /** Writes a settlement row's record (inserted or updated by the caller's statement) and remembers it for `flush`. */
  private wrote(record: VisitRecord): string {
    this.written.set(settlementKey(record.personId, record.settlementId), record);
    return JSON.stringify(record);
  }

  private markYear(personId: string, year: number): void {
    let years = this.dirtyYears.get(personId);
    if (!years) this.dirtyYears.set(personId, (years = new Set()));
    years.add(year);
  }

  apply(event: RecordedEvent, store: ReadModelStore): void {
    this.applied += 1;
    const personId = personIdOfStream(event.streamId);
    if (!personId) return;
    switch (event.type) {
      case 'PersonEnrolled':
      case 'RetiredStatusChanged':
      case 'PersonCategoryCorrected':
      case 'EnrolmentEnded': {
        const profile = evolveProfile(readProfile(store, personId), event);
        if (!profile) return;
        store
          .stmt(
            'INSERT INTO rm_person (person_id, profile, last_position) VALUES (?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET profile = excluded.profile, last_position = excluded.last_position',
          )
          .run(personId, JSON.stringify(profile), event.position);
        this.profiles.delete(personId);
        // A later event of the batch moves it again at `flush`; this one is the last so far.
        if (this.lastPositions.has(personId)) this.lastPositions.set(personId, event.position);
        this.writeTimeline(store, profile);
        // A category change moves the caps of every year already summarised.
        const years = store.stmt('SELECT DISTINCT year FROM rm_person_visit WHERE person_id = ?').all(personId) as Array<{ year: number }>;
        for (const { year } of years) {
          this.markYear(personId, year);
          this.wholeYears.add(yearKey(personId, year));
        }
        return;
      }
      case 'VisitSettled': {
        const record = visitRecordOf(personId, event);
        store
          .stmt(
            'INSERT INTO rm_person_visit (person_id, settlement_id, year, record, position, reversed_position) VALUES (?, ?, ?, ?, ?, NULL)',
          )
          .run(personId, record.settlementId, record.year, this.wrote(record), record.position);
        this.kept.added(personId, record);
        this.wasAppended(record);
        this.touch(personId, event.position, record.year);
        return;
      }
      case 'SettlementReversed': {
        const settlementId = (event.data as SettlementReversed['data']).settlementId;
        const row = store
          .stmt('SELECT record, year FROM rm_person_visit WHERE person_id = ? AND settlement_id = ?')
          .get(personId, settlementId) as { record: string; year: number } | undefined;
        if (!row) return;
        const record: VisitRecord = {
          ...JSON.parse(row.record),
          reversedPosition: event.position,
          reversedRecordedAt: event.metadata.recordedAt,
        };
        store
          .stmt('UPDATE rm_person_visit SET record = ?, reversed_position = ? WHERE person_id = ? AND settlement_id = ?')
          .run(this.wrote(record), event.position, personId, settlementId);
        this.kept.replaced(personId, row.year, record);
        this.wholeYears.add(yearKey(personId, row.year));
        this.touch(personId, event.position, row.year);
        return;
      }
      case 'SettlementAdjusted':
        this.applyAdjustment(store, personId, event);
        return;
      default:
        return;
    }
  }

  /** Issue 15: the settlement row keeps its corrections in order; its year is summarised again. */
  private applyAdjustment(store: ReadModelStore, personId: string, event: RecordedEvent): void {
    const settlementId = (event.data as { settlementId: string }).settlementId;
    const row = store
      .stmt('SELECT record, year FROM rm_person_visit WHERE person_id = ? AND settlement_id = ?')
      .get(personId, settlementId) as { record: string; year: number } | undefined;
    if (!row) return;
    const visits = [JSON.parse(row.record) as VisitRecord];
    addAdjustment(visits, event);
    store
      .stmt('UPDATE rm_person_visit SET record = ? WHERE person_id = ? AND settlement_id = ?')
      .run(this.wrote(visits[0]), personId, settlementId);
    this.kept.replaced(personId, row.year, visits[0]);
    this.wholeYears.add(yearKey(personId, row.year));
    this.touch(personId, event.position, row.year);
  }

  private wasAppended(record: VisitRecord): void {
    const key = yearKey(record.personId, record.year);
    const rows = this.appended.get(key);
    if (rows) rows.push(record);
    else this.appended.set(key, [record]);
  }

  private touch(personId: string, position: number, year: number): void {
    this.lastPositions.set(personId, position);
    this.markYear(personId, year);
  }

  /**
   * `profile`: the person's profile as stored (the kept summary holds while its text is the same). The
   * row's `view` is the year without its settlements' list, which `readPersonYear` builds from
   * the settlement rows: a whole list here would be stringified and written again at every
   * visit (issue 10: ~20 KB at 30 visits).
   */
  private writeYear(store: ReadModelStore, personId: string, profile: ParsedOnce, year: number): void {
    const view = this.keptSummary(personId, profile, year) ?? this.extendedSummary(store, personId, profile, year);
    store
      .stmt(
        'INSERT INTO rm_person_year (person_id, year, fund_paid, cap_in_force, cap_remaining, view) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(person_id, year) DO UPDATE SET fund_paid = excluded.fund_paid, cap_in_force = excluded.cap_in_force, cap_remaining = excluded.cap_remaining, view = excluded.view',
      )
      .run(personId, year, view.fundPaid, view.capInForce, view.capRemaining, JSON.stringify(view));
  }

  /** The kept person-year's summary brought up to date, or undefined when it is not kept. */
  private keptSummary(personId: string, profile: ParsedOnce, year: number): PersonYearSummary | undefined {
    const kept = this.kept.get(personId, year);
    if (!kept) return undefined;
    kept.summary = this.summaryOf(kept, profile, year);
    return kept.summary.view;
  }

  /**
   * A person-year whose rows are not kept: its summary as stored (kept in `summaries`, else
   * read) extended by the batch's new settlements, or else summarised from all its rows.
   */
  private extendedSummary(store: ReadModelStore, personId: string, profile: ParsedOnce, year: number): PersonYearSummary {
    const key = yearKey(personId, year);
    const last = this.summaries.get(key);
    this.summaries.delete(key);
    const view =
      (last && last.profile === profile.text ? this.extended(key, last.view) : undefined) ??
      this.storedExtended(store, personId, profile, year);
    if (!view) return this.readSummary(store, personId, profile, year);
    if (this.applied <= KEEP_FROM_BATCHES_OF) {
      this.summaries.set(key, { view, profile: profile.text, count: 0 });
      if (this.summaries.size > KEPT_SUMMARIES) this.summaries.delete(this.summaries.keys().next().value!);
    }
    return view;
  }

  /** `view` (the stored summary of the rows before this batch) extended by the batch's new settlements; undefined when the batch changed the year otherwise. */
  private extended(key: string, view: PersonYearSummary): PersonYearSummary | undefined {
    const added = this.appended.get(key);
    if (!added || this.wholeYears.has(key)) return undefined;
    let next: PersonYearSummary | undefined = view;
    for (let i = 0; next && i < added.length; i++) next = summarizeYearWith(next, added[i]);
    return next;
  }

  /** The person-year summarised from all its rows, read (and kept when the batch is live-sized). */
  private readSummary(store: ReadModelStore, personId: string, profile: ParsedOnce, year: number): PersonYearSummary {
    const kept = this.keptYear(store, personId, year);
    kept.summary = this.summaryOf(kept, profile, year);
    return kept.summary.view;
  }

  /**
   * A person-year not kept whose batch only added settlements: its stored summary extended by
   * them (`summarizeYearWith`), one row read and parsed instead of every settlement of the
   * year (issue 10: a city's persons come back weeks apart, beyond what is kept). The stored
   * summary is that of the rows before this batch (every change of a row or of the profile
   * writes it again in the same flush); it is used only when its profile- and policy-derived
   * part (keys, category periods, caps) is what the profile and packs give now, and never
   * when it is a row of the old shape (with its settlements' list). Undefined otherwise.
   */
  private storedExtended(store: ReadModelStore, personId: string, profile: ParsedOnce, year: number): PersonYearSummary | undefined {
    const key = yearKey(personId, year);
    if (!this.appended.has(key) || this.wholeYears.has(key)) return undefined;
    const row = store.stmt('SELECT view FROM rm_person_year WHERE person_id = ? AND year = ?').get(personId, year) as
      { view: string } | undefined;
    if (!row) return undefined;
    const view = JSON.parse(row.view) as PersonYearSummary;
    if (frameOf(view) !== frameOf(summarizeYearTotals(this.packs, profile.parsed, [], year))) return undefined;
    return this.extended(key, view);
  }

  /**
   * The person-year's rows read, kept for the next batches when this one is live-sized. A
   * rebuild's page (2,000 events) summarises a person-year about once and seldom meets it in
   * the next: keeping its years would only make the GC trace them (measured: the rebuild's
   * persons stage ~1.5 µs/event slower).
   */
  private keptYear(store: ReadModelStore, personId: string, year: number): KeptYear {
    const records = readVisits(store, personId, year, this.written);
    return this.applied <= KEEP_FROM_BATCHES_OF ? this.kept.keep(personId, year, records) : { records };
  }

  /**
   * `summarizeYearTotals` of the kept rows: the last summary extended by the rows added since
   * (new settlements, the live case: O(1) work each), else the whole year.
   */
  private summaryOf(kept: KeptYear, profile: ParsedOnce, year: number): KeptSummary {
    const records = kept.records;
    const last = kept.summary;
    if (last?.profile === profile.text) {
      let view: PersonYearSummary | undefined = last.view;
      for (let i = last.count; view && i < records.length; i++) view = summarizeYearWith(view, records[i]);
      if (view) return { view, profile: profile.text, count: records.length };
    }
    return { view: summarizeYearTotals(this.packs, profile.parsed, records, year), profile: profile.text, count: records.length };
  }

  private writeTimeline(store: ReadModelStore, profile: PersonProfile): void {
    store.stmt('DELETE FROM rm_rate_timeline WHERE person_id = ?').run(profile.personId);
    rateTimeline(this.packs, profile).forEach((s, seq) =>
      store
        .stmt('INSERT INTO rm_rate_timeline (person_id, seq, from_date, to_date, category, pack_id, segment) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(profile.personId, seq, s.from, s.to ?? null, s.category, s.packId, JSON.stringify(s)),
    );
  }
}

/** What a person-year's summary takes from the profile and the packs, not from its settlements: its keys, category periods and caps. */
function frameOf(s: PersonYearSummary): string {
  const periods = s.byCategory.map((p) => [Object.keys(p), p.category, p.from, p.to, p.cap]);
  return JSON.stringify([Object.keys(s), Object.keys(s.totals), s.personId, s.year, s.scheme, s.region, s.category, s.capInForce, periods]);
}

const yearKey = (personId: string, year: number): string => `${personId}\u0000${year}`;

/** A stored profile, parsed at most once and only when asked (a kept summary extended by a visit needs only its text). */
class ParsedOnce {
  private value: PersonProfile | undefined;
  constructor(readonly text: string) {}
  get parsed(): PersonProfile {
    return (this.value ??= JSON.parse(this.text) as PersonProfile);
  }
}

export function readProfile(store: ReadModelStore, personId: string): PersonProfile | undefined {
  const text = profileText(store, personId);
  return text === undefined ? undefined : (JSON.parse(text) as PersonProfile);
}

function profileText(store: ReadModelStore, personId: string): string | undefined {
  const row = store.stmt('SELECT profile FROM rm_person WHERE person_id = ?').get(personId) as { profile: string } | undefined;
  return row?.profile;
}

const settlementKey = (personId: string, settlementId: string): string => `${personId}\u0000${settlementId}`;

/** The person-year's settlement rows in log order; `written`: records known as written (by person and settlement), not parsed again. */
export function readVisits(
  store: ReadModelStore,
  personId: string,
  year: number,
  written?: ReadonlyMap<string, VisitRecord>,
): VisitRecord[] {
  const rows = store
    .stmt('SELECT settlement_id, record FROM rm_person_visit WHERE person_id = ? AND year = ? ORDER BY position')
    .all(personId, year) as Array<{ settlement_id: string; record: string }>;
  return rows.map((r) => written?.get(settlementKey(personId, r.settlement_id)) ?? (JSON.parse(r.record) as VisitRecord));
}

/**
 * The stored year with its settlements' list built from the settlement rows (as
 * `summarizeYear` lists them), or (for a year without settlements) the summary of no visits.
 * One statement reads both tables: one snapshot, whatever the read side commits meanwhile.
 * A row written before the list left it (issue 10) still holds one: replaced, in place.
 */
export function readPersonYear(store: ReadModelStore, packs: PackSource, personId: string, year: number): PersonYearView | undefined {
  const rows = store
    .stmt(
      `SELECT y.view, v.record FROM rm_person_year y LEFT JOIN rm_person_visit v ON v.person_id = y.person_id AND v.year = y.year
       WHERE y.person_id = ? AND y.year = ? ORDER BY v.position`,
    )
    .all(personId, year) as Array<{ view: string; record: string | null }>;
  if (rows.length) {
    const visits = rows.flatMap((r) => (r.record === null ? [] : [JSON.parse(r.record) as VisitRecord]));
    return { ...(JSON.parse(rows[0].view) as PersonYearSummary), settlements: yearSettlements(visits, year) };
  }
  const profile = readProfile(store, personId);
  return profile ? summarizeYear(packs, profile, [], year) : undefined;
}

export function readRateTimeline(store: ReadModelStore, personId: string): RateSegment[] | undefined {
  if (!readProfile(store, personId)) return undefined;
  const rows = store.stmt('SELECT segment FROM rm_rate_timeline WHERE person_id = ? ORDER BY seq').all(personId) as Array<{
    segment: string;
  }>;
  return rows.map((r) => JSON.parse(r.segment) as RateSegment);
}

/** Filters of the persons list (GET /persons); each one optional. */
export interface PersonFilter {
  region?: string;
  scheme?: string;
  /** The latest recorded category (the last entry of the category timeline). */
  category?: string;
  idPrefix?: string;
}

export interface PersonListItem {
  personId: string;
  scheme: string;
  region: string;
  category: string;
  enrolledOn: string;
  endedOn?: string;
}

/** Up to `limit` persons after `afterId`, ordered by id (an immutable key, so pages never shift). */
export function listPersons(store: ReadModelStore, filter: PersonFilter, afterId: string | undefined, limit: number): PersonListItem[] {
  const rows = store
    .stmt(
      `SELECT profile FROM rm_person
       WHERE person_id > ?
         AND (? IS NULL OR substr(person_id, 1, length(?)) = ?)
         AND (? IS NULL OR json_extract(profile, '$.region') = ?)
         AND (? IS NULL OR json_extract(profile, '$.scheme') = ?)
         AND (? IS NULL OR json_extract(profile, '$.categoryTimeline[#-1].category') = ?)
       ORDER BY person_id LIMIT ?`,
    )
    .all(
      afterId ?? '',
      ...twice(filter.idPrefix),
      filter.idPrefix ?? null,
      ...twice(filter.region),
      ...twice(filter.scheme),
      ...twice(filter.category),
      limit,
    ) as Array<{ profile: string }>;
  return rows.map((r) => listItemOf(JSON.parse(r.profile) as PersonProfile));
}

const twice = (value: string | undefined): [string | null, string | null] => [value ?? null, value ?? null];

function listItemOf(p: PersonProfile): PersonListItem {
  const category = p.categoryTimeline[p.categoryTimeline.length - 1].category;
  return {
    personId: p.personId,
    scheme: p.scheme,
    region: p.region,
    category,
    enrolledOn: p.enrolledOn,
    ...(p.endedOn ? { endedOn: p.endedOn } : {}),
  };
}
