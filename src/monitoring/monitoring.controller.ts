import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { withFingerprint } from '../event-store/stream-command';
import { commandContext } from '../http/command-context';
import { pageLimit } from '../http/pagination';
import { positionAfter } from '../projections/list-queries';
import { PersonIdParam } from '../http/params';
import { replyWrite } from '../http/reply';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { CLOCK, Clock } from '../kernel/clock';
import { shanghaiDate } from '../kernel/dates';
import { NotFound } from '../kernel/errors';
import { checkHappened } from '../kernel/not-ahead';
import { AlertWriter } from './alert-writer';
import { AlertQuery, CloseAlertDto, FrequencyQuery, IndicatorYearQuery, InstitutionCodeParam } from './monitoring.dto';
import { MonitoringQueries } from './monitoring.queries';
import type { MonitoringRunner } from './monitoring-runner';
import { MONITORING_RUNNER } from './monitoring.tokens';
import {
  AlertCloseDto,
  AlertPageDto,
  ApiBadRequest,
  InstitutionIndicatorsDto,
  MonitoringStatusDto,
  PersonFrequencyDto,
} from '../http/openapi-responses';

/**
 * Monitoring and early warning (宛政办〔2022〕42号 第二十二条（二）, 焦医保〔2024〕32号 五（一）,
 * 安医保〔2019〕75号 五（一）（二）, 人社部发〔2011〕59号 三). Reads are for the agency and auditors;
 * closing an alert is the agency's.
 */
@ApiTags('monitoring')
@ApiBadRequest()
@Controller('monitoring')
export class MonitoringController {
  constructor(
    private readonly queries: MonitoringQueries,
    private readonly writer: AlertWriter,
    @Inject(MONITORING_RUNNER) private readonly runner: MonitoringRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('institutions/:code/indicators')
  @ApiOkResponse({ type: InstitutionIndicatorsDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary:
      "An institution's indicators for a year, by month, with growth against the previous month and the same month last year, and the year's alerts",
  })
  institutionYear(@Param() { code }: InstitutionCodeParam, @Query() q: IndicatorYearQuery) {
    return this.queries.institutionYear(code, Number(q.year));
  }

  @Get('persons/:personId/frequency')
  @ApiOkResponse({ type: PersonFrequencyDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary: "A person's visit frequency: visits in the last 7 and 30 days, busiest windows and days at several institutions (高频次就诊)",
  })
  personFrequency(@Param() { personId }: PersonIdParam, @Query() q: FrequencyQuery) {
    return this.queries.personFrequency(personId, q.asOf ?? shanghaiDate(this.clock.now().toISOString()));
  }

  @Get('alerts')
  @ApiOkResponse({ type: AlertPageDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary: 'Alerts (open by default), filtered by institution, person and indicator, in the order raised (paged: `limit`, `cursor`)',
  })
  alerts(@Query() q: AlertQuery) {
    return this.queries.alertPage(
      { institutionCode: q.institution, personId: q.person, indicator: q.indicator, status: q.status },
      pageLimit(q),
      positionAfter(q.cursor),
    );
  }

  @Get('status')
  @ApiOkResponse({ type: MonitoringStatusDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: "The monitor's checkpoint, lag behind the log and alerts waiting to be appended" })
  status() {
    return this.runner.lag();
  }

  @Post('alerts/close')
  @ApiCreatedResponse({ type: AlertCloseDto })
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Close an alert after review (AlertClosed on its alert stream); the same crossing is never raised again' })
  async close(
    @Body() dto: CloseAlertDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const streamId = this.queries.alertStream(dto.alertId);
    if (!streamId) throw new NotFound('alert', dto.alertId);
    const closedOn = dto.closedOn ?? shanghaiDate(this.clock.now().toISOString());
    checkHappened('closedOn', closedOn, this.clock.now()); // a review is recorded once it is done
    // The key is bound to this request (issue 11 item 2): the body as sent, before closedOn defaults to today.
    const context = withFingerprint(commandContext(p, key), 'monitoring.CloseAlert', streamId, dto);
    const outcome = await this.writer.execute(
      streamId,
      { type: 'CloseAlert', data: { alertId: dto.alertId, closedOn, note: dto.note } },
      context,
    );
    return replyWrite(res, { ...outcome, alertId: dto.alertId, streamId, closedOn });
  }
}
