import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import type { ReadModelStore } from '../projections/read-model-store';
// Person-stream upcasters (VisitSettled v1 → v2 among them) register on import.
import '../modules/person-upcasters';
import type { AlertWriter } from './alert-writer';
import type { AlertCommand } from './alerts.decide';
import { MONITORING_SCHEMA, MONITORING_TABLES, MonitoringProjection } from './monitoring.projection';
import type { MonitoringThresholds } from './thresholds';

export const MONITORING_CHECKPOINT = 'monitoring';

/**
 * The monitoring process. It is fed from the store's catch-up subscription with a
 * checkpoint of its own (the in-memory EventBus is never a system of record) and works
 * as a transactional outbox:
 *   1. one transaction per page (or live event): update the indicator read model, put the
 *      alerts the events made due into `mon_alert_outbox`, move the checkpoint;
 *   2. after the commit, append each outbox entry to its alert stream with its
 *      deterministic command id, then delete it.
 * A crash between 1 and 2 leaves the entry in the outbox (appended again on restart; the
 * command id makes that a no-op); a rebuild from zero recreates every entry and every
 * append finds its command id already on the stream: no duplicate alert.
 */
export class MonitoringRunner {
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private failure: unknown;
  private draining: Promise<void> = Promise.resolve();
  readonly projection: MonitoringProjection;
  private readonly pageSize: number;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadModelStore,
    thresholds: MonitoringThresholds,
    private readonly writer: AlertWriter,
    options: { pageSize?: number } = {},
  ) {
    this.projection = new MonitoringProjection(thresholds);
    this.pageSize = options.pageSize ?? 1000;
    this.store.exec(MONITORING_SCHEMA);
  }

  /** Kept in a table of its own (not rm_checkpoint), so the projections' rebuild and the monitor's never touch each other's state. */
  checkpoint(): number {
    const row = this.store.stmt('SELECT position FROM mon_checkpoint WHERE name = ?').get(MONITORING_CHECKPOINT) as { position: number } | undefined;
    return row?.position ?? 0;
  }

  private setCheckpoint(position: number): void {
    this.store.stmt('INSERT INTO mon_checkpoint (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position').run(MONITORING_CHECKPOINT, position);
  }

  applyBatch(batch: readonly RecordedEvent[]): void {
    if (batch.length === 0) return;
    this.store.transaction(() => {
      let checkpoint = this.checkpoint();
      for (const raw of batch) {
        if (raw.position <= checkpoint) continue;
        this.projection.apply(upcast(raw), this.store);
        checkpoint = raw.position;
      }
      this.setCheckpoint(checkpoint);
    });
  }

  /** Appends every pending alert, oldest first; one drain at a time. */
  drain(): Promise<void> {
    this.draining = this.draining.then(() => this.drainOnce());
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    for (;;) {
      const rows = this.store.stmt('SELECT seq, stream_id, command_id, command FROM mon_alert_outbox ORDER BY seq LIMIT 100').all() as Array<{ seq: number; stream_id: string; command_id: string; command: string }>;
      if (rows.length === 0) return;
      for (const row of rows) {
        await this.writer.raise(row.stream_id, row.command_id, JSON.parse(row.command) as AlertCommand);
        this.store.transaction(() => this.store.stmt('DELETE FROM mon_alert_outbox WHERE seq = ?').run(row.seq));
      }
    }
  }

  pendingAlerts(): number {
    return (this.store.stmt('SELECT COUNT(*) AS n FROM mon_alert_outbox').get() as { n: number }).n;
  }

  async catchUp(): Promise<number> {
    let applied = 0;
    await this.drain(); // left over from before a crash
    for (;;) {
      const page = await this.events.readAll({ afterPosition: this.checkpoint(), maxCount: this.pageSize });
      if (page.length === 0) return applied;
      this.applyBatch(page);
      applied += page.length;
      await this.drain();
    }
  }

  start(): Promise<void> {
    if (!this.starting) this.starting = this.startOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    if (this.subscription) return;
    this.failure = undefined;
    await this.catchUp();
    const subscription = this.events.subscribeToAll(
      async (event) => {
        this.applyBatch([event]);
        await this.drain();
      },
      { afterPosition: this.checkpoint() },
    );
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error) => {
        this.failure = error;
        if (this.subscription === subscription) this.subscription = undefined;
      },
    );
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const s = this.subscription;
    this.subscription = undefined;
    if (s) await s.stop();
    await this.draining.catch(() => undefined);
  }

  get running(): boolean {
    return this.subscription !== undefined;
  }

  /** Resolves once every event committed so far — and every alert they raised — is in the read model. */
  async caughtUp(): Promise<void> {
    await this.starting;
    for (;;) {
      const head = await this.events.headPosition();
      if (this.subscription) await this.subscription.caughtUp();
      else if (this.failure !== undefined) throw this.failure;
      else await this.catchUp();
      await this.drain();
      if (this.checkpoint() >= head && (await this.events.headPosition()) === head && this.pendingAlerts() === 0) return;
    }
  }

  async lag(): Promise<{ headPosition: number; checkpoint: number; lag: number; pendingAlerts: number; running: boolean; error?: string }> {
    const headPosition = await this.events.headPosition();
    const checkpoint = this.checkpoint();
    return {
      headPosition,
      checkpoint,
      lag: Math.max(0, headPosition - checkpoint),
      pendingAlerts: this.pendingAlerts(),
      running: this.running,
      ...(this.failure !== undefined ? { error: this.failure instanceof Error ? this.failure.message : String(this.failure) } : {}),
    };
  }

  /** Drops the monitoring read model and rebuilds it from position 0; alert streams are untouched, and no alert is appended twice. */
  async rebuild(): Promise<{ events: number; ms: number }> {
    const wasRunning = this.running;
    await this.stop();
    const started = process.hrtime.bigint();
    this.store.transaction(() => {
      for (const t of MONITORING_TABLES) this.store.exec(`DROP TABLE IF EXISTS ${t}`);
      this.setCheckpoint(0);
    });
    this.store.exec(MONITORING_SCHEMA);
    const events = await this.catchUp();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (wasRunning) await this.start();
    return { events, ms };
  }
}
