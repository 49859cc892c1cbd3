/**
 * Structured logs and /metrics over a real settlement flow (issue 13 items 1 and 2), on both
 * HTTP adapters: one JSON access line per request, request id in and out, no key and no
 * identity number anywhere in the log; the scrape counts requests, settlements and refusals.
 */
import { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { ApiKeyRing, issueKey, readKeyFile } from '../../src/auth/api-keys';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { TestClock, INSTITUTIONS } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

/** An ID-card-like number (18 characters) used as the person id: it travels in URLs and bodies. */
const ID_NUMBER = '41130219800101123X';

class Capture {
  readonly lines: string[] = [];
  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter(Boolean));
  }
  json(): Array<Record<string, any>> {
    return this.lines.map((l) => JSON.parse(l));
  }
}

async function start(adapter: 'fastify' | 'express', env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-logs-'));
  const config = loadConfig({
    LEDGER_DB: path.join(dir, 'ledger.db'),
    LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
    LOG_LEVEL: 'log',
    LEDGER_HTTP_ADAPTER: adapter,
    ...env,
  });
  const now = new Date('2023-06-30T12:00:00+08:00');
  const agency = issueKey(config.apiKeysFile, 'agency', now).key;
  const auditor = issueKey(config.apiKeysFile, 'auditor', now).key;
  const institution = issueKey(config.apiKeysFile, 'institution', now, 'NY-L2').key;
  const logs = new Capture();
  const app: INestApplication = await createApp(
    config,
    { clock: new TestClock(now.toISOString()), keys: new ApiKeyRing(readKeyFile(config.apiKeysFile)) },
    { logStream: logs },
  );
  await app.listen(0, '127.0.0.1');
  const http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
  return {
    http,
    logs,
    keys: { agency, auditor, institution },
    async close() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const visit = (settlementId: string, amount: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: '2023-03-01T09:00:00+08:00',
  settledAt: '2023-03-01T09:00:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount, inCatalogue: true, category: 'consultation' }],
});

describe.each(['fastify', 'express'] as const)('logs and metrics on %s', (adapter) => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start(adapter);
    for (const body of INSTITUTIONS)
      expect((await s.http.post('/institutions').set('x-api-key', s.keys.agency).send(body)).status).toBe(201);
    const enrol = nanyangEmployee(ID_NUMBER);
    expect((await s.http.post('/persons').set('x-api-key', s.keys.agency).send(enrol)).status).toBe(201);
    const settled = await s.http
      .post(`/persons/${ID_NUMBER}/visits`)
      .set('x-api-key', s.keys.institution)
      .set('x-request-id', 'req-settle-1')
      .set('Idempotency-Key', 'settle-key-1')
      .send(visit('S1', '120.00'));
    expect([settled.status, settled.body.message]).toEqual([201, undefined]);
    expect(settled.headers['x-request-id']).toBe('req-settle-1');
    // Settling the same visit id again is refused with a reason code (422).
    const refused = await s.http
      .post(`/persons/${ID_NUMBER}/visits`)
      .set('x-api-key', s.keys.agency)
      .set('Idempotency-Key', 'settle-key-2')
      .send({ ...visit('S2', '30.00'), visitId: 'V-S1' });
    expect(refused.status).toBe(422);
    (s as any).refusedCode = refused.body.code;
    expect((await s.http.get(`/persons/${ID_NUMBER}/account`).set('authorization', `Bearer ${s.keys.auditor}`)).status).toBeLessThan(500);
    expect((await s.http.get('/persons/x/account').set('x-api-key', 'lk_nope_nope')).status).toBe(401);
  }, 120_000);
  afterAll(() => s.close());

  it('one JSON access line per request: method, route pattern, status, latency, request id, role, institution', () => {
    const access = s.logs.json().filter((l) => l.msg === 'request' || l.msg === 'request failed');
    expect(access).toHaveLength(INSTITUTIONS.length + 5);
    const settle = access.find((l) => l.requestId === 'req-settle-1')!;
    expect(settle).toEqual(
      expect.objectContaining({
        level: 30,
        method: 'POST',
        route: '/persons/:personId/visits',
        status: 201,
        role: 'institution',
        institution: 'NY-L2',
        latencyMs: expect.any(Number),
      }),
    );
    const refused = access.find((l) => l.status === 422)!;
    expect(refused).toEqual(expect.objectContaining({ route: '/persons/:personId/visits', role: 'agency', code: (s as any).refusedCode }));
    expect(refused.requestId).toMatch(/^[0-9a-f-]{36}$/); // generated when the caller gave none
    expect(access.find((l) => l.status === 401)).toEqual(expect.objectContaining({ route: '/persons/:personId/account', method: 'GET' }));
  });

  it('never an API key, a key hash or the identity number in the logs', () => {
    const text = s.logs.lines.join('\n');
    expect(text.length).toBeGreaterThan(0);
    for (const key of Object.values(s.keys)) {
      expect(text).not.toContain(key);
      // The whole secret: base64url may hold '_', so split('_')[2] can be a one-letter piece.
      expect(text).not.toContain(key.split('_').slice(2).join('_'));
    }
    expect(text).not.toContain('lk_nope_nope');
    expect(text).not.toContain(ID_NUMBER);
    expect(text).not.toContain(ID_NUMBER.slice(0, 14)); // not even a prefix of it
  });

  it('/metrics counts requests by route and status, settlements by outcome, refusals by code, and reads the store, caches and read side', async () => {
    const res = await s.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = res.text;
    expect(text).toMatch(
      /^ledger_http_request_duration_seconds_count\{method="POST",route="\/persons\/:personId\/visits",status="201"\} 1$/m,
    );
    expect(text).toMatch(/^ledger_http_request_duration_seconds_count\{method="POST",route="\/institutions",status="201"\} 5$/m);
    expect(text).toMatch(/^ledger_settlements_total\{outcome="settled"\} 1$/m);
    expect(text).toMatch(/^ledger_settlements_total\{outcome="refused"\} 1$/m);
    expect(text).toContain(`ledger_settlement_refusals_total{code="${(s as any).refusedCode}"} 1`);
    expect(text).toMatch(/^ledger_store_append_duration_seconds_count \d+$/m);
    expect(Number(/^ledger_store_events_total (\d+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(7);
    expect(text).toMatch(/^ledger_store_group_size\{stat="largest"\} [1-9]\d*$/m);
    expect(text).toMatch(/^ledger_store_writes_failing 0$/m);
    expect(text).toMatch(/^ledger_store_file_damaged 0$/m);
    expect(text).toMatch(/^ledger_chain_state\{state="broken"\} 0$/m);
    expect(text).toMatch(/^ledger_chain_state\{state="failing"\} 0$/m);
    expect(text).toMatch(/^ledger_cache_hit_ratio\{cache="person"\} [\d.]+$/m);
    expect(text).toMatch(/^ledger_cache_hit_ratio\{cache="institution"\} [\d.]+$/m);
    expect(text).toMatch(/^ledger_cache_tail_reads\{cache="person"\} \d+$/m);
    expect(text).toMatch(/^ledger_projection_lag_events \d+$/m);
    expect(text).toMatch(/^ledger_projection_state\{projection="[^"]+",state="running"\} 1$/m);
    expect(text).toMatch(/^ledger_alert_outbox_pending \d+$/m);
    expect(text).not.toContain(ID_NUMBER);
  });
});

describe('LEDGER_METRICS_PUBLIC=false', () => {
  it('/metrics needs an agency or auditor key', async () => {
    const s = await start('fastify', { LEDGER_METRICS_PUBLIC: 'false' });
    try {
      expect((await s.http.get('/metrics')).status).toBe(401);
      expect((await s.http.get('/metrics').set('x-api-key', s.keys.institution)).status).toBe(403);
      expect((await s.http.get('/metrics').set('x-api-key', s.keys.auditor)).status).toBe(200);
    } finally {
      await s.close();
    }
  }, 60_000);
});
