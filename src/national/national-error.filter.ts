/**
 * National-style errors: `infcode` -1 and `err_msg`, over the same HTTP status and the same
 * ledger error body (field and rule, or code and clause) the rest of the API answers.
 */
import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LedgerErrorFilter } from '../http/error.filter';
import { CLOCK, Clock } from '../kernel/clock';
import { beijingTime } from './national.mapping';

interface FieldError {
  field?: string;
  rule?: string;
  message?: string;
}

/** One line saying what went wrong: each field and rule, or the reason code and clause. */
export function errMsg(body: Record<string, unknown>): string {
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  if (errors.length) return errors.map((e) => `${e.field}: ${e.message ?? e.rule} [${e.rule}]`).join('; ');
  const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? body.error ?? 'error');
  return body.code ? `${body.code}: ${message} (${body.clause ?? ''})` : message;
}

@Catch()
export class NationalErrorFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    // The ledger's own mapping decides status and body; this only wraps them.
    let status = 500;
    let body: Record<string, unknown> = {};
    const capture = {
      httpAdapter: { reply: (_res: unknown, b: Record<string, unknown>, s: number) => ((status = s), (body = b)) },
    } as unknown as HttpAdapterHost;
    new LedgerErrorFilter(capture).catch(exception, host);
    const msgid = (http.getRequest() as { body?: { msgid?: unknown } }).body?.msgid;
    const answer = {
      infcode: -1,
      inf_refmsgid: typeof msgid === 'string' ? msgid : null,
      refmsg_time: beijingTime(this.clock.now()),
      err_msg: errMsg(body),
      ...body,
    };
    this.adapterHost.httpAdapter.reply(http.getResponse(), answer, status);
  }
}
