/** Issue 15 item 1: dispute requests and answers (class-validator: 400 names the field and the rule). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsMonth } from '../http/validators';
import { CorrectionAnswerDto, CorrectionSpecDto, Money3Dto, OnlyFieldsOfKind } from '../corrections/corrections.dto';
import { DISPUTE_GROUNDS, DisputeGround } from './dispute.decide';

const SUBJECT_KINDS = ['settlements', 'account-movement', 'institution-month'] as const;
const is =
  (...kinds: Array<(typeof SUBJECT_KINDS)[number]>) =>
  (o: DisputeSubjectDto) =>
    kinds.includes(o.kind);
const ID_MESSAGE = (name: string) => `${name} must be 1-64 letters, digits, . _ -`;

export class DisputeSubjectDto {
  @ApiProperty({
    enum: SUBJECT_KINDS,
    example: 'settlements',
    description:
      'settlements (personId, settlementIds); account-movement (personId, movementId); institution-month (institutionCode, month)',
  })
  @IsIn(SUBJECT_KINDS)
  @OnlyFieldsOfKind({
    settlements: ['personId', 'settlementIds'],
    'account-movement': ['personId', 'movementId'],
    'institution-month': ['institutionCode', 'month'],
  })
  kind!: (typeof SUBJECT_KINDS)[number];

  @ApiPropertyOptional({ example: 'NY-A1', description: 'settlements, account-movement' })
  @ValidateIf(is('settlements', 'account-movement'))
  @Matches(ID_PATTERN, { message: ID_MESSAGE('personId') })
  personId?: string;

  @ApiPropertyOptional({ type: [String], example: ['S-MAR'], description: 'settlements' })
  @ValidateIf(is('settlements'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'settlementIds must name each settlement once' })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE('each settlementId') })
  settlementIds?: string[];

  @ApiPropertyOptional({ example: 'PAY-1', description: 'account-movement: a payment id, transfer id or credited month of the account' })
  @ValidateIf(is('account-movement'))
  @Matches(ID_PATTERN, { message: ID_MESSAGE('movementId') })
  movementId?: string;

  @ApiPropertyOptional({ example: 'NY-H2', description: 'institution-month' })
  @ValidateIf(is('institution-month'))
  @Matches(ID_PATTERN, { message: ID_MESSAGE('institutionCode') })
  institutionCode?: string;

  @ApiPropertyOptional({ example: '2023-08', description: 'institution-month' })
  @ValidateIf(is('institution-month'))
  @IsMonth()
  month?: string;
}

export class DisputeGroundsDto {
  @ApiProperty({ enum: DISPUTE_GROUNDS, example: 'WRONG_CATEGORY' })
  @IsIn(DISPUTE_GROUNDS)
  code!: DisputeGround;

  @ApiProperty({ example: 'retired since January; the bureau recorded the retirement late' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text!: string;
}

export class OpenDisputeDto {
  @ApiProperty({ type: DisputeSubjectDto })
  @IsDefined({ message: 'subject is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => DisputeSubjectDto)
  subject!: DisputeSubjectDto;

  @ApiProperty({ type: DisputeGroundsDto })
  @IsDefined({ message: 'grounds is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => DisputeGroundsDto)
  grounds!: DisputeGroundsDto;

  @ApiPropertyOptional({
    type: CorrectionSpecDto,
    description: 'The facts as the disputing party says they are; analysed on opening (dry run of the correction)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectionSpecDto)
  allegedFacts?: CorrectionSpecDto;

  @ApiPropertyOptional({ example: 'NY-A1', description: "Agency keys only: opened on this person's behalf (the subject's person)" })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE('onBehalfOf') })
  onBehalfOf?: string;
}

export class RejectDisputeDto {
  @ApiProperty({ example: 'the retirement was processed in June, as recorded' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class UpholdDisputeDto {
  @ApiPropertyOptional({ type: CorrectionSpecDto, description: 'The correction to apply; default: the alleged facts' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectionSpecDto)
  correction?: CorrectionSpecDto;
}

export class DisputeIdParam {
  @ApiProperty({ example: 'DSP-3f2a9c0d1e4b5a6c' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('disputeId') })
  disputeId!: string;
}

const OBJECT = { type: 'object', additionalProperties: true } as const;

export class DisputeAnalysisDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: '{ settlementId, recorded, alleged, delta, divergence: { step, clause } }',
  })
  changes!: Array<Record<string, unknown>>;
  @ApiProperty({ type: Money3Dto }) totals!: Money3Dto;
  @ApiPropertyOptional({
    ...OBJECT,
    description: 'institution-month: { institutionCode, month, changed, recovered, toppedUp, events: [types CorrectMonth would write] }',
  })
  institutionMonth?: Record<string, unknown>;
  @ApiPropertyOptional() error?: string;
}

export class DisputeDto {
  @ApiProperty({ example: 'DSP-3f2a9c0d1e4b5a6c' }) disputeId!: string;
  @ApiProperty({ enum: ['open', 'rejected', 'upheld'] }) status!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ ...OBJECT, description: '{ role: agency | institution | on-behalf, institutionCode?, onBehalfOf?, keyId? }' })
  openedBy!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT }) subject!: Record<string, unknown>;
  @ApiPropertyOptional() institutionCode?: string;
  @ApiProperty({ type: DisputeGroundsDto }) grounds!: DisputeGroundsDto;
  @ApiPropertyOptional({ ...OBJECT }) allegedFacts?: Record<string, unknown>;
  @ApiProperty({ type: DisputeAnalysisDto }) analysis!: DisputeAnalysisDto;
  @ApiPropertyOptional({ ...OBJECT, description: '{ resolvedAt, reason? , correctionId? }' }) resolution?: Record<string, unknown>;
}

export class DisputeWriteDto {
  @ApiProperty({ example: 'DSP-3f2a9c0d1e4b5a6c' }) disputeId!: string;
  @ApiProperty() created!: boolean;
  @ApiProperty({ description: 'Global position of the event written (or found, on a retry)' }) position!: number;
  @ApiProperty({ type: DisputeDto }) dispute!: DisputeDto;
}

export class UpholdAnswerDto {
  @ApiProperty({ example: 'DSP-3f2a9c0d1e4b5a6c' }) disputeId!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() created!: boolean;
  @ApiProperty({ example: 'COR-3f2a9c0d1e4b5a6c' }) correctionId!: string;
  @ApiProperty({ type: CorrectionAnswerDto }) correction!: CorrectionAnswerDto;
  @ApiPropertyOptional() position?: number;
}
