import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { commandContext } from '../../http/command-context';
import { CurrentPrincipal, Principal, Roles } from '../../http/roles';
import { PersonIdParam } from '../../http/params';
import { replyWrite } from '../../http/reply';
import { WriteOutcome } from '../person-writer.service';
import { ExecuteEnrollmentCommand } from './commands/enrollment.command';
import {
  AdmitInpatientDto,
  ChangeContributionBaseDto,
  ChangeRetiredStatusDto,
  DesignateFirstContactDto,
  DischargeInpatientDto,
  EnrolPersonDto,
  RecordReferralDto,
  RegisterOffSiteDto,
  UpdateRelativesDto,
} from './dto/enrollment.dto';
import { RecordFamilyDoctorContractDto } from './dto/facts.dto';
import { EnrollmentCommand } from './enrollment.decide';
import { GetPersonQuery, PersonView } from './queries/get-person.query';
import { ListPersonsParams, ListPersonsQuery } from './queries/list-persons.query';
import type { Page } from '../../http/pagination';
import type { PersonListItem } from '../../projections/read-models/persons.projection';
import { ApiBadRequest, ApiNotFound, ApiPersonWrite, ApiRefusal, PersonPageDto, PersonViewDto } from '../../http/openapi-responses';

const IDEMPOTENCY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key returns the first result and writes nothing.',
};

@ApiTags('enrollment')
@ApiHeader(IDEMPOTENCY)
@ApiBadRequest()
@ApiNotFound()
@ApiRefusal()
@Controller('persons')
export class EnrollmentController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(personId: string, command: EnrollmentCommand, principal: Principal, key?: string): Promise<WriteOutcome> {
    return this.commands.execute(new ExecuteEnrollmentCommand(personId, command, commandContext(principal, key)));
  }

  @Post()
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Enrol an insured person (PersonEnrolled)' })
  async enrol(
    @Body() dto: EnrolPersonDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const out = await this.run(dto.personId, { type: 'Enrol', data: { ...dto, relatives: dto.relatives ?? [] } }, p, key);
    return replyWrite(res, out);
  }

  @Get()
  @ApiOkResponse({ type: PersonPageDto })
  @Roles('agency', 'auditor')
  @ApiOperation({
    summary:
      'Find persons (read model): by id prefix, region, scheme, latest category; ?limit= and opaque ?cursor=, answers {items, nextCursor}',
  })
  list(@Query() params: ListPersonsParams): Promise<Page<PersonListItem>> {
    return this.queries.execute(new ListPersonsQuery(params));
  }

  @Get(':personId')
  @ApiOkResponse({ type: PersonViewDto })
  @Roles('agency', 'auditor')
  @ApiParam({ name: 'personId' })
  @ApiOperation({ summary: 'The person as the stream says now: enrollment, category timeline, account, settlements' })
  get(@Param() { personId }: PersonIdParam): Promise<PersonView> {
    return this.queries.execute(new GetPersonQuery(personId));
  }

  @Post(':personId/retirement')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'In-service → retired (RetiredStatusChanged, effective the 1st of the next month; 宛政办〔2022〕42号 第六条)' })
  async retire(
    @Param() { personId }: PersonIdParam,
    @Body() dto: ChangeRetiredStatusDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'ChangeRetiredStatus', data: dto }, p, key));
  }

  @Post(':personId/contribution-base')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Change the monthly contribution base' })
  async base(
    @Param() { personId }: PersonIdParam,
    @Body() dto: ChangeContributionBaseDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'ChangeContributionBase', data: dto }, p, key));
  }

  @Post(':personId/relatives')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Replace the declared relatives (whose self-pay this account may pay)' })
  async relatives(
    @Param() { personId }: PersonIdParam,
    @Body() dto: UpdateRelativesDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'UpdateRelatives', data: { relatives: dto.relatives } }, p, key));
  }

  @Post(':personId/inpatient/admissions')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Admit as inpatient (no outpatient pooling while in hospital)' })
  async admit(
    @Param() { personId }: PersonIdParam,
    @Body() dto: AdmitInpatientDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'AdmitInpatient', data: dto }, p, key));
  }

  @Post(':personId/inpatient/discharges')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Discharge from the open inpatient stay' })
  async discharge(
    @Param() { personId }: PersonIdParam,
    @Body() dto: DischargeInpatientDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'DischargeInpatient', data: dto }, p, key));
  }

  @Post(':personId/off-site-registrations')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an off-site residence (宛政办〔2022〕42号 第十五条)' })
  async offSite(
    @Param() { personId }: PersonIdParam,
    @Body() dto: RegisterOffSiteDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'RegisterOffSiteResidence', data: dto }, p, key));
  }

  @Post(':personId/referrals')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a referral from a primary institution (人社部发〔2011〕59号)' })
  async referral(
    @Param() { personId }: PersonIdParam,
    @Body() dto: RecordReferralDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'RecordReferral', data: dto }, p, key));
  }

  @Post(':personId/first-contact-institution')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiResponse({ status: 404, description: 'The institution code is not registered' })
  @ApiOperation({
    summary:
      "Designate the year's first-contact primary institution: registered, primary, designated for the person's scheme, in the person's region (人社部发〔2011〕59号 四)",
  })
  async firstContact(
    @Param() { personId }: PersonIdParam,
    @Body() dto: DesignateFirstContactDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'DesignateFirstContactInstitution', data: dto }, p, key));
  }

  @Post(':personId/family-doctor-contracts')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiResponse({ status: 404, description: 'The institution code is not registered' })
  @ApiOperation({
    summary:
      'Record a family-doctor contract whose fee the pooling fund pays, up to the pack limit per person-year (安医保〔2019〕75号 三（二）, 附件); its general consultation fees are then not pooled',
  })
  async familyDoctorContract(
    @Param() { personId }: PersonIdParam,
    @Body() dto: RecordFamilyDoctorContractDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'RecordFamilyDoctorContract', data: dto }, p, key));
  }
}
