import type { EventStore, RecordedEvent } from '../event-store/event-store.port';
import type { Projection } from '../projections/projection';
import type { ReadModelStore } from '../projections/read-model-store';
import type { ReadSide } from '../projections/read-side';
import { ReadSideRunner, RunnerOptions } from '../projections/read-side-runner';
// Person-stream upcasters (VisitSettled v1 → v2 among them) register on import.
import '../modules/person-upcasters';
import type { AlertWriter } from './alert-writer';
import type { AlertCommand } from './alerts.decide';
import { MONITORING_SCHEMA, MONITORING_TABLES, MonitoringProjection } from './monitoring.projection';
import type { MonitoringThresholds } from './thresholds';

export const MONITORING_CHECKPOINT = 'monitoring';

/** The monitoring read model as one projection of the read-side runner (checkpoint 'monitoring' in rm_checkpoint). */
export class MonitoringReadModel implements Projection {
  readonly name = MONITORING_CHECKPOINT;
  readonly tables = MONITORING_TABLES;
  // The checkpoint used to live in mon_checkpoint: moved once into rm_checkpoint.
  readonly schema = `${MONITORING_SCHEMA};
    INSERT OR IGNORE INTO rm_checkpoint (name, position) SELECT name, position FROM mon_checkpoint;
    DELETE FROM mon_checkpoint;`;
  constructor(readonly projection: MonitoringProjection) {}
  apply(event: RecordedEvent, store: ReadModelStore): void {
    this.projection.apply(event, store);
  }

  flush(store: ReadModelStore): void {
    this.projection.flush(store);
  }

  discard(): void {
    this.projection.discard();
  }
}

/**
 * Monitoring on the read-side runner, as a transactional outbox:
 *   1. in the runner's batch transaction: update the indicator read model, put the alerts
 *      the events made due into `mon_alert_outbox`, move the checkpoint;
 *   2. after the commit, append each outbox entry to its alert stream with its
 *      deterministic command id, then delete it.
 * A crash between 1 and 2 leaves the entry in the outbox (appended again on restart; the
 * command id makes that a no-op); a rebuild from zero recreates every entry and every
 * append finds its command id already on the stream: no duplicate alert.
 *
 * In the service it shares the ledger's runner (`MonitoringRunner.on`); standalone (tests,
 * tools) it gets a runner of its own. When the read side runs in a worker thread, the main
 * thread only observes it (`MonitoringRunner.observing`): the worker applies and drains.
 */
export class MonitoringRunner {
  private draining: Promise<void> = Promise.resolve();
  readonly projection: MonitoringProjection;
  readonly runner: ReadSide;
  /** The runner this monitor feeds and drains after; undefined when it only observes one in a worker thread. */
  private readonly local: ReadSideRunner | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadModelStore,
    thresholds: MonitoringThresholds,
    private readonly writer: AlertWriter | undefined,
    options: RunnerOptions & { runner?: ReadSide } = {},
  ) {
    this.projection = new MonitoringProjection(thresholds);
    if (!writer && options.runner) {
      this.runner = options.runner;
      return;
    }
    const local = options.runner ?? new ReadSideRunner(events, store, [], { pageSize: options.pageSize ?? 1000, ...options });
    if (!(local instanceof ReadSideRunner)) throw new Error('monitoring can feed only a read-side runner of this thread');
    this.runner = this.local = local;
    local.register(new MonitoringReadModel(this.projection), () => this.drain());
  }

  /** Monitoring as one more projection of an existing runner (the service's one runner). */
  static on(
    runner: ReadSideRunner,
    events: EventStore,
    store: ReadModelStore,
    thresholds: MonitoringThresholds,
    writer: AlertWriter,
  ): MonitoringRunner {
    return new MonitoringRunner(events, store, thresholds, writer, { runner });
  }

  /** The status of a monitor that runs elsewhere (the read-side worker thread): reads its tables, writes nothing. */
  static observing(readSide: ReadSide, events: EventStore, store: ReadModelStore, thresholds: MonitoringThresholds): MonitoringRunner {
    return new MonitoringRunner(events, store, thresholds, undefined, { runner: readSide });
  }

  checkpoint(): number {
    return this.store.checkpoint(MONITORING_CHECKPOINT);
  }

  /** Appends every pending alert, oldest first; one drain at a time (the worker thread's monitor drains, not an observer). */
  drain(): Promise<void> {
    if (!this.writer) return this.draining;
    this.draining = this.draining.catch(() => undefined).then(() => this.drainOnce());
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    for (;;) {
      const rows = this.store
        .stmt('SELECT seq, stream_id, command_id, command FROM mon_alert_outbox ORDER BY seq LIMIT 100')
        .all() as Array<{ seq: number; stream_id: string; command_id: string; command: string }>;
      if (rows.length === 0) return;
      for (const row of rows) {
        await this.writer!.raise(row.stream_id, row.command_id, JSON.parse(row.command) as AlertCommand);
        this.store.transaction(() => this.store.stmt('DELETE FROM mon_alert_outbox WHERE seq = ?').run(row.seq));
      }
    }
  }

  pendingAlerts(): number {
    return (this.store.stmt('SELECT COUNT(*) AS n FROM mon_alert_outbox').get() as { n: number }).n;
  }

  /** Catches up the runner (and drains alerts left over from before a crash first). */
  async catchUp(): Promise<number> {
    if (!this.local) throw new Error('the monitor runs in the read-side worker thread: catch up there');
    await this.drain();
    return this.local.catchUp();
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop().then(() => this.draining.catch(() => undefined));
  }

  get running(): boolean {
    return this.runner.running;
  }

  /** Resolves once every event committed so far — and every alert they raised — is in the read model. */
  async caughtUp(): Promise<void> {
    for (;;) {
      await this.runner.settled();
      await this.drain();
      const head = await this.events.headPosition();
      if (this.checkpoint() >= head && this.pendingAlerts() === 0) break;
    }
    const fault = this.runner.faultList().find((f) => f.projection === MONITORING_CHECKPOINT);
    if (fault) throw new Error(`monitoring faulted at position ${fault.position} (${fault.eventType}): ${fault.error}`);
  }

  async lag(): Promise<{ headPosition: number; checkpoint: number; lag: number; pendingAlerts: number; running: boolean; error?: string }> {
    const all = await this.runner.lag();
    const checkpoint = this.checkpoint();
    const fault = this.runner.faultList().find((f) => f.projection === MONITORING_CHECKPOINT);
    const error = fault ? `faulted at position ${fault.position} (${fault.eventType}): ${fault.error}` : all.error;
    return {
      headPosition: all.headPosition,
      checkpoint,
      lag: Math.max(0, all.headPosition - checkpoint),
      pendingAlerts: this.pendingAlerts(),
      running: all.running && !fault,
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** Drops the monitoring read model and rebuilds it from position 0; alert streams are untouched, and no alert is appended twice. */
  async rebuild(): Promise<{ events: number; ms: number }> {
    const { events, ms } = await this.runner.rebuild([MONITORING_CHECKPOINT]);
    return { events, ms };
  }
}
