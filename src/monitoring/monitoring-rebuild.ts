/**
 * Rebuild of an embedded-store file's read models, kept in their own file beside it
 * (`ledger.db` -> `ledger.read.db`, or LEDGER_READ_DB; stop the server first): the ledger's
 * projections and the monitoring indicators in ONE pass over the log, on one read-side
 * runner. Alert streams are untouched; an alert found due that is already on its stream
 * is not appended again (its command id is there).
 */
import { readModelsFileOf } from '../config/config';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { systemClock, uuidGenerator } from '../kernel/clock';
import type { Projection } from '../projections/projection';
import { SqliteReadModelStore } from '../projections/read-model-store';
import { READ_MODELS_PAGES } from '../projections/read-models';
import { ProjectionFault, ReadSideRunner } from '../projections/read-side-runner';
import { AlertWriter } from './alert-writer';
import { MonitoringRunner } from './monitoring-runner';
import { loadMonitoringThresholds } from './thresholds.loader';

export interface RebuildResult {
  events: number;
  ms: number;
  /** CPU time of the rebuild (user + system, ms): what it costs on a shared machine, unlike `ms`. */
  cpuMs: number;
  head: number;
  /** Projections that stopped at an event (the others are complete). */
  faults: Array<ProjectionFault & { projection: string }>;
}

/** Events per transaction: big enough to amortise the commit, small enough to bound memory (~2.5 KB per event). */
const REBUILD_PAGE = 2000;

/**
 * Drops and rebuilds `projections` (and the monitoring indicators unless `monitoring` is
 * false) of the events file `db` in one pass, into `readDb` (default: the file the service
 * keeps them in beside `db`). The read models get their own connection
 * (`SqliteReadModelStore.openForRebuild`: synchronous=OFF, a larger cache, a rollback journal
 * while it holds the file alone): a crash mid-rebuild only means running it again.
 */
export async function rebuildReadModelsFile(
  db: string,
  projections: readonly Projection[],
  options: { monitoring?: boolean; readDb?: string } = {},
): Promise<RebuildResult> {
  const store = new SqliteEventStore({ path: db });
  const readModels = SqliteReadModelStore.openForRebuild(options.readDb ?? readModelsFileOf(db));
  try {
    const runner = new ReadSideRunner(store, readModels, projections, { ...READ_MODELS_PAGES, pageSize: REBUILD_PAGE });
    if (options.monitoring !== false)
      MonitoringRunner.on(
        runner,
        store,
        readModels,
        loadMonitoringThresholds(),
        new AlertWriter(store, systemClock, () => uuidGenerator.next()),
      );
    const cpu = process.cpuUsage();
    const result = await runner.rebuild();
    const used = process.cpuUsage(cpu);
    return { ...result, cpuMs: (used.user + used.system) / 1000, head: await store.headPosition() };
  } finally {
    readModels.close();
    await store.close();
  }
}

/** The monitoring indicators alone. */
export function rebuildMonitoringFile(db: string, readDb?: string): Promise<RebuildResult> {
  return rebuildReadModelsFile(db, [], { readDb });
}
