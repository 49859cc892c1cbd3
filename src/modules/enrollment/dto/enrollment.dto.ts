import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsLocalDate, IsMoneyString, IsNotBlank, LEDGER_YEAR_MAX, LEDGER_YEAR_MIN, MaxAmount } from '../../../http/validators';

const RELATIONS = ['spouse', 'parent', 'child', 'sibling', 'other'] as const;

/** A relative is declared once: the same person as child and as spouse leaves which relation counts (第九条) undecided. */
const ONCE_PER_PERSON = ArrayUnique((r: unknown) => (r !== null && typeof r === 'object' ? (r as { personId?: unknown }).personId : r), {
  message: '$property must name each person once',
});

export class RelativeDto {
  @ApiProperty({ example: 'P-0002' })
  @Matches(ID_PATTERN)
  personId!: string;

  @ApiProperty({ enum: RELATIONS, example: 'spouse' })
  @IsIn(RELATIONS)
  relation!: (typeof RELATIONS)[number];
}

export class EnrolPersonDto {
  @ApiProperty({ example: 'P-0001', description: 'Opaque person id (never an identity-card number).' })
  @Matches(ID_PATTERN, { message: 'personId must be 1-64 letters, digits, . _ -' })
  personId!: string;

  @ApiProperty({ enum: ['employee', 'resident'], example: 'employee' })
  @IsIn(['employee', 'resident'])
  scheme!: 'employee' | 'resident';

  @ApiProperty({ enum: ['in_service', 'retired', 'resident', 'student'], example: 'in_service' })
  @IsIn(['in_service', 'retired', 'resident', 'student'])
  category!: 'in_service' | 'retired' | 'resident' | 'student';

  @ApiProperty({ example: 'nanyang', description: 'Region whose policy packs apply.' })
  @Matches(/^[a-z][a-z0-9-]{1,31}$/)
  region!: string;

  @ApiProperty({ example: '2023-01-01' })
  @IsLocalDate()
  enrolledOn!: string;

  @ApiPropertyOptional({ example: '6000.00', description: 'Monthly contribution base (employees).' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('contributionBase')
  contributionBase?: string;

  @ApiPropertyOptional({ type: [RelativeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ONCE_PER_PERSON
  @IsObject({ each: true, message: 'each of $property must be an object {personId, relation}' })
  @ValidateNested({ each: true })
  @Type(() => RelativeDto)
  relatives?: RelativeDto[];
}

export class ChangeRetiredStatusDto {
  @ApiProperty({
    example: '2023-05-15',
    description: 'Day the change was processed; effective from the 1st of the next month (宛政办〔2022〕42号 第六条).',
  })
  @IsLocalDate()
  processedOn!: string;
}

export class ChangeContributionBaseDto {
  @ApiProperty({ example: '6500.00' })
  @IsMoneyString()
  @MaxAmount('contributionBase')
  contributionBase!: string;

  @ApiProperty({ example: '2024-01-01' })
  @IsLocalDate()
  effectiveFrom!: string;
}

export class UpdateRelativesDto {
  @ApiProperty({ type: [RelativeDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ONCE_PER_PERSON
  @IsObject({ each: true, message: 'each of $property must be an object {personId, relation}' })
  @ValidateNested({ each: true })
  @Type(() => RelativeDto)
  relatives!: RelativeDto[];
}

export class AdmitInpatientDto {
  @ApiProperty({ example: '2023-03-01' })
  @IsLocalDate()
  admittedOn!: string;

  @ApiProperty({ example: 'H-NY-003' })
  @Matches(ID_PATTERN)
  institutionCode!: string;
}

export class DischargeInpatientDto {
  @ApiProperty({ example: '2023-03-10' })
  @IsLocalDate()
  dischargedOn!: string;
}

export class RegisterOffSiteDto {
  @ApiProperty({ example: '2023-01-01' })
  @IsLocalDate()
  from!: string;

  @ApiPropertyOptional({ example: '2023-12-31' })
  @IsOptional()
  @IsLocalDate()
  to?: string;

  @ApiProperty({ example: 'Zhengzhou' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  place!: string;
}

export class RecordReferralDto {
  @ApiProperty({ example: 'R-2023-0001' })
  @Matches(ID_PATTERN)
  referralId!: string;

  @ApiProperty({ example: '2023-04-01' })
  @IsLocalDate()
  referredOn!: string;

  @ApiProperty({ example: '2023-04-30' })
  @IsLocalDate()
  validUntil!: string;

  @ApiProperty({ example: 'H-AY-TWN-01' })
  @Matches(ID_PATTERN)
  fromInstitution!: string;

  @ApiProperty({ example: 'H-AY-CTY-01' })
  @Matches(ID_PATTERN)
  toInstitution!: string;
}

export class DesignateFirstContactDto {
  @ApiProperty({ example: 2020 })
  @IsInt()
  @Min(LEDGER_YEAR_MIN)
  @Max(LEDGER_YEAR_MAX)
  year!: number;

  @ApiProperty({ example: 'H-AY-TWN-01' })
  @Matches(ID_PATTERN)
  institutionCode!: string;
}
