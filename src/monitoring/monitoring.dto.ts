import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../http/pagination';
import { IsLocalDate, ID_PATTERN } from '../http/validators';
import { INSTITUTION_ALERT_INDICATORS, PERSON_ALERT_INDICATORS } from './thresholds';

export const ALERT_INDICATORS = [...INSTITUTION_ALERT_INDICATORS, ...PERSON_ALERT_INDICATORS] as const;

export class InstitutionCodeParam {
  @ApiProperty({ example: 'NY-L3' })
  @Matches(ID_PATTERN, { message: 'code must be 1-64 letters, digits, . _ -' })
  code!: string;
}

export class IndicatorYearQuery {
  @ApiProperty({ example: '2024', description: 'Natural year; the answer has its twelve months.' })
  @Matches(/^20\d{2}$/, { message: 'year must be a four-digit year from 2000 to 2099' })
  year!: string;
}

export class FrequencyQuery {
  @ApiPropertyOptional({ example: '2024-03-10', description: 'Windows end on this Asia/Shanghai date (default: today).' })
  @IsOptional()
  @IsLocalDate()
  asOf?: string;
}

export class AlertQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'NY-L3' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'institution must be 1-64 letters, digits, . _ -' })
  institution?: string;

  @ApiPropertyOptional({ example: 'P-0001' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'person must be 1-64 letters, digits, . _ -' })
  person?: string;

  @ApiPropertyOptional({ enum: ALERT_INDICATORS })
  @IsOptional()
  @IsIn(ALERT_INDICATORS)
  indicator?: string;

  @ApiPropertyOptional({ enum: ['open', 'closed', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'closed', 'all'])
  status?: 'open' | 'closed' | 'all';
}

export class CloseAlertDto {
  @ApiProperty({ example: 'institution-NY-L3:perVisitCostGrowthMoM:2024-06' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  alertId!: string;

  @ApiProperty({ example: '专项审核稽核: 6月次均费用上升系新开展日间手术，未见违规' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ example: '2024-07-15', description: 'Default: today (Asia/Shanghai).' })
  @IsOptional()
  @IsLocalDate()
  closedOn?: string;
}
