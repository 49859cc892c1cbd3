import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LedgerErrorFilter } from './http/error.filter';
import { CLOCK, Clock } from './kernel/clock';
import { NationalErrorFilter } from './national/national-error.filter';

/** `/national/2207` under Fastify (url) and Express (originalUrl). */
function isNationalRequest(host: ArgumentsHost): boolean {
  const req = host.switchToHttp().getRequest() as { url?: string; originalUrl?: string } | undefined;
  const url = req?.originalUrl ?? req?.url ?? '';
  return url === '/national' || url.startsWith('/national/') || url.startsWith('/national?');
}

/**
 * The one error filter of the application. A hospital system on the national interface reads
 * `infcode` in every answer, so its errors get the national envelope wherever they arise:
 * in a route, and also before any route runs (a body refused while it is read, an unknown
 * `infno`), where a filter of the national controller would not be asked.
 */
@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly ledger: LedgerErrorFilter;
  private readonly national: NationalErrorFilter;

  constructor(adapterHost: HttpAdapterHost, @Inject(CLOCK) clock: Clock) {
    this.ledger = new LedgerErrorFilter(adapterHost);
    this.national = new NationalErrorFilter(adapterHost, clock);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    (isNationalRequest(host) ? this.national : this.ledger).catch(exception, host);
  }
}
