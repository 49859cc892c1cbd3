/**
 * Issue 10: a command's load of a person not in the cache reads the stream without decision
 * traces (no fold, idempotency look-up or seal of a sealed predecessor reads one). Whatever
 * needs them — a query's load, a decision that takes the events, the answer to a command
 * already applied, the seal of an unsealed predecessor — still gets the events whole.
 */
import { eventHash } from '../audit/tamper-chain';
import { PersonStreamWriter } from '../modules/person-writer.service';
import type { NewEvent, ReadStreamOptions, RecordedEvent } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { StreamCache, StreamSource, withoutDecisionTrace } from './stream-cache';
import { currentSchemaVersion } from './upcasting';

const TRACE = [{ step: 'fund', clause: '宛政办〔2022〕42号 第六条' }];
const meta = (extra: Record<string, unknown> = {}) => ({ schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z', ...extra });

const enrolled: NewEvent = {
  id: '00000000-0000-4000-8000-e00000000000',
  type: 'PersonEnrolled',
  data: {
    personId: 'P',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '5000.00',
    relatives: [],
  },
  metadata: meta({ hash: 'a'.repeat(64) }),
};

function settled(n: number, metadata: Record<string, unknown> = { hash: 'b'.repeat(64) }): NewEvent {
  return {
    id: `00000000-0000-4000-8000-5${String(n).padStart(11, '0')}`,
    type: 'VisitSettled',
    data: {
      settlementId: `S-${n}`,
      visit: { visitId: `V-${n}`, occurredAt: '2023-03-10T01:00:00.000Z', settledAt: '2023-03-10T01:00:00.000Z' },
      institution: { code: 'NY-L2' },
      decision: {
        year: 2023,
        amounts: { fund: '10.00', deductible: '0.00', account: '0.00', relativeAccount: '0.00' },
        deductibleCharged: false,
        trace: TRACE,
      },
    },
    metadata: meta({ schemaVersion: currentSchemaVersion('VisitSettled'), ...metadata }),
  };
}

let k = 0;
const ids = { next: () => `00000000-0000-4000-9000-${String(++k).padStart(12, '0')}` };
const clock = { now: () => new Date('2023-06-01T00:00:00Z') };
const ctx = (commandId: string) => ({ commandId, actor: 'test' });
const traceOf = (e: RecordedEvent | undefined) => (e?.data as { decision: { trace?: unknown } }).decision.trace;

/** An in-memory store with person P (enrolled, `visits` settlements), its reads' options logged. */
async function storeWithPerson(events: NewEvent[] = [enrolled, settled(1), settled(2)]) {
  const store = new SqliteEventStore({ path: ':memory:' });
  await store.append('person-P', events, 'no_stream');
  await store.append('person-Q', [{ ...enrolled, id: '00000000-0000-4000-8000-e00000000001' }], 'no_stream');
  const reads: ReadStreamOptions[] = [];
  const readStream = store.readStream.bind(store);
  store.readStream = (id, options) => {
    if (id === 'person-P') reads.push({ ...options });
    return readStream(id, options);
  };
  return { store, reads };
}

describe('StreamCache.load withoutDecisionTraces', () => {
  const recorded = (revision: number): RecordedEvent => ({
    id: `a-${revision}`,
    type: 'Added',
    data: { n: 1 },
    metadata: meta(),
    streamId: 'a',
    revision,
    position: revision + 1,
  });
  function source(length: { a: number }) {
    const reads: Array<[number, boolean | undefined]> = [];
    const s: StreamSource<number> = {
      readFrom: async (_id, from, options) => {
        reads.push([from, options?.withoutDecisionTraces]);
        return Array.from({ length: Math.max(0, length.a - from) }, (_, i) => recorded(from + i));
      },
      evolve: (sum, e) => sum + (e.data as { n: number }).n,
      initial: () => 0,
    };
    return { s, reads };
  }

  it('a stream read without traces serves loads that allow it, its tail read the same way; a load that wants them reads it whole', async () => {
    const length = { a: 2 };
    const { s, reads } = source(length);
    const cache = new StreamCache<number>(10);
    expect((await cache.load('a', s, { withoutDecisionTraces: true })).state).toBe(2);
    length.a = 3;
    expect((await cache.load('a', s, { withoutDecisionTraces: true })).state).toBe(3);
    const whole = await cache.load('a', s);
    expect(whole.state).toBe(3);
    expect(whole.withoutDecisionTraces).toBeUndefined();
    expect(reads).toEqual([
      [0, true],
      [2, true],
      [0, undefined],
    ]);
    expect(cache.stats()).toEqual(expect.objectContaining({ hits: 1, misses: 2 }));
  });

  it('a whole entry serves a load without traces, and its tail is read whole', async () => {
    const length = { a: 2 };
    const { s, reads } = source(length);
    const cache = new StreamCache<number>(10);
    await cache.load('a', s);
    length.a = 3;
    const loaded = await cache.load('a', s, { withoutDecisionTraces: true });
    expect(loaded.withoutDecisionTraces).toBeUndefined();
    expect(reads).toEqual([
      [0, undefined],
      [2, undefined],
    ]);
  });
});

describe('PersonStreamWriter: a command on a person not cached', () => {
  it('reads without decision traces and decides on the same state; a later query load reads the stream whole', async () => {
    const { store, reads } = await storeWithPerson();
    const writer = new PersonStreamWriter(store, clock, ids, { personCacheSize: 10 });
    let decidedOn: unknown;
    await writer.write('P', ctx('look'), (state) => {
      decidedOn = state;
      return [];
    });
    const loaded = await writer.load('P');
    expect(decidedOn).toEqual(loaded.state);
    expect(traceOf(loaded.events[2])).toEqual(TRACE);
    expect(reads.map((r) => [r.fromRevision, r.withoutDecisionTraces])).toEqual([
      [0, true],
      [0, undefined],
    ]);
    await store.close();
  });

  it('a decision that asks for whole events gets them whole; without asking, it gets no trace', async () => {
    const { store, reads } = await storeWithPerson();
    const writer = new PersonStreamWriter(store, clock, ids, { personCacheSize: 10 });
    let seen: RecordedEvent[] = [];
    const look = (_state: unknown, events: RecordedEvent[]) => {
      seen = events;
      return [];
    };
    await writer.write('P', ctx('look'), look, { mustExist: true, wholeEvents: true });
    expect(traceOf(seen[1])).toEqual(TRACE);
    expect(reads.every((r) => !r.withoutDecisionTraces)).toBe(true);
    // A writer with an empty cache: the command's load reads the stream again.
    await new PersonStreamWriter(store, clock, ids, { personCacheSize: 10 }).write('P', ctx('look-again'), look);
    expect(traceOf(seen[1])).toBeUndefined();
    await store.close();
  });

  it('a command already applied answers with its events as recorded, trace included, after the person left the cache', async () => {
    const { store } = await storeWithPerson([enrolled]);
    const writer = new PersonStreamWriter(store, clock, ids, { personCacheSize: 1 });
    const visit = settled(7);
    const first = await writer.write('P', ctx('settle-7'), () => [{ type: visit.type, data: visit.data }]);
    await writer.write('Q', ctx('other'), () => []); // P leaves the cache
    const retried = await writer.write('P', ctx('settle-7'), () => {
      throw new Error('must not decide again');
    });
    expect(retried).toEqual({ ...first, created: false });
    expect(traceOf(retried.events[0] as RecordedEvent)).toEqual(TRACE);
    // The same once P is cached again, read without traces.
    await writer.write('P', ctx('look'), () => []);
    expect(await writer.write('P', ctx('settle-7'), () => [])).toEqual({ ...first, created: false });
    await store.close();
  });

  it('seals after an unsealed last event with the hash of that event whole', async () => {
    const unsealed = settled(3, {});
    const { store } = await storeWithPerson([enrolled, unsealed]);
    const writer = new PersonStreamWriter(store, clock, ids, { personCacheSize: 10 });
    await writer.write('P', ctx('next'), () => [
      { type: 'ContributionBaseChanged', data: { contributionBase: '5200.00', effectiveFrom: '2023-07-01' } },
    ]);
    const [previous, next] = await store.readStream('person-P', { fromRevision: 1 });
    expect(traceOf(previous)).toEqual(TRACE);
    expect(next.metadata.prevHash).toBe(eventHash(previous));
    await store.close();
  });
});

describe('StreamCache.extend: written events join as the load that will read them', () => {
  const recordedAs = (e: NewEvent, revision: number): RecordedEvent => ({ ...e, streamId: 'person-P', revision, position: revision + 1 });
  const source: StreamSource<number> = {
    readFrom: async () => [],
    evolve: (n) => n + 1,
    initial: () => 0,
    unchangedSince: () => true,
  };

  it('a command writer keeps a written VisitSettled without its trace and marks the entry; the written event is not changed', () => {
    const cache = new StreamCache<number>(10);
    const written = [recordedAs(enrolled, 0), recordedAs(settled(1), 1)];
    cache.extend('person-P', written, source, { withoutDecisionTraces: true });
    const entry = cache.get('person-P')!;
    expect(entry.withoutDecisionTraces).toBe(true);
    expect(traceOf(entry.events[1])).toBeUndefined();
    expect(entry.events[1].data).toEqual({ ...(written[1].data as object), decision: expect.not.objectContaining({ trace: TRACE }) });
    expect(traceOf(written[1])).toEqual(TRACE);
    expect(entry.state).toBe(2);
  });

  it('a stream written without any trace to drop stays whole; an entry kept whole stays whole unless a command writer asks', () => {
    const cache = new StreamCache<number>(10);
    cache.extend('person-P', [recordedAs(enrolled, 0)], source, { withoutDecisionTraces: true });
    expect(cache.get('person-P')!.withoutDecisionTraces).toBeUndefined();
    cache.extend('person-P', [recordedAs(settled(1), 1)], source);
    expect(traceOf(cache.get('person-P')!.events[1])).toEqual(TRACE);
    expect(cache.get('person-P')!.withoutDecisionTraces).toBeUndefined();
    cache.extend('person-P', [recordedAs(settled(2), 2)], source, { withoutDecisionTraces: true });
    expect(traceOf(cache.get('person-P')!.events[2])).toBeUndefined();
    expect(cache.get('person-P')!.withoutDecisionTraces).toBe(true);
    // Once marked, later writes join without traces whoever writes them.
    cache.extend('person-P', [recordedAs(settled(3), 3)], source);
    expect(traceOf(cache.get('person-P')!.events[3])).toBeUndefined();
  });

  it('leaves other events, and a VisitSettled of an older schema version (its upcaster may read the trace), whole', () => {
    const old = recordedAs({ ...settled(1), metadata: meta({ schemaVersion: currentSchemaVersion('VisitSettled') - 1 }) }, 1);
    expect(withoutDecisionTrace(old)).toBe(old);
    const enrolment = recordedAs(enrolled, 0);
    expect(withoutDecisionTrace(enrolment)).toBe(enrolment);
    expect(traceOf(withoutDecisionTrace(recordedAs(settled(2), 2)))).toBeUndefined();
  });
});

describe('PersonStreamWriter: write-through of a settlement', () => {
  it('answers with the trace, keeps the settlement without it (a decision reads nothing), and a query reads it whole', async () => {
    const { store, reads } = await storeWithPerson([enrolled]);
    const writer = new PersonStreamWriter(store, clock, ids, { personCacheSize: 10 });
    await writer.load('P'); // cached whole, as a query leaves it
    reads.length = 0;
    const visit = settled(5);
    const written = await writer.write('P', ctx('settle-5'), () => [{ type: visit.type, data: visit.data }]);
    expect(traceOf(written.events[0] as RecordedEvent)).toEqual(TRACE);
    const forDecision = await writer.loadForDecision('P');
    expect(traceOf(forDecision.events[1])).toBeUndefined();
    const whole = await writer.load('P');
    expect(traceOf(whole.events[1])).toEqual(TRACE);
    expect(whole.state).toEqual(forDecision.state);
    expect(reads.map((r) => [r.fromRevision, r.withoutDecisionTraces])).toEqual([[0, undefined]]);
    await store.close();
  });
});
