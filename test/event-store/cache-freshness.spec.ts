import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrongExpectedVersion } from '../../src/event-store/errors';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { StreamCache, storeSource } from '../../src/event-store/stream-cache';

/**
 * The stream cache's freshness on the SQLite store under continuous load (issue 10): while
 * groups keep going to the writer thread, a write by another connection (the read side's
 * alerts, another process, an import) must be seen at a cached stream it wrote to, and must
 * not make every other cached stream be read again at every load.
 */
describe('Stream cache freshness while groups keep going to the writer thread', () => {
  const meta = { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00.000Z' };
  let n = 0;
  const event = (id = `e${++n}`) => ({ id, type: 'Counted', data: { id }, metadata: meta });
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const ids = (events: RecordedEvent[]) => events.map((e) => e.id);
  let dir: string;
  let path: string;
  const opened: SqliteEventStore[] = [];
  const open = (writer: 'thread' | 'inline') => {
    const store = new SqliteEventStore({ path, writer });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cache-freshness-'));
    path = join(dir, 'ledger.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Our store (writer thread), a cache of streams s1..s3 already loaded, and another connection to the same file. */
  async function setUp() {
    const store = open('thread');
    const other = open('inline');
    for (const s of ['s1', 's2', 's3']) await store.append(s, [event(`${s}-0`)], 'no_stream');
    const cache = new StreamCache<number>(100);
    const source = storeSource<number>(
      store,
      (count) => count + 1,
      () => 0,
    );
    // Reads of cached streams' tails, counted at the store (the cache's own count is checked against it).
    let tailReads = 0;
    const readFrom = source.readFrom;
    source.readFrom = (s, from) => ((tailReads += from > 0 ? 1 : 0), readFrom(s, from));
    for (const s of ['s1', 's2', 's3']) await cache.load(s, source);
    await turn();
    return { store, other, cache, tailReads: () => tailReads, load: (s: string) => cache.load(s, source) };
  }

  /**
   * One of our groups at the writer thread, as under load: the flush runs at the next turn,
   * and its answer cannot come back before `done` is awaited (loads in between read SQLite synchronously).
   */
  async function groupInFlight(store: SqliteEventStore) {
    let answered = false;
    const appended = store.append('busy', [event()], 'any').then(() => {
      answered = true;
    });
    await turn();
    return { inFlight: () => !answered, done: () => appended };
  }

  it('one write by another connection costs no tail read of the cached streams it did not write, at any later group', async () => {
    const { store, other, cache, tailReads, load } = await setUp();
    await other.append('alert-1', [event()], 'no_stream');
    for (let round = 0; round < 10; round++) {
      const group = await groupInFlight(store);
      for (const s of ['s1', 's2', 's3']) expect((await load(s)).state).toBe(1);
      expect(group.inFlight()).toBe(true);
      await group.done();
    }
    expect(tailReads()).toBe(0);
    expect(cache.stats()).toEqual(expect.objectContaining({ hits: 30, misses: 3, tailReads: 0 }));
  });

  it('a write by another connection to a cached stream between two of our groups is seen once the next group answers', async () => {
    const { store, other, load } = await setUp();
    await (await groupInFlight(store)).done();
    await other.append('s1', [event('foreign')], 0);
    await (await groupInFlight(store)).done();
    const group = await groupInFlight(store);
    expect(ids((await load('s1')).events)).toEqual(['s1-0', 'foreign']);
    expect(group.inFlight()).toBe(true);
    await group.done();
  });

  it('a write by another connection to a cached stream while our group waits for the write lock is seen once that group answers', async () => {
    const { store, load } = await setUp();
    const lock = new Database(path);
    lock.exec('BEGIN IMMEDIATE');
    const waiting = await groupInFlight(store);
    lock
      .prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)')
      .run('s1', 1, 'foreign', 'Counted', '{"id":"foreign"}', JSON.stringify(meta));
    lock.exec('COMMIT');
    lock.close();
    await waiting.done();
    const group = await groupInFlight(store);
    expect(ids((await load('s1')).events)).toEqual(['s1-0', 'foreign']);
    expect(group.inFlight()).toBe(true);
    await group.done();
  });

  it('a write by another connection after our group committed, before its answer, is seen once the next group answers', async () => {
    const { store, load } = await setUp();
    const probe = new Database(path);
    const committed = probe.prepare('SELECT COUNT(*) AS n FROM events WHERE stream_id = ?');
    const before = committed.get('busy') as { n: number };
    const first = await groupInFlight(store);
    // This thread is busy until the group is committed: its answer waits in the queue meanwhile.
    for (const deadline = Date.now() + 10_000; (committed.get('busy') as { n: number }).n === before.n;) {
      if (Date.now() > deadline) throw new Error('the writer thread did not commit');
    }
    probe
      .prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)')
      .run('s1', 1, 'foreign', 'Counted', '{"id":"foreign"}', JSON.stringify(meta));
    probe.close();
    await first.done();
    await (await groupInFlight(store)).done();
    const group = await groupInFlight(store);
    expect(ids((await load('s1')).events)).toEqual(['s1-0', 'foreign']);
    expect(group.inFlight()).toBe(true);
    await group.done();
  });

  it('more writes by another connection than are looked at one by one: every cached stream is read once, and a write to it seen', async () => {
    const { store, other, tailReads, load } = await setUp();
    await other.append('s1', [event('foreign')], 0);
    await other.append(
      'import',
      Array.from({ length: 1_000 }, () => event()),
      'no_stream',
    );
    await (await groupInFlight(store)).done();
    const group = await groupInFlight(store);
    expect(ids((await load('s1')).events)).toEqual(['s1-0', 'foreign']);
    for (const s of ['s2', 's3']) await load(s);
    expect(tailReads()).toBe(3);
    await group.done();
  });

  it('a conflict makes every cached stream be read once more, and the cache is trusted again from the next group on', async () => {
    const { store, cache, tailReads, load } = await setUp();
    await expect(store.append('s2', [event()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersion);
    let group = await groupInFlight(store);
    for (const s of ['s1', 's2', 's3']) await load(s);
    expect(tailReads()).toBe(3);
    await group.done();
    group = await groupInFlight(store);
    for (const s of ['s1', 's2', 's3']) await load(s);
    expect(group.inFlight()).toBe(true);
    expect(tailReads()).toBe(3);
    expect(cache.stats().tailReads).toBe(3);
    await group.done();
  });
});
