/**
 * `npx ts-node --transpile-only src/monitoring/monitoring-rebuild.cli.ts [--db ./data/ledger.db]`:
 * drops the monitoring read model of an embedded-store file and rebuilds it from position 0
 * (stop the server first). Alert streams are untouched; an alert found due that is already
 * on its stream is not appended again (its command id is there).
 */
import * as fs from 'node:fs';
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

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--db');
  const db = i >= 0 ? args[i + 1] : process.env.LEDGER_DB ?? './data/ledger.db';
  if (!fs.existsSync(db)) {
    console.error(`no ledger database at ${db}`);
    process.exit(66);
  }
  rebuildMonitoringFile(db).then(
    (r) => process.stdout.write(`rebuilt the monitoring read model of ${db}: ${r.events} events through position ${r.head} in ${r.ms.toFixed(0)} ms\n`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
