import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DryRunQuery, toSpec } from '../corrections/corrections.dto';
import { withFingerprint } from '../event-store/stream-command';
import { commandContext } from '../http/command-context';
import { ApiBadRequest, ApiConflict, ApiNotFound, ApiRefusal } from '../http/openapi-responses';
import { replyWrite } from '../http/reply';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { DisputesService } from './commands/disputes.command';
import {
  DisputeDto,
  DisputeIdParam,
  DisputeWriteDto,
  OpenDisputeDto,
  RejectDisputeDto,
  UpholdAnswerDto,
  UpholdDisputeDto,
} from './disputes.dto';
import type { DisputeSubject } from './dispute.events';

const KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key returns the first result and writes nothing',
};

@ApiTags('disputes')
@ApiBadRequest()
@ApiNotFound()
@ApiConflict()
@ApiResponse({
  status: 403,
  description: "An institution key acting on another institution's settlement or month, or a role that may not do this",
})
@Controller('disputes')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Post()
  @Roles('agency', 'institution')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: DisputeWriteDto,
    description: 'DisputeOpened, with the analysis of the alleged facts (the correction as a dry run)',
  })
  @ApiRefusal('IDEMPOTENCY_KEY_REUSED')
  @ApiHeader(KEY)
  @ApiOperation({
    summary:
      "Open a dispute on settlements, an account movement or an institution's month (agency; the institution whose settlement it is; the agency on a person's behalf)",
  })
  async open(
    @Body() dto: OpenDisputeDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const context = withFingerprint(commandContext(p, key), 'disputes.Open', 'disputes', dto);
    const request = {
      subject: subjectOf(dto.subject),
      grounds: { code: dto.grounds.code, text: dto.grounds.text },
      allegedFacts: dto.allegedFacts ? toSpec(dto.allegedFacts) : undefined,
      onBehalfOf: dto.onBehalfOf,
    };
    return replyWrite(res, await this.disputes.open(request, p, context));
  }

  @Get(':disputeId')
  @Roles('agency', 'auditor', 'institution')
  @ApiOkResponse({ type: DisputeDto })
  @ApiOperation({ summary: 'A dispute as its stream tells it: subject, grounds, alleged facts, analysis, status and resolution' })
  get(@Param() { disputeId }: DisputeIdParam, @CurrentPrincipal() p: Principal) {
    return this.disputes.get(disputeId, p);
  }

  @Post(':disputeId/reject')
  @Roles('agency')
  @HttpCode(201)
  @ApiCreatedResponse({ type: DisputeWriteDto })
  @ApiRefusal('DISPUTE_ALREADY_RESOLVED: a resolution is final')
  @ApiHeader(KEY)
  @ApiOperation({ summary: 'Reject a dispute, with the reason (final)' })
  async reject(
    @Param() { disputeId }: DisputeIdParam,
    @Body() dto: RejectDisputeDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const context = withFingerprint(commandContext(p, key), 'disputes.Reject', `dispute-${disputeId}`, dto);
    return replyWrite(res, await this.disputes.reject(disputeId, dto.reason, p, context));
  }

  @Post(':disputeId/uphold')
  @Roles('agency')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: UpholdAnswerDto,
    description: 'The correction applied (linked by disputeId) and DisputeUpheld; with ?dryRun=true the same answer, nothing written',
  })
  @ApiRefusal('DISPUTE_ALREADY_RESOLVED, and the refusals of POST /corrections')
  @ApiHeader(KEY)
  @ApiOperation({
    summary: 'Uphold a dispute: apply the alleged facts (or the correction given) as a correction, then DisputeUpheld (final)',
  })
  async uphold(
    @Param() { disputeId }: DisputeIdParam,
    @Body() dto: UpholdDisputeDto,
    @Query() query: DryRunQuery,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const context = withFingerprint(commandContext(p, key), 'disputes.Uphold', `dispute-${disputeId}`, dto);
    return replyWrite(
      res,
      await this.disputes.uphold(disputeId, dto.correction ? toSpec(dto.correction) : undefined, query.dryRun === 'true', p, context),
    );
  }
}

function subjectOf(d: OpenDisputeDto['subject']): DisputeSubject {
  switch (d.kind) {
    case 'settlements':
      return { kind: d.kind, personId: d.personId!, settlementIds: d.settlementIds! };
    case 'account-movement':
      return { kind: d.kind, personId: d.personId!, movementId: d.movementId! };
    case 'institution-month':
      return { kind: d.kind, institutionCode: d.institutionCode!, month: d.month! };
  }
}
