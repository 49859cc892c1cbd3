import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { POLICY_CATALOG } from '../infrastructure/tokens';
import { InvalidInput, NotFound } from '../kernel/errors';
import type { PolicyCatalog } from '../policy/catalog';
import { readAccountStatement } from './read-models/accounts.projection';
import { InstitutionMonthTotals, readInstitutionMonth, readInstitutionMonthAsOf } from './read-models/institution-months.projection';
import { readPersonYear, readRateTimeline } from './read-models/persons.projection';
import type { ReadModelStore } from './read-model-store';
import {
  AccountStatement,
  accountStatement,
  AsOf,
  foldPersonView,
  parseAsOf,
  PersonYearView,
  RateSegment,
  rateTimeline,
  summarizeYear,
} from './person-views';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from './tokens';
import { MAX_PAGE_LIMIT, Page } from '../http/pagination';
import { ListedInstitution, listInstitutions, listInstitutionSettlements, listPersonSettlements, pageStatementLines } from './list-queries';
import type { VisitRecord } from './person-views';
import type { ReadSide } from './read-side';

/** Which lines of a statement to serve: after a position, at most `limit`. */
export interface StatementPage {
  limit: number;
  after: number;
}

/** A statement whose lines are one page: the totals are the account's, `nextCursor` fetches the next lines. */
export type PagedStatement = AccountStatement & { nextCursor: string | null };

function pagedStatement(statement: AccountStatement, page: StatementPage): PagedStatement {
  const lines = pageStatementLines(statement.lines, page.limit, page.after);
  return { ...statement, lines: lines.items, nextCursor: lines.nextCursor };
}

/** Every read answer names where it came from and the log position it holds at. */
export interface ReadAnswer<T> {
  /** 'projection': the live read model; 'stream': folded from the person's events up to `asOf`. */
  source: 'projection' | 'stream';
  asOf: AsOf | null;
  /** The read models' checkpoint (projection), or the last event folded (stream). */
  throughPosition: number;
  result: T;
}

export function asOfParam(raw: string | undefined): AsOf | undefined {
  const asOf = parseAsOf(raw);
  if (raw !== undefined && raw !== '' && !asOf) throw new InvalidInput('asOf', 'must be a global position (digits) or a date YYYY-MM-DD');
  return asOf;
}

/**
 * The read side: live answers from the projections; `asOf` answers folded from the
 * person's stream up to that position or day (the same pure summaries), so any past state
 * can be asked for without keeping history in the read models.
 */
@Injectable()
export class ReadSideService {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ReadSide,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
  ) {}

  private async stream(personId: string): Promise<RecordedEvent[]> {
    const events = (await this.events.readStream(`person-${personId}`)).map(upcast);
    if (events.length === 0) throw new NotFound('person', personId);
    return events;
  }

  async personYear(personId: string, year: number, asOf?: AsOf): Promise<ReadAnswer<PersonYearView>> {
    if (!asOf) {
      const result = readPersonYear(this.store, this.catalog, personId, year);
      if (!result) throw new NotFound('person', personId);
      return { source: 'projection', asOf: null, throughPosition: this.runner.checkpoint(), result };
    }
    const fold = foldPersonView(await this.stream(personId), asOf);
    if (!fold.profile) throw new NotFound('person (as of then)', personId);
    return {
      source: 'stream',
      asOf,
      throughPosition: fold.lastPosition,
      result: summarizeYear(this.catalog, fold.profile, fold.visits, year),
    };
  }

  async accountStatement(
    personId: string,
    asOf?: AsOf,
    page: StatementPage = { limit: MAX_PAGE_LIMIT, after: 0 },
  ): Promise<ReadAnswer<PagedStatement>> {
    if (!asOf) {
      const result = readAccountStatement(this.store, personId);
      if (!result) throw new NotFound('person', personId);
      return { source: 'projection', asOf: null, throughPosition: this.runner.checkpoint(), result: pagedStatement(result, page) };
    }
    const events = await this.stream(personId);
    const result = accountStatement(personId, events, asOf);
    return { source: 'stream', asOf, throughPosition: foldPersonView(events, asOf).lastPosition, result: pagedStatement(result, page) };
  }

  institutions(filter: { region?: string }, limit: number, after: number): Page<ListedInstitution> {
    return listInstitutions(this.store, filter, limit, after);
  }

  personSettlements(personId: string, limit: number, after: number): Page<VisitRecord> {
    if (!this.store.stmt('SELECT 1 FROM rm_person WHERE person_id = ?').get(personId)) throw new NotFound('person', personId);
    return listPersonSettlements(this.store, personId, limit, after);
  }

  institutionSettlements(code: string, from: string, to: string, limit: number, after: number): Page<VisitRecord> {
    if (!this.store.stmt('SELECT 1 FROM rm_institution WHERE code = ?').get(code)) throw new NotFound('institution', code);
    return listInstitutionSettlements(this.store, code, from, to, limit, after);
  }

  async rateTimeline(personId: string, asOf?: AsOf): Promise<ReadAnswer<RateSegment[]>> {
    if (!asOf) {
      const result = readRateTimeline(this.store, personId);
      if (!result) throw new NotFound('person', personId);
      return { source: 'projection', asOf: null, throughPosition: this.runner.checkpoint(), result };
    }
    const fold = foldPersonView(await this.stream(personId), asOf);
    if (!fold.profile) throw new NotFound('person (as of then)', personId);
    return { source: 'stream', asOf, throughPosition: fold.lastPosition, result: rateTimeline(this.catalog, fold.profile) };
  }

  async institutionMonth(code: string, month: string, asOf?: AsOf): Promise<ReadAnswer<InstitutionMonthTotals>> {
    const throughPosition = this.runner.checkpoint();
    if (!asOf) return { source: 'projection', asOf: null, throughPosition, result: readInstitutionMonth(this.store, code, month) };
    // History is kept row by row (settlement and reversal positions), so as-of is answered from the read model.
    return { source: 'projection', asOf, throughPosition, result: readInstitutionMonthAsOf(this.store, code, month, asOf) };
  }

  lag() {
    return this.runner.lag();
  }
}
