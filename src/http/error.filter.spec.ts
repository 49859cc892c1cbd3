/** The one place errors become HTTP: each typed error of src/kernel/errors.ts has its status. */
import { ForbiddenException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { ConcurrencyConflict, Forbidden, InvalidInput, NotFound, PolicyRefusal } from '../kernel/errors';
import { LedgerErrorFilter } from './error.filter';

function reply(error: unknown): { status: number; body: Record<string, unknown> } {
  let out: { status: number; body: Record<string, unknown> } | undefined;
  const adapter = {
    httpAdapter: { reply: (_res: unknown, body: Record<string, unknown>, status: number) => (out = { status, body }) },
  } as unknown as HttpAdapterHost;
  const host = { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }) } as unknown as ArgumentsHost;
  new LedgerErrorFilter(adapter).catch(error, host);
  return out!;
}

describe('LedgerErrorFilter', () => {
  it('Forbidden (a key acting for another institution) is 403 with the same body as Nest gave', () => {
    const message = 'this key acts for institution NY-L2, not NY-L3';
    const domain = reply(new Forbidden(message));
    expect(domain).toEqual({ status: 403, body: { statusCode: 403, error: 'Forbidden', message } });
    expect(domain).toEqual(reply(new ForbiddenException({ statusCode: 403, error: 'Forbidden', message })));
  });

  it.each([
    [new InvalidInput('visit.lines', 'a visit needs at least one bill line'), 400],
    [new NotFound('person', 'P1'), 404],
    [new ConcurrencyConflict('person-P1', 5), 409],
    [new PolicyRefusal('NOT_ENROLLED', '宛政办〔2022〕42号 第三条', 'not enrolled'), 422],
    [new Error('boom'), 500],
  ])('%s → %i', (error, status) => {
    expect(reply(error).status).toBe(status);
  });
});
