import { ExpectedRevision } from './event-store.port';

/** The stream was not at the revision the writer expected; nothing was written. */
export class WrongExpectedVersion extends Error {
  readonly kind = 'conflict' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Actual revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** The same event id was appended with different content: a client bug, not a retry. */
export class EventIdReused extends Error {
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event id ${eventId} already used in stream ${streamId} for a different event`);
    this.name = 'EventIdReused';
  }
}

/**
 * The store could not do what was asked just now (database busy or locked, disk full, an I/O
 * error, its writer thread gone, the EventStoreDB node unreachable): nothing was wrong with
 * the request. The HTTP layer answers 503 with Retry-After; the client retries with the same
 * Idempotency-Key, which answers the first result if the write did land (a failed fsync, a
 * writer thread that died mid-commit or a lost gRPC answer leave the outcome unknown).
 */
export class StoreUnavailable extends Error {
  readonly kind = 'unavailable' as const;
  constructor(
    message: string,
    /** What the store said: SQLite's code (SQLITE_FULL…), an errno (ENOSPC), or EventStoreDB's error type. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

/**
 * A stored event's data or metadata text is not JSON (a damaged file, a row edited by hand):
 * the read names the row instead of a bare SyntaxError. Never transient: reading again gives
 * the same text, so the read side stops there rather than retrying.
 */
export class StoredEventUnreadable extends Error {
  readonly kind = 'unreadable' as const;
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  /** The row's id and type columns (readable: only the JSON texts are damaged). */
  readonly eventId: string;
  readonly eventType: string;
  constructor(
    row: StoredEventIdentity,
    readonly part: 'data' | 'metadata',
    cause: unknown,
  ) {
    super(
      `stored event at position ${row.position} (stream ${row.streamId}, revision ${row.revision}) is unreadable: its ${part} is not valid JSON; run \`npm run audit -- verify\``,
      { cause },
    );
    this.name = 'StoredEventUnreadable';
    this.streamId = row.streamId;
    this.revision = row.revision;
    this.position = row.position;
    this.eventId = row.id;
    this.eventType = row.type;
  }
}

/** Where a stored event stands and what it is, without its JSON texts. */
export interface StoredEventIdentity {
  streamId: string;
  revision: number;
  position: number;
  id: string;
  type: string;
}

/** SQLite's and the file system's codes of a failure that says nothing about the data (extended codes included: SQLITE_IOERR_FSYNC). */
const TRANSIENT_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'ENOSPC',
  'EIO',
];

/**
 * Errors that say nothing about the request or the event: the same write or batch may succeed
 * once the cause goes away. One classifier for the write side (HTTP 503) and the read side
 * (retried with backoff, never a projection's fault).
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof StoreUnavailable) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && TRANSIENT_CODES.some((c) => code === c || code.startsWith(`${c}_`));
}

/**
 * SQLite's word that a file's pages are damaged (SQLITE_CORRUPT and its extended codes) or
 * that the file is no database (SQLITE_NOTADB): a disk or a hand edit, never the request nor
 * the event being applied. Not transient: the same read fails the same way until the file is
 * repaired or, for the read models' file, moved aside and rebuilt.
 */
export function isDamagedFile(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'));
}

/**
 * An error's message, by its shape rather than `instanceof Error`: better-sqlite3 builds its
 * errors with the constructor of the realm that loaded it first (one per jest test file), and
 * `String(e)` would prefix the name.
 */
export function errorMessage(e: unknown): string {
  const text = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof text === 'string' ? text : String(e);
}

/** How messages name the two SQLite files: what each holds. */
export const LOG_FILE_HOLDS = "the ledger's log";
export const READ_MODELS_FILE_HOLDS = "the read models' file";

/** What the operator does about a damaged read models' file (nothing in it is lost: it is rebuilt from the log). */
export const READ_MODELS_FILE_ADVICE =
  'the read models are rebuilt from the log: with the service stopped, move the file aside and start it again';

/** The same for the log's file, which nothing rebuilds. */
export const LOG_FILE_ADVICE =
  'the events are the ledger and nothing rebuilds them: keep the file, and restore the ledger from a backup (README, Backup and restore)';

/**
 * Opens a SQLite file through `open`; if SQLite finds it damaged, the error names the file,
 * what it holds and the advice, instead of a bare "database disk image is malformed".
 */
export function openingFile<T>(file: string, holds: string, advice: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (!isDamagedFile(error)) throw error;
    throw new Error(`${holds} ${file} is damaged (${(error as Error).message}); ${advice}`, { cause: error });
  }
}

/** A transient store error as StoreUnavailable (its code and message kept, the original as cause); any other error as it is. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailable || !isTransient(error)) return error;
  const e = error as Error & { code: string };
  return new StoreUnavailable(e.message, e.code, { cause: error });
}
