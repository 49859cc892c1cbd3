import { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { ApiKeyRing, issueKey, readKeyFile } from '../../src/auth/api-keys';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { EventStore } from '../../src/event-store/event-store.port';
import { EVENT_STORE } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { Clock } from '../../src/kernel/clock';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current: string) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = iso;
  }
}

export interface LedgerHarness {
  app: INestApplication;
  http: ReturnType<typeof request>;
  store: EventStore;
  clock: TestClock;
  keys: { agency: string; auditor: string; institution: (code: string) => string };
  dir: string;
  close(): Promise<void>;
}

/** The real service on a fresh embedded store in a temp directory, with keys for every role. */
export async function startLedger(
  options: { now?: string; env?: Record<string, string>; wrapStore?: (store: EventStore) => EventStore; dir?: string } = {},
): Promise<LedgerHarness> {
  // A given directory is the caller's (a restart on the same files): close() leaves it.
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-e2e-'));
  const config = loadConfig({
    LEDGER_DB: path.join(dir, 'ledger.db'),
    LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
    LOG_LEVEL: 'error',
    // In process, the suites keep the read side on this thread (settled() and app.get() on the runner itself);
    // test/read-side-worker/ and the child-process suites (test/crash, test/ops-multi) run the worker, as npm start does.
    LEDGER_READ_SIDE: 'inline',
    // Every request of these suites validated both ways: the success path must agree with class-validator.
    LEDGER_VALIDATION_CROSS_CHECK: 'on',
    ...options.env,
  });
  const now = new Date(options.now ?? '2023-06-30T12:00:00+08:00');
  const agency = issueKey(config.apiKeysFile, 'agency', now).key;
  const auditor = issueKey(config.apiKeysFile, 'auditor', now).key;
  const institutionKeys = new Map<string, string>();
  for (const code of ['NY-L1', 'NY-L2', 'NY-L3', 'AY-TWN', 'AY-CTY', 'JZ-L2'])
    institutionKeys.set(code, issueKey(config.apiKeysFile, 'institution', now, code).key);
  const clock = new TestClock(now.toISOString());
  const store = options.wrapStore ? options.wrapStore(new SqliteEventStore({ path: config.ledgerDb })) : undefined;
  const app = await createApp(config, { clock, keys: new ApiKeyRing(readKeyFile(config.apiKeysFile)), ...(store ? { store } : {}) });
  // A real loopback listener: supertest's listen-per-request resets under 50 concurrent calls.
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    http: request(url.replace('[::1]', '127.0.0.1')),
    store: app.get(EVENT_STORE),
    clock,
    keys: { agency, auditor, institution: (code) => institutionKeys.get(code)! },
    dir,
    async close() {
      await app.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const INSTITUTIONS = [
  {
    code: 'NY-L1',
    name: '南阳市某社区卫生服务中心',
    category: 'community_health_centre',
    level: 'level1',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  },
  {
    code: 'NY-L2',
    name: '南阳市某二级医院',
    category: 'other_specialty',
    level: 'level2',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  },
  {
    code: 'NY-L3',
    name: '南阳市某三级医院',
    category: 'city_level3_general',
    level: 'level3',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  },
  {
    code: 'AY-TWN',
    name: '安阳县某乡镇卫生院',
    category: 'township_health_centre',
    level: 'township',
    location: 'township',
    region: 'anyang',
    designations: ['resident'],
  },
  {
    code: 'AY-CTY',
    name: '安阳县人民医院',
    category: 'county_general',
    level: 'level2',
    location: 'county',
    region: 'anyang',
    designations: ['resident'],
  },
];

export async function registerInstitutions(h: LedgerHarness, list = INSTITUTIONS): Promise<void> {
  for (const body of list) {
    const res = await h.http.post('/institutions').set('x-api-key', h.keys.agency).send(body);
    if (res.status !== 201) throw new Error(`registering ${body.code}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
