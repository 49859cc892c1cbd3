import { Controller, ForbiddenException, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { PersonIdParam } from '../http/params';
import { MAX_PAGE_LIMIT, PageQuery, pageLimit } from '../http/pagination';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { InstitutionCodeParam } from '../monitoring/monitoring.dto';
import { DateRangePageQuery, InstitutionListQuery, InstitutionPageDto, SettlementPageDto, StatementQuery } from './list.dto';
import { positionAfter } from './list-queries';
import { ID_PATTERN } from '../http/validators';
import { LEDGER_DATE_MAX, LEDGER_DATE_MIN } from '../kernel/dates';
import { InvalidInput } from '../kernel/errors';
import { asOfParam, ReadSideService } from './read-side.service';
import { GetAccountStatementQuery, GetInstitutionMonthTotalsQuery, GetPersonYearQuery, GetRateTimelineQuery } from './read-side.queries';
import {
  ApiBadRequest,
  ApiNotFound,
  InstitutionMonthAnswerDto,
  LagDto,
  PersonYearAnswerDto,
  RateTimelineAnswerDto,
  StatementAnswerDto,
} from '../http/openapi-responses';

export class PersonYearParams extends PersonIdParam {
  @ApiProperty({ example: 2023 })
  @Matches(/^(19|20|21)\d{2}$/, { message: 'year must be a four-digit year' })
  year!: string;
}

export class InstitutionMonthParams {
  @ApiProperty({ example: 'NY-H001' })
  @Matches(ID_PATTERN, { message: 'code must be 1-64 letters, digits, . _ -' })
  code!: string;

  @ApiProperty({ example: '2023-03' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}

const AS_OF = {
  name: 'asOf',
  required: false,
  description: 'A global position (digits), or a date YYYY-MM-DD (as the ledger stood at the end of that Asia/Shanghai day).',
};

@ApiTags('read models')
@ApiBadRequest()
@Controller()
export class ReadSideController {
  constructor(
    private readonly queries: QueryBus,
    private readonly read: ReadSideService,
  ) {}

  @Get('read/lag')
  @ApiOkResponse({ type: LagDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: "Projection lag: head position − the read models' checkpoint (and why the projections stopped, if they did)" })
  lag() {
    return this.read.lag();
  }

  @Get('persons/:personId/years/:year')
  @ApiOkResponse({ type: PersonYearAnswerDto })
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: "A person's year: fund paid, cap in force, cap remaining, by category period, every settlement" })
  personYear(@Param() p: PersonYearParams, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetPersonYearQuery(p.personId, Number(p.year), asOfParam(asOf)));
  }

  @Get('persons/:personId/account/statement')
  @ApiOkResponse({ type: StatementAnswerDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary:
      'Account balance and statement: every credit and debit with its source event position; the lines paged (`limit` default and maximum 500, `cursor`)',
  })
  statement(@Param() { personId }: PersonIdParam, @Query() q: StatementQuery) {
    return this.queries.execute(
      new GetAccountStatementQuery(personId, asOfParam(q.asOf), { limit: q.limit ?? MAX_PAGE_LIMIT, after: positionAfter(q.cursor) }),
    );
  }

  @Get('persons/:personId/settlements')
  @ApiNotFound()
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: "A person's settlements, reversed ones included, in settlement order (paged)" })
  @ApiOkResponse({ type: SettlementPageDto })
  personSettlements(@Param() { personId }: PersonIdParam, @Query() q: PageQuery) {
    return this.read.personSettlements(personId, pageLimit(q), positionAfter(q.cursor));
  }

  @Get('institutions')
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: 'The registered institutions in registration order (paged), by region' })
  @ApiOkResponse({ type: InstitutionPageDto })
  institutions(@Query() q: InstitutionListQuery) {
    return this.read.institutions({ region: q.region }, pageLimit(q), positionAfter(q.cursor));
  }

  @Get('institutions/:code/settlements')
  @ApiNotFound()
  @Roles('agency', 'auditor', 'institution')
  @ApiOperation({
    summary: "An institution's settlements by visit date range, in settlement order (paged); an institution key sees only its own",
  })
  @ApiOkResponse({ type: SettlementPageDto })
  institutionSettlements(
    @Param() { code }: InstitutionCodeParam,
    @Query() q: DateRangePageQuery,
    @CurrentPrincipal() p: Principal | undefined,
  ) {
    if (p?.role === 'institution' && p.institutionCode !== code)
      throw new ForbiddenException('an institution key reads only its own institution');
    const from = q.from ?? LEDGER_DATE_MIN;
    const to = q.to ?? LEDGER_DATE_MAX;
    if (from > to) throw new InvalidInput('to', 'must not be before from');
    return this.read.institutionSettlements(code, from, to, pageLimit(q), positionAfter(q.cursor));
  }

  @Get('persons/:personId/rate-timeline')
  @ApiOkResponse({ type: RateTimelineAnswerDto })
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: 'Category and rate timeline: rates and cap from the pack in force, the retirement switch (第六条)' })
  rateTimeline(@Param() { personId }: PersonIdParam, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetRateTimelineQuery(personId, asOfParam(asOf)));
  }

  @Get('read/institutions/:code/months/:month/totals')
  @ApiOkResponse({ type: InstitutionMonthAnswerDto })
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: "An institution's month from the settlement decisions: visits, total cost, policy-scope cost, fund due" })
  institutionMonth(@Param() p: InstitutionMonthParams, @Query('asOf') asOf?: string) {
    if (!/^\d{4}-\d{2}$/.test(p.month)) throw new InvalidInput('month', 'must be YYYY-MM');
    return this.queries.execute(new GetInstitutionMonthTotalsQuery(p.code, p.month, asOfParam(asOf)));
  }
}
