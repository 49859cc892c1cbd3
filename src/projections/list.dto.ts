/** Queries and answers of the read-side lists (issue 12 item 4); every list is `{ items, nextCursor }`. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { InstitutionProfileDto } from '../http/openapi-responses';
import { PageQuery } from '../http/pagination';
import { IsLocalDate } from '../http/validators';

export class InstitutionListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'nanyang' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'region must be a region code (lower-case letters, digits, _ -)' })
  region?: string;
}

export class DateRangePageQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2023-03-01', description: 'First visit date (inclusive; default: the beginning)' })
  @IsOptional()
  @IsLocalDate()
  from?: string;

  @ApiPropertyOptional({ example: '2023-03-31', description: 'Last visit date (inclusive; default: no end)' })
  @IsOptional()
  @IsLocalDate()
  to?: string;
}

/** The statement's lines, one page; without `limit` up to MAX_PAGE_LIMIT (500) lines. */
export class StatementQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'A global position (digits), or a date YYYY-MM-DD (as the ledger stood at the end of that Asia/Shanghai day).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  asOf?: string;
}

/** The registry profile, with the position that orders the list. */
export class ListedInstitutionDto extends InstitutionProfileDto {
  @ApiProperty({ example: 3, description: 'Log position of InstitutionRegistered (the sort key)' }) registeredPosition!: number;
}

export class InstitutionPageDto {
  @ApiProperty({ type: [ListedInstitutionDto] }) items!: ListedInstitutionDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJrIjozfQ' }) nextCursor!: string | null;
}

export class SettlementRecordDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ example: 'S-0001' }) settlementId!: string;
  @ApiProperty({ example: 'V-0001' }) visitId!: string;
  @ApiProperty({ example: 2023 }) year!: number;
  @ApiProperty({ example: '2023-03-06' }) visitDate!: string;
  @ApiProperty({ example: '2023-03-06T10:00:00+08:00' }) occurredAt!: string;
  @ApiProperty({ example: 'NY-L2' }) institutionCode!: string;
  @ApiProperty({ example: 'level2' }) institutionLevel!: string;
  @ApiProperty({ example: 'in_service' }) category!: string;
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ example: '2023.1' }) policyVersion!: string;
  @ApiProperty({ example: 'nanyang-employee-2023' }) packId!: string;
  @ApiProperty({ example: '200.00' }) total!: string;
  @ApiProperty({ example: '200.00' }) policyScope!: string;
  @ApiProperty({ example: '30.00' }) deductible!: string;
  @ApiProperty({ example: '0.55' }) rate!: string;
  @ApiProperty({ example: '93.50' }) fund!: string;
  @ApiProperty({ example: '0.00' }) account!: string;
  @ApiProperty({ example: '0.00' }) relativeAccount!: string;
  @ApiProperty({ example: '106.50' }) cash!: string;
  @ApiProperty({ example: '1500.00' }) capAnnual!: string;
  @ApiProperty({ example: 12, description: 'Log position of VisitSettled (the sort key)' }) position!: number;
  @ApiProperty({ example: '2023-03-06T02:30:00.000Z' }) recordedAt!: string;
  @ApiPropertyOptional({ example: 20, description: 'Set when the settlement was reversed' }) reversedPosition?: number;
  @ApiPropertyOptional() reversedRecordedAt?: string;
}

export class SettlementPageDto {
  @ApiProperty({ type: [SettlementRecordDto] }) items!: SettlementRecordDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJrIjoxMn0' }) nextCursor!: string | null;
}
