import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_CONFIG, LedgerConfig } from '../config/config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { Public } from '../http/roles';
import { ProjectionRunner } from '../projections/projection-runner';
import { PROJECTION_RUNNER } from '../projections/tokens';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly projections?: ProjectionRunner,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Ready when the event store answers; shows projection lag (events not yet in the read models)' })
  async health(): Promise<Record<string, unknown>> {
    try {
      await this.store.ping();
      const head = await this.store.headPosition();
      const projections = this.projections ? await this.projections.lag() : undefined;
      return { status: 'ok', store: this.config.eventstoreConnectionString ? 'eventstoredb' : 'sqlite', headPosition: head, ...(projections ? { projections } : {}) };
    } catch (e) {
      throw new ServiceUnavailableException({ statusCode: 503, status: 'unavailable', message: `event store does not answer: ${(e as Error).message}` });
    }
  }
}
