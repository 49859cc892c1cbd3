import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { InstitutionMonthTotals } from './read-models/institution-months.projection';
import { MAX_PAGE_LIMIT } from '../http/pagination';
import type { AsOf, PersonYearView, RateSegment } from './person-views';
import { PagedStatement, ReadAnswer, ReadSideService, StatementPage } from './read-side.service';

export class GetPersonYearQuery extends Query<ReadAnswer<PersonYearView>> {
  constructor(
    readonly personId: string,
    readonly year: number,
    readonly asOf?: AsOf,
  ) {
    super();
  }
}

export class GetAccountStatementQuery extends Query<ReadAnswer<PagedStatement>> {
  constructor(
    readonly personId: string,
    readonly asOf?: AsOf,
    readonly page: StatementPage = { limit: MAX_PAGE_LIMIT, after: 0 },
  ) {
    super();
  }
}

export class GetRateTimelineQuery extends Query<ReadAnswer<RateSegment[]>> {
  constructor(
    readonly personId: string,
    readonly asOf?: AsOf,
  ) {
    super();
  }
}

export class GetInstitutionMonthTotalsQuery extends Query<ReadAnswer<InstitutionMonthTotals>> {
  constructor(
    readonly institutionCode: string,
    readonly month: string,
    readonly asOf?: AsOf,
  ) {
    super();
  }
}

@QueryHandler(GetPersonYearQuery)
export class GetPersonYearHandler implements IQueryHandler<GetPersonYearQuery> {
  constructor(private readonly read: ReadSideService) {}
  execute(q: GetPersonYearQuery) {
    return this.read.personYear(q.personId, q.year, q.asOf);
  }
}

@QueryHandler(GetAccountStatementQuery)
export class GetAccountStatementHandler implements IQueryHandler<GetAccountStatementQuery> {
  constructor(private readonly read: ReadSideService) {}
  execute(q: GetAccountStatementQuery) {
    return this.read.accountStatement(q.personId, q.asOf, q.page);
  }
}

@QueryHandler(GetRateTimelineQuery)
export class GetRateTimelineHandler implements IQueryHandler<GetRateTimelineQuery> {
  constructor(private readonly read: ReadSideService) {}
  execute(q: GetRateTimelineQuery) {
    return this.read.rateTimeline(q.personId, q.asOf);
  }
}

@QueryHandler(GetInstitutionMonthTotalsQuery)
export class GetInstitutionMonthTotalsHandler implements IQueryHandler<GetInstitutionMonthTotalsQuery> {
  constructor(private readonly read: ReadSideService) {}
  execute(q: GetInstitutionMonthTotalsQuery) {
    return this.read.institutionMonth(q.institutionCode, q.month, q.asOf);
  }
}

export const ReadSideQueryHandlers = [
  GetPersonYearHandler,
  GetAccountStatementHandler,
  GetRateTimelineHandler,
  GetInstitutionMonthTotalsHandler,
];
