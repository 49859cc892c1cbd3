import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBadRequest } from '../http/openapi-responses';
import { pageLimit } from '../http/pagination';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import type { DisputeFilter } from '../projections/read-models/disputes.projection';
import { positionAfter } from '../projections/list-queries';
import { DisputeListQuery, DisputePageDto } from './disputes-list.dto';
import { ListDisputesQuery } from './disputes-list.query';

/** Issue 15 item 1: the dispute list, by status, institution, person and age, paged by the list convention. */
@ApiTags('disputes')
@ApiBadRequest()
@Controller('disputes')
export class DisputesListController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('agency', 'auditor', 'institution')
  @ApiOperation({
    summary:
      'Disputes in the order opened, filtered by status, institution, person and opening day (paged: `limit`, `cursor`); an institution key sees only its own',
  })
  @ApiOkResponse({ type: DisputePageDto })
  list(@Query() q: DisputeListQuery, @CurrentPrincipal() p: Principal | undefined) {
    return this.queries.execute(new ListDisputesQuery(scopedFilter(q, p), pageLimit(q), positionAfter(q.cursor)));
  }
}

/** An institution key reads its own disputes only: its code is the filter, another code is refused. */
function scopedFilter(q: DisputeListQuery, p: Principal | undefined): DisputeFilter {
  const filter: DisputeFilter = {
    status: q.status,
    institutionCode: q.institutionCode,
    personId: q.personId,
    openedBefore: q.openedBefore,
  };
  if (p?.role !== 'institution') return filter;
  if (q.institutionCode !== undefined && q.institutionCode !== p.institutionCode)
    throw new ForbiddenException('an institution key reads only its own disputes');
  return { ...filter, institutionCode: p.institutionCode };
}
