/**
 * The one list convention of the API (issue 12 item 4): `?limit=` (1…MAX_PAGE_LIMIT, default
 * DEFAULT_PAGE_LIMIT) and `?cursor=` (opaque: base64url of the sort key of the last item
 * served). Answers are `{ items, nextCursor }`, `nextCursor` null on the last page. Lists are
 * ordered by an immutable key (a log position, or an id), so a page boundary never moves
 * when events are appended meanwhile: a new item lands after the cursor or before it, never twice.
 */
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { InvalidInput } from '../kernel/errors';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export interface Page<T> {
  items: T[];
  /** Pass as `?cursor=` for the next page; null when this is the last one. */
  nextCursor: string | null;
}

/** The query parameters every list takes; list DTOs extend it with their filters. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (`nextCursor`)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by this list' })
  cursor?: string;
}

/** The sort key of the last item served, opaque to clients. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

/** The sort key inside a cursor; a cursor this API did not make is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): string | number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string' || (typeof parsed.k === 'number' && Number.isSafeInteger(parsed.k))) return parsed.k;
  } catch {
    // fall through: not one of ours
  }
  throw new InvalidInput('cursor', 'must be a cursor returned by this list');
}

/**
 * Builds a page from up to `limit + 1` rows fetched after the cursor: the extra row only
 * says whether another page exists.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (item: T) => string | number): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length > 0 ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

export const pageLimit = (query: PageQuery): number => query.limit ?? DEFAULT_PAGE_LIMIT;
