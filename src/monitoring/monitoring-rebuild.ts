/**
 * Drops the monitoring read model of an embedded-store file and rebuilds it from position 0
 * (stop the server first); `npm run projections:rebuild` runs it after the ledger's
 * projections. Alert streams are untouched; an alert found due that is already on its
 * stream is not appended again (its command id is there).
 */
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { systemClock, uuidGenerator } from '../kernel/clock';
import { SqliteReadModelStore } from '../projections/read-model-store';
import { AlertWriter } from './alert-writer';
import { MonitoringRunner } from './monitoring-runner';
import { loadMonitoringThresholds } from './thresholds.loader';

export async function rebuildMonitoringFile(db: string): Promise<{ events: number; ms: number; head: number }> {
  const store = new SqliteEventStore({ path: db });
  try {
    const runner = new MonitoringRunner(store, SqliteReadModelStore.onConnection(store.db), loadMonitoringThresholds(), new AlertWriter(store, systemClock, () => uuidGenerator.next()), { pageSize: 2000 });
    const result = await runner.rebuild();
    return { ...result, head: await store.headPosition() };
  } finally {
    await store.close();
  }
}
