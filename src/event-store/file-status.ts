import { errorMessage, isDamagedFile } from './errors';
import type { FileStatus } from './event-store.port';

/**
 * An adapter's memory, for health, of SQLite finding its file damaged (SQLITE_CORRUPT,
 * SQLITE_NOTADB) in a read or a write. Unlike a refused write it does not heal: the file stays
 * damaged until it is repaired or restored, and the service restarted on it.
 */
export class FileStatusTracker {
  private damaged?: Extract<FileStatus, { state: 'damaged' }>;

  constructor(private readonly advice: string) {}

  /** Notes `error` if it says the file is damaged; any other error leaves the status as it is. */
  saw(error: unknown, now = new Date()): void {
    if (!isDamagedFile(error)) return;
    this.damaged = {
      state: 'damaged',
      since: this.damaged?.since ?? now.toISOString(),
      lastError: errorMessage(error),
      errors: (this.damaged?.errors ?? 0) + 1,
      advice: this.advice,
    };
  }

  status(): FileStatus {
    return this.damaged ?? { state: 'ok' };
  }
}
