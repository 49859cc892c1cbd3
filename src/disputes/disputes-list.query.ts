import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Page } from '../http/pagination';
import { DisputeFilter, DisputeListItem, listDisputes } from '../projections/read-models/disputes.projection';
import type { ReadModelStore } from '../projections/read-model-store';
import { READ_MODEL_STORE } from '../projections/tokens';

/** Issue 15 item 1: a page of the dispute list (read model `rm_dispute`). */
export class ListDisputesQuery extends Query<Page<DisputeListItem>> {
  constructor(
    readonly filter: DisputeFilter,
    readonly limit: number,
    readonly after: number,
  ) {
    super();
  }
}

@QueryHandler(ListDisputesQuery)
export class ListDisputesHandler implements IQueryHandler<ListDisputesQuery> {
  constructor(@Inject(READ_MODEL_STORE) private readonly store: ReadModelStore) {}
  execute(q: ListDisputesQuery): Promise<Page<DisputeListItem>> {
    return Promise.resolve(listDisputes(this.store, q.filter, q.limit, q.after));
  }
}
