/**
 * `npm run projections:rebuild [-- --db ./data/ledger.db]`: drops every read model (the
 * ledger's projections and the monitoring indicators) and
 * rebuilds it from position 0 of the log, in the same SQLite file (stop the server first,
 * or let it catch up afterwards: the checkpoints are rebuilt with the tables).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { PolicyCatalog } from '../src/policy/catalog';
import { ProjectionRunner } from '../src/projections/projection-runner';
import { SqliteReadModelStore } from '../src/projections/read-model-store';
import { allProjections } from '../src/projections/read-models';
import { rebuildMonitoringFile } from '../src/monitoring/monitoring-rebuild';

export async function rebuildFile(db: string): Promise<{ events: number; ms: number; head: number }> {
  const params = process.env.LEDGER_POLICY_PARAMS || path.resolve(__dirname, '../config/deployment-policy.json');
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(params, 'utf8')));
  const store = new SqliteEventStore({ path: db });
  try {
    const runner = new ProjectionRunner(store, SqliteReadModelStore.onConnection(store.db), allProjections(catalog), { pageSize: 2000 });
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
  // Every read model: the ledger's projections, then the monitoring indicators (issue 7).
  rebuildFile(db)
    .then(async (r) => {
      process.stdout.write(`rebuilt read models of ${db}: ${r.events} events through position ${r.head} in ${r.ms.toFixed(0)} ms\n`);
      const m = await rebuildMonitoringFile(db);
      process.stdout.write(`rebuilt the monitoring indicators: ${m.events} events in ${m.ms.toFixed(0)} ms\n`);
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
