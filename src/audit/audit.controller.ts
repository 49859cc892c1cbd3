import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SettlementParams } from '../http/params';
import { Roles } from '../http/roles';
import { NoBodyPipe } from '../http/validation';
import { asOfParam } from '../projections/read-side.service';
import { AuditService } from './audit.service';
import { ReplayDto, WhatIfDto } from './audit.dto';
import { explanationText } from './explain';
import { ChainVerifier } from './seals/chain-verifier.service';
import { sealSummary } from './seals/ledger-verification';
import {
  ApiBadRequest,
  ApiNotFound,
  ApiRefusal,
  ExplanationDto,
  PackProvenanceDto,
  PackSummaryDto,
  ReplayReportDto,
  SealAnswerDto,
  SealRecordDto,
  VerifyReportDto,
  WhatIfReportDto,
} from '../http/openapi-responses';

@ApiTags('audit')
@ApiBadRequest()
@ApiNotFound()
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly verifier: ChainVerifier,
  ) {}

  @Post('audit/seals')
  @ApiCreatedResponse({ type: SealAnswerDto })
  @ApiRefusal('LEDGER_CHAIN_BROKEN: the ledger does not verify; nothing sealed')
  @HttpCode(201)
  @Roles('agency')
  @ApiOperation({
    summary:
      "Seal the ledger now: a Merkle root over every stream's head (revision, hash) through the verified position; 422 LEDGER_CHAIN_BROKEN if it does not verify; seal: null when nothing changed since the latest seal",
  })
  async seal(@Body(NoBodyPipe) _body?: unknown) {
    const seal = await this.verifier.seal();
    return { seal: seal ? sealSummary(seal) : null, status: this.verifier.status() };
  }

  @Get('audit/seals')
  @ApiOkResponse({ type: [SealRecordDto] })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary: 'Every seal with its root and changed heads (keep a copy outside the store; `npm run audit -- verify --against FILE`)',
  })
  seals() {
    return this.audit.seals();
  }

  @Get('audit/verify')
  @ApiOkResponse({ type: VerifyReportDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary:
      "Reads the whole log: every hash chain, and every stream's head as of the latest seal's position against the seal; names truncated or rewritten tails; counts events not yet sealed",
  })
  verify() {
    return this.audit.verify();
  }

  @Post('audit/replay')
  @ApiOkResponse({ type: ReplayReportDto })
  @HttpCode(200)
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary:
      "Replay a person's year: recompute every decision with its recorded policy version and facts; '0 differences' or each difference; verifies the hash chain",
  })
  replay(@Body() dto: ReplayDto) {
    return this.audit.replay(dto.personId, dto.year);
  }

  @Post('audit/what-if')
  @ApiOkResponse({ type: WhatIfReportDto })
  @HttpCode(200)
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: 'Re-adjudicate a year under changed facts or policy version; per-visit and total differences; writes nothing' })
  whatIf(@Body() dto: WhatIfDto) {
    return this.audit.whatIf(dto.personId, dto.year, dto.changes);
  }

  @Get('persons/:personId/settlements/:settlementId/explain')
  @ApiOkResponse({ type: ExplanationDto, description: 'JSON; with ?format=text a text/plain rendering of the same' })
  @Roles('agency', 'auditor')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'text'] })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'A global position or a date YYYY-MM-DD: the settlement as the ledger stood then',
  })
  @ApiOperation({ summary: "One settlement's trace with its clause citations (JSON, or text: clause in Chinese, rule in English)" })
  async explain(
    @Param() { personId, settlementId }: SettlementParams,
    @Query('format') format: string | undefined,
    @Query('asOf') asOf: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const explanation = await this.audit.explain(personId, settlementId, asOfParam(asOf));
    if (format !== 'text') return explanation;
    const r = res as { header?: (k: string, v: string) => unknown; setHeader?: (k: string, v: string) => unknown };
    if (typeof r.header === 'function') r.header('Content-Type', 'text/plain; charset=utf-8');
    else r.setHeader?.('Content-Type', 'text/plain; charset=utf-8');
    return explanationText(explanation);
  }

  @Get('policies')
  @ApiOkResponse({ type: [PackSummaryDto] })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: 'Every policy pack: id, version (content hash), document, region, scheme, period' })
  policies() {
    return this.audit.policies();
  }

  @Get('policies/:id')
  @ApiOkResponse({ type: PackProvenanceDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: "A pack's dated values, each with the document and clause it comes from (by id or version)" })
  policy(@Param('id') id: string) {
    return this.audit.policy(id);
  }
}
