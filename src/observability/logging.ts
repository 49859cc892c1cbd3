import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger, LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
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

/** The caller's `x-request-id` when it is a plain token, else a new UUID (Fastify's genReqId and pino-http's). */
export function requestIdOf(req: { headers: IncomingMessage['headers'] }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The pino logger: JSON lines to stdout (buffered, async); pretty only when stdout is a terminal. */
export function createRootLogger(config: Pick<LedgerConfig, 'logLevel'>, stream?: DestinationStream): Logger {
  const options = { level: PINO_LEVEL[config.logLevel], redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'ledger' } };
  if (stream) return pino(options, stream);
  if (process.stdout.isTTY) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  // Asynchronous: lines written while a write is in flight go out together in the next one,
  // so the access line does not cost the settlement path a blocking write(2) each.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/** pino-http: one access line per request with method, route pattern, status, latency, request id, role, institution. */
export function accessLogOptions(logger: Logger): Options {
  return {
    logger,
    genReqId: requestIdOf,
    // Only what the access line needs: no URL (person ids), no headers (keys), no body (identity numbers).
    serializers: { req: () => undefined, res: () => undefined, err: pino.stdSerializers.err },
    wrapSerializers: false,
    quietReqLogger: true,
    customAttributeKeys: { responseTime: 'latencyMs', reqId: 'requestId' },
    customLogLevel: accessLogLevel,
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value) => accessLine(req as AnnotatedRequest, res, value),
    customErrorObject: (req, res, _err, value) => accessLine(req as AnnotatedRequest, res, value),
  };
}

/** 503 is a deliberate answer (not ready, shutting down) that load balancers poll: a warning, not an error. */
export function accessLogLevel(_req: IncomingMessage, res: ServerResponse, err?: Error): 'error' | 'warn' | 'info' {
  if (err || (res.statusCode >= 500 && res.statusCode !== 503)) return 'error';
  return res.statusCode === 503 ? 'warn' : 'info';
}

function accessLine(req: AnnotatedRequest, res: ServerResponse, value: Record<string, unknown>): Record<string, unknown> {
  return {
    method: req.method,
    route: req.routePattern ?? '(unmatched)',
    status: res.statusCode,
    latencyMs: value.latencyMs,
    ...(req.principal ? { role: req.principal.role, keyId: req.principal.keyId } : {}),
    ...(req.principal?.institutionCode ? { institution: req.principal.institutionCode } : {}),
    ...(req.errorCode ? { code: req.errorCode } : {}),
  };
}
