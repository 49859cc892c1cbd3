/**
 * Issue 10 item 3, the write side: after a transient refusal the SQLite store's writeStatus is
 * 'failing', and a probe commit (every `writeProbeIntervalMs` while failing) turns it 'ok' once
 * the cause is gone, with no client's append needed. A refused probe changes nothing, never
 * writes to the log, and never waits for a lock held elsewhere.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailable } from '../../src/event-store/errors';
import type { NewEvent, WriteStatus } from '../../src/event-store/event-store.port';
import { SqliteEventStore, SqliteEventStoreOptions } from '../../src/event-store/sqlite/sqlite-event-store';

const event = (): NewEvent => ({
  id: randomUUID(),
  type: 'ThingHappened',
  data: { amount: '1.00' },
  metadata: { schemaVersion: 1, recordedAt: '2026-03-01T02:03:04.000Z' },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (check()) return true;
  return check();
}

describe.each(['inline', 'thread'] as const)('SQLite write probe (writer %s)', (writer) => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  let lock: Database.Database | undefined;

  const open = (options: Partial<SqliteEventStoreOptions>) => (store = new SqliteEventStore({ path, writer, ...options }));
  const hold = () => {
    lock = new Database(path);
    lock.exec('BEGIN IMMEDIATE');
  };
  const release = () => {
    lock?.exec('ROLLBACK');
    lock?.close();
    lock = undefined;
  };
  /** An append refused while the lock is held: the status is failing with one refusal. */
  async function refusedOnce(stream: string): Promise<Extract<WriteStatus, { state: 'failing' }>> {
    hold();
    await expect(store.append(stream, [event()], 0)).rejects.toBeInstanceOf(StoreUnavailable);
    const status = store.writeStatus();
    expect(status).toEqual(expect.objectContaining({ state: 'failing', code: 'SQLITE_BUSY', refusals: 1 }));
    return status as Extract<WriteStatus, { state: 'failing' }>;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-probe-'));
    path = join(dir, 'ledger.db');
  });
  afterEach(async () => {
    release();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays failing while the cause lasts, then turns ok by itself once it is gone; the log is untouched', async () => {
    open({ busyTimeoutMs: 100, writeProbeIntervalMs: 20 });
    const first = event();
    await store.append('s', [first], 'no_stream');
    const failing = await refusedOnce('s');
    await sleep(200); // ~10 probes, each refused
    expect(store.writeStatus()).toEqual(failing);
    release();
    expect(await until(() => store.writeStatus().state === 'ok', 5_000)).toBe(true);
    expect((await store.readAll()).map((e) => e.id)).toEqual([first.id]);
    expect(store.db.prepare('SELECT id, typeof(at) AS at FROM write_probe').all()).toEqual([{ id: 1, at: 'text' }]);
  });

  it('without the probe (interval 0) stays failing after the cause is gone, until an append goes through', async () => {
    open({ busyTimeoutMs: 100, writeProbeIntervalMs: 0 });
    await store.append('s', [event()], 'no_stream');
    const failing = await refusedOnce('s');
    release();
    await sleep(200);
    expect(store.writeStatus()).toEqual(failing);
    await store.append('s', [event()], 0);
    expect(store.writeStatus()).toEqual({ state: 'ok' });
  });

  it('never waits for the lock: the event loop keeps turning while probes are refused', async () => {
    open({ busyTimeoutMs: 1_500, writeProbeIntervalMs: 20 });
    await store.append('s', [event()], 'no_stream');
    await refusedOnce('s'); // this append waits out the 1.5 s busy timeout, as a client's would
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      const start = Date.now();
      await sleep(10);
      worst = Math.max(worst, Date.now() - start);
    }
    // A probe that waited for the lock would hold an inline store's loop for 1.5 s.
    expect(worst).toBeLessThan(750);
    expect(store.writeStatus()).toEqual(expect.objectContaining({ state: 'failing', refusals: 1 }));
    if (writer === 'inline') expect(store.db.pragma('busy_timeout', { simple: true })).toBe(1_500);
  });
});
