/**
 * A log whose pages are damaged (a disk, a hand edit): SQLite answers "database disk image is
 * malformed" and names no file.
 * - Where the service reads at start (the index of streams, read for the policy archive's
 *   stream): `npm start` stops in one line naming the damaged file, what quick_check found,
 *   and what to do (restore from a backup: nothing rebuilds the log), without a stack trace
 *   and without writing to the file. Before, Nest printed the bare SQLite error with its
 *   stack and exited.
 * - Where only some streams are: the service starts and serves the others; /health is 503
 *   degraded, naming the log's file as damaged (`logFile`) and the chain check as failing,
 *   /health/ready lists both, `ledger_store_file_damaged` is 1. Before, /health said `ok` with
 *   the chain check 'verifying' forever.
 * - Met by the read side rebuilding from the log: it stops saying the log's file is damaged
 *   and what to do (before, only SQLite's words: an operator who moved the read models aside
 *   as for a damaged read models' file got the same fault again).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOG_FILE_ADVICE } from '../../src/event-store/errors';
import { damageMiddleLeafOfEvents } from '../support/damaged-pages';
import { nanyangEmployee } from '../support/fixtures';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';

const ROOT = path.resolve(__dirname, '../..');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'damaged-log-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Overwrites the root page of the index `name` with bytes SQLite cannot read as a b-tree page (the file closed, its WAL folded in). */
function damageIndex(file: string, name: string): void {
  const db = new Database(file);
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

it('npm start on a log with a damaged page: one line naming the file, the finding and the advice; the file left as it was', async () => {
  const h = await startLedger({ dir });
  try {
    await registerInstitutions(h);
    expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('PA'))).status).toBe(201);
  } finally {
    await h.close();
  }
  const log = path.join(dir, 'ledger.db');
  // The unique index on (stream_id, revision): every read of a stream goes through it.
  const db = new Database(log, { readonly: true });
  const streamIndex = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NULL ORDER BY name LIMIT 1")
    .pluck()
    .get() as string;
  db.close();
  damageIndex(log, streamIndex);
  const before = sha256(log);

  const run = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(ROOT, 'src/main.ts')], {
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      PORT: '39872',
      LOG_LEVEL: 'log',
      LEDGER_DB: log,
      LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
    },
    cwd: dir,
    encoding: 'utf8',
    timeout: 90_000,
  });

  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines).toEqual([
    expect.stringMatching(
      new RegExp(`^cannot start: the ledger's log ${escape(log)} is damaged \\(PRAGMA quick_check: .*${streamIndex}.*\\); `),
    ),
  ]);
  expect(lines[0].endsWith(LOG_FILE_ADVICE)).toBe(true);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(sha256(log)).toBe(before);
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** /health's `logFile` once SQLite found the log's file damaged. */
const DAMAGED_LOG_FILE = {
  state: 'damaged',
  since: expect.any(String),
  lastError: 'database disk image is malformed',
  errors: expect.any(Number),
  advice: LOG_FILE_ADVICE,
};

const visit = (settlementId: string, day: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: `2023-06-${day}T09:00:00+08:00`,
  medType: 'ordinary',
  lines: [{ code: 'A01', amount: '300.00', inCatalogue: true }],
  account: { source: 'none' },
});
const settle = (h: LedgerHarness, personId: string, settlementId: string, day: string) =>
  h.http.post(`/persons/${personId}/visits`).set('x-api-key', h.keys.institution('NY-L2')).send(visit(settlementId, day));
const PERSONS = Array.from({ length: 40 }, (_, i) => `P${i}`);

/** A ledger of PERSONS enrolled and settled once each, closed, then the middle of its log damaged: its directory. */
async function settledThenDamaged(prefix: string, env: Record<string, string> = {}): Promise<string> {
  const ledgerDir = fs.mkdtempSync(path.join(dir, prefix));
  const h = await startLedger({ dir: ledgerDir, env });
  try {
    await registerInstitutions(h);
    for (const p of PERSONS)
      expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee(p))).status).toBe(201);
    for (const p of PERSONS) expect((await settle(h, p, `S1-${p}`, '01')).status).toBe(201);
  } finally {
    await h.close();
  }
  damageMiddleLeafOfEvents(path.join(ledgerDir, 'ledger.db'));
  return ledgerDir;
}

describe.each([
  ['on the thread serving HTTP', '1000000'],
  ['on a thread of its own', '1'],
])('a running service over a log with a damaged page, the chain checked %s', (_where, verifyThreadFrom) => {
  const env = { LEDGER_VERIFY_AT_START: 'full', LEDGER_VERIFY_THREAD_FROM: verifyThreadFrom };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  // The seal configuration is read from the process's environment when the service starts.
  beforeAll(() => Object.assign(process.env, env));
  afterAll(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it("its settlements on the damaged page are 500 STORE_FILE_DAMAGED, the others land; /health, /health/ready and /metrics say the log's file is damaged and the chain check cannot run", async () => {
    const ledgerDir = await settledThenDamaged('running-');
    const h = await startLedger({ dir: ledgerDir });
    try {
      const outcomes = new Map<string, string>();
      for (const p of PERSONS) {
        const res = await settle(h, p, `S2-${p}`, '02');
        outcomes.set(p, res.status === 201 ? 'settled' : `${res.status} ${res.body.code}`);
      }
      const refused = [...outcomes].filter(([, o]) => o !== 'settled');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.length).toBeLessThan(PERSONS.length);
      expect(new Set(refused.map(([, o]) => o))).toEqual(new Set(['500 STORE_FILE_DAMAGED']));

      let health = await h.http.get('/health');
      for (const deadline = Date.now() + 20_000; health.body.chain?.state === 'verifying' && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 100));
        health = await h.http.get('/health');
      }
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('degraded');
      expect(health.body.logFile).toEqual(DAMAGED_LOG_FILE);
      expect(health.body.logFile.errors).toBeGreaterThanOrEqual(refused.length);
      expect(health.body.chain).toEqual(
        expect.objectContaining({
          state: 'failing',
          failure: {
            since: expect.any(String),
            error: 'database disk image is malformed (a damaged file: PRAGMA quick_check on LEDGER_DB and LEDGER_READ_DB says which)',
          },
        }),
      );
      const ready = await h.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.reasons).toEqual(
        expect.arrayContaining([
          `the log's file is damaged (database disk image is malformed): ${LOG_FILE_ADVICE}`,
          expect.stringMatching(/^hash chain check cannot run: database disk image is malformed/),
        ]),
      );
      expect(ready.body.reasons).not.toContain('read side stopped');
      const metrics = await h.http.get('/metrics').set('x-api-key', h.keys.agency);
      expect(metrics.text).toMatch(/^ledger_store_file_damaged 1$/m);
      expect(metrics.text).toMatch(/^ledger_chain_state\{state="failing"\} 1$/m);
      expect(metrics.text).toMatch(/^ledger_chain_state\{state="verifying"\} 0$/m);
    } finally {
      await h.close();
    }
  });
});

it("read models rebuilt over a log with a damaged page (npm start's read-side worker): the read side stops saying the log's file is damaged and what to do; /health, /health/ready and /metrics name the log's file", async () => {
  const env = { LEDGER_READ_SIDE: 'worker' };
  const ledgerDir = await settledThenDamaged('rebuild-', env);
  // The read models moved aside, as the advice for a damaged read models' file says: they are rebuilt from the log, which is damaged.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(ledgerDir, `ledger.read.db${suffix}`), { force: true });

  const h = await startLedger({ dir: ledgerDir, env });
  try {
    let health = await h.http.get('/health');
    for (const deadline = Date.now() + 20_000; health.body.projections?.error === undefined && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      health = await h.http.get('/health');
    }
    expect(health.status).toBe(503);
    expect(health.body.projections).toEqual(
      expect.objectContaining({
        running: false,
        error: `database disk image is malformed: the ledger's log is damaged; ${LOG_FILE_ADVICE}`,
      }),
    );
    // Here the service's own start reads meet the damage too; the worker's reads alone are test/read-side-worker/worker-host.spec.ts.
    expect(health.body.logFile).toEqual(DAMAGED_LOG_FILE);
    const ready = await h.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toContain(`the log's file is damaged (database disk image is malformed): ${LOG_FILE_ADVICE}`);
    const metrics = await h.http.get('/metrics').set('x-api-key', h.keys.agency);
    expect(metrics.text).toMatch(/^ledger_store_file_damaged 1$/m);
  } finally {
    await h.close();
  }
});
