import { RecordedEvent, Subscription, SubscriptionHandler } from '../event-store.port';

export interface CatchUpSubscriptionOptions {
  handler: SubscriptionHandler;
  /** Exclusive checkpoint. */
  afterPosition: number;
  /** Events with position > `after`, in position order, a bounded page. */
  readPage: (after: number) => RecordedEvent[] | Promise<RecordedEvent[]>;
  /** Position of the last event in the log now. */
  head: () => number | Promise<number>;
  /** Fallback wake-up period, for appends made by other processes on the same file. */
  pollIntervalMs: number;
  onEnd: () => void;
}

/**
 * A catch-up subscription driven only by "last delivered position": every round reads
 * the log after that position, so history and live events go through the same path and
 * the switch between them can neither skip nor repeat an event. Notifications (`wake`)
 * carry no events; they only shorten the wait before the next read.
 */
export class CatchUpSubscription implements Subscription {
  readonly done: Promise<void>;
  private lastDelivered: number;
  private stopped = false;
  private failure: unknown;
  private woken = false;
  private wakeWaiter: (() => void) | undefined;
  private caughtUpWaiters: { target: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private settleDone!: { resolve: () => void; reject: (e: unknown) => void };
  private loop: Promise<void> | undefined;

  constructor(private readonly options: CatchUpSubscriptionOptions) {
    this.lastDelivered = options.afterPosition;
    this.done = new Promise<void>((resolve, reject) => (this.settleDone = { resolve, reject }));
    // Whoever does not watch `done` must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
  }

  start(): void {
    this.loop = this.run().then(
      () => this.finish(undefined),
      (error) => this.finish(error ?? new Error('subscription failed')),
    );
  }

  /** Something was committed: read again now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    const waiter = this.wakeWaiter;
    this.wakeWaiter = undefined;
    waiter?.();
  }

  async caughtUp(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.stopped) throw new Error('subscription stopped');
    const target = await this.options.head();
    if (this.lastDelivered >= target) return;
    return new Promise<void>((resolve, reject) => this.caughtUpWaiters.push({ target, resolve, reject }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      const page = await this.options.readPage(this.lastDelivered);
      if (page.length === 0) {
        await this.sleep();
        continue;
      }
      for (const event of page) {
        if (this.stopped) return;
        if (event.position <= this.lastDelivered) continue;
        await this.options.handler(event);
        this.lastDelivered = event.position;
        this.resolveCaughtUp();
      }
    }
  }

  private sleep(): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeWaiter = undefined;
        resolve();
      }, this.options.pollIntervalMs);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private resolveCaughtUp(): void {
    if (this.caughtUpWaiters.length === 0) return;
    const pending = this.caughtUpWaiters;
    this.caughtUpWaiters = pending.filter((w) => this.lastDelivered < w.target);
    for (const w of pending) if (this.lastDelivered >= w.target) w.resolve();
  }

  private finish(error: unknown): void {
    this.stopped = true;
    this.options.onEnd();
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    if (error !== undefined) {
      this.failure = error;
      for (const w of waiters) w.reject(error);
      this.settleDone.reject(error);
    } else {
      for (const w of waiters) w.reject(new Error('subscription stopped before catching up'));
      this.settleDone.resolve();
    }
  }
}
