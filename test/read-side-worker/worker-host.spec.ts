/**
 * The main thread's host of the read-side worker (src/projections/worker/worker-read-side.ts),
 * without the HTTP service: the commit head it sends is what wakes the worker (no poll here),
 * its getters answer from the worker's reports, and a worker that cannot start is reported
 * and retried without ever blocking the caller.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOG_FILE_ADVICE } from '../../src/event-store/errors';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { damageMiddleLeafOfEvents } from '../support/damaged-pages';
import type { ReadSideWorkerData } from '../../src/projections/worker/protocol';
import { WorkerReadSide } from '../../src/projections/worker/worker-read-side';

jest.setTimeout(90_000);

const PARAMS = path.resolve(__dirname, '../../config/deployment-policy.json');

function setUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-host-'));
  const ledgerDb = path.join(dir, 'ledger.db');
  const events = new SqliteEventStore({ path: ledgerDb });
  const data: ReadSideWorkerData = {
    ledgerDb,
    readModelsDb: path.join(dir, 'ledger.read.db'),
    synchronous: 'FULL',
    policyParamsFile: PARAMS,
    thresholds: loadMonitoringThresholds(),
    pageSize: 250,
    // No poll: only the heads this thread sends can wake the worker.
    pollIntervalMs: 0,
  };
  return { dir, events, data };
}

const note = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'Noted',
  data: { n },
  metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00+08:00' },
});

async function eventually(check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the read-side worker host', () => {
  it('wakes the worker with each commit head (no poll) and reports its checkpoint from the worker', async () => {
    const { dir, events, data } = setUp();
    const host = new WorkerReadSide(events, data);
    try {
      await host.start();
      expect(host.names).toEqual(['persons', 'accounts', 'institution-months', 'institutions', 'disputes', 'monitoring']);
      await host.settled();
      const before = host.checkpoint();
      for (let i = 1; i <= 5; i++) await events.append('misc-1', [note(i)], 'any');
      const head = await events.headPosition();
      expect(head).toBeGreaterThan(before);
      // Not asked to settle: the head sent after each commit is what gets these applied and reported.
      await eventually(() => host.checkpoint() === head);
      expect(host.running).toBe(true);
      expect(await host.lag()).toEqual({ headPosition: head, checkpoint: head, lag: 0, running: true });
      expect(host.statuses().every((s) => s.state === 'running' && s.checkpoint === head)).toBe(true);
    } finally {
      await host.stop();
      await events.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports the log's file damaged when only the worker's own reads met the damage (the store on this thread never read that page)", async () => {
    const { dir, events: writer, data } = setUp();
    for (let i = 1; i <= 400; i++) await writer.append(`misc-${i}`, [note(i)], 'no_stream');
    await writer.close();
    damageMiddleLeafOfEvents(data.ledgerDb);
    const events = new SqliteEventStore({ path: data.ledgerDb });
    const host = new WorkerReadSide(events, data);
    try {
      expect(host.logFileStatus()).toBeUndefined();
      await host.start();
      await eventually(() => host.logFileStatus() !== undefined);
      expect(host.logFileStatus()).toEqual({
        state: 'damaged',
        since: expect.any(String),
        lastError: 'database disk image is malformed',
        errors: 1,
        advice: LOG_FILE_ADVICE,
      });
      expect(events.fileStatus()).toEqual({ state: 'ok' });
      expect(String((await host.lag()).error)).toContain("the ledger's log is damaged");
    } finally {
      await host.stop();
      await events.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker that cannot start is reported (not running, with why) and retried; stop ends the retries', async () => {
    const { dir, events, data } = setUp();
    const logged: string[] = [];
    const host = new WorkerReadSide(
      events,
      { ...data, policyParamsFile: path.join(dir, 'missing.json') },
      {
        log: (m) => logged.push(m),
        restartInitialMs: 50,
      },
    );
    try {
      await host.start();
      await eventually(() => logged.length >= 2);
      expect(host.running).toBe(false);
      expect((await host.lag()).error).toMatch(/read-side worker could not start: .*missing\.json/);
      expect(logged[0]).toMatch(/could not start.*restarting it in 50 ms/);
      expect(logged[1]).toMatch(/restarting it in 100 ms/);
      await expect(host.settled()).rejects.toThrow();
    } finally {
      await host.stop();
      const count = logged.length;
      await new Promise((r) => setTimeout(r, 400));
      expect(logged.length).toBe(count);
      await events.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
