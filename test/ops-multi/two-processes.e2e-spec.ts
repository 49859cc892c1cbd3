/**
 * Issue 13 item 8: the ledger scales out by running more service processes on one store.
 * Two real child processes share a store (one SQLite file; or the EventStoreDB gRPC test
 * double, which runs in this test process, with each service keeping its read models in a
 * SQLite file of its own). 50 concurrent settlements for ONE person, crossing the yearly
 * cap, alternate between the two: the fund never pays past the cap, every settlement is
 * written exactly once, and both read sides converge on the same read models.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Decimal from 'decimal.js';
import { issueKey } from '../../src/auth/api-keys';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { INSTITUTIONS } from '../support/ledger-app';
import { buildService, client, RunningService, startService } from '../crash/support/service';
import { visitBody } from '../crash/support/crash-load';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';
import { nanyangEmployee } from '../support/fixtures';

jest.setTimeout(240_000);

const PERSON = 'MP-CAP';
const SETTLEMENTS = 50;
type Client = ReturnType<typeof client>;

interface Pair {
  services: RunningService[];
  http: Client[];
  /** VisitSettled settlement ids of PERSON as the store holds them. */
  settledIds(): Promise<string[]>;
}

async function startPair(dir: string, env: (i: number) => Record<string, string>): Promise<{ services: RunningService[]; http: Client[] }> {
  const keysFile = path.join(dir, 'keys.json');
  const apiKey = issueKey(keysFile, 'agency', new Date()).key;
  const entry = buildService();
  const services = await Promise.all([0, 1].map((i) => startService(entry, { LEDGER_API_KEYS_FILE: keysFile, ...env(i) })));
  return { services, http: services.map((s) => client(s, apiKey)) };
}

/** Settles, retrying a 409 (another process won the race for the stream) as a client would. */
async function settle(http: Client, n: number): Promise<{ status: number; body: any }> {
  for (;;) {
    const res = await http.post(`/persons/${PERSON}/visits`, visitBody(`MP-${n}`, n, '300.00'), `multi-proc-${n}`);
    if (res.status !== 409) return res;
  }
}

async function scenario(pair: Pair): Promise<void> {
  const [a, b] = pair.http;
  for (const body of INSTITUTIONS) expect((await a.post('/institutions', body)).status).toBe(201);
  // Enrolled through one process, settled through both: B must see A's writes.
  const person = nanyangEmployee(PERSON, { relatives: [] });
  expect((await a.post('/persons', person)).status).toBe(201);

  const answers = await Promise.all(Array.from({ length: SETTLEMENTS }, (_, n) => settle(n % 2 === 0 ? a : b, n)));
  expect(answers.filter((r) => r.status !== 201)).toEqual([]);

  const ids = await pair.settledIds();
  expect(ids.length).toBe(SETTLEMENTS);
  expect(new Set(ids).size).toBe(SETTLEMENTS);

  const fromAnswers = answers.reduce((sum, r) => sum.plus(r.body.amounts?.fund ?? r.body.decision.amounts.fund), new Decimal(0));
  const years = await converged(pair.http);
  const cap = new Decimal(years[0].result.capInForce);
  const paid = new Decimal(years[0].result.fundPaid);
  expect(paid.lte(cap)).toBe(true);
  expect(paid.eq(cap)).toBe(true); // 50 × 148.50 is far past any cap: the last payments are cut to the cap
  expect(fromAnswers.toFixed(2)).toBe(paid.toFixed(2));
  expect(years[1]).toEqual(years[0]);
  // The read models proper (the person-year view above is folded from the stream): each event
  // counted once, even where both processes' read sides write one read models file.
  for (const h of pair.http) {
    const months = await Promise.all(['2023-01', '2023-02'].map((m) => h.get(`/read/institutions/NY-L2/months/${m}/totals`)));
    const totals = months.map((m) => m.body.result);
    expect(totals.reduce((n, t) => n + t.visits, 0)).toBe(SETTLEMENTS);
    expect(totals.reduce((sum, t) => sum.plus(t.fundDue), new Decimal(0)).toFixed(2)).toBe(paid.toFixed(2));
  }

  console.log(
    `two processes: ${SETTLEMENTS} settlements, ${ids.length} written once each, fund paid ${paid.toFixed(2)} of cap ${cap.toFixed(2)}`,
  );
}

/** Waits until both read sides are at the head, then returns each one's view of the year. */
async function converged(http: Client[]): Promise<any[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const healths = await Promise.all(http.map((h) => h.get('/health')));
    const heads = healths.map((h) => h.body.headPosition);
    const atHead = healths.every((h) => h.body.projections?.lag === 0 && h.body.projections?.checkpoint === heads[0]);
    if (atHead) break;
    if (Date.now() > deadline) throw new Error(`read sides not at the head after 30 s: ${JSON.stringify(healths.map((h) => h.body))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const years = await Promise.all(http.map((h) => h.get(`/persons/${PERSON}/years/2023`)));
  for (const y of years) expect(y.status).toBe(200);
  return years.map((y) => strip(y.body));
}

function strip(view: Record<string, unknown>): Record<string, unknown> {
  const { asOf: _a, position: _p, lag: _l, source: _s, throughPosition: _t, ...rest } = view;
  return rest;
}

describe('two service processes on one SQLite file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-multi-sqlite-'));
  const db = path.join(dir, 'ledger.db');
  let services: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('50 settlements for one person at the cap, split across both: never past the cap, each once, same read models', async () => {
    const pair = await startPair(dir, () => ({ LEDGER_DB: db }));
    services = pair.services;
    await scenario({
      ...pair,
      settledIds: async () => {
        const file = new Database(db, { readonly: true });
        try {
          const rows = file
            .prepare("SELECT data FROM events WHERE type = 'VisitSettled' AND stream_id = ?")
            .all(`person-${PERSON}`) as Array<{ data: string }>;
          return rows.map((r) => JSON.parse(r.data).settlementId);
        } finally {
          file.close();
        }
      },
    });
  });
});

describe('two service processes on one EventStoreDB (gRPC test double)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-multi-esdb-'));
  let double: EsdbGrpcTestDouble;
  let services: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill()));
    await double?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('50 settlements for one person at the cap, split across both: never past the cap, each once, same read models', async () => {
    double = await EsdbGrpcTestDouble.start({ systemEventEvery: 5 });
    // Each process keeps its read models in its own SQLite file.
    const pair = await startPair(dir, (i) => ({
      EVENTSTORE_CONNECTION_STRING: double.connectionString,
      LEDGER_DB: path.join(dir, `read-models-${i}.db`),
    }));
    services = pair.services;
    const reader = new EsdbEventStore(double.connectionString);
    try {
      await scenario({
        ...pair,
        settledIds: async () =>
          (await reader.readStream(`person-${PERSON}`))
            .filter((e) => e.type === 'VisitSettled')
            .map((e) => (e.data as { settlementId: string }).settlementId),
      });
    } finally {
      await reader.close();
    }
  });
});
