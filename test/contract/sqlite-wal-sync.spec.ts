/**
 * Issue 10 item 4: synchronous=FULL with the fsync off the main thread. The connection
 * commits without an fsync (NORMAL in WAL mode) and the WAL is synced on libuv's thread
 * pool; an append is answered only once a sync that started after its commit is done.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NewEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

const event = (i: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'T',
  data: { i },
  metadata: { schemaVersion: 1, recordedAt: '2025-01-01T00:00:00Z' },
});
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SQLite FULL: the WAL synced off the main thread', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-sync-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A store whose WAL syncs are held until the test releases them. */
  function heldSyncs() {
    const held: Array<(error: Error | null) => void> = [];
    const store = new SqliteEventStore({ path: path.join(dir, 'l.db'), syncWal: (done) => void held.push(done) });
    return { store, held };
  }

  it('an append is answered only after the WAL sync that follows its commit; read-side hand-over waits too', async () => {
    const { store, held } = heldSyncs();
    const handed: number[] = [];
    store.onCommitted((events) => handed.push(...events.map((e) => e.position)));
    let answered = false;
    const append = store.append('s-1', [event(1)], 'no_stream').then((r) => ((answered = true), r));
    for (let i = 0; i < 5; i++) await tick();
    // Committed (visible to a reader of the file) but not acknowledged, not handed over.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect([answered, handed, held.length]).toEqual([false, [], 1]);
    held.shift()!(null);
    await expect(append).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
    expect(handed).toEqual([1]);
    await store.close();
  });

  it('groups committed while a sync is in flight share the next sync; stats count syncs apart from commits', async () => {
    const { store, held } = heldSyncs();
    const first = store.append('s-1', [event(1)], 'no_stream');
    for (let i = 0; i < 3; i++) await tick();
    const later = [store.append('s-2', [event(2)], 'no_stream')];
    await tick();
    later.push(store.append('s-3', [event(3)], 'no_stream'));
    for (let i = 0; i < 5; i++) await tick();
    expect(store.stats()).toMatchObject({ commits: 3, syncs: 1 });
    held.shift()!(null); // the first sync: only the first append was committed before it began
    await first;
    for (let i = 0; i < 3; i++) await tick();
    expect(store.stats().syncs).toBe(2);
    held.shift()!(null);
    await expect(Promise.all(later)).resolves.toEqual([
      { nextExpectedRevision: 0, position: 2 },
      { nextExpectedRevision: 0, position: 3 },
    ]);
    await store.close();
  });

  it('a failed sync fails the appends it covered; their retry is answered from the log, nothing written twice', async () => {
    const { store, held } = heldSyncs();
    const append = store.append('s-1', [event(1)], 'no_stream');
    for (let i = 0; i < 3; i++) await tick();
    held.shift()!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(append).rejects.toThrow('fdatasync');
    const retry = store.append('s-1', [event(1)], 'no_stream');
    for (let i = 0; i < 3; i++) await tick();
    held.shift()!(null);
    await expect(retry).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    await store.close();
  });

  it('close waits for the pending sync before answering and closing', async () => {
    const { store, held } = heldSyncs();
    const append = store.append('s-1', [event(1)], 'no_stream');
    const closing = store.close();
    for (let i = 0; i < 3; i++) await tick();
    expect(held).toHaveLength(1);
    held.shift()!(null);
    await closing;
    await expect(append).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
  });

  it('by default the -wal file is fdatasync’ed: the connection commits with NORMAL, the store counts one sync per group', async () => {
    const store = new SqliteEventStore({ path: path.join(dir, 'real.db') });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    await Promise.all([1, 2, 3].map((i) => store.append(`s-${i}`, [event(i)], 'no_stream')));
    expect(store.stats()).toMatchObject({ commits: 1, syncs: 1, appends: 3 });
    await store.close();
    const normal = new SqliteEventStore({ path: path.join(dir, 'normal.db'), synchronous: 'NORMAL' });
    await normal.append('s-1', [event(1)], 'no_stream');
    expect(normal.stats()).toMatchObject({ commits: 1, syncs: 0 });
    await normal.close();
  });
});
