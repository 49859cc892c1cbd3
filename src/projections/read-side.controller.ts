import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { PersonIdParam } from '../http/params';
import { Roles } from '../http/roles';
import { ID_PATTERN } from '../http/validators';
import { InvalidInput } from '../kernel/errors';
import { asOfParam, ReadSideService } from './read-side.service';
import { GetAccountStatementQuery, GetInstitutionMonthTotalsQuery, GetPersonYearQuery, GetRateTimelineQuery } from './read-side.queries';

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

const AS_OF = { name: 'asOf', required: false, description: 'A global position (digits), or a date YYYY-MM-DD (as the ledger stood at the end of that Asia/Shanghai day).' };

@ApiTags('read models')
@Controller()
export class ReadSideController {
  constructor(private readonly queries: QueryBus, private readonly read: ReadSideService) {}

  @Get('read/lag')
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: "Projection lag: head position − the read models' checkpoint (and why the projections stopped, if they did)" })
  lag() {
    return this.read.lag();
  }

  @Get('persons/:personId/years/:year')
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: "A person's year: fund paid, cap in force, cap remaining, by category period, every settlement" })
  personYear(@Param() p: PersonYearParams, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetPersonYearQuery(p.personId, Number(p.year), asOfParam(asOf)));
  }

  @Get('persons/:personId/account/statement')
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: 'Account balance and statement: every credit and debit with its source event position' })
  statement(@Param() { personId }: PersonIdParam, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetAccountStatementQuery(personId, asOfParam(asOf)));
  }

  @Get('persons/:personId/rate-timeline')
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: 'Category and rate timeline: rates and cap from the pack in force, the retirement switch (第六条)' })
  rateTimeline(@Param() { personId }: PersonIdParam, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetRateTimelineQuery(personId, asOfParam(asOf)));
  }

  @Get('read/institutions/:code/months/:month/totals')
  @Roles('agency', 'auditor')
  @ApiQuery(AS_OF)
  @ApiOperation({ summary: "An institution's month from the settlement decisions: visits, total cost, policy-scope cost, fund due" })
  institutionMonth(@Param() p: InstitutionMonthParams, @Query('asOf') asOf?: string) {
    if (!/^\d{4}-\d{2}$/.test(p.month)) throw new InvalidInput('month', 'must be YYYY-MM');
    return this.queries.execute(new GetInstitutionMonthTotalsQuery(p.code, p.month, asOfParam(asOf)));
  }
}
