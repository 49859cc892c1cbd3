/**
 * Issue 10 item 2: the live read side (every projection and the monitor) in a worker thread,
 * off the HTTP event loop (LEDGER_READ_SIDE=worker, the default of `npm start` on a file).
 * Through the real service: settlements over HTTP reach the read models, which answer as a
 * replay of the stream; /health shows each projection; a poison event faults one projection,
 * reported degraded with its position while the others go on; an alert is appended exactly
 * once; a restart resumes from the committed checkpoints; a dead worker is reported and
 * restarted by itself.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sealBatch } from '../../src/audit/tamper-chain';
import type { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { MONITORING_RUNNER } from '../../src/monitoring/monitoring.tokens';
import type { ReadSide } from '../../src/projections/read-side';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { WorkerReadSide } from '../../src/projections/worker/worker-read-side';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

jest.setTimeout(120_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-worker-'));
const eventsFile = path.join(dir, 'ledger.db');
const readFile = path.join(dir, 'ledger.read.db');
let h: LedgerHarness;

const start = () => startLedger({ dir, env: { LEDGER_READ_SIDE: 'worker' } });
const readSide = () => h.app.get<ReadSide>(PROJECTION_RUNNER);
const post = (url: string, body: object) => h.http.post(url).set('x-api-key', h.keys.agency).send(body);
const get = (url: string) => h.http.get(url).set('x-api-key', h.keys.agency);

const visit = (settlementId: string, institutionCode: string, occurredAt: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode,
  occurredAt,
  settledAt: occurredAt,
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount: '120.00', inCatalogue: true, category: 'consultation' }],
});

/** Rows of a read-model query on the read models' file (read-only, beside the running worker). */
function readModels<T>(sql: string): T[] {
  const db = new Database(readFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
const checkpoints = () =>
  Object.fromEntries(
    readModels<{ name: string; position: number }>('SELECT name, position FROM rm_checkpoint').map((r) => [r.name, r.position]),
  );

/** The two answers differ only in how they say what they were read as of. */
function stripAsOf(view: Record<string, unknown>): Record<string, unknown> {
  const { asOf: _a, source: _s, throughPosition: _t, ...rest } = view;
  return rest;
}

async function eventually(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let poison: number;

beforeAll(async () => {
  h = await start();
  await registerInstitutions(h);
  for (const id of ['M1', 'P2', 'R1']) expect((await post('/persons', nanyangEmployee(id))).status).toBe(201);
  // Visits at three institutions on one day: one monitoring alert (institutionsOnOneDay).
  for (const [i, code] of ['NY-L1', 'NY-L2', 'NY-L3'].entries())
    expect((await post('/persons/M1/visits', visit(`S-M1-${i}`, code, `2023-03-06T1${i}:00:00+08:00`))).status).toBe(201);
});
afterAll(async () => {
  await h?.close().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the read side in a worker thread', () => {
  it('runs in a worker, with the read models in a file of their own (none in the events file)', async () => {
    expect(readSide()).toBeInstanceOf(WorkerReadSide);
    await readSide().settled();
    expect(fs.existsSync(readFile)).toBe(true);
    const events = new Database(eventsFile, { readonly: true });
    try {
      expect(events.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'rm_%' OR name LIKE 'mon_%'").all()).toEqual([]);
    } finally {
      events.close();
    }
  });

  it('settlements over HTTP reach the read models, which answer as a fold of the stream', async () => {
    await readSide().settled();
    const head = await h.store.headPosition();
    const projected = await get('/persons/M1/years/2023');
    expect(projected.status).toBe(200);
    expect(projected.body).toEqual(expect.objectContaining({ source: 'projection', throughPosition: head }));
    expect(projected.body.result.visits ?? projected.body.result).toBeDefined();
    const folded = await get(`/persons/M1/years/2023?asOf=${head}`);
    expect(stripAsOf(projected.body)).toEqual(stripAsOf(folded.body));
    expect((await get('/persons/M1/settlements')).body.items).toHaveLength(3);
  });

  it('/health: ok, every projection running at the head, lag 0', async () => {
    await readSide().settled();
    const health = await h.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.projections).toEqual(expect.objectContaining({ lag: 0, running: true, mode: 'worker' }));
    expect(health.body.readModels.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
      ['persons', 'running'],
      ['accounts', 'running'],
      ['institution-months', 'running'],
      ['institutions', 'running'],
      ['disputes', 'running'],
      ['monitoring', 'running'],
    ]);
  });

  it('the monitor appends its alert exactly once, through the worker', async () => {
    await h.app.get<MonitoringRunner>(MONITORING_RUNNER).caughtUp();
    expect((await h.store.readStream('alerts-person-M1')).map((e) => e.type)).toEqual(['PersonFlagged']);
    const alerts = await get('/monitoring/alerts?person=M1');
    expect(alerts.body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['person-M1:institutionsOnOneDay:2023-03-06..2023-03-06']);
    expect((await get('/monitoring/status')).body).toEqual(expect.objectContaining({ lag: 0, pendingAlerts: 0, running: true }));
  });

  it("the issue's request (a retirement processed on 9999-12-31) is refused with a 400 and writes nothing", async () => {
    const head = await h.store.headPosition();
    const res = await post('/persons/R1/retirement', { processedOn: '9999-12-31' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('processedOn');
    expect(await h.store.headPosition()).toBe(head);
  });

  // What such a request used to store is now refused, so the poison is an event no projection can read, appended through the port.
  it('a poison event faults one projection, reported degraded (503) with its position; the others go on', async () => {
    const [last] = await h.store.readStream('person-R1', { direction: 'backwards', maxCount: 1 });
    const sealed = sealBatch(
      'person-R1',
      [
        {
          id: '00000000-0000-4000-8999-000000000002',
          type: 'RetiredStatusChanged',
          data: null,
          metadata: { schemaVersion: 1, recordedAt: '2023-03-07T09:00:00+08:00' },
        },
      ],
      last,
    );
    poison = (await h.store.append('person-R1', sealed, last.revision)).position;
    expect((await post('/persons/P2/visits', visit('S-P2-1', 'NY-L1', '2023-03-08T10:00:00+08:00'))).status).toBe(201);
    await readSide().settled();
    const head = await h.store.headPosition();
    const health = await h.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual(
      expect.objectContaining({
        status: 'degraded',
        faulted: [
          expect.objectContaining({ projection: 'persons', position: poison, eventType: 'RetiredStatusChanged', streamId: 'person-R1' }),
        ],
      }),
    );
    const states = Object.fromEntries(
      health.body.readModels.map((s: { name: string; state: string; checkpoint: number }) => [s.name, [s.state, s.checkpoint]]),
    );
    expect(states).toEqual({
      persons: ['faulted', poison - 1],
      accounts: ['running', head],
      'institution-months': ['running', head],
      institutions: ['running', head],
      disputes: ['running', head],
      monitoring: ['running', head],
    });
    await expect(readSide().caughtUp()).rejects.toThrow(/projection persons faulted at position/);
    // /metrics reads the same report.
    const metrics = (await h.http.get('/metrics')).text;
    expect(metrics).toMatch(/^ledger_projection_state\{projection="persons",state="faulted"\} 1$/m);
    expect(metrics).toContain(`ledger_projection_checkpoint{projection="persons"} ${poison - 1}`);
  });

  it('after a restart it resumes from the committed checkpoints: persons faulted at the same event, the alert not appended again', async () => {
    await readSide().settled();
    const before = checkpoints();
    await h.close();
    // Spoil a row the restart has no reason to touch: resuming from the checkpoints leaves it, a replay from zero would not.
    const db = new Database(readFile);
    db.prepare("UPDATE rm_institution SET region = 'spoiled' WHERE code = 'AY-TWN'").run();
    db.close();
    h = await start();
    await readSide().settled();
    expect(checkpoints()).toEqual(before);
    expect(readSide().faultList()).toEqual([expect.objectContaining({ projection: 'persons', position: poison })]);
    expect(readModels<{ region: string }>("SELECT region FROM rm_institution WHERE code = 'AY-TWN'")).toEqual([{ region: 'spoiled' }]);
    expect((await post('/persons/P2/visits', visit('S-P2-2', 'NY-L1', '2023-03-09T10:00:00+08:00'))).status).toBe(201);
    await readSide().settled();
    const head = await h.store.headPosition();
    expect(checkpoints()).toEqual({
      ...before,
      accounts: head,
      'institution-months': head,
      institutions: head,
      disputes: head,
      monitoring: head,
    });
    expect((await h.store.readStream('alerts-person-M1')).map((e) => e.type)).toEqual(['PersonFlagged']);
  });

  it('a dead worker is reported (503, read side stopped) and restarted with backoff; it resumes by itself', async () => {
    const host = readSide() as WorkerReadSide;
    await (host as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const down = await h.http.get('/health');
    expect(down.status).toBe(503);
    expect(down.body.projections).toEqual(
      expect.objectContaining({ running: false, error: expect.stringMatching(/read-side worker exited/) }),
    );
    // Writes never wait on the read side.
    expect((await post('/persons/P2/visits', visit('S-P2-3', 'NY-L1', '2023-03-10T10:00:00+08:00'))).status).toBe(201);
    await eventually(async () => host.running);
    await host.settled();
    const head = await h.store.headPosition();
    const health = await h.http.get('/health');
    // Still degraded: persons stays faulted at the poison event; the restarted worker runs the others to the head.
    expect(health.body.projections).toEqual(expect.objectContaining({ running: true }));
    expect(health.body.projections.error).toBeUndefined();
    expect(checkpoints().accounts).toBe(head);
  });
});
