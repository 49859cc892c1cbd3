/**
 * The request observer under Fastify is a root onRequest hook, not a Nest middleware run
 * through @fastify/middie (issue 10, request path): every request still gets its id and its
 * one access line, including those no route or no handler answers.
 */
import { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { createApp } from '../bootstrap';
import { loadConfig } from '../config/config';

class Capture {
  readonly lines: Array<Record<string, unknown>> = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
  }
  access(): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.msg === 'request' || l.msg === 'request failed');
  }
}

describe('request observer on Fastify', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let dir: string;
  const logs = new Capture();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observer-'));
    const config = loadConfig({
      LEDGER_DB: path.join(dir, 'ledger.db'),
      LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
      LOG_LEVEL: 'log',
      LEDGER_HTTP_ADAPTER: 'fastify',
    });
    app = await createApp(config, {}, { logStream: logs });
    await app.listen(0, '127.0.0.1');
    http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs without any middie middleware: no per-request copy of ip, hostname, query… onto the raw request', () => {
    const fastify = app.getHttpAdapter().getInstance() as Record<symbol, unknown>;
    const flag = Object.getOwnPropertySymbols(fastify).find((s) => s.description === 'fastify-middie-has-middlewares');
    expect(flag).toBeDefined();
    expect(fastify[flag!]).toBe(false);
  });

  it.each([
    ['an unknown route', 'req-404', () => http.get('/no/such/route'), 404, '(unmatched)'],
    [
      'a body that is not JSON',
      'req-400',
      () => http.post('/persons').set('content-type', 'application/json').send('{"personId":'),
      400,
      '(unmatched)',
    ],
    ['a request without a key', 'req-401', () => http.get('/persons/P1/account'), 401, '/persons/:personId/account'],
  ])('%s: its request id back and one access line', async (_case, id, send, status, route) => {
    const res = await send().set('x-request-id', id);
    expect(res.status).toBe(status);
    expect(res.headers['x-request-id']).toBe(id);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.access().filter((l) => l.requestId === id)).toEqual([
      expect.objectContaining({ status, route, latencyMs: expect.any(Number) }),
    ]);
  });

  it('a request without x-request-id: the id Fastify gave it, in the header and in the line', async () => {
    const res = await http.get('/health/live');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.access().filter((l) => l.requestId === id)).toHaveLength(1);
  });
});
