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

/**
 * The log's file as every connection of this process to it found it: the store's, and the
 * read side's own when it runs in a worker thread (its catch-up reads pages no command may
 * touch). Damaged when any found it so: the earliest `since`, the errors added up, the first
 * damaged status's error and advice.
 */
export function combinedFileStatus(statuses: ReadonlyArray<FileStatus | undefined>): FileStatus | undefined {
  const damaged = statuses.filter((s): s is Extract<FileStatus, { state: 'damaged' }> => s?.state === 'damaged');
  if (damaged.length === 0) return statuses.find((s) => s !== undefined);
  return {
    ...damaged[0],
    since: damaged.map((s) => s.since).reduce((a, b) => (b < a ? b : a)),
    errors: damaged.reduce((sum, s) => sum + s.errors, 0),
  };
}
