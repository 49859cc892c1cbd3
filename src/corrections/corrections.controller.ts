import { Body, Controller, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { commandContext } from '../http/command-context';
import { ApiBadRequest, ApiConflict, ApiNotFound, ApiRefusal } from '../http/openapi-responses';
import { replyWrite } from '../http/reply';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { withFingerprint } from '../event-store/stream-command';
import { ApplyCorrection, CorrectionAnswer } from './commands/apply-correction.command';
import { ApplyCorrectionDto, CorrectionAnswerDto, DryRunQuery, toSpec } from './corrections.dto';

@ApiTags('corrections')
@ApiBadRequest()
@ApiNotFound()
@ApiConflict()
@Controller('corrections')
export class CorrectionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('agency')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CorrectionAnswerDto,
    description:
      'The correction: every settlement re-adjudicated, the adjustments and money events (written, or with ?dryRun=true only computed)',
  })
  @ApiResponse({ status: 403, description: 'Only the agency corrects the ledger' })
  @ApiRefusal(
    'CORRECTION_PERIOD_NOT_ENDED, CORRECTION_NOT_ADJUDICABLE, POLICY_OVERRIDE_CONFLICT, SETTLEMENT_REVERSED, UNKNOWN_SETTLEMENT, IDEMPOTENCY_KEY_REUSED',
  )
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key returns the first result (and finishes what a crash left); another request under it is refused',
  })
  @ApiOperation({
    summary:
      'Correct a past fact (category, institution level, bill lines, policy parameter for an ended period): affected settlements re-adjudicated in order; SettlementAdjusted and money events; ?dryRun=true writes nothing',
  })
  async apply(
    @Body() dto: ApplyCorrectionDto,
    @Query() query: DryRunQuery,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<CorrectionAnswer> {
    const context = withFingerprint(commandContext(p, key), 'corrections.Apply', 'corrections', dto);
    const answer = await this.commands.execute(
      new ApplyCorrection({
        spec: toSpec(dto.spec),
        disputeId: dto.disputeId,
        dryRun: query.dryRun === 'true',
        appliedBy: { role: p.role, keyId: p.keyId },
        context,
      }),
    );
    return replyWrite(res, answer);
  }
}
