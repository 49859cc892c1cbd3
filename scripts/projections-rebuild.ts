/**
 * `npm run projections:rebuild [-- --db ./data/ledger.db] [--read-db FILE]`: drops every read
 * model (the ledger's projections and the monitoring indicators) and rebuilds it from
 * position 0 of the log in ONE pass, into the read models' file of that ledger (`--read-db`,
 * else LEDGER_READ_DB when --db is not given, else beside it: `ledger.db` -> `ledger.read.db`;
 * stop the server first, or let it catch up afterwards: the checkpoints are rebuilt with the tables).
 * With EVENTSTORE_CONNECTION_STRING set (as the service), the log is read from EventStoreDB
 * through the event-store port and the read models are rebuilt in `--db` / LEDGER_DB (the
 * file where that process keeps them; stop that process first).
 *
 * A projection that throws on an event stops there (faulted; it never skips the event)
 * while the others are rebuilt to the head: the command names it and exits 2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine } from '../src/config/command-line';
import { rebuildReadModelsFile, RebuildResult } from '../src/monitoring/monitoring-rebuild';
import { PolicyCatalog } from '../src/policy/catalog';
import { allProjections, READ_MODELS_PAGES } from '../src/projections/read-models';
import { createEventStore } from '../src/event-store';
import type { EventStore } from '../src/event-store/event-store.port';
import { SqliteReadModelStore } from '../src/projections/read-model-store';
import { ReadSideRunner, StageTimes } from '../src/projections/read-side-runner';
import { MonitoringRunner } from '../src/monitoring/monitoring-runner';
import { loadMonitoringThresholds } from '../src/monitoring/thresholds.loader';
import { AlertWriter } from '../src/monitoring/alert-writer';
import { systemClock, uuidGenerator } from '../src/kernel/clock';

export const EXIT_FAULTED = 2;

function catalog(): PolicyCatalog {
  const params = process.env.LEDGER_POLICY_PARAMS || path.resolve(__dirname, '../config/deployment-policy.json');
  return PolicyCatalog.loadParamsFile(params);
}

/** Rebuilds the read models of the events file `db` into `readDb` (default: beside it, as the service keeps them). */
export function rebuildFile(db: string, readDb?: string): Promise<RebuildResult> {
  return rebuildReadModelsFile(db, allProjections(catalog()), { readDb });
}

/** The read models in `db`, rebuilt from another store's log (EventStoreDB) read through the port. */
export async function rebuildFrom(events: EventStore, db: string): Promise<RebuildResult> {
  const readModels = SqliteReadModelStore.openForRebuild(db);
  try {
    const runner = new ReadSideRunner(events, readModels, allProjections(catalog()), { ...READ_MODELS_PAGES, pageSize: 2_000 });
    MonitoringRunner.on(
      runner,
      events,
      readModels,
      loadMonitoringThresholds(),
      new AlertWriter(events, systemClock, () => uuidGenerator.next()),
    );
    const cpu = process.cpuUsage();
    const result = await runner.rebuild();
    const used = process.cpuUsage(cpu);
    return { ...result, cpuMs: (used.user + used.system) / 1000, head: await events.headPosition() };
  } finally {
    readModels.close();
  }
}

/** As the service chooses: EventStoreDB when EVENTSTORE_CONNECTION_STRING is set, else the SQLite file. */
export async function rebuild(db: string, env: NodeJS.ProcessEnv = process.env, readDb?: string): Promise<RebuildResult> {
  const esdb = env.EVENTSTORE_CONNECTION_STRING;
  if (!esdb) return rebuildFile(db, readDb);
  const events = createEventStore({ ledgerDb: db, eventstoreConnectionString: esdb });
  try {
    return await rebuildFrom(events, readDb ?? db);
  } finally {
    await events.close();
  }
}

/** Where the CPU went, in µs per event: reading and parsing the log, each projection, commits, alert appends. */
export function stagesLine(stages: StageTimes, events: number): string {
  const us = (ms: number): string => ((ms * 1000) / events).toFixed(1);
  const projections = Object.entries(stages.applyMs)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${us(ms)}`)
    .join(', ');
  return `CPU µs/event by stage: read+parse ${us(stages.readMs)}; apply: ${projections}; batch transactions ${us(stages.commitMs)}; after-commit (alert appends) ${us(stages.afterCommitMs)}`;
}

/** The lines printed for a rebuild, and its exit code. */
export function rebuildReport(
  db: string,
  r: RebuildResult & { stages?: StageTimes },
  maxRssMiB?: number,
): { lines: string[]; exitCode: number } {
  const rate = r.ms > 0 ? Math.round(r.events / (r.ms / 1000)) : r.events;
  const rss = maxRssMiB !== undefined ? `, max RSS ${maxRssMiB} MiB` : '';
  const cpu = r.events > 0 ? `, CPU ${r.cpuMs.toFixed(0)} ms (${((r.cpuMs * 1000) / r.events).toFixed(1)} µs/event)` : '';
  const lines = [
    `rebuilt the read models and monitoring indicators of ${db}: ${r.events} events through position ${r.head} in one pass, ${r.ms.toFixed(0)} ms (${rate} events/s)${rss}${cpu}`,
  ];
  for (const f of r.faults)
    lines.push(`FAULTED: projection ${f.projection} stopped at position ${f.position} (${f.eventType} on ${f.streamId}): ${f.error}`);
  if (r.stages && r.events > 0) lines.push(stagesLine(r.stages, r.events));
  return { lines, exitCode: r.faults.length ? EXIT_FAULTED : 0 };
}

if (require.main === module) {
  const { values } = parseCommandLine('projections:rebuild', 'npm run projections:rebuild [-- --db ./data/ledger.db] [--read-db FILE]', {
    options: { db: { type: 'string' }, 'read-db': { type: 'string' } },
  });
  const db = values.db ?? process.env.LEDGER_DB ?? './data/ledger.db';
  // LEDGER_READ_DB belongs with LEDGER_DB: a --db of another ledger gets the read file beside it.
  const readDb = values['read-db'] ?? (values.db ? undefined : process.env.LEDGER_READ_DB || undefined);
  if (!process.env.EVENTSTORE_CONNECTION_STRING && !fs.existsSync(db)) {
    console.error(`no ledger database at ${db}`);
    process.exit(66);
  }
  rebuild(db, process.env, readDb)
    .then((r) => {
      const { lines, exitCode } = rebuildReport(db, r, Math.round(process.resourceUsage().maxRSS / 1024));
      console.log(lines[0]);
      for (const line of lines.slice(1)) (line.startsWith('FAULTED') ? console.error : console.log)(line);
      process.exitCode = exitCode;
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
