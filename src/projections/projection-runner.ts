import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import type { Projection } from './projection';
import type { ReadModelStore } from './read-model-store';

export interface ProjectionLag {
  headPosition: number;
  /** The lowest checkpoint of the projections: every event up to it is in every read model. */
  checkpoint: number;
  lag: number;
  running: boolean;
  /** Why the live subscription stopped, if it failed. */
  error?: string;
}

export interface RunnerOptions {
  /** Events per transaction while catching up (live events go one per transaction). */
  pageSize?: number;
}

/**
 * Feeds the projections from the global log through a checkpointed catch-up subscription.
 * Each read-model update and the checkpoints commit in ONE transaction, so a crash (or a
 * projection throwing half-way) neither loses an event nor applies one twice: the
 * transaction rolls back, the checkpoint stays where it was, and the next start resumes
 * from it. Catch-up reads pages and commits one transaction per page; live events commit
 * one by one.
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private failure: unknown;
  private readonly pageSize: number;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadModelStore,
    readonly projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.ensureSchema();
  }

  ensureSchema(): void {
    for (const p of this.projections) this.store.exec(p.schema);
  }

  /** The lowest checkpoint across the projections. */
  checkpoint(): number {
    return Math.min(...this.projections.map((p) => this.store.checkpoint(p.name)));
  }

  /** Applies events in one transaction: projections, then their checkpoints. Throws (and rolls back) if any apply throws. */
  applyBatch(batch: readonly RecordedEvent[]): void {
    if (batch.length === 0) return;
    this.store.transaction(() => {
      const checkpoints = this.projections.map((p) => this.store.checkpoint(p.name));
      for (const raw of batch) {
        const event = upcast(raw);
        this.projections.forEach((p, i) => {
          if (event.position > checkpoints[i]) {
            p.apply(event, this.store);
            checkpoints[i] = event.position;
          }
        });
      }
      this.projections.forEach((p, i) => this.store.setCheckpoint(p.name, checkpoints[i]));
    });
  }

  /** Reads the log after the checkpoint page by page until the head; returns the events applied. */
  async catchUp(): Promise<number> {
    let applied = 0;
    for (;;) {
      const page = await this.events.readAll({ afterPosition: this.checkpoint(), maxCount: this.pageSize });
      if (page.length === 0) return applied;
      this.applyBatch(page);
      applied += page.length;
    }
  }

  /** Catches up in pages, then follows the log live. */
  start(): Promise<void> {
    if (!this.starting) {
      this.starting = this.startOnce().finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    if (this.subscription) return;
    this.failure = undefined;
    await this.catchUp();
    const subscription = this.events.subscribeToAll((event) => this.applyBatch([event]), { afterPosition: this.checkpoint() });
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
  }

  /** Resolves once every event committed so far is in the read models. */
  async caughtUp(): Promise<void> {
    await this.starting;
    if (this.subscription) return this.subscription.caughtUp();
    if (this.failure !== undefined) throw this.failure;
    await this.catchUp();
  }

  get running(): boolean {
    return this.subscription !== undefined;
  }

  get lastError(): unknown {
    return this.failure;
  }

  async lag(): Promise<ProjectionLag> {
    const headPosition = await this.events.headPosition();
    const checkpoint = this.checkpoint();
    return {
      headPosition,
      checkpoint,
      lag: Math.max(0, headPosition - checkpoint),
      running: this.running,
      ...(this.failure !== undefined ? { error: this.failure instanceof Error ? this.failure.message : String(this.failure) } : {}),
    };
  }

  /**
   * Drops every read model and rebuilds it from position 0. The live subscription (if any)
   * is stopped first and restarted after, so the rebuild and live updates never interleave.
   */
  async rebuild(): Promise<{ events: number; ms: number }> {
    const wasRunning = this.running;
    await this.stop();
    const started = process.hrtime.bigint();
    this.store.transaction(() => {
      for (const p of this.projections) {
        for (const t of p.tables) this.store.exec(`DROP TABLE IF EXISTS ${t}`);
        this.store.setCheckpoint(p.name, 0);
      }
    });
    this.ensureSchema();
    const events = await this.catchUp();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (wasRunning) await this.start();
    return { events, ms };
  }
}
