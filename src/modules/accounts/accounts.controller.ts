import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { commandContext } from '../../http/command-context';
import { PersonIdParam } from '../../http/params';
import { replyWrite } from '../../http/reply';
import { CurrentPrincipal, Principal, Roles } from '../../http/roles';
import { WriteOutcome } from '../person-writer.service';
import { AccountRequestCommand, ExecuteAccountCommand } from './commands/accounts.command';
import {
  BequeathAccountDto,
  CreditMonthDto,
  FamilyPaymentDto,
  PayFromAccountDto,
  PayOutAccountDto,
  TransferAccountDto,
} from './dto/accounts.dto';
import { AccountView, GetAccountQuery } from './queries/get-account.query';
import { AccountViewDto, ApiBadRequest, ApiNotFound, ApiPersonWrite, ApiRefusal } from '../../http/openapi-responses';

@ApiTags('accounts')
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key returns the first result and writes nothing.',
})
@ApiBadRequest()
@ApiNotFound()
@ApiRefusal('Business refusal (e.g. ACCOUNT_INSUFFICIENT, RELATION_NOT_ALLOWED) with its clause; nothing written')
@Controller('persons/:personId/account')
export class AccountsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(personId: string, command: AccountRequestCommand, principal: Principal, key?: string): Promise<WriteOutcome> {
    return this.commands.execute(new ExecuteAccountCommand(personId, command, commandContext(principal, key)));
  }

  @Get()
  @ApiOkResponse({ type: AccountViewDto })
  @Roles('agency', 'auditor')
  @ApiOperation({ summary: 'Balance and statement (every credit and debit with its source event)' })
  get(@Param() { personId }: PersonIdParam): Promise<AccountView> {
    return this.queries.execute(new GetAccountQuery(personId));
  }

  @Post('credits')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Monthly credit (宛政办〔2022〕42号 第八条): in-service 2% of the base; retired 2% of the average pension, from the month after retirement',
  })
  async credit(
    @Param() { personId }: PersonIdParam,
    @Body() dto: CreditMonthDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'CreditMonth', data: dto }, p, key));
  }

  @Post('payments')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'Pay own self-pay or a pharmacy purchase from the account (第九条)' })
  async pay(
    @Param() { personId }: PersonIdParam,
    @Body() dto: PayFromAccountDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'PayFromAccount', data: dto }, p, key));
  }

  @Post('family-payments')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({
    summary: "FamilyAccountPayment: pay a spouse's, parent's or child's self-pay or resident contribution (第九条（二）（三）)",
  })
  async family(
    @Param() { personId }: PersonIdParam,
    @Body() dto: FamilyPaymentDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'PayForRelative', data: dto }, p, key));
  }

  @Post('transfers')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'AccountTransferred in or out of the region (第十二条); out moves the whole balance and ends the enrollment' })
  async transfer(
    @Param() { personId }: PersonIdParam,
    @Body() dto: TransferAccountDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'TransferAccount', data: dto }, p, key));
  }

  @Post('payout')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: 'One-time payout on death, emigration or voluntary exit (第十二条): balance to zero' })
  async payout(
    @Param() { personId }: PersonIdParam,
    @Body() dto: PayOutAccountDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'PayOutAccount', data: dto }, p, key));
  }

  @Post('inheritance')
  @ApiPersonWrite()
  @HttpCode(201)
  @ApiOperation({ summary: "Inheritance (第十二条): the balance moves to the heir's account" })
  async inherit(
    @Param() { personId }: PersonIdParam,
    @Body() dto: BequeathAccountDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    return replyWrite(res, await this.run(personId, { type: 'BequeathAccount', data: dto }, p, key));
  }
}
