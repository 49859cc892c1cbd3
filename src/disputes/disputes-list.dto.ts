import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../http/pagination';
import { ID_PATTERN, IsLocalDate } from '../http/validators';

export const DISPUTE_STATUSES = ['open', 'upheld', 'rejected'] as const;

/** Filters of GET /disputes (issue 15 item 1), each optional, with the list convention's `limit` and `cursor`. */
export class DisputeListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES, { message: `status must be one of ${DISPUTE_STATUSES.join(', ')}` })
  status?: (typeof DISPUTE_STATUSES)[number];

  @ApiPropertyOptional({ example: 'NY-H2', description: 'Involved institution; an institution key sees only its own' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'institutionCode must be 1-64 letters, digits, . _ -' })
  institutionCode?: string;

  @ApiPropertyOptional({ example: 'P-0001' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'personId must be 1-64 letters, digits, . _ -' })
  personId?: string;

  @ApiPropertyOptional({ example: '2023-06-01', description: 'Opened before this Asia/Shanghai day (exclusive): disputes at least so old' })
  @IsOptional()
  @IsLocalDate()
  openedBefore?: string;
}

export class DisputeListItemDto {
  @ApiProperty({ example: 'D-0001' }) disputeId!: string;
  @ApiProperty({ enum: DISPUTE_STATUSES }) status!: string;
  @ApiProperty({ example: '2023-06-01T10:00:00+08:00' }) openedAt!: string;
  @ApiProperty({ example: '2023-06-01' }) openedOn!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{ role, institutionCode?, onBehalfOf?, keyId? }' })
  openedBy!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) institutionCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) personId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'settlements, account-movement or institution-month' })
  subject!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{ code, text }' }) grounds!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'fund, account, cash the analysis said would change' })
  analysisTotals!: Record<string, unknown>;
  @ApiPropertyOptional() resolvedAt?: string;
  @ApiPropertyOptional() correctionId?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ description: 'Log position it was opened at (the sort key)' }) position!: number;
}

export class DisputePageDto {
  @ApiProperty({ type: [DisputeListItemDto] }) items!: DisputeListItemDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJrIjozfQ' }) nextCursor!: string | null;
}
