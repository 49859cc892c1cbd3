import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import {
  EventIdReused,
  isDamagedFile,
  isTransient,
  READ_MODELS_FILE_ADVICE,
  StoredEventUnreadable,
  WrongExpectedVersion,
} from '../event-store/errors';
import { ConcurrencyConflict, Forbidden, InvalidInput, LedgerError, NotFound, PolicyRefusal } from '../kernel/errors';
import { InvalidMoney } from '../kernel/money';

/**
 * Errors of the HTTP layer about the request itself (body parsers: too large, bad JSON,
 * bad encoding) carry a 4xx `status`/`statusCode` and `expose: true` (http-errors) or a
 * Fastify `FST_` code. They are the client's, so they answer 4xx, never 500 (issue 11 item 5).
 */
function clientError(e: unknown): [number, Record<string, unknown>] | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const { status, statusCode, expose, code, message } = e as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const s = typeof status === 'number' ? status : statusCode;
  const fromHttpLayer = expose === true || (typeof code === 'string' && code.startsWith('FST_'));
  if (typeof s !== 'number' || s < 400 || s > 499 || !fromHttpLayer) return undefined;
  return [
    s,
    { statusCode: s, error: STATUS_CODES[s] ?? 'Bad Request', message: typeof message === 'string' ? message : 'invalid request' },
  ];
}

/** Seconds a client waits before retrying a 503 (a busy database's lock, or an operator freeing a full disk). */
export const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * The operator's line for a damaged SQLite file. SQLite does not say which file; a request
 * reads both, and `PRAGMA quick_check` on each tells them apart.
 */
const DAMAGED_FILE_ADVICE = `SQLite reports a damaged file (PRAGMA quick_check on LEDGER_DB and LEDGER_READ_DB says which): the read models' file can be replaced, ${READ_MODELS_FILE_ADVICE}; the log's file (LEDGER_DB) must be restored from a backup`;

/**
 * Maps every error to HTTP in one place:
 * 400 invalid input (field and rule named), 401/403 from the guard, 403 Forbidden (an
 * institution key acting for another institution), 404 unknown,
 * 409 concurrency conflict, 422 business refusal (reason code + clause),
 * 503 with Retry-After when the store is unavailable just now (busy, disk full, I/O error,
 * EventStoreDB unreachable: a transient error says nothing about the request), 500
 * STORED_EVENT_UNREADABLE naming the damaged row's stream and position (an auditor sees both
 * through the audit endpoints anyway), 500 STORE_FILE_DAMAGED when SQLite finds a file's pages
 * damaged, 500 otherwise.
 */
@Catch()
export class LedgerErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const [status, body] = this.map(exception);
    // Logs carry the error, never request headers (API keys) or bodies (identity data).
    // A store outage is one line per refused request (a full disk refuses every write), not a stack trace each.
    const text = exception instanceof Error ? exception.message : String(exception);
    if (status === 503 && body.code === 'STORE_UNAVAILABLE') this.logger.warn(`store unavailable: ${text}`);
    else if (body.code === 'STORE_FILE_DAMAGED') this.logger.error(`${DAMAGED_FILE_ADVICE}: ${(exception as Error).message}`);
    else if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? text) : text);
    // The access line and the refusal metrics carry the reason code (raw Node request under Fastify).
    const req = host.switchToHttp().getRequest();
    if (req && typeof body.code === 'string') (req.raw ?? req).errorCode = body.code;
    const res = host.switchToHttp().getResponse();
    if (body.code === 'STORE_UNAVAILABLE') this.adapterHost.httpAdapter.setHeader(res, 'Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    this.adapterHost.httpAdapter.reply(res, body, status);
  }

  private map(e: unknown): [number, Record<string, unknown>] {
    if (e instanceof HttpException) {
      const r = e.getResponse();
      return [e.getStatus(), typeof r === 'string' ? { statusCode: e.getStatus(), message: r } : (r as Record<string, unknown>)];
    }
    if (e instanceof PolicyRefusal) {
      return [
        422,
        { statusCode: 422, error: 'Unprocessable Entity', code: e.code, clause: e.clause, message: e.message, details: e.details },
      ];
    }
    if (e instanceof InvalidInput) {
      return [
        400,
        { statusCode: 400, error: 'Bad Request', message: e.message, errors: [{ field: e.field, rule: e.rule, message: e.message }] },
      ];
    }
    if (e instanceof InvalidMoney) {
      return [
        400,
        { statusCode: 400, error: 'Bad Request', message: e.message, errors: [{ field: 'amount', rule: 'isMoney', message: e.message }] },
      ];
    }
    if (e instanceof NotFound) return [404, { statusCode: 404, error: 'Not Found', message: e.message }];
    if (e instanceof Forbidden) return [403, { statusCode: 403, error: 'Forbidden', message: e.message }];
    if (e instanceof ConcurrencyConflict || e instanceof WrongExpectedVersion) {
      return [409, { statusCode: 409, error: 'Conflict', code: 'CONCURRENCY_CONFLICT', message: e.message }];
    }
    if (e instanceof EventIdReused) return [409, { statusCode: 409, error: 'Conflict', code: 'EVENT_ID_REUSED', message: e.message }];
    if (e instanceof LedgerError) return [400, { statusCode: 400, error: 'Bad Request', message: e.message }];
    if (isTransient(e)) {
      const message =
        'the event store is unavailable just now; retry with the same Idempotency-Key (a write that landed is answered, never made twice)';
      return [503, { statusCode: 503, error: 'Service Unavailable', code: 'STORE_UNAVAILABLE', message }];
    }
    if (e instanceof StoredEventUnreadable) {
      return [
        500,
        {
          statusCode: 500,
          error: 'Internal Server Error',
          code: 'STORED_EVENT_UNREADABLE',
          // The operator's advice (run the chain check) goes to the log with e.message; the caller may be a hospital.
          message: `stored event at position ${e.position} (stream ${e.streamId}) cannot be read; the fault is the ledger's, not the request's: nothing was written; report it to the ledger's operators`,
          streamId: e.streamId,
          position: e.position,
        },
      ];
    }
    if (isDamagedFile(e)) {
      const message =
        "a database file of the ledger is damaged; the fault is the ledger's, not the request's: nothing was written; report it to the ledger's operators";
      return [500, { statusCode: 500, error: 'Internal Server Error', code: 'STORE_FILE_DAMAGED', message }];
    }
    const client = clientError(e);
    if (client) return client;
    return [500, { statusCode: 500, error: 'Internal Server Error', message: 'internal error' }];
  }
}
