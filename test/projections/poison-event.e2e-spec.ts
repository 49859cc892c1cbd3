/**
 * Issue 10 item 3. The issue's own example (a retirement "processed" on 9999-12-31, whose
 * effective date 10000-01-01 is no date at all) used to stop every read model forever while
 * /health said ok; the API now refuses that input and the date helpers are total, so it no
 * longer throws anywhere. The poison here is an event no projection can read: a
 * RetiredStatusChanged whose data is null (a buggy or foreign writer), appended straight
 * through the event-store port. Required: that one projection is faulted at that event, the
 * others and monitoring go on, /health is degraded (503) naming it; after a restart it is
 * faulted at the same position (never skipped); projections:rebuild rebuilds the others and
 * exits non-zero naming it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { rebuildFile, rebuildReport } from '../../scripts/projections-rebuild';
import { sealBatch } from '../../src/audit/tamper-chain';
import Database from 'better-sqlite3';
import { readModelsFileOf } from '../../src/config/config';
import type { ReadSideRunner } from '../../src/projections/read-side-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { INSTITUTIONS } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

const visit = (settlementId: string, occurredAt: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L1',
  occurredAt,
  settledAt: occurredAt,
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount: '120.00', inCatalogue: true, category: 'consultation' }],
});

const checkpoints = (file: string): Record<string, number> => {
  const db = new Database(readModelsFileOf(file), { readonly: true });
  try {
    return Object.fromEntries(
      (db.prepare('SELECT name, position FROM rm_checkpoint').all() as Array<{ name: string; position: number }>).map((r) => [
        r.name,
        r.position,
      ]),
    );
  } finally {
    db.close();
  }
};

describe('a poison event faults one projection, visibly; the rest of the read side goes on', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-poison-'));
  const file = path.join(dir, 'ledger.db');
  let ledger: LedgerClient;
  let poison: number;
  let head: number;
  const runner = () => ledger.app.get<ReadSideRunner>(PROJECTION_RUNNER);
  const http = () => request(ledger.app.getHttpServer());

  beforeAll(async () => {
    ledger = await startLedger({ path: file, start: '2023-03-01T09:00:00+08:00' });
    await ledger.must('/institutions', INSTITUTIONS[0]);
    await ledger.must('/persons', nanyangEmployee('R1'));
    await ledger.must('/persons', nanyangEmployee('P2'));
    const [last] = await ledger.store.readStream('person-R1', { direction: 'backwards', maxCount: 1 });
    const sealed = sealBatch(
      'person-R1',
      [
        {
          id: '00000000-0000-4000-8999-000000000001',
          type: 'RetiredStatusChanged',
          data: null,
          metadata: { schemaVersion: 1, recordedAt: '2023-03-02T09:00:00+08:00' },
        },
      ],
      last,
    );
    poison = (await ledger.store.append('person-R1', sealed, last.revision)).position;
    ledger.clock.set('2023-03-06T10:00:00+08:00');
    await ledger.must('/persons/P2/visits', visit('S-P2-1', '2023-03-06T10:00:00+08:00'));
    await runner().settled();
    head = await ledger.store.headPosition();
  }, 60_000);
  afterAll(async () => {
    await ledger?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('persons is faulted at the poison event; accounts, institution months and monitoring pass it', async () => {
    expect(head).toBeGreaterThan(poison);
    expect(runner().faultList()).toEqual([
      { projection: 'persons', position: poison, eventType: 'RetiredStatusChanged', streamId: 'person-R1', error: expect.any(String) },
    ]);
    const states = Object.fromEntries(
      runner()
        .statuses()
        .map((s) => [s.name, [s.state, s.checkpoint]]),
    );
    expect(states).toEqual({
      persons: ['faulted', poison - 1],
      accounts: ['running', head],
      'institution-months': ['running', head],
      institutions: ['running', head],
      disputes: ['running', head],
      monitoring: ['running', head],
    });
    // The visit settled after the poison is in the monitoring indicators.
    const monitoring = await http().get('/monitoring/status').set('x-api-key', ledger.auditorKey);
    expect(monitoring.body).toEqual(expect.objectContaining({ checkpoint: head, lag: 0, running: true }));
  });

  it('/health is 503 degraded naming the projection and position; live is 200, ready is 503', async () => {
    const health = await http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual(
      expect.objectContaining({
        status: 'degraded',
        faulted: [
          expect.objectContaining({ projection: 'persons', position: poison, eventType: 'RetiredStatusChanged', streamId: 'person-R1' }),
        ],
      }),
    );
    expect((await http().get('/health/live')).status).toBe(200);
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual([`projection persons is faulted`]);
  });

  it('after a restart persons is faulted again at the same position (never skipped)', async () => {
    await ledger.close();
    ledger = await startLedger({ path: file, start: '2023-03-07T09:00:00+08:00' });
    await runner().settled();
    expect(runner().faultList()).toEqual([expect.objectContaining({ projection: 'persons', position: poison })]);
    expect(checkpoints(file)).toEqual({
      persons: poison - 1,
      accounts: head,
      'institution-months': head,
      institutions: head,
      disputes: head,
      monitoring: head,
    });
    await ledger.close();
  });

  it('projections:rebuild rebuilds the others to the head and reports the faulted one with a non-zero exit', async () => {
    const result = await rebuildFile(file);
    expect(result.events).toBe(result.head);
    expect(result.faults).toEqual([expect.objectContaining({ projection: 'persons', position: poison })]);
    expect(checkpoints(file)).toEqual({
      persons: poison - 1,
      accounts: head,
      'institution-months': head,
      institutions: head,
      disputes: head,
      monitoring: head,
    });
    const report = rebuildReport(file, result);
    expect(report.exitCode).toBe(2);
    expect(report.lines[1]).toMatch(
      new RegExp(`FAULTED: projection persons stopped at position ${poison} \\(RetiredStatusChanged on person-R1\\)`),
    );
  });
});
