import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { commandContext } from '../../http/command-context';
import { withFingerprint } from '../../event-store/stream-command';
import { personStreamId } from '../person-stream';
import { PersonIdParam, SettlementParams } from '../../http/params';
import { replyWrite } from '../../http/reply';
import { CurrentPrincipal, Principal, Roles } from '../../http/roles';
import { Inject } from '@nestjs/common';
import { CLOCK, Clock } from '../../kernel/clock';
import { asOfParam } from '../../projections/read-side.service';
import type { Decision } from '../../policy/engine/types';
import { EXAMPLES } from '../../http/openapi-examples';
import { PreSettleVisit, ReverseSettlement, SettlementOutcome, SettleVisit, VisitRequest } from './commands/claims.command';
import { ReverseSettlementDto, SettleVisitDto } from './dto/claims.dto';
import { GetSettlementQuery, SettlementDetail } from './queries/get-settlement.query';
import {
  ApiBadRequest,
  ApiConflict,
  ApiNotFound,
  ApiPersonWrite,
  ApiRefusal,
  DecisionDto,
  SettlementDetailDto,
  SettlementWriteDto,
} from '../../http/openapi-responses';

@ApiTags('claims')
@ApiBadRequest()
@ApiNotFound()
@ApiResponse({ status: 403, description: "An institution key acting for another institution's visit" })
@ApiConflict()
@ApiRefusal()
@Controller('persons/:personId')
export class ClaimsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private request(dto: SettleVisitDto): VisitRequest {
    return {
      settlementId: dto.settlementId,
      institutionCode: dto.institutionCode,
      account: dto.account ?? { source: 'none' },
      visit: {
        visitId: dto.visitId,
        occurredAt: dto.occurredAt,
        settledAt: dto.settledAt ?? this.clock.now().toISOString(),
        medType: dto.medType,
        lines: dto.lines.map((l) => ({ ...l })),
        ...(dto.prescriptionDays !== undefined ? { prescriptionDays: dto.prescriptionDays } : {}),
        ...(dto.offSite !== undefined ? { offSite: dto.offSite } : {}),
        ...(dto.directSettlement !== undefined ? { directSettlement: dto.directSettlement } : {}),
        ...(dto.referral !== undefined ? { referral: dto.referral } : {}),
      },
    };
  }

  @Post('visits')
  @ApiCreatedResponse({
    description: 'The decision (amounts, national fields, reasons, flags, trace with clauses) and where it was recorded',
    type: SettlementWriteDto,
    example: EXAMPLES.settlement,
  })
  @Roles('agency', 'institution')
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key returns the first result and writes nothing.',
  })
  @ApiOperation({ summary: 'Settle a visit (national 2207): VisitSettled with the decision, policy version and trace' })
  async settle(
    @Param() { personId }: PersonIdParam,
    @Body() dto: SettleVisitDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<SettlementOutcome> {
    // The key is bound to the body as sent (before settledAt defaults to the clock).
    const context = withFingerprint(commandContext(p, key), 'claims.SettleVisit', personStreamId(personId), dto);
    return replyWrite(res, await this.commands.execute(new SettleVisit(personId, this.request(dto), p, context)));
  }

  @Post('visits/pre-settlement')
  @ApiOkResponse({ description: 'The decision, as `decision` in a settlement', type: DecisionDto, example: EXAMPLES.settlement.decision })
  @Roles('agency', 'institution')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pre-settle a visit (national 2206): the full decision, nothing written' })
  preSettle(@Param() { personId }: PersonIdParam, @Body() dto: SettleVisitDto, @CurrentPrincipal() p: Principal): Promise<Decision> {
    return this.commands.execute(new PreSettleVisit(personId, this.request(dto), p));
  }

  @Post('settlements/:settlementId/reversal')
  @ApiPersonWrite()
  @Roles('agency', 'institution')
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({
    summary:
      'Reverse a settlement within the reversal window of its pack (benefit.reversalWindowDays, a deployment parameter; national 2208); cap usage and account payments are restored',
  })
  async reverse(
    @Param() { personId, settlementId }: SettlementParams,
    @Body() dto: ReverseSettlementDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(
      res,
      await this.commands.execute(new ReverseSettlement(personId, settlementId, dto.reason, p, commandContext(p, key))),
    );
  }

  @Get('settlements/:settlementId')
  @ApiOkResponse({ type: SettlementDetailDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: "One settlement's record: facts, decision, national fields, trace with clauses" })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'A global position (digits) or a date YYYY-MM-DD: the record as the ledger stood then',
  })
  detail(@Param() { personId, settlementId }: SettlementParams, @Query('asOf') asOf?: string): Promise<SettlementDetail> {
    return this.queries.execute(new GetSettlementQuery(personId, settlementId, asOfParam(asOf)));
  }
}
