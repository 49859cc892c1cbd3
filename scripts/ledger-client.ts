/**
 * Boots the ledger in-process (the same Nest application the server runs) with a store,
 * a settable clock, deterministic ids and a fresh agency + auditor key, and talks to it
 * over HTTP with supertest: scripts and tests write through the same commands as the API.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyRing, generateKey, hashKey } from '../src/auth/api-keys';
import { createApp, initApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import type { EventStore } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import type { Clock, IdGenerator } from '../src/kernel/clock';

/** A clock the caller moves (simulated time: recordedAt follows the story being written). */
export class SettableClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(instant: string | Date): void {
    this.current = new Date(instant);
  }
}

/** Deterministic UUID-shaped ids: the same script writes the same event ids. */
export function counterIds(prefix = 0): IdGenerator {
  let n = 0;
  return {
    next: () => {
      n += 1;
      return `00000000-0000-4000-8${String(prefix).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
    },
  };
}

export interface LedgerClient {
  app: INestApplication;
  store: EventStore;
  clock: SettableClock;
  agencyKey: string;
  auditorKey: string;
  /** Server URL when started with `listen` (for a browser). */
  url?: string;
  get(path: string, key?: string): Promise<request.Response>;
  post(path: string, body: unknown, key?: string): Promise<request.Response>;
  /** POST that must succeed (2xx), else throws with the answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the body's shape is the route's; seeds, tests and benches read the fields they asked for
  must(path: string, body: unknown): Promise<any>;
  close(): Promise<void>;
}

export interface LedgerClientOptions {
  /** SQLite file, or ':memory:' (default). */
  path?: string;
  store?: EventStore;
  start?: string;
  /** Listen on 127.0.0.1 (random port) so a browser can load pages. */
  listen?: boolean;
}

export async function startLedger(options: LedgerClientOptions = {}): Promise<LedgerClient> {
  const path = options.path ?? ':memory:';
  const store = options.store ?? new SqliteEventStore({ path, synchronous: 'NORMAL', pollIntervalMs: 50 });
  const clock = new SettableClock(new Date(options.start ?? '2020-01-01T00:00:00+08:00'));
  const agency = generateKey();
  const auditor = generateKey();
  const keys = new ApiKeyRing([
    { keyId: agency.keyId, role: 'agency', sha256: hashKey(agency.key), createdAt: clock.now().toISOString() },
    { keyId: auditor.keyId, role: 'auditor', sha256: hashKey(auditor.key), createdAt: clock.now().toISOString() },
  ]);
  // Inline read side: the monitor's alerts carry this client's settable clock and counter ids (a worker thread has its own).
  const config = { ...loadConfig({ LEDGER_DB: path, LOG_LEVEL: 'error', LEDGER_READ_SIDE: 'inline' }), ledgerDb: path };
  // Events held elsewhere (EventStoreDB): `path` is the read models' own file, as LEDGER_DB is for the service then.
  if (options.store && !(options.store instanceof SqliteEventStore)) config.readModelsDb = path;
  const app = await createApp(config, { store, clock, ids: counterIds(), keys });
  let url: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  } else {
    await initApp(app);
  }
  const server = app.getHttpServer();
  const client: LedgerClient = {
    app,
    store,
    clock,
    agencyKey: agency.key,
    auditorKey: auditor.key,
    url,
    get: (p, key = agency.key) => request(server).get(p).set('x-api-key', key),
    post: (p, body, key = agency.key) =>
      request(server)
        .post(p)
        .set('x-api-key', key)
        .send(body as object),
    async must(p, body) {
      const res = await client.post(p, body);
      if (res.status >= 300) throw new Error(`POST ${p} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await app.close();
    },
  };
  return client;
}
