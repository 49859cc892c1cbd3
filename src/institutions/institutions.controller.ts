import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApplyCorrection, CorrectionAnswer } from '../corrections/commands/apply-correction.command';
import type { InstitutionMonthSpec } from '../corrections/correction.events';
import { CorrectionAnswerDto, DryRunQuery } from '../corrections/corrections.dto';
import { withFingerprint } from '../event-store/stream-command';
import { commandContext } from '../http/command-context';
import { replyWrite } from '../http/reply';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { Forbidden } from '../kernel/errors';
import { ExecuteInstitutionCommand, InstitutionWriteOutcome } from './commands/institution.command';
import {
  ApproveMonthDto,
  AssessYearDto,
  AssignPersonsDto,
  ChangeInstitutionProfileDto,
  CodeMonthParam,
  CodeParam,
  CodeYearParam,
  CorrectMonthDto,
  DeclareMonthDto,
  EmptyDto,
  PayAdvanceDto,
  RecordReviewDto,
  RegisterInstitutionDto,
  SetCostBaseDto,
  SettleCapitationDto,
  SettlePeriodDto,
} from './dto/institutions.dto';
import { InstitutionCommand } from './institution.decide';
import { explainInstitutionYear, institutionYearView, InstitutionYearView } from './institution-year';
import { InstitutionReplayReport, replayInstitution } from './institution-replay';
import { POLICY_CATALOG } from '../infrastructure/tokens';
import type { PolicyCatalog } from '../policy/catalog';
import { InstitutionProfile, InstitutionRegistry } from './institution-registry.service';
import {
  ApiBadRequest,
  ApiInstitutionWrite,
  ApiNotFound,
  ApiRefusal,
  InstitutionExplainDto,
  InstitutionProfileDto,
  InstitutionReplayDto,
  InstitutionYearDto,
} from '../http/openapi-responses';

const IDEMPOTENCY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key returns the first result and writes nothing.',
};

@ApiTags('institutions')
@ApiHeader(IDEMPOTENCY)
@ApiBadRequest()
@ApiNotFound()
@ApiRefusal()
@Controller('institutions')
export class InstitutionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly registry: InstitutionRegistry,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
  ) {}

  private async run(
    code: string,
    command: InstitutionCommand,
    principal: Principal,
    key: string | undefined,
    res: unknown,
  ): Promise<InstitutionWriteOutcome> {
    const out = await this.commands.execute(new ExecuteInstitutionCommand(code, command, commandContext(principal, key)));
    return replyWrite(res, out);
  }

  @Post()
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Register a designated institution (InstitutionRegistered)' })
  register(
    @Body() dto: RegisterInstitutionDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(dto.code, { type: 'RegisterInstitution', data: { ...dto } }, p, key, res);
  }

  @Get(':code')
  @ApiOkResponse({ type: InstitutionProfileDto })
  @Roles('agency', 'auditor', 'institution')
  @ApiOperation({ summary: "An institution's profile (an institution key sees only its own)" })
  async get(@Param() { code }: CodeParam, @CurrentPrincipal() p: Principal | undefined): Promise<InstitutionProfile> {
    if (p?.role === 'institution' && p.institutionCode !== code) throw new Forbidden('an institution key reads only its own institution');
    return (await this.registry.stateOrThrow(code)).profile;
  }

  @Patch(':code')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Change the profile (InstitutionProfileChanged)' })
  change(
    @Param() { code }: CodeParam,
    @Body() dto: ChangeInstitutionProfileDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'ChangeInstitutionProfile', data: { changes: { ...dto } } }, p, key, res);
  }

  @Post(':code/years/:year/cost-base')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Set the per-visit average cost base (CostBaseSet; 焦医保〔2024〕32号 四（一）1, 3（1）)' })
  costBase(
    @Param() { code, year }: CodeYearParam,
    @Body() dto: SetCostBaseDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'SetCostBase', data: { year, ...dto, history: dto.history?.map((h) => ({ ...h })) } }, p, key, res);
  }

  @Post(':code/months/:month/declaration')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Record the monthly declaration (MonthDeclared; due by the 10th, 四（二）)' })
  declare(
    @Param() { code, month }: CodeMonthParam,
    @Body() dto: DeclareMonthDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'DeclareMonth', data: { month, ...dto } }, p, key, res);
  }

  @Post(':code/months/:month/approval')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Approve the month after verification (MonthApproved)' })
  approve(
    @Param() { code, month }: CodeMonthParam,
    @Body() dto: ApproveMonthDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'ApproveMonth', data: { month, approvedAmount: dto.approvedAmount } }, p, key, res);
  }

  @Post(':code/months/:month/advance')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Pay the 95% advance and hold 5% (AdvancePaid; 四（二）)' })
  advance(
    @Param() { code, month }: CodeMonthParam,
    @Body() dto: PayAdvanceDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'PayAdvance', data: { month, ...(dto.paidOn ? { paidOn: dto.paidOn } : {}) } }, p, key, res);
  }

  @Post(':code/years/:year/settlement')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Settle the period under conditional fee-for-service (PeriodSettled; 四（一）, 附件)' })
  settle(
    @Param() { code, year }: CodeYearParam,
    @Body() dto: SettlePeriodDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(
      code,
      { type: 'SettlePeriod', data: { year, ...(dto.throughMonth ? { throughMonth: dto.throughMonth } : {}) } },
      p,
      key,
      res,
    );
  }

  @Post(':code/years/:year/review')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Record the year-end overspend review (OverspendReviewed; 六（一）)' })
  review(
    @Param() { code, year }: CodeYearParam,
    @Body() dto: RecordReviewDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'RecordOverspendReview', data: { year, ...dto } }, p, key, res);
  }

  @Post(':code/years/:year/assessment')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Record the annual assessment: release or keep the 5% holdback (AnnualAssessed)' })
  assess(
    @Param() { code, year }: CodeYearParam,
    @Body() dto: AssessYearDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'AssessYear', data: { year, passed: dto.passed, ...(dto.note ? { note: dto.note } : {}) } }, p, key, res);
  }

  @Post(':code/years/:year/final-payment')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Make the final payment of the year (FinalPaymentMade)' })
  final(
    @Param() { code, year }: CodeYearParam,
    @Body() _dto: EmptyDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'MakeFinalPayment', data: { year } }, p, key, res);
  }

  @Post(':code/years/:year/persons')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Assign persons for capitation (PersonsAssigned; 安医保〔2019〕75号 四（一）, 附件)' })
  persons(
    @Param() { code, year }: CodeYearParam,
    @Body() dto: AssignPersonsDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(code, { type: 'AssignPersons', data: { year, count: dto.count } }, p, key, res);
  }

  @Post(':code/months/:month/capitation')
  @ApiInstitutionWrite()
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({ summary: 'Settle a capitation month within the annual budget (CapitationSettled; 安医保〔2019〕75号 四（二）)' })
  capitation(
    @Param() { code, month }: CodeMonthParam,
    @Body() dto: SettleCapitationDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return this.run(
      code,
      {
        type: 'SettleCapitationMonth',
        data: { month, claimed: dto.claimed, ...(dto.consultationClaimed ? { consultationClaimed: dto.consultationClaimed } : {}) },
      },
      p,
      key,
      res,
    );
  }

  @Post(':code/months/:month/correction')
  @HttpCode(201)
  @Roles('agency')
  @ApiCreatedResponse({
    type: CorrectionAnswerDto,
    description:
      "The correction (CorrectionApplied) and the institution's events: month corrected, advance, period and final payment recomputed, the recovery or top-up; with ?dryRun=true the same answer, nothing written; a correction that changes nothing writes nothing and says so",
  })
  @ApiResponse({ status: 403, description: 'Only the agency corrects a month' })
  @ApiOperation({
    summary:
      'Correct an approved month (visits, cost, fund due): advance, period settlement and final payment recomputed; recovery (焦医保〔2024〕32号 五（二）) or top-up; MONTH_NOT_APPROVED refused',
  })
  async correct(
    @Param() { code, month }: CodeMonthParam,
    @Body() dto: CorrectMonthDto,
    @Query() query: DryRunQuery,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<CorrectionAnswer> {
    const spec: InstitutionMonthSpec = {
      kind: 'institution-month',
      institutionCode: code,
      month,
      corrected: { visits: dto.corrected.visits, totalCost: dto.corrected.totalCost, fundDue: dto.corrected.fundDue },
      reason: dto.reason,
      ...(dto.correctedOn ? { correctedOn: dto.correctedOn } : {}),
    };
    // The key names one correction (its id derives from it); reused for another body it is refused.
    const context = withFingerprint(commandContext(p, key), 'institutions.CorrectMonth', `institution-${code}`, {
      spec,
      disputeId: dto.disputeId ?? null,
    });
    const answer = await this.commands.execute(
      new ApplyCorrection({
        spec,
        disputeId: dto.disputeId,
        dryRun: query.dryRun === 'true',
        appliedBy: { role: p.role, keyId: p.keyId },
        specPath: '',
        context,
      }),
    );
    return replyWrite(res, answer);
  }

  @Get(':code/years/:year')
  @ApiOkResponse({ type: InstitutionYearDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary: "The institution's year: declared, approved, advanced, held, settlement, review, assessment, final (folded from the stream)",
  })
  async year(@Param() { code, year }: CodeYearParam): Promise<InstitutionYearView> {
    return institutionYearView(await this.registry.stateOrThrow(code), code, year);
  }

  @Get(':code/years/:year/explain')
  @ApiOkResponse({ type: InstitutionExplainDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: 'Every step of the year with its clause' })
  async explain(@Param() { code, year }: CodeYearParam) {
    return explainInstitutionYear(await this.registry.stateOrThrow(code), code, year);
  }

  @Get(':code/years/:year/replay')
  @ApiOkResponse({ type: InstitutionReplayDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: 'Replay the year: every decision recomputed from its recorded inputs and compared; the hash chain verified' })
  async replay(@Param() { code, year }: CodeYearParam): Promise<InstitutionReplayReport> {
    await this.registry.stateOrThrow(code);
    return replayInstitution(code, await this.registry.events(code), this.catalog, year);
  }
}
