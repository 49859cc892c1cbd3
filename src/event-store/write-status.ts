import { isTransient, StoreUnavailable } from './errors';
import type { WriteStatus } from './event-store.port';

/**
 * An adapter's memory of its writes for health: a transient refusal (StoreUnavailable) makes
 * it 'failing' until the next write that succeeds. Refusals about the request (a conflict, an
 * event id reused) say nothing about the store and leave it as it is.
 */
export class WriteStatusTracker {
  private failing?: Extract<WriteStatus, { state: 'failing' }>;

  refused(error: unknown, now = new Date()): void {
    if (!isTransient(error)) return;
    const code = error instanceof StoreUnavailable ? error.code : String((error as { code?: unknown }).code);
    const lastError = error instanceof Error ? error.message : String(error);
    const earlier = this.failing;
    this.failing = {
      state: 'failing',
      since: earlier?.since ?? now.toISOString(),
      code,
      lastError,
      refusals: (earlier?.refusals ?? 0) + 1,
    };
  }

  wrote(): void {
    this.failing = undefined;
  }

  status(): WriteStatus {
    return this.failing ?? { state: 'ok' };
  }
}
