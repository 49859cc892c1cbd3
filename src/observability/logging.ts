import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger, LevelWithSilent } from 'pino';
import type { LedgerConfig } from '../config/config';
import type { Principal } from '../http/roles';

/** What the guard and the error filter note on the raw request, for the access line and the metrics. */
export interface AnnotatedRequest extends IncomingMessage {
  principal?: Principal;
  /** The route pattern (e.g. /persons/:personId/visits), never the URL (it holds ids). */
  routePattern?: string;
  /** The `code` of a refusal or conflict the error filter answered. */
  errorCode?: string;
}

/** LOG_LEVEL keeps Nest's names; `log` is pino's `info`. */
export const PINO_LEVEL: Record<LedgerConfig['logLevel'], LevelWithSilent> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug' };

/** A request id from the caller is kept when it is a plain token; anything else gets a new UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Never logged, should a future serializer add them: keys and identity numbers (mdtrt_cert_no
 * is the ID-card number). Bodies, URLs and headers are not logged at all; no wildcard paths,
 * which would cost every line a walk of the object.
 */
export const REDACT_PATHS = ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie', 'mdtrt_cert_no', 'body', 'url'];

/** The caller's `x-request-id` when it is a plain token, else a new UUID (Fastify's genReqId and the access middleware's). */
export function requestIdOf(req: { headers: IncomingMessage['headers'] }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The pino logger: JSON lines to stdout (buffered, async); pretty only when stdout is a terminal. */
export function createRootLogger(config: Pick<LedgerConfig, 'logLevel'>, stream?: DestinationStream): Logger {
  const options = {
    level: PINO_LEVEL[config.logLevel],
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'ledger' },
  };
  if (stream) return pino(options, stream);
  if (process.stdout.isTTY)
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  // Asynchronous: lines written while a write is in flight go out together in the next one,
  // so the access line does not cost the settlement path a blocking write(2) each.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/**
 * The access log: one JSON line per request (method, route pattern, status, latency, request
 * id, role, institution, refusal code) written by one pino call with a plain object when the
 * response finishes, or fails if the client went away first. Replaces pino-http (issue 10,
 * request path): its per-request child logger, serializer wrapping and listeners cost ~85 µs
 * a request under load; this costs one object and one line. Nothing from the URL (person
 * ids), the headers (keys) or the body (identity numbers) is read.
 */
export class AccessLog {
  constructor(private readonly logger: Logger) {}

  finished(req: AnnotatedRequest, res: ServerResponse, latencyMs: number): void {
    const level = accessLogLevel(req, res);
    this.logger[level](accessLine(req, res, latencyMs), level === 'error' ? 'request failed' : 'request');
  }

  /**
   * The connection closed before the response was sent. A live event stream (`/feed/stream`)
   * ends that way whenever its client leaves: that is its normal end, an info line. Any other
   * request: a warning without a status (none was sent; the one set so far, e.g. a route's
   * default 201, is not what happened): the server did not fail, its client left (a timeout,
   * a restart, a load generator closing its sockets), and a command may still have been
   * applied; its retry with the same Idempotency-Key gets the stored answer.
   */
  aborted(req: AnnotatedRequest, res: ServerResponse, latencyMs: number): void {
    if (isEventStream(res)) {
      this.logger.info({ ...accessLine(req, res, latencyMs), streamClosed: true }, 'stream closed');
      return;
    }
    const { status: _notSent, ...line } = accessLine(req, res, latencyMs);
    this.logger.warn({ ...line, aborted: true }, 'client closed before the response');
  }
}

function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader?.('content-type') ?? '').startsWith('text/event-stream');
}

/** 503 is a deliberate answer (not ready, shutting down) that load balancers poll: a warning, not an error. */
export function accessLogLevel(_req: IncomingMessage, res: ServerResponse, err?: Error): 'error' | 'warn' | 'info' {
  if (err || (res.statusCode >= 500 && res.statusCode !== 503)) return 'error';
  return res.statusCode === 503 ? 'warn' : 'info';
}

function accessLine(req: AnnotatedRequest, res: ServerResponse, latencyMs: number): Record<string, unknown> {
  const line: Record<string, unknown> = {
    requestId: req.id,
    method: req.method,
    route: req.routePattern ?? '(unmatched)',
    status: res.statusCode,
    latencyMs,
  };
  const principal = req.principal;
  if (principal) {
    line.role = principal.role;
    line.keyId = principal.keyId;
    if (principal.institutionCode) line.institution = principal.institutionCode;
  }
  if (req.errorCode) line.code = req.errorCode;
  return line;
}
