import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsLocalDate, LEDGER_YEAR_MAX, LEDGER_YEAR_MIN } from '../http/validators';
import { ALL_LEVELS } from '../policy/pack.types';
import type { InstitutionLevel } from '../policy/engine/types';

export class ReplayDto {
  @ApiProperty({ example: 'NY-P01' })
  @Matches(ID_PATTERN, { message: 'personId must be 1-64 letters, digits, . _ -' })
  personId!: string;

  @ApiProperty({ example: 2023 })
  @IsInt()
  @Min(LEDGER_YEAR_MIN)
  @Max(LEDGER_YEAR_MAX)
  year!: number;
}

export class InstitutionLevelChangeDto {
  @ApiProperty({ example: 'NY-H2' })
  @Matches(ID_PATTERN)
  institutionCode!: string;

  @ApiProperty({ enum: ALL_LEVELS, example: 'level3' })
  @IsIn(ALL_LEVELS as InstitutionLevel[])
  level!: InstitutionLevel;
}

export class WhatIfChangesDto {
  @ApiPropertyOptional({
    example: '2023-09-10',
    description: 'Retirement processed on this date instead (effective the 1st of the next month, 第六条)',
  })
  @IsOptional()
  @IsLocalDate()
  retirementProcessedOn?: string;

  @ApiPropertyOptional({ type: InstitutionLevelChangeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionLevelChangeDto)
  institutionLevel?: InstitutionLevelChangeDto;

  @ApiPropertyOptional({ type: [String], description: 'Settlement ids to leave out' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(ID_PATTERN, { each: true })
  removeVisits?: string[];

  @ApiPropertyOptional({ description: 'Policy pack version (sha256:…) or pack id to adjudicate every visit of the year with' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  policyVersion?: string;
}

export class WhatIfDto extends ReplayDto {
  @ApiProperty({ type: WhatIfChangesDto })
  @IsDefined({ message: 'changes is required (an object of the changes to try)' })
  @IsObject()
  @ValidateNested()
  @Type(() => WhatIfChangesDto)
  changes!: WhatIfChangesDto;
}
