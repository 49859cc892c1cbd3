import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PersonStreamWriter } from '../modules/person-writer.service';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { StreamCache, StreamSource } from './stream-cache';
import { RecordedEvent } from './event-store.port';
import { InstitutionRegistry } from '../institutions/institution-registry.service';

describe('StreamCache', () => {
  it('evicts the least recently used stream beyond its bound', () => {
    const cache = new StreamCache<number>(2);
    cache.set('a', { events: [], state: 1 });
    cache.set('b', { events: [], state: 2 });
    cache.get('a'); // a is now the most recent
    cache.set('c', { events: [], state: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.state).toBe(1);
    expect(cache.get('c')?.state).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('PersonStreamWriter with its stream cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-cache-'));
  const file = path.join(dir, 'l.db');
  let n = 0;
  const ids = { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
  const clock = { now: () => new Date('2023-01-01T00:00:00Z') };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sees what another process appended to the same file, and decides on it', async () => {
    const storeA = new SqliteEventStore({ path: file });
    const storeB = new SqliteEventStore({ path: file });
    const a = new PersonStreamWriter(storeA, clock, ids);
    const b = new PersonStreamWriter(storeB, clock, ids);
    const ctx = (k: string) => ({ commandId: k, actor: 'test' });
    await a.write(
      'P1',
      ctx('enrol'),
      () => [
        {
          type: 'PersonEnrolled',
          data: {
            personId: 'P1',
            scheme: 'employee',
            category: 'in_service',
            region: 'nanyang',
            enrolledOn: '2023-01-01',
            contributionBase: '5000.00',
            relatives: [],
          },
        },
      ],
      { mustExist: false },
    );
    expect((await a.load('P1')).state.enrollment.enrolled).toBe(true); // now cached in A
    await b.write('P1', ctx('retire'), () => [
      { type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } },
    ]);
    const seen = await a.load('P1');
    expect(seen.events.map((e) => e.type)).toEqual(['PersonEnrolled', 'RetiredStatusChanged']);
    expect(seen.state.enrollment.categoryTimeline.map((c) => c.category)).toEqual(['in_service', 'retired']);
    // A decides against the appended state: its append carries the right expected revision.
    const out = await a.write('P1', ctx('base'), () => [
      { type: 'ContributionBaseChanged', data: { contributionBase: '5200.00', effectiveFrom: '2023-07-01' } },
    ]);
    expect(out.revision).toBe(2);
    await storeA.close();
    await storeB.close();
  });
});

describe('StreamCache.load: read-through with tail reads, and hit/miss counters', () => {
  const recorded = (streamId: string, revision: number): RecordedEvent => ({
    id: `${streamId}-${revision}`,
    type: 'Added',
    data: { n: 1 },
    metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' },
    streamId,
    revision,
    position: revision + 1,
  });
  function source(streams: Record<string, number>) {
    const reads: Array<[string, number]> = [];
    const s: StreamSource<number> = {
      readFrom: async (id, from) => {
        reads.push([id, from]);
        return Array.from({ length: Math.max(0, (streams[id] ?? 0) - from) }, (_, i) => recorded(id, from + i));
      },
      evolve: (sum, e) => sum + (e.data as { n: number }).n,
      initial: () => 0,
    };
    return { source: s, reads };
  }

  it('reads a cached stream from its next revision only, folds the tail, and counts hits and misses', async () => {
    const streams = { a: 3 };
    const { source: s, reads } = source(streams);
    const cache = new StreamCache<number>(10);
    expect((await cache.load('a', s)).state).toBe(3);
    expect((await cache.load('a', s)).state).toBe(3);
    streams.a = 5; // appended elsewhere
    const later = await cache.load('a', s);
    expect(later.state).toBe(5);
    expect(later.events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(reads).toEqual([
      ['a', 0],
      ['a', 3],
      ['a', 3],
    ]);
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, tailReads: 2, hitRatio: 2 / 3, size: 1, capacity: 10 });
  });

  it('counts as tail reads only the hits whose entry the source cannot show current', async () => {
    const { source: s, reads } = source({ a: 3, b: 2 });
    const current = new Set<string>();
    const cache = new StreamCache<number>(10);
    const withFreshness: StreamSource<number> = {
      ...s,
      epoch: () => 7,
      unchangedSince: (id, _revision, epoch) => epoch === 7 && current.has(id),
    };
    await cache.load('a', withFreshness);
    await cache.load('b', withFreshness);
    current.add('a');
    await cache.load('a', withFreshness);
    await cache.load('b', withFreshness);
    expect(reads).toEqual([
      ['a', 0],
      ['b', 0],
      ['b', 2],
    ]);
    expect(cache.stats()).toEqual(expect.objectContaining({ hits: 2, misses: 2, tailReads: 1 }));
  });

  it('does not cache an empty (unknown) stream', async () => {
    const { source: s } = source({});
    const cache = new StreamCache<number>(10);
    await cache.load('ghost', s);
    await cache.load('ghost', s);
    expect(cache.stats()).toEqual(expect.objectContaining({ hits: 0, misses: 2, size: 0 }));
  });

  it('a PersonStreamWriter takes its cache size from the configuration', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const clock = { now: () => new Date('2023-01-01T00:00:00Z') };
    let k = 0;
    const writer = new PersonStreamWriter(store, clock, { next: () => `id-${++k}` }, { personCacheSize: 1 });
    for (const p of ['P1', 'P2']) {
      await store.append(
        `person-${p}`,
        [{ id: `e-${p}`, type: 'Unknown', data: {}, metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' } }],
        'no_stream',
      );
    }
    for (const p of ['P1', 'P2', 'P1']) await writer.load(p);
    expect(writer.cacheStats()).toEqual(expect.objectContaining({ hits: 0, misses: 3, size: 1, capacity: 1 }));
    await writer.load('P1');
    expect(writer.cacheStats()).toEqual(expect.objectContaining({ hits: 1, misses: 3 }));
    await store.close();
  });
});

describe("InstitutionRegistry: profiles cached, invalidated by the institution's own events", () => {
  const meta = { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' };
  const profile = {
    code: 'NY-L2',
    name: '南阳市第二人民医院',
    category: 'other_specialty',
    level: 'level2',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  };

  it('reads only the tail after the first find, and sees a profile change written by another connection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-cache-'));
    const file = path.join(dir, 'l.db');
    const store = new SqliteEventStore({ path: file });
    const other = new SqliteEventStore({ path: file });
    const reads: Array<number | undefined> = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (id, options) => {
      reads.push(options?.fromRevision);
      return readStream(id, options);
    };
    const registry = new InstitutionRegistry(store);
    await other.append('institution-NY-L2', [{ id: 'r', type: 'InstitutionRegistered', data: profile, metadata: meta }], 'no_stream');
    expect((await registry.find('NY-L2'))?.level).toBe('level2');
    expect((await registry.find('NY-L2'))?.level).toBe('level2');
    await other.append(
      'institution-NY-L2',
      [{ id: 'c', type: 'InstitutionProfileChanged', data: { changes: { level: 'level3' } }, metadata: meta }],
      0,
    );
    expect((await registry.find('NY-L2'))?.level).toBe('level3');
    // The second find reads nothing (no writer since); the third reads the tail the other connection appended.
    expect(reads).toEqual([0, 1]);
    expect(registry.cacheStats()).toEqual(expect.objectContaining({ hits: 2, misses: 1, size: 1 }));
    expect(await registry.find('NOPE')).toBeUndefined();
    await store.close();
    await other.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Freshness without tail reads (issue 10: institution lookup and person write-through)', () => {
  const meta = { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' };
  const event = (id: string) => ({ id, type: 'Unknown', data: { id }, metadata: meta });
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  function tempFile(): { file: string; cleanup: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freshness-'));
    return { file: path.join(dir, 'l.db'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }

  it('unchangedSince: true after a read with no writer since; false past an own append, after another connection appended, or after a conflict', async () => {
    const { file, cleanup } = tempFile();
    const store = new SqliteEventStore({ path: file });
    const other = new SqliteEventStore({ path: file });
    await store.append('s', [event('a')], 'no_stream');
    await nextTurn();
    let epoch = store.freshnessEpoch();
    expect(store.unchangedSince('s', 0, epoch)).toBe(true);
    await store.append('s', [event('b')], 0);
    expect(store.unchangedSince('s', 0, epoch)).toBe(false); // own append past revision 0
    expect(store.unchangedSince('s', 1, epoch)).toBe(true);
    expect(store.unchangedSince('t', 5, epoch)).toBe(true); // untouched stream
    await other.append('s', [event('c')], 1);
    await nextTurn();
    expect(store.unchangedSince('s', 1, epoch)).toBe(false); // another connection wrote to it
    expect(store.unchangedSince('t', 5, epoch)).toBe(true); // ...and only to it
    await nextTurn();
    epoch = store.freshnessEpoch();
    expect(store.unchangedSince('s', 2, epoch)).toBe(true);
    await expect(store.append('s', [event('d')], 0)).rejects.toThrow();
    expect(store.unchangedSince('s', 2, epoch)).toBe(false); // a conflict: the retry must read afresh
    await store.close();
    await other.close();
    cleanup();
  });

  it('a PersonStreamWriter keeps what it appended: the next load reads nothing, and its state equals a fresh replay', async () => {
    const { file, cleanup } = tempFile();
    const store = new SqliteEventStore({ path: file });
    let k = 0;
    const ids = { next: () => `00000000-0000-4000-8000-${String(++k).padStart(12, '0')}` };
    const clock = { now: () => new Date('2023-01-01T00:00:00Z') };
    const writer = new PersonStreamWriter(store, clock, ids);
    let reads = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = (id, options) => {
      reads++;
      return readStream(id, options);
    };
    const ctx = (c: string) => ({ commandId: c, actor: 'test' });
    await writer.write(
      'P1',
      ctx('enrol'),
      () => [
        {
          type: 'PersonEnrolled',
          data: {
            personId: 'P1',
            scheme: 'employee',
            category: 'in_service',
            region: 'nanyang',
            enrolledOn: '2023-01-01',
            contributionBase: '5000.00',
            relatives: [],
          },
        },
      ],
      { mustExist: false },
    );
    await writer.write('P1', ctx('base'), () => [
      { type: 'ContributionBaseChanged', data: { contributionBase: '5200.00', effectiveFrom: '2023-07-01' } },
    ]);
    const readsAfterWrites = reads;
    const cached = await writer.load('P1');
    expect(reads).toBe(readsAfterWrites);
    const fresh = await new PersonStreamWriter(new SqliteEventStore({ path: file }), clock, ids).load('P1');
    expect(cached.events).toEqual(fresh.events);
    expect(cached.state).toEqual(fresh.state);
    await store.close();
    cleanup();
  });
});
