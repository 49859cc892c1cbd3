/**
 * The national platform's message shapes for the outpatient sequence (as public hospital-system code shows them; the specification is not in this repository):
 * every call is an envelope (`infno`, `msgid`, `input`) and every answer one too
 * (`infcode` 0 and `output`, or non-zero with `err_msg`). Field names are the platform's.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsMoneyString, MaxAmount } from '../http/validators';
import { IsCode, IsNationalTime } from './national.validators';

/** msgid doubles as the call's idempotency key (the platform's msgid is unique per message). */
export const MSGID_PATTERN = /^[A-Za-z0-9._:-]{8,100}$/;
const SHORT_CODE = /^[A-Za-z0-9._-]{1,30}$/;
const LIST_CODE = /^[A-Za-z0-9._-]{1,64}$/;
const COUNT = /^\d{1,6}(\.\d{1,4})?$/;

/** Envelope fields every call carries; the ledger keeps none of the signing/transport ones. */
export class NationalEnvelopeBase {
  @ApiProperty({
    example: 'H41130200001202303010900000001',
    description: 'Unique message id; a retry with the same msgid returns the first answer and writes nothing.',
  })
  @Matches(MSGID_PATTERN, { message: 'msgid must be 8-100 letters, digits, . _ : -' })
  msgid!: string;

  @ApiProperty({
    example: 'NY-L2',
    description: 'The designated institution sending the call (an institution key acts for its own code only).',
  })
  @Matches(ID_PATTERN)
  fixmedins_code!: string;

  @ApiPropertyOptional({ example: '南阳市某二级医院' }) @IsOptional() @IsString() @MaxLength(200) fixmedins_name?: string;
  @ApiPropertyOptional({ example: '411300' }) @IsOptional() @IsString() @MaxLength(20) mdtrtarea_admvs?: string;
  @ApiPropertyOptional({ example: '411300' }) @IsOptional() @IsString() @MaxLength(20) insuplc_admdvs?: string;
  @ApiPropertyOptional({ example: 'HIS' }) @IsOptional() @IsString() @MaxLength(20) recer_sys_code?: string;
  @ApiPropertyOptional({ example: 'V1.0' }) @IsOptional() @IsString() @MaxLength(20) infver?: string;
  @ApiPropertyOptional({ example: '1' }) @IsOptional() @IsString() @MaxLength(10) opter_type?: string;
  @ApiPropertyOptional({ example: 'D001' }) @IsOptional() @IsString() @MaxLength(30) opter?: string;
  @ApiPropertyOptional({ example: '张医生' }) @IsOptional() @IsString() @MaxLength(50) opter_name?: string;
  @ApiPropertyOptional({ example: '2023-03-01 09:00:00' }) @IsOptional() @IsString() @MaxLength(30) inf_time?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) sign_no?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) signtype?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) cainfo?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) dev_no?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) dev_safe_info?: string;
}

// ---------------------------------------------------------------- 2201 register the visit

export class Register2201Data {
  @ApiProperty({ example: 'P-0001', description: 'Person number: the ledger person id.' }) @Matches(ID_PATTERN) psn_no!: string;
  @ApiProperty({ example: '310', description: 'Table insutype.' }) @IsCode('insutype') insutype!: string;
  @ApiProperty({ example: '2023-03-01 09:00:00', description: 'Visit start, Beijing time.' }) @IsNationalTime() begntime!: string;
  @ApiProperty({ example: '02', description: 'Table mdtrt_cert_type.' }) @IsCode('mdtrt_cert_type') mdtrt_cert_type!: string;
  @ApiPropertyOptional({ example: '411302199001010011', description: 'Certificate number: checked for presence only, never stored.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  mdtrt_cert_no?: string;
  @ApiProperty({ example: 'MZ20230301001', description: "The hospital's outpatient number; with fixmedins_code it names the visit." })
  @Matches(SHORT_CODE)
  ipt_otp_no!: string;
  @ApiPropertyOptional({ example: '1101', description: 'Table psn_type (2- or 4-digit); must agree with the person’s category.' })
  @IsOptional()
  @IsCode('psn_type')
  psn_type?: string;
  @ApiPropertyOptional({ example: '01', description: 'Table psn_cert_type.' })
  @IsOptional()
  @IsCode('psn_cert_type')
  psn_cert_type?: string;
  @ApiPropertyOptional({ example: '06', description: 'Table hosp_lv; must agree with the registry’s level.' })
  @IsOptional()
  @IsCode('hosp_lv')
  hosp_lv?: string;
  @ApiPropertyOptional({ example: 'D001' }) @IsOptional() @IsString() @MaxLength(30) atddr_no?: string;
  @ApiPropertyOptional({ example: '张医生' }) @IsOptional() @IsString() @MaxLength(50) dr_name?: string;
  @ApiPropertyOptional({ example: 'NK' }) @IsOptional() @IsString() @MaxLength(30) dept_code?: string;
  @ApiPropertyOptional({ example: '内科' }) @IsOptional() @IsString() @MaxLength(50) dept_name?: string;
  @ApiPropertyOptional({ example: 'A03' }) @IsOptional() @IsString() @MaxLength(30) caty?: string;
}

export class Input2201 {
  @ApiProperty({ type: Register2201Data }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Register2201Data) data!: Register2201Data;
}

export class Envelope2201Dto extends NationalEnvelopeBase {
  @ApiProperty({ example: '2201', enum: ['2201'] }) @Equals('2201') infno!: '2201';
  @ApiProperty({ type: Input2201 }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Input2201) input!: Input2201;
}

// ---------------------------------------------------------------- 2204 upload fee lines

export class FeeLine2204 {
  @ApiProperty({ example: '1' }) @Matches(SHORT_CODE) feedetl_sn!: string;
  @ApiProperty({ example: 'MD3F2A9C0B11D4E57A' }) @Matches(ID_PATTERN) mdtrt_id!: string;
  @ApiProperty({ example: 'P-0001' }) @Matches(ID_PATTERN) psn_no!: string;
  @ApiProperty({ example: 'CB001', description: 'Fee batch number (the hospital’s); 2206/2207 name it.' })
  @Matches(SHORT_CODE)
  chrg_bchno!: string;
  @ApiProperty({ example: 'XA01', description: 'National list code of the item.' }) @Matches(LIST_CODE) med_list_codg!: string;
  @ApiPropertyOptional({ example: 'YP0001' }) @IsOptional() @Matches(LIST_CODE) medins_list_codg?: string;
  @ApiPropertyOptional({ example: '阿莫西林胶囊' }) @IsOptional() @IsString() @MaxLength(200) medins_list_name?: string;
  @ApiProperty({ example: '200.00' }) @IsMoneyString() @MaxAmount('visitLine') det_item_fee_sumamt!: string;
  @ApiPropertyOptional({ example: '2' }) @IsOptional() @Matches(COUNT) cnt?: string;
  @ApiPropertyOptional({ example: '100.00' }) @IsOptional() @IsMoneyString() @MaxAmount('visitLine') pric?: string;
  @ApiProperty({ example: '01', description: 'Table chrgitm_lv: 01/02 in the catalogue, 03 self-pay.' })
  @IsCode('chrgitm_lv')
  chrgitm_lv!: string;
  @ApiPropertyOptional({ example: '2023-03-01 09:10:00' }) @IsOptional() @IsNationalTime() fee_ocur_time?: string;
}

export class Input2204 {
  @ApiProperty({ type: [FeeLine2204] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => FeeLine2204)
  feedetail!: FeeLine2204[];
}

export class Envelope2204Dto extends NationalEnvelopeBase {
  @ApiProperty({ example: '2204', enum: ['2204'] }) @Equals('2204') infno!: '2204';
  @ApiProperty({ type: Input2204 }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Input2204) input!: Input2204;
}

// ---------------------------------------------------------------- 2206 / 2207 (pre-)settle

export class Settle2207Data {
  @ApiProperty({ example: 'P-0001' }) @Matches(ID_PATTERN) psn_no!: string;
  @ApiProperty({ example: '02' }) @IsCode('mdtrt_cert_type') mdtrt_cert_type!: string;
  @ApiPropertyOptional({ example: '411302199001010011' }) @IsOptional() @IsString() @MaxLength(50) mdtrt_cert_no?: string;
  @ApiProperty({ example: '11', description: 'Table med_type.' }) @IsCode('med_type') med_type!: string;
  @ApiProperty({ example: 'MD3F2A9C0B11D4E57A' }) @Matches(ID_PATTERN) mdtrt_id!: string;
  @ApiProperty({ example: 'CB001' }) @Matches(SHORT_CODE) chrg_bchno!: string;
  @ApiProperty({ example: '310' }) @IsCode('insutype') insutype!: string;
  @ApiProperty({ example: '0', description: 'Table acct_used_flag: 1 the personal account pays the self-pay part.' })
  @IsCode('acct_used_flag')
  acct_used_flag!: string;
  @ApiPropertyOptional({ example: '01', description: '01 by item (the only way the ledger settles).' })
  @IsOptional()
  @IsIn(['01'])
  psn_setlway?: string;
  @ApiProperty({ example: '200.00', description: 'Must equal the sum of the 2204 lines of chrg_bchno.' })
  @IsMoneyString()
  @MaxAmount('visitLine')
  medfee_sumamt!: string;
  @ApiPropertyOptional({ example: '0.00', description: 'Must equal the sum of the self-pay (chrgitm_lv 03) lines.' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('visitLine')
  fulamt_ownpay_amt?: string;
  @ApiPropertyOptional({ example: '0.00', description: 'The lines carry no over-limit part: 0.' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('visitLine')
  overlmt_selfpay?: string;
  @ApiPropertyOptional({ example: '0.00', description: 'The lines carry no pre-self-pay part: 0.' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('visitLine')
  preselfpay_amt?: string;
  @ApiPropertyOptional({ example: '200.00', description: 'medfee_sumamt − fulamt_ownpay_amt − overlmt_selfpay − preselfpay_amt.' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('visitLine')
  inscp_scp_amt?: string;
  @ApiPropertyOptional({ example: '2023-03-01 09:30:00', description: 'Settlement time; defaults to now.' })
  @IsOptional()
  @IsNationalTime()
  setl_time?: string;
}

export class Input2207 {
  @ApiProperty({ type: Settle2207Data }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Settle2207Data) data!: Settle2207Data;
}

export class Envelope2206Dto extends NationalEnvelopeBase {
  @ApiProperty({ example: '2206', enum: ['2206'] }) @Equals('2206') infno!: '2206';
  @ApiProperty({ type: Input2207 }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Input2207) input!: Input2207;
}

export class Envelope2207Dto extends NationalEnvelopeBase {
  @ApiProperty({ example: '2207', enum: ['2207'] }) @Equals('2207') infno!: '2207';
  @ApiProperty({ type: Input2207 }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Input2207) input!: Input2207;
}

// ---------------------------------------------------------------- 2208 reverse

export class Reverse2208Data {
  @ApiProperty({ example: 'ST0C1D2E3F40516273' }) @Matches(ID_PATTERN) setl_id!: string;
  @ApiProperty({ example: 'MD3F2A9C0B11D4E57A' }) @Matches(ID_PATTERN) mdtrt_id!: string;
  @ApiProperty({ example: 'P-0001' }) @Matches(ID_PATTERN) psn_no!: string;
}

export class Input2208 {
  @ApiProperty({ type: Reverse2208Data }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Reverse2208Data) data!: Reverse2208Data;
}

export class Envelope2208Dto extends NationalEnvelopeBase {
  @ApiProperty({ example: '2208', enum: ['2208'] }) @Equals('2208') infno!: '2208';
  @ApiProperty({ type: Input2208 }) @IsDefined() @IsObject() @ValidateNested() @Type(() => Input2208) input!: Input2208;
}

// ---------------------------------------------------------------- answers

export class NationalAnswerBase {
  @ApiProperty({
    example: 0,
    description: '0 success; -1 failure (err_msg says why; the HTTP status is the ledger’s: 400/403/404/409/422).',
  })
  infcode!: number;
  @ApiProperty({ example: 'H41130200001202303010900000001', description: 'The msgid answered.' }) inf_refmsgid!: string;
  @ApiProperty({ example: '2023-03-01 09:30:00', description: 'Beijing time of the answer.' }) refmsg_time!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) err_msg!: string | null;
}

export class Output2201Data {
  @ApiProperty({ example: 'MD3F2A9C0B11D4E57A', description: 'Visit id (the ledger visitId).' }) mdtrt_id!: string;
  @ApiProperty({ example: 'P-0001' }) psn_no!: string;
  @ApiProperty({ example: 'MZ20230301001' }) ipt_otp_no!: string;
}
export class Output2201 {
  @ApiProperty({ type: Output2201Data }) data!: Output2201Data;
}
export class Answer2201Dto extends NationalAnswerBase {
  @ApiProperty({ type: Output2201 }) output!: Output2201;
}

export class FeeResult2204 {
  @ApiProperty({ example: '1' }) feedetl_sn!: string;
  @ApiProperty({ example: 'CB001' }) chrg_bchno!: string;
  @ApiProperty({ example: '200.00' }) det_item_fee_sumamt!: string;
  @ApiProperty({ example: '01' }) chrgitm_lv!: string;
  @ApiProperty({ example: '0.00', description: 'The line’s fully self-paid part (all of a chrgitm_lv 03 line).' })
  fulamt_ownpay_amt!: string;
}
export class Output2204 {
  @ApiProperty({ type: [FeeResult2204] }) result!: FeeResult2204[];
}
export class Answer2204Dto extends NationalAnswerBase {
  @ApiProperty({ type: Output2204 }) output!: Output2204;
}

export class SetlInfo {
  @ApiProperty({ example: 'ST0C1D2E3F40516273', description: 'Settlement id (the ledger settlementId); empty for a pre-settlement.' })
  setl_id!: string;
  @ApiProperty({ example: 'MD3F2A9C0B11D4E57A' }) mdtrt_id!: string;
  @ApiProperty({ example: 'P-0001' }) psn_no!: string;
  @ApiProperty({ example: '310' }) insutype!: string;
  @ApiProperty({ example: '11', description: 'Table psn_type (two-digit) of the category the decision used.' }) psn_type!: string;
  @ApiProperty({ example: '11' }) med_type!: string;
  @ApiProperty({ example: '02' }) mdtrt_cert_type!: string;
  @ApiProperty({ example: '2023-03-01 09:30:00' }) setl_time!: string;
  @ApiProperty({ example: '200.00' }) medfee_sumamt!: string;
  @ApiProperty({ example: '0.00' }) fulamt_ownpay_amt!: string;
  @ApiProperty({ example: '0.00' }) overlmt_selfpay!: string;
  @ApiProperty({ example: '0.00' }) preselfpay_amt!: string;
  @ApiProperty({ example: '200.00' }) inscp_scp_amt!: string;
  @ApiProperty({ example: '30.00' }) act_pay_dedc!: string;
  @ApiProperty({ example: '93.50' }) hifp_pay!: string;
  @ApiProperty({ example: '93.50' }) fund_pay_sumamt!: string;
  @ApiProperty({ example: '106.50' }) psn_part_amt!: string;
  @ApiProperty({ example: '0.00' }) acct_pay!: string;
  @ApiProperty({ example: '0.00' }) acct_mulaid_pay!: string;
  @ApiProperty({ example: '106.50' }) psn_cash_pay!: string;
  @ApiProperty({ example: '120.00', description: 'Personal account balance after this settlement.' }) balc!: string;
  @ApiProperty({ example: '1.0.0', description: 'Policy version that decided (ledger extension).' }) policy_version!: string;
}

export class SetlDetail {
  @ApiProperty({ example: '310100', description: 'Table fund_pay_type.' }) fund_pay_type!: string;
  @ApiProperty({ example: '职工基本医疗保险统筹基金' }) fund_pay_type_name!: string;
  @ApiProperty({ example: '200.00' }) inscp_scp_amt!: string;
  @ApiProperty({ example: '1500.00', description: 'What the fund could still pay this year before this visit (cap remaining).' })
  crt_payb_lmt_amt!: string;
  @ApiProperty({ example: '93.50' }) fund_payamt!: string;
  @ApiProperty({ example: 'deductible 30.00; rate 0.55; cap remaining 1500.00 (宛政办〔2022〕42号 第五条（二）)' }) setl_proc_info!: string;
}

export class Output2207 {
  @ApiProperty({ type: SetlInfo }) setlinfo!: SetlInfo;
  @ApiProperty({ type: [SetlDetail] }) setldetail!: SetlDetail[];
}
export class Answer2207Dto extends NationalAnswerBase {
  @ApiProperty({ type: Output2207 }) output!: Output2207;
}

export class ReversalInfo {
  @ApiProperty({ example: 'ST0C1D2E3F40516273' }) setl_id!: string;
  @ApiProperty({ example: 'MD3F2A9C0B11D4E57A' }) mdtrt_id!: string;
  @ApiProperty({ example: 'P-0001' }) psn_no!: string;
  @ApiProperty({ example: '-200.00', description: 'The reversed settlement’s figures, negated.' }) medfee_sumamt!: string;
  @ApiProperty({ example: '-93.50' }) fund_pay_sumamt!: string;
  @ApiProperty({ example: '-93.50' }) hifp_pay!: string;
  @ApiProperty({ example: '-106.50' }) psn_part_amt!: string;
  @ApiProperty({ example: '0.00' }) acct_pay!: string;
  @ApiProperty({ example: '0.00' }) acct_mulaid_pay!: string;
  @ApiProperty({ example: '-106.50' }) psn_cash_pay!: string;
  @ApiProperty({ example: '120.00', description: 'Personal account balance after the reversal.' }) balc!: string;
}
export class Output2208 {
  @ApiProperty({ type: ReversalInfo }) setlinfo!: ReversalInfo;
}
export class Answer2208Dto extends NationalAnswerBase {
  @ApiProperty({ type: Output2208 }) output!: Output2208;
}

export class NationalErrorDto {
  @ApiProperty({ example: -1 }) infcode!: number;
  @ApiProperty({ example: 'H41130200001202303010900000001', nullable: true, type: String }) inf_refmsgid!: string | null;
  @ApiProperty({ example: '2023-03-01 09:30:00' }) refmsg_time!: string;
  @ApiProperty({ example: 'input.data.insutype: must be a code of table insutype (310, 390)' }) err_msg!: string;
  @ApiProperty({ example: 400 }) statusCode!: number;
}
