/**
 * The live read side in a worker thread (issue 10 item 2): the one read-side runner with every
 * projection and the monitor, on connections of its own to the events file (read back from
 * SQLite on this thread's core; alerts appended through it) and to the read models' file,
 * of which it is the only writer. The main thread sends commit heads and requests; this
 * thread reports its state after each batch and each change.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store';
import { systemClock, uuidGenerator } from '../../kernel/clock';
import { AlertWriter } from '../../monitoring/alert-writer';
import { MonitoringRunner } from '../../monitoring/monitoring-runner';
import { PolicyCatalog } from '../../policy/catalog';
import { withArchive } from '../../policy/policy-archive';
import { SqliteReadModelStore } from '../read-model-store';
import { ReadSideRunner } from '../read-side-runner';
import { allProjections, READ_MODELS_PAGES } from '../read-models';
import type { FromWorker, ReadSideSnapshot, ReadSideWorkerData, ToWorker } from './protocol';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function snapshotOf(runner: ReadSideRunner, events: SqliteEventStore): ReadSideSnapshot {
  const error = runner.lastError;
  const logFile = events.fileStatus();
  return {
    names: runner.names,
    statuses: runner.statuses(),
    faults: runner.faultList(),
    checkpoint: runner.checkpoint(),
    running: runner.running,
    ...(error !== undefined ? { error: message(error) } : {}),
    ...(runner.retrying ? { retrying: runner.retrying } : {}),
    ...(logFile.state === 'damaged' ? { logFile } : {}),
  };
}

async function main(port: NonNullable<typeof parentPort>, data: ReadSideWorkerData): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  const events = new SqliteEventStore({ path: data.ledgerDb, synchronous: data.synchronous });
  const readModels = SqliteReadModelStore.open(data.readModelsDb, 'NORMAL');
  // The main thread archived the packs in force before starting this thread: read them back with the rest.
  const catalog = await withArchive(events, PolicyCatalog.loadParamsFile(data.policyParamsFile));
  let reportQueued = false;
  // Several changes in one turn (a batch, then its drain) make one report.
  const report = () => {
    if (reportQueued) return;
    reportQueued = true;
    setImmediate(() => {
      reportQueued = false;
      post({ kind: 'status', snapshot: snapshotOf(runner, events) });
    });
  };
  const runner = new ReadSideRunner(events, readModels, allProjections(catalog), {
    ...READ_MODELS_PAGES,
    pageSize: data.pageSize,
    pollIntervalMs: data.pollIntervalMs,
    log: (m) => post({ kind: 'log', message: m }),
    onChange: report,
  });
  const monitor = MonitoringRunner.on(
    runner,
    events,
    readModels,
    data.thresholds,
    new AlertWriter(events, systemClock, () => uuidGenerator.next()),
  );

  port.on('message', (m: ToWorker) => {
    switch (m.kind) {
      case 'head':
        return runner.wake();
      case 'settle':
        return void runner.settled().then(
          () => post({ kind: 'settled', id: m.id, snapshot: snapshotOf(runner, events) }),
          (e) => post({ kind: 'settled', id: m.id, snapshot: snapshotOf(runner, events), error: message(e) }),
        );
      case 'rebuild':
        return void runner.rebuild(m.names ?? runner.names).then(
          (outcome) => post({ kind: 'rebuilt', id: m.id, snapshot: snapshotOf(runner, events), outcome }),
          (e) => post({ kind: 'rebuilt', id: m.id, snapshot: snapshotOf(runner, events), error: message(e) }),
        );
      case 'stop':
        return void stop();
    }
  });

  async function stop(): Promise<void> {
    await monitor.stop().catch(() => undefined);
    readModels.close();
    await events.close().catch(() => undefined);
    post({ kind: 'stopped' });
    port.close();
  }

  post({ kind: 'ready', snapshot: snapshotOf(runner, events) });
  await runner.start();
  // Alerts decided before a crash and not yet appended (the command id makes a repeat a no-op).
  await monitor
    .drain()
    .catch((e) => post({ kind: 'log', message: `read side: alert drain failed (retried on the next batch): ${message(e)}` }));
  report();
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as ReadSideWorkerData).catch((e) => {
    port.postMessage({ kind: 'failed', error: message(e) } satisfies FromWorker);
    process.exit(1);
  });
}
