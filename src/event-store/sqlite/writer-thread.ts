import { Worker } from 'node:worker_threads';
import { asStoreError, EventIdReused, StoreUnavailable, WrongExpectedVersion } from '../errors';
import type { ExpectedRevision } from '../event-store.port';
import type { AppendOutcome, AppendRequest, GroupOutcome } from './group-commit';
import { workerEntry } from '../../kernel/worker-entry';

/** What the writer thread is started with (workerData). */
export interface WriterOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
}

/** An error as it crosses the thread boundary: the adapter's own refusals keep their class. */
export type WireError =
  | { kind: 'conflict'; streamId: string; expected: ExpectedRevision; actual: number | 'no_stream' }
  | { kind: 'event-id-reused'; streamId: string; eventId: string }
  | { kind: 'error'; name: string; message: string; code?: string };

export type WireOutcome = { result: { nextExpectedRevision: number; position: number }; written: boolean } | { error: WireError };

/** Store -> writer thread: a group to commit, or (`probeAt`, no appends) a write probe (GroupCommitter.probe). */
export interface WriterRequest {
  id: number;
  appends: AppendRequest[];
  probeAt?: string;
}

/** Writer thread -> store: the outcomes of group `id` and the head before it, or why the whole group failed (nothing written). */
export type WriterReply = { id: number; headBefore: number; outcomes: WireOutcome[] } | { id: number; failure: WireError };

export function toWire(error: unknown): WireError {
  if (error instanceof WrongExpectedVersion)
    return { kind: 'conflict', streamId: error.streamId, expected: error.expected, actual: error.actual };
  if (error instanceof EventIdReused) return { kind: 'event-id-reused', streamId: error.streamId, eventId: error.eventId };
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { kind: 'error', name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
}

export function fromWire(wire: WireError): Error {
  if (wire.kind === 'conflict') return new WrongExpectedVersion(wire.streamId, wire.expected, wire.actual);
  if (wire.kind === 'event-id-reused') return new EventIdReused(wire.streamId, wire.eventId);
  // SQLite's code (SQLITE_FULL, SQLITE_BUSY…) is kept: a transient one comes back as StoreUnavailable (HTTP 503).
  return asStoreError(
    Object.assign(new Error(wire.message), { name: wire.name, ...(wire.code !== undefined ? { code: wire.code } : {}) }),
  ) as Error;
}

/** Only what the writer needs crosses the thread (the caller's objects hold functions and parsed data). */
function onTheWire({ streamId, events, rows, expected }: AppendRequest): AppendRequest {
  return { streamId, events: events.map(({ id, type }) => ({ id, type })), rows, expected };
}

interface Waiting {
  resolve: (committed: GroupOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * The SQLite adapter's writes on a thread of their own (issue 10: the COMMIT's fsync and the
 * inserts no longer block the event loop that serves requests). The thread has its own
 * connection to the same file and runs the same GroupCommitter; the store sends it one
 * group at a time and answers the group's callers when the reply (after the durable
 * COMMIT) comes back. A thread that dies fails the groups it held (their outcome is
 * unknown: clients retry with their idempotency key) and is started again on the next group.
 */
export class WriterThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly drained: Array<() => void> = [];

  constructor(private readonly options: WriterOptions) {}

  commit(appends: readonly AppendRequest[]): Promise<GroupOutcome> {
    return this.send({ appends: appends.map(onTheWire) });
  }

  /** GroupCommitter.probe on the thread's connection (starting the thread again if it died). */
  async probe(at: string): Promise<void> {
    await this.send({ appends: [], probeAt: at });
  }

  private send(request: Omit<WriterRequest, 'id'>): Promise<GroupOutcome> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<GroupOutcome>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Only while a request is out does the thread keep the process alive (scripts end by themselves).
      worker.ref();
      worker.postMessage({ id, ...request } satisfies WriterRequest);
    });
  }

  /**
   * Ends the thread once the groups it holds are answered (or a busy timeout and a second
   * later): a thread terminated inside a SQLite call that then fails aborts the whole process
   * (better-sqlite3 throws into an isolate being torn down: "ToLocalChecked Empty MaybeLocal").
   */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    if (this.waiting.size > 0)
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        setTimeout(resolve, this.options.busyTimeoutMs + 1000).unref();
      });
    if (this.worker === worker) this.worker = undefined;
    await worker.terminate();
  }

  /** Wakes `close` once no group is out. */
  private wakeIfDrained(): void {
    if (this.waiting.size === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  private start(): Worker {
    const { file, execArgv } = workerEntry(__filename, 'writer.worker');
    const worker = new Worker(file, { workerData: this.options, execArgv });
    worker.on('message', (reply: WriterReply) => this.answer(reply));
    // Either way the groups it held have an unknown outcome: the store is unavailable to them, not wrong.
    worker.on('error', (error) =>
      this.failAll(worker, new StoreUnavailable(`SQLite writer thread failed: ${String(error)}`, 'WRITER_THREAD_FAILED', { cause: error })),
    );
    worker.on('exit', (code) =>
      this.failAll(worker, new StoreUnavailable(`SQLite writer thread exited with code ${code}`, 'WRITER_THREAD_EXITED')),
    );
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private answer(reply: WriterReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if ('failure' in reply) waiting.reject(fromWire(reply.failure));
    else
      waiting.resolve({
        headBefore: reply.headBefore,
        outcomes: reply.outcomes.map((o): AppendOutcome => ('error' in o ? { error: fromWire(o.error) } : o)),
      });
    this.wakeIfDrained();
  }

  private failAll(worker: Worker, error: unknown): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      waiting.reject(error);
    }
    this.wakeIfDrained();
  }
}
