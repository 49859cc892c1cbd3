/**
 * The example consumer (examples/institution-totals.mjs) against the real service: killed
 * with SIGKILL mid-stream, restarted, and its totals per institution equal the ledger's own
 * read model (fund due by institution and month). Issue 12 item 3.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { LedgerHarness, startLedger } from '../support/ledger-app';
import { employee, post, seedFeedLedger, settleVisits } from './feed-fixture';

const SCRIPT = path.join(__dirname, '../../examples/institution-totals.mjs');

let h: LedgerHarness;
let base: string;
beforeAll(async () => {
  h = await startLedger();
  base = (await h.app.getUrl()).replace('[::1]', '127.0.0.1');
  await seedFeedLedger(h);
  for (const id of ['F3', 'F4']) {
    await post(h, '/persons', employee(id));
    await settleVisits(h, id, 12);
  }
  await post(h, '/persons/F3/settlements/S-F3-5/reversal', { reason: 'charged twice' });
});
afterAll(() => h.close());

function consumer(statePath: string, extra: string[]): ChildProcess {
  return spawn(process.execPath, [SCRIPT, '--state', statePath, ...extra], {
    env: { ...process.env, LEDGER_URL: base, LEDGER_KEY: h.keys.auditor },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const readState = (file: string): { position: number; totals: Record<string, string> } | undefined =>
  fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;

async function waitFor<T>(check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function readModelFund(code: string): Promise<string> {
  await h.app.get(PROJECTION_RUNNER).caughtUp();
  const res = await h.http.get(`/read/institutions/${code}/months/2023-06/totals`).set('x-api-key', h.keys.agency);
  expect(res.status).toBe(200);
  return res.body.result.fundDue;
}

it('killed mid-stream and restarted, it ends with the read model’s totals', async () => {
  const statePath = path.join(h.dir, 'totals.json');
  const head = await h.store.headPosition();
  const first = consumer(statePath, ['--limit', '3', '--page-delay-ms', '150']);
  const exited = finished(first);
  const midway = await waitFor(() => {
    const s = readState(statePath);
    return s && s.position > 0 ? s : undefined;
  });
  first.kill('SIGKILL');
  await exited;
  const atKill = readState(statePath)!;
  expect(atKill.position).toBeGreaterThanOrEqual(midway.position);
  expect(atKill.position).toBeLessThan(head);

  // The ledger moves on while the consumer is down, including a reversal of an early settlement.
  await settleVisits(h, 'F4', 4, 20);
  await post(h, '/persons/F4/settlements/S-F4-1/reversal', { reason: 'wrong patient' });

  const second = finished(consumer(statePath, ['--until-caught-up', '--limit', '7']));
  const { code, stdout, stderr } = await second;
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const totals = JSON.parse(stdout).totals;
  expect(totals['NY-L1']).toBe(await readModelFund('NY-L1'));
  expect(totals['NY-L2']).toBe(await readModelFund('NY-L2'));
  expect(readState(statePath)!.position).toBe(await h.store.headPosition());
});

it('a state file never holds half a write: only whole snapshots are renamed into place', async () => {
  const statePath = path.join(h.dir, 'totals-2.json');
  const child = consumer(statePath, ['--limit', '1', '--page-delay-ms', '5']);
  const exited = finished(child);
  const seen = new Set<number>();
  await waitFor(() => {
    const s = readState(statePath); // throws on a torn file
    if (s) seen.add(s.position);
    return seen.size >= 5 ? true : undefined;
  });
  child.kill('SIGKILL');
  await exited;
  expect(readState(statePath)).toBeDefined();
});
