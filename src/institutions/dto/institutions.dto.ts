import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsLocalDate, IsMoneyString, IsMonth, LEDGER_YEAR_MAX, LEDGER_YEAR_MIN, MaxAmount } from '../../http/validators';
import type { InstitutionLevel, Scheme } from '../../policy/engine/types';
import {
  INSTITUTION_CATEGORIES,
  INSTITUTION_LEVELS,
  INSTITUTION_LOCATIONS,
  InstitutionCategory,
  InstitutionLocation,
  SCHEMES,
} from '../institution.types';

const REGION = /^[a-z][a-z0-9-]{1,31}$/;

export class RegisterInstitutionDto {
  @ApiProperty({ example: 'JZ-H001' })
  @Matches(ID_PATTERN, { message: 'code must be 1-64 letters, digits, . _ -' })
  code!: string;

  @ApiProperty({ example: '焦作市第一人民医院' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    enum: INSTITUTION_CATEGORIES,
    example: 'city_level3_general',
    description:
      "Required, and one of the region's list, where the region's pack declares categories (Jiaozuo: 焦医保〔2024〕32号 四（一）1); otherwise optional",
  })
  @IsOptional()
  @IsIn(INSTITUTION_CATEGORIES)
  category?: InstitutionCategory;

  @ApiProperty({ enum: INSTITUTION_LEVELS, example: 'level3' })
  @IsIn(INSTITUTION_LEVELS as InstitutionLevel[])
  level!: InstitutionLevel;

  @ApiProperty({ enum: INSTITUTION_LOCATIONS, example: 'city' })
  @IsIn(INSTITUTION_LOCATIONS)
  location!: InstitutionLocation;

  @ApiProperty({ example: 'jiaozuo' })
  @Matches(REGION)
  region!: string;

  @ApiProperty({ enum: SCHEMES, isArray: true, example: ['employee'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SCHEMES as Scheme[], { each: true })
  designations!: Scheme[];

  @ApiPropertyOptional({ description: '安医保〔2019〕75号 五: a county designated this county-level institution' })
  @IsOptional()
  @IsBoolean()
  countyDesignated?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  pharmacy?: boolean;
}

export class ChangeInstitutionProfileDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: INSTITUTION_CATEGORIES }) @IsOptional() @IsIn(INSTITUTION_CATEGORIES) category?: InstitutionCategory;
  @ApiPropertyOptional({ enum: INSTITUTION_LEVELS }) @IsOptional() @IsIn(INSTITUTION_LEVELS as InstitutionLevel[]) level?: InstitutionLevel;
  @ApiPropertyOptional({ enum: INSTITUTION_LOCATIONS }) @IsOptional() @IsIn(INSTITUTION_LOCATIONS) location?: InstitutionLocation;
  @ApiPropertyOptional({ example: 'jiaozuo' }) @IsOptional() @Matches(REGION) region?: string;
  @ApiPropertyOptional({ enum: SCHEMES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SCHEMES as Scheme[], { each: true })
  designations?: Scheme[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() countyDesignated?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() pharmacy?: boolean;
}

export class YearAverageDto {
  @ApiProperty({ example: 2023 }) @IsInt() @Min(LEDGER_YEAR_MIN) @Max(LEDGER_YEAR_MAX) year!: number;
  @ApiProperty({ example: '180.00', description: 'Per-visit average cost of that year' })
  @IsMoneyString()
  @MaxAmount('perVisitAverage')
  average!: string;
  @ApiPropertyOptional({ description: 'Clearly low because of COVID (焦医保〔2024〕32号 四（一）1)' })
  @IsOptional()
  @IsBoolean()
  covidLow?: boolean;
}

export class SetCostBaseDto {
  @ApiPropertyOptional({
    type: [YearAverageDto],
    description: 'Own history (other specialty institutions, or the sole institution of a category)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each of $property must be an object {year, average}' })
  @ValidateNested({ each: true })
  @Type(() => YearAverageDto)
  history?: YearAverageDto[];

  @ApiPropertyOptional({ description: 'The only institution of its category (四（一）1): own-history method' })
  @IsOptional()
  @IsBoolean()
  soleInCategory?: boolean;

  @ApiPropertyOptional({ example: '210.00', description: 'Latest province yearbook per-visit average for this kind of institution' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('perVisitAverage')
  provinceAverage?: string;

  @ApiPropertyOptional({ description: "The agency's finding that the own figure is markedly above the province's" })
  @IsOptional()
  @IsBoolean()
  markedlyAboveProvince?: boolean;
}

export class DeclareMonthDto {
  @ApiProperty({ example: 52000 }) @IsInt() @Min(0) @Max(100_000_000) visits!: number;
  @ApiProperty({ example: '9000000.00' }) @IsMoneyString() @MaxAmount('institutionMonth') totalCost!: string;
  @ApiProperty({ example: '3720000.00', description: 'Fund due under the itemised rules' })
  @IsMoneyString()
  @MaxAmount('institutionMonth')
  fundDue!: string;
  @ApiProperty({ example: '2024-09-08', description: 'Day of the declaration (an input, not the clock)' })
  @IsLocalDate()
  declaredOn!: string;
}

/** A month's figures as verified: what an institution-month correction sets (issue 15 item 4). */
export class MonthFiguresDto {
  @ApiProperty({ example: 70000 }) @IsInt() @Min(0) @Max(100_000_000) visits!: number;
  @ApiProperty({ example: '20300000.00' }) @IsMoneyString() @MaxAmount('institutionMonth') totalCost!: string;
  @ApiProperty({ example: '8700000.00', description: 'Fund due as verified (the corrected approved amount); at most the total cost' })
  @IsMoneyString()
  @MaxAmount('institutionMonth')
  fundDue!: string;
}

export class CorrectMonthDto {
  @ApiProperty({ type: MonthFiguresDto, description: 'The month as it should have been approved' })
  @IsDefined({ message: 'corrected is required (visits, totalCost, fundDue)' })
  @IsObject()
  @ValidateNested()
  @Type(() => MonthFiguresDto)
  corrected!: MonthFiguresDto;

  @ApiProperty({ example: 'violating costs found on audit' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ example: '2025-03-01', description: 'Day of the correction (default: today, Asia/Shanghai)' })
  @IsOptional()
  @IsLocalDate()
  correctedOn?: string;

  @ApiPropertyOptional({ example: 'DSP-1', description: 'The dispute this correction answers' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'disputeId must be 1-64 letters, digits, . _ -' })
  disputeId?: string;
}

export class ApproveMonthDto {
  @ApiProperty({ example: '3720000.00' }) @IsMoneyString() @MaxAmount('institutionMonth') approvedAmount!: string;
}

export class PayAdvanceDto {
  @ApiPropertyOptional({ example: '2024-09-30' }) @IsOptional() @IsLocalDate() paidOn?: string;
}

export class SettlePeriodDto {
  @ApiPropertyOptional({
    example: '2024-12',
    description: 'Last month of the period (default December; earlier when service stopped mid-year)',
  })
  @IsOptional()
  @IsMonth()
  throughMonth?: string;
}

export class RecordReviewDto {
  @ApiProperty({ example: 100 }) @IsInt() @Min(1) @Max(1_000_000) reviewedVisits!: number;
  @ApiProperty({ example: '12000.00' }) @IsMoneyString() @MaxAmount('institutionReview') violatingCost!: string;
  @ApiProperty({ example: '48000.00' }) @IsMoneyString() @MaxAmount('institutionReview') reviewedCost!: string;
}

export class AssessYearDto {
  @ApiProperty({ example: true }) @IsBoolean() passed!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class EmptyDto {}

export class AssignPersonsDto {
  @ApiProperty({ example: 3000 }) @IsInt() @Min(0) @Max(10_000_000) count!: number;
}

export class SettleCapitationDto {
  @ApiProperty({ example: '15000.00', description: 'Drugs and treatment claimed this month' })
  @IsMoneyString()
  @MaxAmount('capitationClaim')
  claimed!: string;
  @ApiPropertyOptional({ example: '3000.00', description: 'General consultation / family-doctor contract fees claimed' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('capitationClaim')
  consultationClaimed?: string;
}

export class CodeParam {
  @ApiProperty({ example: 'JZ-H001' })
  @Matches(ID_PATTERN, { message: 'code must be 1-64 letters, digits, . _ -' })
  code!: string;
}

export class CodeYearParam extends CodeParam {
  @ApiProperty({ example: 2024 })
  @Type(() => Number)
  @IsInt()
  @Min(LEDGER_YEAR_MIN)
  @Max(LEDGER_YEAR_MAX)
  year!: number;
}

export class CodeMonthParam extends CodeParam {
  @ApiProperty({ example: '2024-08' })
  @IsMonth()
  month!: string;
}
