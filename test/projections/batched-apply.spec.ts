/**
 * Deferred writes (issue 10 item 5): projections may keep rows touched in a batch in memory
 * and write them once in `flush`. The result must be the same as writing after every event,
 * and a write that fails in `flush` must still fault the event that caused it.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLedger } from '../../scripts/ledger-client';
import { seedDemo } from '../../scripts/seed-demo';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { AlertWriter } from '../../src/monitoring/alert-writer';
import { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { PolicyCatalog } from '../../src/policy/catalog';
import type { Projection } from '../../src/projections/projection';
import { ReadModelStore, SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections } from '../../src/projections/read-models';
import { ReadSideRunner } from '../../src/projections/read-side-runner';
import { dumpReadSideTables } from '../support/read-model-dump';

const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));
const clock = { now: () => new Date('2026-01-05T00:00:00Z') };

/** Every projection and the monitor, on a read-model store of their own, caught up in pages of `pageSize`. */
async function readModels(events: EventStore, pageSize: number): Promise<SqliteReadModelStore> {
  const rm = SqliteReadModelStore.open(':memory:');
  const runner = new ReadSideRunner(events, rm, allProjections(catalog), { pageSize });
  const monitor = MonitoringRunner.on(runner, events, rm, loadMonitoringThresholds(), new AlertWriter(events, clock, randomUUID));
  await monitor.caughtUp();
  expect(runner.faultList()).toEqual([]);
  return rm;
}

describe('deferred writes give the rows of per-event writes', () => {
  it('the demo ledger applied one event per batch (a flush after every event) and 5,000 per batch: identical read models and indicators', async () => {
    const ledger = await startLedger();
    try {
      await seedDemo(ledger);
      const events = ledger.store as SqliteEventStore;
      // The alerts found due are appended by the first pass; the second finds them on their streams.
      const perEvent = await readModels(events, 1);
      const batched = await readModels(events, 5000);
      const expected = dumpReadSideTables(perEvent.db);
      expect(Object.keys(expected)).toEqual(
        expect.arrayContaining(['rm_person_year', 'rm_institution_month', 'mon_institution_month', 'mon_alert']),
      );
      expect((expected.rm_person_year as unknown[]).length).toBeGreaterThan(0);
      expect((expected.mon_institution_month as unknown[]).length).toBeGreaterThan(0);
      expect(dumpReadSideTables(batched.db)).toEqual(expected);
      perEvent.close();
      batched.close();
    } finally {
      await ledger.close();
    }
  }, 120_000);
});

/** Counts events per key in memory and writes the counts at flush; the write of key 'bad' fails. */
class DeferredCounts implements Projection {
  readonly name = 'counts';
  readonly tables = ['rm_counts'];
  readonly schema = "CREATE TABLE IF NOT EXISTS rm_counts (key TEXT PRIMARY KEY CHECK (key <> 'bad'), n INTEGER NOT NULL)";
  private pending = new Map<string, number>();
  discards = 0;

  apply(event: RecordedEvent): void {
    const key = (event.data as { key: string }).key;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  flush(store: ReadModelStore): void {
    for (const [key, n] of this.pending)
      store.stmt('INSERT INTO rm_counts (key, n) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET n = n + excluded.n').run(key, n);
    this.pending.clear();
  }

  discard(): void {
    this.discards += 1;
    this.pending.clear();
  }
}

describe('a deferred write that fails', () => {
  it('faults the projection at the event that caused it; the events before it are kept, none twice', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      const keyed = (key: string) => ({
        id: randomUUID(),
        type: 'Counted',
        data: { key },
        metadata: { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00Z' },
      });
      await store.append('s-1', ['a', 'b', 'a', 'bad', 'a'].map(keyed), 'any');
      const rm = SqliteReadModelStore.onConnection(store.db);
      const counts = new DeferredCounts();
      const runner = new ReadSideRunner(store, rm, [counts], { pageSize: 100 });
      await runner.catchUp();
      expect(runner.faultList()).toEqual([expect.objectContaining({ projection: 'counts', position: 4, eventType: 'Counted' })]);
      expect(rm.checkpoint('counts')).toBe(3);
      expect(store.db.prepare('SELECT key, n FROM rm_counts ORDER BY key').all()).toEqual([
        { key: 'a', n: 2 },
        { key: 'b', n: 1 },
      ]);
      expect(counts.discards).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
