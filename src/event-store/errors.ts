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
