import { createRootLogger, requestIdOf } from '../../src/observability/logging';

describe('logging configuration (issue 13 item 1)', () => {
  const sink = { write: () => undefined };

  it.each([
    ['error', 'error'],
    ['warn', 'warn'],
    ['log', 'info'],
    ['debug', 'debug'],
  ] as const)('LOG_LEVEL=%s is pino level %s', (logLevel, pinoLevel) => {
    expect(createRootLogger({ logLevel }, sink).level).toBe(pinoLevel);
  });

  it('keeps a plain x-request-id and replaces anything else (log injection, oversize) with a UUID', () => {
    expect(requestIdOf({ headers: { 'x-request-id': 'abc-123:4.5_6' } })).toBe('abc-123:4.5_6');
    for (const bad of ['a b', 'x\n{"level":60}', 'x'.repeat(129), ''])
      expect(requestIdOf({ headers: { 'x-request-id': bad } })).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf({ headers: {} })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('redacts a key or an identity number should one ever be logged as a field', () => {
    const lines: string[] = [];
    const logger = createRootLogger({ logLevel: 'log' }, { write: (l: string) => void lines.push(l) });
    logger.info(
      { req: { headers: { 'x-api-key': 'lk_abcd_secret', authorization: 'Bearer lk_abcd_secret' } }, mdtrt_cert_no: '41130219800101123X' },
      'x',
    );
    expect(lines.join('')).not.toMatch(/lk_abcd_secret|41130219800101123X/);
    expect(lines.join('')).toContain('[redacted]');
  });
});
