/**
 * npm run bench:http — Express vs Fastify on the same endpoints of the same service, in
 * one run. Express is the baseline: Fastify's figures are printed as a ratio to it.
 * Endpoints: GET /persons/:id (fold one stream of 50 events) and POST pre-settlement
 * (adjudicate, nothing written). Loopback only, bounded duration.
 */
import autocannon from 'autocannon';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiKeyRing, issueKey, readKeyFile } from '../src/auth/api-keys';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { benchInstitution } from './bench-fixtures';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function run(adapter: 'express' | 'fastify') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-http-${adapter}-`));
  const config = loadConfig({
    LEDGER_DB: path.join(dir, 'l.db'),
    LEDGER_API_KEYS_FILE: path.join(dir, 'k.json'),
    LOG_LEVEL: 'error',
    LEDGER_HTTP_ADAPTER: adapter,
  });
  const key = issueKey(config.apiKeysFile, 'agency', new Date()).key;
  const app = await createApp(config, { keys: new ApiKeyRing(readKeyFile(config.apiKeysFile)) });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const post = (p: string, body: unknown) => fetch(base + p, { method: 'POST', headers, body: JSON.stringify(body) });
  await post('/institutions', benchInstitution());
  await post('/persons', {
    personId: 'P1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
  });
  const visit = (i: number) => ({
    settlementId: `S${i}`,
    visitId: `V${i}`,
    institutionCode: 'NY-L2',
    occurredAt: `2023-03-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00+08:00`,
    medType: 'ordinary',
    lines: [{ code: 'A', amount: '80.00', inCatalogue: true }],
  });
  for (let i = 0; i < 49; i++) await post('/persons/P1/visits', visit(i));
  const measure = async (opts: autocannon.Options) => (await autocannon({ connections: 10, duration: SECONDS, ...opts })).requests.average;
  const get = await measure({ url: `${base}/persons/P1`, headers });
  const pre = await measure({ url: `${base}/persons/P1/visits/pre-settlement`, method: 'POST', headers, body: JSON.stringify(visit(999)) });
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { get, pre };
}

async function main() {
  const express = await run('express');
  const fastify = await run('fastify');
  const row = (name: string, e: number, f: number) =>
    `${name.padEnd(34)} ${e.toFixed(0).padStart(8)} ${f.toFixed(0).padStart(9)} ${(f / e).toFixed(2).padStart(7)}`;
  console.log(`HTTP adapters, ${SECONDS}s per endpoint, 10 connections (requests/s; ratio = fastify / express baseline)`);
  console.log(`${'endpoint'.padEnd(34)} ${'express'.padStart(8)} ${'fastify'.padStart(9)} ${'ratio'.padStart(7)}`);
  console.log(row('GET /persons/P1 (50 events)', express.get, fastify.get));
  console.log(row('POST pre-settlement', express.pre, fastify.pre));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
