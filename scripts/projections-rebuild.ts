/**
 * `npm run projections:rebuild [-- --db ./data/ledger.db]`: drops every read model (the
 * ledger's projections and the monitoring indicators) and rebuilds it from position 0 of
 * the log in ONE pass, in the same SQLite file (stop the server first, or let it catch up
 * afterwards: the checkpoints are rebuilt with the tables).
 *
 * A projection that throws on an event stops there (faulted; it never skips the event)
 * while the others are rebuilt to the head: the command names it and exits 2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rebuildReadModelsFile, RebuildResult } from '../src/monitoring/monitoring-rebuild';
import { PolicyCatalog } from '../src/policy/catalog';
import { allProjections } from '../src/projections/read-models';

export const EXIT_FAULTED = 2;

export function rebuildFile(db: string): Promise<RebuildResult> {
  const params = process.env.LEDGER_POLICY_PARAMS || path.resolve(__dirname, '../config/deployment-policy.json');
  const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(params, 'utf8')));
  return rebuildReadModelsFile(db, allProjections(catalog));
}

/** The lines printed for a rebuild, and its exit code. */
export function rebuildReport(db: string, r: RebuildResult, maxRssMiB?: number): { lines: string[]; exitCode: number } {
  const rate = r.ms > 0 ? Math.round(r.events / (r.ms / 1000)) : r.events;
  const rss = maxRssMiB !== undefined ? `, max RSS ${maxRssMiB} MiB` : '';
  const cpu = r.events > 0 ? `, CPU ${r.cpuMs.toFixed(0)} ms (${((r.cpuMs * 1000) / r.events).toFixed(1)} µs/event)` : '';
  const lines = [`rebuilt the read models and monitoring indicators of ${db}: ${r.events} events through position ${r.head} in one pass, ${r.ms.toFixed(0)} ms (${rate} events/s)${rss}${cpu}`];
  for (const f of r.faults) lines.push(`FAULTED: projection ${f.projection} stopped at position ${f.position} (${f.eventType} on ${f.streamId}): ${f.error}`);
  return { lines, exitCode: r.faults.length ? EXIT_FAULTED : 0 };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--db');
  const db = i >= 0 ? args[i + 1] : process.env.LEDGER_DB ?? './data/ledger.db';
  if (!fs.existsSync(db)) {
    console.error(`no ledger database at ${db}`);
    process.exit(66);
  }
  rebuildFile(db)
    .then((r) => {
      const { lines, exitCode } = rebuildReport(db, r, Math.round(process.resourceUsage().maxRSS / 1024));
      console.log(lines[0]);
      for (const line of lines.slice(1)) console.error(line);
      process.exitCode = exitCode;
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
