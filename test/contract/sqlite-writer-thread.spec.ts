import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EventIdReused, StoreUnavailable, WrongExpectedVersion } from '../../src/event-store/errors';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { fromWire, toWire } from '../../src/event-store/sqlite/writer-thread';

/**
 * The SQLite adapter's writer thread (issue 10: the COMMIT's fsync off the event loop). The
 * shared contract suite runs on it too (sqlite.contract.spec.ts); these are what only a
 * thread can show: the event loop runs while a commit waits, a dead thread fails its group
 * and a new one takes the next, refusals keep their class across the thread, an idle
 * thread does not keep a script alive.
 */
describe('SqliteEventStore with its writer thread', () => {
  let dir: string;
  const opened: SqliteEventStore[] = [];
  const open = (path: string) => {
    const store = new SqliteEventStore({ path, writer: 'thread' });
    opened.push(store);
    return store;
  };
  const event = (n: number) => ({
    id: randomUUID(),
    type: 'Counted',
    data: { n, text: '门诊统筹' },
    metadata: { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00.000Z' },
  });
  const turn = () => new Promise<void>((r) => setImmediate(r));
  /** Another connection holding the write lock: the writer's BEGIN IMMEDIATE waits for it (busy timeout). */
  const lockHolder = (path: string) => {
    const db = new Database(path);
    db.exec('BEGIN IMMEDIATE');
    return { release: () => (db.exec('COMMIT'), db.close()) };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-writer-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving this event loop while a commit waits for the write lock, and answers once it commits', async () => {
    const path = join(dir, 'ledger.db');
    const store = open(path);
    await store.append('warm', [event(0)], 'no_stream');
    const lock = lockHolder(path);
    let answered = false;
    const pending = store.append('s', [event(1)], 'no_stream').then((r) => ((answered = true), r));
    // An inline commit would block this thread on the lock it holds itself; here the loop turns.
    let turns = 0;
    for (; turns < 50; turns++) await turn();
    expect(answered).toBe(false);
    expect(await store.readStream('s')).toEqual([]);
    lock.release();
    await expect(pending).resolves.toEqual({ nextExpectedRevision: 0, position: 2 });
    expect((await store.readStream('s')).map((e) => e.data)).toEqual([{ n: 1, text: '门诊统筹' }]);
  });

  it('closing lets the group out be answered before it ends the thread (ending it inside a SQLite call can abort the process)', async () => {
    const path = join(dir, 'ledger.db');
    const store = new SqliteEventStore({ path, writer: 'thread', busyTimeoutMs: 2000 });
    await store.append('warm', [event(0)], 'no_stream');
    const lock = lockHolder(path);
    const pending = store.append('s', [event(1)], 'no_stream').catch((e: unknown) => e);
    await turn();
    setTimeout(() => lock.release(), 100);
    await store.close();
    await expect(pending).resolves.toEqual({ nextExpectedRevision: 0, position: 2 });
    const reopened = new SqliteEventStore({ path });
    expect((await reopened.readStream('s')).map((e) => e.data)).toEqual([{ n: 1, text: '门诊统筹' }]);
    await reopened.close();
  });

  it('a writer thread that dies fails the group it held (nothing written) and a new thread commits the next', async () => {
    const path = join(dir, 'ledger.db');
    const store = new SqliteEventStore({ path, writer: 'thread', busyTimeoutMs: 60_000 });
    opened.push(store);
    await store.append('s', [event(1)], 'no_stream');
    const lock = lockHolder(path);
    const lost = store.append('s', [event(2)], 0).catch((e: unknown) => e);
    await turn();
    const worker = (store as unknown as { writerThread: { worker: Worker } }).writerThread.worker;
    const dying = worker.terminate();
    // The thread's BEGIN, waiting for the lock, then succeeds and its JS ends there: a SQLite call
    // that fails while the thread is torn down aborts the whole process (1 run in 8 did, when
    // the lock was kept until the busy timeout).
    lock.release();
    await dying;
    expect(String(await lost)).toMatch(/writer thread exited/);
    // Its outcome unknown to the caller: the store is unavailable to it (HTTP 503, retry with the key), not wrong.
    expect(await lost).toBeInstanceOf(StoreUnavailable);
    await expect(store.append('s', [event(3)], 0)).resolves.toEqual({ nextExpectedRevision: 1, position: 2 });
    expect((await store.readStream('s')).map((e) => (e.data as { n: number }).n)).toEqual([1, 3]);
  });

  it('refusals keep their class and fields across the thread; a transient SQLite error comes back as StoreUnavailable with its code', async () => {
    const store = open(join(dir, 'ledger.db'));
    const first = event(1);
    await store.append('s', [first], 'no_stream');
    const conflict = await store.append('s', [event(2)], 5).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(WrongExpectedVersion);
    expect(conflict).toMatchObject({ streamId: 's', expected: 5, actual: 0 });
    const reused = await store.append('s', [event(3), first], 'any').catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(EventIdReused);
    expect(reused).toMatchObject({ streamId: 's', eventId: first.id });
    const full = fromWire(toWire(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL', name: 'SqliteError' })));
    expect(full).toBeInstanceOf(StoreUnavailable);
    expect(full).toMatchObject({
      message: 'database or disk is full',
      code: 'SQLITE_FULL',
      cause: expect.objectContaining({ name: 'SqliteError' }),
    });
    const constraint = fromWire(
      toWire(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE', name: 'SqliteError' })),
    );
    expect(constraint).not.toBeInstanceOf(StoreUnavailable);
    expect(constraint).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE', name: 'SqliteError' });
  });

  it('an idle writer thread does not keep a process alive (scripts end without closing the store)', () => {
    const script = `
      const { SqliteEventStore } = require(${JSON.stringify(resolve(__dirname, '../../src/event-store/sqlite/sqlite-event-store'))});
      const store = new SqliteEventStore({ path: ${JSON.stringify(join(dir, 'script.db'))}, writer: 'thread' });
      store.append('s', [{ id: 'e1', type: 'T', data: {}, metadata: {} }], 'no_stream').then((r) => console.log(JSON.stringify(r)));`;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: resolve(__dirname, '../..'),
    });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('{"nextExpectedRevision":0,"position":1}');
    expect(run.status).toBe(0);
  });
});
