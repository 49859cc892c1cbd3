import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { CLOCK, Clock } from '../kernel/clock';
import {
  Answer2201Dto,
  Answer2204Dto,
  Answer2207Dto,
  Answer2208Dto,
  Envelope2201Dto,
  Envelope2204Dto,
  Envelope2206Dto,
  Envelope2207Dto,
  Envelope2208Dto,
  NationalErrorDto,
} from './national.dto';
import { beijingTime } from './national.mapping';
import { NationalService } from './national.service';

/**
 * The national platform's outpatient calls, one route per infno, each an envelope in and
 * an envelope out. The HTTP status is the ledger's (200 on success; 400/403/404/409/422).
 */
@ApiTags('national')
@ApiBadRequestResponse({
  description: 'Invalid input or unknown code: err_msg names the field and the rule (codeTable:<table>)',
  type: NationalErrorDto,
})
@ApiForbiddenResponse({ description: "An institution key acting for another institution's visit", type: NationalErrorDto })
@ApiNotFoundResponse({ description: 'Unknown psn_no or mdtrt_id', type: NationalErrorDto })
@ApiConflictResponse({ description: 'Concurrency conflict after retries', type: NationalErrorDto })
@ApiUnprocessableEntityResponse({
  description: 'Business refusal: code and clause (e.g. FEE_TOTALS_MISMATCH naming both figures)',
  type: NationalErrorDto,
})
@Roles('agency', 'institution')
@Controller('national')
export class NationalController {
  constructor(
    private readonly national: NationalService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private answer<T>(msgid: string, output: T) {
    return { infcode: 0, inf_refmsgid: msgid, refmsg_time: beijingTime(this.clock.now()), err_msg: null, output };
  }

  @Post('2201')
  @HttpCode(200)
  @ApiOperation({ summary: '2201 register an outpatient visit: answers mdtrt_id (VisitRegistered on mdtrt-<id>)' })
  @ApiOkResponse({ type: Answer2201Dto })
  async register(@Body() env: Envelope2201Dto, @CurrentPrincipal() p: Principal): Promise<Answer2201Dto> {
    return this.answer(env.msgid, await this.national.register(env, p));
  }

  @Post('2204')
  @HttpCode(200)
  @ApiOperation({ summary: '2204 upload the fee lines of a visit under a chrg_bchno (FeeLinesUploaded)' })
  @ApiOkResponse({ type: Answer2204Dto })
  async upload(@Body() env: Envelope2204Dto, @CurrentPrincipal() p: Principal): Promise<Answer2204Dto> {
    return this.answer(env.msgid, await this.national.uploadFees(env, p));
  }

  @Post('2206')
  @HttpCode(200)
  @ApiOperation({ summary: '2206 pre-settle: the ledger’s PreSettleVisit, nothing written' })
  @ApiOkResponse({ type: Answer2207Dto })
  async preSettle(@Body() env: Envelope2206Dto, @CurrentPrincipal() p: Principal): Promise<Answer2207Dto> {
    return this.answer(env.msgid, await this.national.preSettle(env, p));
  }

  @Post('2207')
  @HttpCode(200)
  @ApiOperation({ summary: '2207 settle: the ledger’s SettleVisit (VisitSettled); setlinfo and setldetail' })
  @ApiOkResponse({ type: Answer2207Dto })
  async settle(@Body() env: Envelope2207Dto, @CurrentPrincipal() p: Principal): Promise<Answer2207Dto> {
    return this.answer(env.msgid, await this.national.settle(env, p));
  }

  @Post('2208')
  @HttpCode(200)
  @ApiOperation({ summary: '2208 reverse a settlement: the ledger’s ReverseSettlement (SettlementReversed)' })
  @ApiOkResponse({ type: Answer2208Dto })
  async reverse(@Body() env: Envelope2208Dto, @CurrentPrincipal() p: Principal): Promise<Answer2208Dto> {
    return this.answer(env.msgid, await this.national.reverse(env, p));
  }
}
