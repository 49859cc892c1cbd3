/**
 * The access line written by HttpObserverMiddleware (issue 13 item 1; issue 10: one pino
 * call per request instead of pino-http's child logger): one line when the response
 * finishes, one line marked aborted when the client goes first, never two.
 */
import { EventEmitter } from 'node:events';
import { AccessLog, AnnotatedRequest, createRootLogger } from '../../src/observability/logging';
import { HttpObserverMiddleware } from '../../src/observability/observability.module';
import type { LedgerMetrics } from '../../src/observability/metrics';

function harness() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createRootLogger({ logLevel: 'log' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const observed: number[] = [];
  const metrics = {
    observe: (_req: unknown, res: { statusCode: number }) => void observed.push(res.statusCode),
  } as unknown as LedgerMetrics;
  const middleware = new HttpObserverMiddleware(metrics, new AccessLog(logger));
  const request = (headers: Record<string, string> = {}) => {
    const req = Object.assign(new EventEmitter(), {
      method: 'POST',
      url: '/persons/41130219800101123X/visits',
      headers: { 'x-api-key': 'lk_k_secret', ...headers },
    }) as unknown as AnnotatedRequest;
    const res = Object.assign(new EventEmitter(), {
      statusCode: 200,
      headers: {} as Record<string, string>,
      setHeader(n: string, v: string) {
        this.headers[n] = v;
      },
      getHeader(n: string) {
        return this.headers[n];
      },
    });
    let nexted = false;
    middleware.use(req, res as never, () => (nexted = true));
    expect(nexted).toBe(true);
    return { req, res };
  };
  return { lines, observed, request };
}

describe('access log (HttpObserverMiddleware)', () => {
  it('one line when the response finishes: method, route, status, latency, request id (given or new), role, institution, code', () => {
    const h = harness();
    const { req, res } = h.request({ 'x-request-id': 'req-1' });
    expect(res.headers['x-request-id']).toBe('req-1');
    req.routePattern = '/persons/:personId/visits';
    req.principal = { role: 'institution', keyId: 'ab12cd34', institutionCode: 'NY-L2' } as AnnotatedRequest['principal'];
    req.errorCode = 'VISIT_ALREADY_SETTLED';
    res.statusCode = 422;
    res.emit('finish');
    res.emit('close');
    expect(h.lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request',
        requestId: 'req-1',
        method: 'POST',
        route: '/persons/:personId/visits',
        status: 422,
        latencyMs: expect.any(Number),
        role: 'institution',
        keyId: 'ab12cd34',
        institution: 'NY-L2',
        code: 'VISIT_ALREADY_SETTLED',
      }),
    ]);
    expect(h.observed).toEqual([422]);
    const text = JSON.stringify(h.lines);
    expect(text).not.toMatch(/41130219800101123X|lk_k_secret/);
  });

  it('a 5xx is an error line; a request without a plain id gets a UUID, returned in the header', () => {
    const h = harness();
    const { res } = h.request({ 'x-request-id': 'bad id\n' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    res.statusCode = 500;
    res.emit('finish');
    expect(h.lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'request failed',
        status: 500,
        route: '(unmatched)',
        requestId: res.headers['x-request-id'],
      }),
    ]);
  });

  it('a 503 (not ready, shutting down: what a load balancer polls) is a warning line, not an error', () => {
    const h = harness();
    const { res } = h.request();
    res.statusCode = 503;
    res.emit('finish');
    expect(h.lines).toEqual([expect.objectContaining({ level: 40, msg: 'request', status: 503 })]);
  });

  it('an answer already ended when the connection closes (no finish yet) is logged with its status, not as aborted', () => {
    const h = harness();
    const { res } = h.request();
    res.statusCode = 201;
    Object.assign(res, { writableEnded: true });
    res.emit('close');
    res.emit('finish'); // a late finish changes nothing
    expect(h.lines).toEqual([expect.objectContaining({ level: 30, msg: 'request', status: 201 })]);
    expect(h.lines[0]).not.toHaveProperty('aborted');
    expect(h.observed).toEqual([201]);
  });

  it('the client gone before the response: one warning marked aborted, without the status never sent, not counted as a response', () => {
    const h = harness();
    const { req, res } = h.request({ 'x-request-id': 'req-gone' });
    req.routePattern = '/persons/:personId/visits';
    res.statusCode = 201; // the route's default, set before its answer was ready
    res.emit('close');
    res.emit('finish'); // a late finish changes nothing
    expect(h.lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'client closed before the response',
        aborted: true,
        requestId: 'req-gone',
        route: '/persons/:personId/visits',
      }),
    ]);
    expect(h.lines[0]).not.toHaveProperty('status');
    expect(h.observed).toEqual([]);
  });

  it('a live event stream closed by its client is its normal end: one info line, not an error', () => {
    const h = harness();
    const { res } = h.request();
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.emit('close');
    expect(h.lines).toEqual([expect.objectContaining({ level: 30, msg: 'stream closed', streamClosed: true, status: 200 })]);
    expect(h.lines[0]).not.toHaveProperty('aborted');
  });
});
