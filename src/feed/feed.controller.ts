import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../http/pagination';
import { CurrentPrincipal, Principal, Roles } from '../http/roles';
import { InvalidInput } from '../kernel/errors';
import { FeedFilter } from './feed.filter';
import { FeedPageDto, FeedQuery } from './feed.dto';
import { FeedService } from './feed.service';
import { takeOverResponse } from './raw-http';

/** A comment line every so often keeps proxies from closing an idle stream (LEDGER_FEED_HEARTBEAT_MS overrides). */
const heartbeatMs = (): number => Number(process.env.LEDGER_FEED_HEARTBEAT_MS) || 15_000;
/** How long the stream waits for a commit before looking at the head again (another process may have written). */
const POLL_MS = 1_000;

const BAD_AFTER = {
  statusCode: 400,
  error: 'Bad Request',
  message: 'after: after must be a log position (digits)',
  errors: [{ field: 'after', rule: 'matches', message: 'after must be a log position (digits)' }],
};

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

const LAST_EVENT_ID = {
  name: 'Last-Event-ID',
  required: false,
  description: 'Resume a stream after this position (the last `id:` received); overrides `after`.',
};

function filterOf(q: FeedQuery): FeedFilter {
  const set = (csv?: string) => (csv ? new Set(csv.split(',')) : undefined);
  return { types: set(q.type), categories: set(q.category) };
}

function startPosition(q: FeedQuery, lastEventId: string | undefined): number {
  if (lastEventId === undefined || lastEventId === '') return Number(q.after ?? 0);
  if (!/^\d{1,15}$/.test(lastEventId)) throw new InvalidInput('Last-Event-ID', 'must be a log position (digits)');
  return Number(lastEventId);
}

/**
 * The event feed (issue 12 item 3), the way to build one's own read model: page through
 * `GET /feed?after=` or follow `GET /feed/stream` (Server-Sent Events). Agency and auditor
 * keys see every event; an institution key sees only its own institution's VisitSettled and
 * SettlementReversed.
 */
@ApiTags('feed')
@Roles('agency', 'auditor', 'institution')
@ApiBadRequestResponse({ description: 'Invalid query: names the field and the rule', schema: { example: BAD_AFTER } })
@Controller('feed')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get()
  @ApiHeader(LAST_EVENT_ID)
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOperation({ summary: 'Events after a position, one page (JSON); with `Accept: text/event-stream`, the same as a live stream' })
  @ApiOkResponse({ type: FeedPageDto })
  async list(
    @Query() q: FeedQuery,
    @CurrentPrincipal() p: Principal,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: unknown,
  ): Promise<void> {
    if (accept?.includes('text/event-stream')) return this.stream(q, p, lastEventId, res);
    const after = startPosition(q, undefined);
    await this.feed.requireInLog(after, 'after');
    const page = await this.feed.page(p, after, q.limit ?? DEFAULT_PAGE_LIMIT, filterOf(q));
    takeOverResponse(res).writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(page));
  }

  @Get('stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Server-Sent Events: `id:` the position, `event:` the type, `data:` the event as in the JSON page; heartbeat comments; resumable with Last-Event-ID',
  })
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    schema: { type: 'string', example: 'id: 42\nevent: VisitSettled\ndata: {"position":42,"streamId":"person-P-0001",…}\n\n' },
  })
  async stream(
    @Query() q: FeedQuery,
    @CurrentPrincipal() p: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: unknown,
  ): Promise<void> {
    let after = startPosition(q, lastEventId);
    await this.feed.requireInLog(after, lastEventId ? 'Last-Event-ID' : 'after');
    const filter = filterOf(q);
    const signal = { closed: false };
    const res = takeOverResponse(reply);
    // The response closes when the client goes away (the request's own 'close' fires once its body is read).
    res.on('close', () => (signal.closed = true));
    // setHeader, not writeHead's object: graceful shutdown recognises a live stream by its content type.
    for (const [name, value] of Object.entries(SSE_HEADERS)) res.setHeader(name, value);
    res.writeHead(200);
    res.write(': feed\n\n');
    const heartbeat = setInterval(() => res.writableEnded || res.write(': heartbeat\n\n'), heartbeatMs());
    try {
      while (!signal.closed) {
        const page = await this.feed.page(p, after, MAX_PAGE_LIMIT, filter);
        for (const event of page.items) await write(res, `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        after = page.next;
        if (page.next >= page.head) await this.feed.waitForEvents(after, POLL_MS, signal);
      }
    } catch (e) {
      // Headers are sent: the error goes to the client as a last frame; it reconnects with Last-Event-ID.
      if (!res.writableEnded) res.write(`event: error\ndata: ${JSON.stringify({ message: (e as Error).message })}\n\n`);
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
  }
}

/** Writes a frame, waiting for the socket to drain when the client reads slowly (bounded memory). */
function write(res: ServerResponse, frame: string): Promise<void> {
  if (res.writableEnded || res.write(frame)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
