/**
 * Issue 13 item 10 (follow-up): a readiness 503 is an answer a load balancer polls for, so it
 * is logged as a warning access line, with no error line and no stack, on both adapters.
 */
import { INestApplication } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { createApp } from '../bootstrap';
import { loadConfig } from '../config/config';
import { accessLogLevel } from '../observability/logging';
import type { ReadSideRunner } from '../projections/read-side-runner';
import { PROJECTION_RUNNER } from '../projections/tokens';

const PINO_WARN = 40;
const PINO_ERROR = 50;

describe('access log level by status', () => {
  const res = (statusCode: number) => ({ statusCode }) as ServerResponse;
  const req = {} as IncomingMessage;
  it.each([
    [200, 'info'],
    [422, 'info'],
    [503, 'warn'],
    [500, 'error'],
    [502, 'error'],
  ] as const)('%i is %s', (status, level) => expect(accessLogLevel(req, res(status))).toBe(level));
  it('an error raised while answering is an error whatever the status', () =>
    expect(accessLogLevel(req, res(503), new Error('x'))).toBe('error'));
});

describe.each(['fastify', 'express'] as const)('a readiness 503 on %s', (adapter) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ready-log-'));
  const lines: string[] = [];
  let app: INestApplication;
  beforeAll(async () => {
    const config = loadConfig({
      LEDGER_DB: path.join(dir, 'ledger.db'),
      LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
      LOG_LEVEL: 'log',
      LEDGER_HTTP_ADAPTER: adapter,
    });
    app = await createApp(config, {}, { logStream: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } });
    await app.listen(0, '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with the reasons and logs one warning access line, no error', async () => {
    const http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    // Ready once the read side (a worker thread on a file store) has reported its first catch-up.
    const deadline = Date.now() + 10_000;
    let status = (await http.get('/health/ready')).status;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await http.get('/health/ready')).status;
    }
    expect(status).toBe(200);
    await app.get<ReadSideRunner>(PROJECTION_RUNNER).stop();
    lines.length = 0;
    const notReady = await http.get('/health/ready').set('x-request-id', 'lb-poll-1');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ statusCode: 503, status: 'not_ready' });
    expect(notReady.body.reasons.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100)); // pino's asynchronous writes
    const logged = lines.map((l) => JSON.parse(l) as { level: number; requestId?: string; status?: number });
    expect(logged.find((l) => l.requestId === 'lb-poll-1')).toMatchObject({ level: PINO_WARN, status: 503 });
    expect(logged.filter((l) => l.level >= PINO_ERROR)).toEqual([]);
  });
});
