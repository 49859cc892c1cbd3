import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { EventStore, NewEvent } from './event-store.port';
import { requestFingerprint, runStreamCommand } from './stream-command';
import { ConcurrencyConflict, IdempotencyKeyReused } from '../kernel/errors';

const clock = { now: () => new Date('2023-01-01T00:00:00Z') };
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const ev = (type: string, data: unknown): NewEvent => ({
  id: newId(),
  type,
  data,
  metadata: { schemaVersion: 1, recordedAt: clock.now().toISOString() },
});

/** Counter stream: the decision depends on the state, so a stale decision would be wrong. */
function increment(store: EventStore, commandId: string, maxAttempts?: number, fingerprint?: string) {
  let decisions = 0;
  const run = runStreamCommand({
    store,
    clock,
    newId,
    streamId: 'counter-1',
    context: { commandId, actor: 'test', ...(fingerprint ? { requestFingerprint: fingerprint } : {}) },
    fold: (events) => events.length,
    decide: (count) => {
      decisions++;
      return [{ type: 'Incremented', data: { to: count + 1 } }];
    },
    result: (written) => (written[0].data as { to: number }).to,
    maxAttempts,
  });
  return { run, decisions: () => decisions };
}

describe('runStreamCommand: load, decide, append with the expected revision, retry', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  it('a concurrent writer between load and append makes it reload and decide again', async () => {
    await store.append('counter-1', [ev('Incremented', { to: 1 })], 'no_stream');
    let sneaked = false;
    const racing: EventStore = Object.create(store);
    racing.append = async (streamId, events, expected) => {
      if (!sneaked) {
        sneaked = true;
        await store.append('counter-1', [ev('Incremented', { to: 2 })], 0);
      }
      return store.append(streamId, events, expected);
    };
    const { run, decisions } = increment(racing, 'cmd-1');
    const outcome = await run;
    expect(decisions()).toBe(2);
    expect(outcome.result).toBe(3); // decided on the reloaded state, not the stale one
    expect((await store.readStream('counter-1')).map((e) => (e.data as any).to)).toEqual([1, 2, 3]);
  });

  it('gives up with ConcurrencyConflict (HTTP 409) after the bounded attempts, having written nothing', async () => {
    const hostile: EventStore = Object.create(store);
    hostile.append = async (streamId, events, expected) => {
      await store.append('counter-1', [ev('Incremented', { to: -1 })], 'any'); // someone always wins the race
      return store.append(streamId, events, expected);
    };
    const { run, decisions } = increment(hostile, 'cmd-2', 3);
    await expect(run).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(decisions()).toBe(3);
    const written = await store.readStream('counter-1');
    expect(written.filter((e) => e.metadata.commandId === 'cmd-2')).toHaveLength(0);
  });

  it('a command id already in the stream returns the first outcome and writes nothing', async () => {
    const first = await increment(store, 'cmd-3').run;
    const again = increment(store, 'cmd-3');
    const replay = await again.run;
    expect(again.decisions()).toBe(0);
    expect(replay.created).toBe(false);
    expect(replay.result).toBe(first.result);
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });
});

describe('runStreamCommand: the idempotency key is bound to the request (issue 11 item 2)', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
  });
  afterEach(() => store.close());
  const fp = (body: unknown) => requestFingerprint('Increment', 'counter-1', body);

  it('the fingerprint is the canonical body: key order does not matter, values do', () => {
    expect(fp({ a: 1, b: { c: 2, d: 3 } })).toBe(fp({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fp({ a: 1 })).not.toBe(fp({ a: 2 }));
    expect(requestFingerprint('Increment', 'counter-2', { a: 1 })).not.toBe(fp({ a: 1 }));
    expect(requestFingerprint('Decrement', 'counter-1', { a: 1 })).not.toBe(fp({ a: 1 }));
  });

  it('stores the fingerprint with the events and replays a retry of the same request', async () => {
    await increment(store, 'k-1', undefined, fp({ by: 1 })).run;
    const [written] = await store.readStream('counter-1');
    expect(written.metadata.requestFingerprint).toBe(fp({ by: 1 }));
    const again = await increment(store, 'k-1', undefined, fp({ by: 1 })).run;
    expect(again.created).toBe(false);
  });

  it('a different request under a used key is refused naming the key, deciding and writing nothing', async () => {
    await increment(store, 'keyid:k-2', undefined, fp({ by: 1 })).run;
    const other = increment(store, 'keyid:k-2', undefined, fp({ by: 2 }));
    const refused = await other.run.catch((e) => e);
    expect(refused).toBeInstanceOf(IdempotencyKeyReused);
    expect(refused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(refused.message).toContain('k-2');
    expect(refused.message).not.toContain('keyid');
    expect(other.decisions()).toBe(0);
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });

  it('events written before fingerprints existed count as the same request', async () => {
    await increment(store, 'k-3').run; // no fingerprint stored
    const again = await increment(store, 'k-3', undefined, fp({ by: 5 })).run;
    expect(again.created).toBe(false);
  });

  it('twenty different requests under one key at once: one written, nineteen refused', async () => {
    const runs = Array.from({ length: 20 }, (_, i) =>
      increment(store, 'k-4', 30, fp({ by: i })).run.then(
        () => 'ok',
        (e) => e,
      ),
    );
    const results = await Promise.all(runs);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r instanceof IdempotencyKeyReused)).toHaveLength(19);
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });
});
