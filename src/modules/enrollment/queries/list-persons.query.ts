import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { decodeCursor, Page, pageLimit, pageOf, PageQuery } from '../../../http/pagination';
import { listPersons, PersonListItem } from '../../../projections/read-models/persons.projection';
import type { ReadModelStore } from '../../../projections/read-model-store';
import { READ_MODEL_STORE } from '../../../projections/tokens';
import { InvalidInput } from '../../../kernel/errors';

/** GET /persons: filters over the persons read model, with the one list convention. */
export class ListPersonsParams extends PageQuery {
  @ApiPropertyOptional({ example: 'nanyang' })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'region must be 1-32 lower-case letters, digits, _ -' })
  region?: string;

  @ApiPropertyOptional({ enum: ['employee', 'resident'] })
  @IsOptional()
  @IsIn(['employee', 'resident'], { message: 'scheme must be employee or resident' })
  scheme?: string;

  @ApiPropertyOptional({ enum: ['in_service', 'retired', 'resident', 'student'], description: 'The latest recorded category' })
  @IsOptional()
  @IsIn(['in_service', 'retired', 'resident', 'student'], { message: 'category must be in_service, retired, resident or student' })
  category?: string;

  @ApiPropertyOptional({ example: 'DEMO-P', description: 'Persons whose id starts with this (case-sensitive)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'idPrefix must be 1-64 letters, digits, . _ -' })
  idPrefix?: string;
}

export class ListPersonsQuery extends Query<Page<PersonListItem>> {
  constructor(readonly params: ListPersonsParams) {
    super();
  }
}

@QueryHandler(ListPersonsQuery)
export class ListPersonsHandler implements IQueryHandler<ListPersonsQuery, Page<PersonListItem>> {
  constructor(@Inject(READ_MODEL_STORE) private readonly store: ReadModelStore) {}

  async execute({ params }: ListPersonsQuery): Promise<Page<PersonListItem>> {
    const after = decodeCursor(params.cursor);
    if (after !== undefined && typeof after !== 'string') throw new InvalidInput('cursor', 'must be a cursor returned by this list');
    const limit = pageLimit(params);
    const rows = listPersons(this.store, params, after, limit + 1);
    return pageOf(rows, limit, (p) => p.personId);
  }
}
