/**
 * The monitor and the institution-months projection keep their institution months in memory
 * between batches (issue 10: a month was read and parsed again in every batch). They are the committed rows only while the batch
 * that wrote them commits: when a batch transaction rolls back after the monitor's slice
 * (a transient error at the end of the batch), the months it changed must be forgotten, or
 * the retried batch would count its visits twice.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLedger } from '../../scripts/ledger-client';
import { seedDemo } from '../../scripts/seed-demo';
import type { EventStore } from '../../src/event-store/event-store.port';
import { AlertWriter } from '../../src/monitoring/alert-writer';
import { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { PolicyCatalog } from '../../src/policy/catalog';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections } from '../../src/projections/read-models';
import { ReadSideRunner } from '../../src/projections/read-side-runner';

const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));
const clock = { now: () => new Date('2026-01-05T00:00:00Z') };

const monthRows = (rm: SqliteReadModelStore) => ({
  months: rm.db.prepare('SELECT institution_code, month, sums FROM mon_institution_month ORDER BY 1, 2').all(),
  institutionMonths: rm.db.prepare('SELECT * FROM rm_institution_month ORDER BY 1, 2').all(),
  visits: rm.db.prepare('SELECT person_id, settlement_id, reversed FROM mon_visit ORDER BY 1, 2').all(),
  seen: rm.db.prepare('SELECT * FROM mon_alert_seen ORDER BY 1, 2, 3, 4').all(),
});

const visitCount = (rm: SqliteReadModelStore): number => (rm.db.prepare('SELECT COUNT(*) AS n FROM mon_visit').get() as { n: number }).n;

/** The read models caught up in pages of 50; `failAtVisitBatch`: that batch which counts visits rolls back once at its end. */
async function caughtUp(events: EventStore, failAtVisitBatch?: number): Promise<{ rm: SqliteReadModelStore; injected: number }> {
  const rm = SqliteReadModelStore.open(':memory:');
  const transaction = rm.transaction.bind(rm);
  let visitBatches = 0;
  let injected = 0;
  rm.transaction = <T>(fn: () => T): T =>
    transaction(() => {
      const before = visitCount(rm);
      const result = fn();
      if (visitCount(rm) > before && ++visitBatches === failAtVisitBatch) {
        injected += 1;
        throw Object.assign(new Error('database is locked (injected)'), { code: 'SQLITE_BUSY' });
      }
      return result;
    });
  const runner = new ReadSideRunner(events, rm, allProjections(catalog), { pageSize: 50, retryInitialMs: 1 });
  const monitor = MonitoringRunner.on(runner, events, rm, loadMonitoringThresholds(), new AlertWriter(events, clock, randomUUID));
  await monitor.caughtUp();
  expect(runner.faultList()).toEqual([]);
  return { rm, injected };
}

describe('institution months kept between batches', () => {
  it('a batch rolled back after the monitor flushed is applied again from the stored months: the same rows as without the failure', async () => {
    const ledger = await startLedger();
    try {
      await seedDemo(ledger);
      // The alerts found due are appended by the first pass; the later ones find them on their streams.
      const clean = await caughtUp(ledger.store);
      // The third batch with visits: months of earlier batches are kept, and this one changes them.
      const failed = await caughtUp(ledger.store, 3);
      expect(failed.injected).toBe(1);
      const expected = monthRows(clean.rm);
      expect(expected.months.length).toBeGreaterThan(0);
      expect(expected.institutionMonths.length).toBeGreaterThan(0);
      expect(monthRows(failed.rm)).toEqual(expected);
      clean.rm.close();
      failed.rm.close();
    } finally {
      await ledger.close();
    }
  }, 120_000);
});
