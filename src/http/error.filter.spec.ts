/** The one place errors become HTTP: each typed error of src/kernel/errors.ts has its status. */
import { ForbiddenException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { StoredEventUnreadable, StoreUnavailable } from '../event-store/errors';
import { ConcurrencyConflict, Forbidden, InvalidInput, NotFound, PolicyRefusal } from '../kernel/errors';
import { LedgerErrorFilter } from './error.filter';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

function reply(error: unknown): Reply {
  let out: Reply | undefined;
  const headers: Record<string, string> = {};
  const adapter = {
    httpAdapter: {
      setHeader: (_res: unknown, name: string, value: string) => (headers[name] = value),
      reply: (_res: unknown, body: Record<string, unknown>, status: number) => (out = { status, body, headers }),
    },
  } as unknown as HttpAdapterHost;
  const host = { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }) } as unknown as ArgumentsHost;
  new LedgerErrorFilter(adapter).catch(error, host);
  return out!;
}

const sqliteError = (code: string) => Object.assign(new Error(`simulated ${code}`), { name: 'SqliteError', code });

describe('LedgerErrorFilter', () => {
  it('Forbidden (a key acting for another institution) is 403 with the same body as Nest gave', () => {
    const message = 'this key acts for institution NY-L2, not NY-L3';
    const domain = reply(new Forbidden(message));
    expect(domain).toEqual({ status: 403, body: { statusCode: 403, error: 'Forbidden', message }, headers: {} });
    expect(domain).toEqual(reply(new ForbiddenException({ statusCode: 403, error: 'Forbidden', message })));
  });

  it.each([
    [new InvalidInput('visit.lines', 'a visit needs at least one bill line'), 400],
    [new NotFound('person', 'P1'), 404],
    [new ConcurrencyConflict('person-P1', 5), 409],
    [new PolicyRefusal('NOT_ENROLLED', '宛政办〔2022〕42号 第三条', 'not enrolled'), 422],
    [new Error('boom'), 500],
    [sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY'), 500],
  ])('%s → %i', (error, status) => {
    expect(reply(error).status).toBe(status);
    expect(reply(error).headers).toEqual({});
  });

  it.each([
    new StoreUnavailable('SQLite writer thread exited with code 1', 'WRITER_THREAD_EXITED'),
    new StoreUnavailable('EventStoreDB unavailable: connect ECONNREFUSED', 'unavailable'),
    sqliteError('SQLITE_FULL'),
    sqliteError('SQLITE_BUSY'),
    sqliteError('SQLITE_IOERR_FSYNC'),
  ])('a store unavailable just now (%s) is 503 with Retry-After, its code and what to do, nothing of the store in the body', (error) => {
    const { status, body, headers } = reply(error);
    expect(status).toBe(503);
    expect(headers).toEqual({ 'Retry-After': '2' });
    expect(body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('retry with the same Idempotency-Key'),
    });
    expect(JSON.stringify(body)).not.toContain(error.message);
  });

  it('a stored event that is not JSON is 500 STORED_EVENT_UNREADABLE naming its stream and position, not the parser’s message', () => {
    const cause = new SyntaxError('Unexpected token n in JSON at position 1');
    const error = new StoredEventUnreadable(
      { streamId: 'person-P1', revision: 3, position: 42, id: 'e-42', type: 'VisitSettled' },
      'data',
      cause,
    );
    const { status, body, headers } = reply(error);
    expect([status, headers]).toEqual([500, {}]);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'STORED_EVENT_UNREADABLE',
      message:
        "stored event at position 42 (stream person-P1) cannot be read; the fault is the ledger's, not the request's: nothing was written; report it to the ledger's operators",
      streamId: 'person-P1',
      position: 42,
    });
    expect(JSON.stringify(body)).not.toContain(cause.message);
  });
});
