import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../http/pagination';

const NAME_LIST = /^[A-Za-z][A-Za-z0-9]{0,63}(,[A-Za-z][A-Za-z0-9]{0,63}){0,31}$/;

/** The list convention's `limit` (PageQuery); the feed pages by log position (`after`), not by cursor. */
export class FeedQuery extends PickType(PageQuery, ['limit'] as const) {
  @ApiPropertyOptional({
    example: '0',
    description: 'Exclusive log position: events after it (default 0, the start). `Last-Event-ID` overrides it on the stream.',
  })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'after must be a log position (digits)' })
  after?: string;

  @ApiPropertyOptional({ example: 'VisitSettled,SettlementReversed', description: 'Event types, comma-separated' })
  @IsOptional()
  @Matches(NAME_LIST, { message: 'type must be event type names separated by commas' })
  type?: string;

  @ApiPropertyOptional({
    example: 'person,institution',
    description: 'Stream categories, comma-separated: person, institution, alerts, seals, …',
  })
  @IsOptional()
  @Matches(NAME_LIST, { message: 'category must be stream categories separated by commas' })
  category?: string;
}

export class FeedEventDto {
  @ApiProperty({ example: 42, description: 'Global log position (strictly increasing; the SSE `id:`)' }) position!: number;
  @ApiProperty({ example: 'person-P-0001' }) streamId!: string;
  @ApiProperty({ example: 3 }) revision!: number;
  @ApiProperty({ example: '2f1c…' }) id!: string;
  @ApiProperty({ example: 'VisitSettled' }) type!: string;
  @ApiProperty({ example: 2, description: 'Shape version of `data` (always the current one: older events are upcast)' })
  schemaVersion!: number;
  @ApiProperty({ example: '2024-03-06T02:00:00.000Z' }) recordedAt!: string;
  @ApiPropertyOptional({ example: '2024-03-06T10:00:00+08:00' }) occurredAt?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event data as documented for its type' }) data!: Record<
    string,
    unknown
  >;
}

export class FeedPageDto {
  @ApiProperty({ type: [FeedEventDto] }) items!: FeedEventDto[];
  @ApiProperty({
    example: 42,
    description: 'Pass as `?after=` for the next page (the last position looked at; may be past the last item when filtered)',
  })
  next!: number;
  @ApiProperty({ example: 42, description: 'Last position in the log when read; `next === head` means caught up' }) head!: number;
}
