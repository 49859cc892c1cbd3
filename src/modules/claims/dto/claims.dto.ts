import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
import { ID_PATTERN, IsInstant, IsMoneyString, IsNotBlank, IsPositiveMoney, MaxAmount } from '../../../http/validators';

const COST_KINDS = ['medical', 'health_checkup', 'work_injury', 'third_party', 'public_health', 'fitness_wellness'] as const;
const CATEGORIES = ['drug', 'herbal_pieces', 'examination', 'treatment', 'consumable', 'consultation', 'other'] as const;

export class BillLineDto {
  @ApiProperty({ example: 'XA01' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  code!: string;

  @ApiPropertyOptional({ example: '阿莫西林胶囊' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ example: '120.00', description: 'Decimal string, at most two decimals.' })
  @IsMoneyString()
  @IsPositiveMoney()
  @MaxAmount('visitLine')
  amount!: string;

  @ApiProperty({ example: true, description: 'In the basic-insurance catalogue (policy scope); false = fully self-paid.' })
  @IsBoolean()
  inCatalogue!: boolean;

  @ApiPropertyOptional({ enum: COST_KINDS, example: 'medical' })
  @IsOptional()
  @IsIn(COST_KINDS)
  costKind?: (typeof COST_KINDS)[number];

  @ApiPropertyOptional({ enum: CATEGORIES, example: 'drug' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: (typeof CATEGORIES)[number];
}

export class AccountUseDto {
  @ApiProperty({
    enum: ['none', 'own', 'relative'],
    example: 'own',
    description: "Which personal account pays the person's share, if the balance allows.",
  })
  @IsIn(['none', 'own', 'relative'])
  source!: 'none' | 'own' | 'relative';

  @ApiPropertyOptional({
    example: 'P-0001',
    description: "For 'relative': the account holder (who must have declared this person as spouse, parent or child).",
  })
  @IsOptional()
  @Matches(ID_PATTERN)
  holderId?: string;
}

export class SettleVisitDto {
  @ApiProperty({ example: 'S-2023-0001', description: 'Settlement id, unique for the person.' })
  @Matches(ID_PATTERN)
  settlementId!: string;

  @ApiProperty({ example: 'V-2023-0001', description: "Hospital's visit id (a visit is settled once)." })
  @Matches(ID_PATTERN)
  visitId!: string;

  @ApiProperty({ example: 'H-NY-002' })
  @Matches(ID_PATTERN)
  institutionCode!: string;

  @ApiProperty({ example: '2023-05-04T09:30:00+08:00', description: 'When the visit happened.' })
  @IsInstant()
  occurredAt!: string;

  @ApiPropertyOptional({ example: '2023-05-04T10:00:00+08:00', description: 'When it is settled; defaults to now.' })
  @IsOptional()
  @IsInstant()
  settledAt?: string;

  @ApiProperty({ enum: ['ordinary', 'emergency', 'chronic'], example: 'ordinary' })
  @IsIn(['ordinary', 'emergency', 'chronic'])
  medType!: 'ordinary' | 'emergency' | 'chronic';

  @ApiProperty({ type: [BillLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsObject({ each: true, message: 'each of $property must be an object (a bill line)' })
  @ValidateNested({ each: true })
  @Type(() => BillLineDto)
  lines!: BillLineDto[];

  @ApiPropertyOptional({ example: 7 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  prescriptionDays?: number;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  offSite?: boolean;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  directSettlement?: boolean;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  referral?: boolean;

  @ApiPropertyOptional({ type: AccountUseDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AccountUseDto)
  account?: AccountUseDto;
}

export class ReverseSettlementDto {
  @ApiProperty({ example: 'duplicate charge corrected by the hospital' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  reason!: string;
}
