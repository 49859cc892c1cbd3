/**
 * The one behavioural contract of the EventStore port (src/event-store/event-store.port.ts).
 * Every adapter runs it: SQLite always, the EventStoreDB adapter against the gRPC test
 * double always, and against a real EventStoreDB when EVENTSTORE_CONNECTION_STRING is set.
 *
 * Tests never assume an empty store (a real server is shared and writes system events):
 * streams get fresh names and global reads start after the head seen at the test's start.
 */
import { randomUUID } from 'node:crypto';
import { EventStore, ExpectedRevision, NewEvent, RecordedEvent } from '../../src/event-store/event-store.port';
import { EventIdReused, isTransient, StoreUnavailable, WrongExpectedVersion } from '../../src/event-store/errors';
import { readAllUpToUnreadable } from '../../src/event-store/read-up-to-unreadable';
import { currentSchemaVersion } from '../../src/event-store/upcasting';

export interface EventStoreUnderTest {
  store: EventStore;
  cleanup: () => Promise<void>;
  /** Makes the store unable to take a write for a while (a write lock held elsewhere, the node stopped); resolves to the end of it. */
  outage?: () => Promise<{ end: () => Promise<void> }>;
  /** Overwrites the stored text of the event at `position` with text that is not JSON (a damaged file, a hand edit). */
  damage?: (position: number, part: 'data' | 'metadata') => Promise<void>;
}

export interface EventStoreTraits {
  /**
   * 'exact': reusing an event id for a different event type is always refused (SQLite).
   * 'best-effort': the store may instead answer as for a retry (EventStoreDB only compares
   * ids); either way nothing is written.
   */
  eventIdReuse: 'exact' | 'best-effort';
  /** The factory gives an `outage`: the transient-refusal case runs (not for a store nothing else can lock, such as ':memory:'). */
  outage?: boolean;
  /** The factory gives `damage`: the unreadable-row case runs. */
  damage?: boolean;
}

/** Just under 1 MiB of JSON: EventStoreDB refuses appends over 1,048,576 bytes by default. */
const LARGE_PAYLOAD_BYTES = 1024 * 1024 - 1024;

export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreUnderTest>,
  traits: EventStoreTraits = { eventIdReuse: 'exact' },
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let outage: EventStoreUnderTest['outage'];
    let damage: EventStoreUnderTest['damage'];

    beforeEach(async () => {
      ({ store, cleanup, outage, damage } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    const streamName = (prefix = 'contract') => `${prefix}-${randomUUID()}`;
    let seq = 0;
    const event = (type = 'ThingHappened', data: unknown = { n: ++seq, amount: '12.34' }): NewEvent => ({
      id: randomUUID(),
      type,
      data,
      metadata: { schemaVersion: 1, recordedAt: '2026-03-01T02:03:04.000Z', commandId: randomUUID() },
    });
    const ids = (events: { id: string }[]) => events.map((e) => e.id);

    async function expectConflict(streamId: string, expected: ExpectedRevision, actual: number | 'no_stream'): Promise<void> {
      const before = await store.readStream(streamId);
      const error = await store.append(streamId, [event(), event()], expected).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WrongExpectedVersion);
      const conflict = error as WrongExpectedVersion;
      expect(conflict.streamId).toBe(streamId);
      expect(conflict.expected).toBe(expected);
      expect(conflict.actual).toBe(actual);
      expect(ids(await store.readStream(streamId))).toEqual(ids(before));
    }

    if (traits.damage) {
      it('reads a stored event that is not JSON as StoredEventUnreadable naming it, and every other event as before', async () => {
        const s = streamName();
        const other = streamName();
        const after = await store.headPosition();
        const written = [event(), event('OtherHappened'), event()];
        await store.append(s, written, 'no_stream');
        const [otherEvent] = await store.append(other, [event()], 'no_stream').then(() => store.readStream(other));
        const recorded = await store.readStream(s);
        await damage!(recorded[1].position, 'data');
        await damage!(recorded[2].position, 'metadata');
        const named = (part: string, e: RecordedEvent) =>
          expect.objectContaining({
            kind: 'unreadable',
            part,
            streamId: s,
            revision: e.revision,
            position: e.position,
            eventId: e.id,
            eventType: e.type,
          });
        await expect(store.readStream(s)).rejects.toEqual(named('data', recorded[1]));
        await expect(store.readAll({ afterPosition: after })).rejects.toEqual(named('data', recorded[1]));
        await expect(store.readStream(s, { fromRevision: 2 })).rejects.toEqual(named('metadata', recorded[2]));
        expect(ids(await store.readStream(s, { maxCount: 1 }))).toEqual([written[0].id]);
        expect(await store.readStream(other)).toEqual([otherEvent]);
        const page = await readAllUpToUnreadable(store, { afterPosition: after, maxCount: 100 });
        expect([ids(page.events), page.unreadable]).toEqual([[written[0].id], named('data', recorded[1])]);
        expect(isTransient(page.unreadable)).toBe(false);
      });
    }

    if (traits.outage) {
      describe('a store that cannot take a write just now', () => {
        /** As a client retries a 503 (a node just restarted may still refuse a moment): the same call, again, until the store takes it. */
        async function asAClient<T>(call: () => Promise<T>): Promise<T> {
          for (let attempt = 1; ; attempt++) {
            try {
              return await call();
            } catch (error) {
              if (!(error instanceof StoreUnavailable) || attempt >= 200) throw error;
              await new Promise((r) => setTimeout(r, 25));
            }
          }
        }

        it('refuses the append as StoreUnavailable, writes nothing, says its writes are failing; the retry is taken once it is back', async () => {
          const s = streamName();
          const first = event();
          await store.append(s, [first], 'no_stream');
          expect(store.writeStatus?.()).toEqual({ state: 'ok' });
          const down = await outage!();
          const retried = event();
          let refused: unknown;
          try {
            refused = await store.append(s, [retried], 0).catch((e: unknown) => e);
            expect(store.writeStatus?.()).toEqual(
              expect.objectContaining({ state: 'failing', code: expect.any(String), since: expect.any(String), refusals: 1 }),
            );
          } finally {
            await down.end();
          }
          expect(refused).toBeInstanceOf(StoreUnavailable);
          expect(isTransient(refused)).toBe(true);
          expect(ids(await asAClient(() => store.readStream(s)))).toEqual([first.id]);
          await asAClient(() => store.append(s, [retried], 0));
          expect(ids(await store.readStream(s))).toEqual([first.id, retried.id]);
          expect(store.writeStatus?.()).toEqual({ state: 'ok' });
        }, 30_000);
      });
    }

    describe('append and expected revision', () => {
      it('numbers a new stream from revision 0 and returns the last revision and position', async () => {
        const s = streamName();
        const first = await store.append(s, [event(), event(), event()], 'no_stream');
        expect(first.nextExpectedRevision).toBe(2);
        const second = await store.append(s, [event()], 2);
        expect(second.nextExpectedRevision).toBe(3);
        expect(second.position).toBeGreaterThan(first.position);
        const read = await store.readStream(s);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        expect(read[2].position).toBe(first.position);
        expect(read[3].position).toBe(second.position);
        expect(read.every((e) => e.streamId === s)).toBe(true);
      });

      it('no_stream: succeeds on a new stream, conflicts once the stream exists', async () => {
        const s = streamName();
        await store.append(s, [event()], 'no_stream');
        await expectConflict(s, 'no_stream', 0);
      });

      it('stream_exists: conflicts on a missing stream, succeeds on an existing one', async () => {
        const s = streamName();
        await expectConflict(s, 'stream_exists', 'no_stream');
        expect(await store.readStream(s)).toEqual([]);
        await store.append(s, [event()], 'any');
        const result = await store.append(s, [event()], 'stream_exists');
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('exact revision: conflicts when behind, ahead, or on a missing stream; succeeds when equal', async () => {
        const s = streamName();
        await expectConflict(s, 0, 'no_stream');
        await store.append(s, [event(), event(), event()], 'no_stream');
        await expectConflict(s, 1, 2);
        await expectConflict(s, 5, 2);
        const ok = await store.append(s, [event()], 2);
        expect(ok.nextExpectedRevision).toBe(3);
      });

      it('any: appends whatever the stream revision', async () => {
        const s = streamName();
        expect((await store.append(s, [event()], 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(s, [event(), event()], 'any')).nextExpectedRevision).toBe(2);
      });

      it('20 concurrent appends expecting the same revision: exactly one wins, nothing else is written', async () => {
        const s = streamName();
        await store.append(s, [event()], 'no_stream');
        const batches = Array.from({ length: 20 }, () => [event(), event()]);
        const outcomes = await Promise.allSettled(batches.map((b) => store.append(s, b, 0)));
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') {
            expect(o.reason).toBeInstanceOf(WrongExpectedVersion);
            expect((o.reason as WrongExpectedVersion).actual).toBe(2);
          }
        }
        const read = await store.readStream(s);
        expect(read).toHaveLength(3);
        expect(ids(read.slice(1))).toEqual(ids(batches[won[0]]));
      });
    });

    describe('concurrent appends (issue 10: a group commit must not change the semantics)', () => {
      const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

      it('many appends to many streams at once all succeed, with distinct increasing positions', async () => {
        const start = await store.headPosition();
        const work = Array.from({ length: 40 }, (_, i) => ({
          streamId: streamName('many'),
          events: Array.from({ length: 1 + (i % 3) }, () => event()),
        }));
        const results = await Promise.all(work.map((w) => store.append(w.streamId, w.events, 'no_stream')));
        expect(results.map((r) => r.nextExpectedRevision)).toEqual(work.map((w) => w.events.length - 1));
        expect(new Set(results.map((r) => r.position)).size).toBe(work.length);
        const mine = new Set(work.map((w) => w.streamId));
        const all = (await store.readAll({ afterPosition: start })).filter((e) => mine.has(e.streamId));
        expect(all).toHaveLength(work.reduce((n, w) => n + w.events.length, 0));
        for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
        // Each append's events are contiguous in the log, and it reports its last one's position.
        work.forEach((w, i) => {
          const at = all.findIndex((e) => e.id === w.events[0].id);
          expect(ids(all.slice(at, at + w.events.length))).toEqual(ids(w.events));
          expect(all[at + w.events.length - 1].position).toBe(results[i].position);
        });
      });

      it('two appends expecting the same revision, beside other streams: exactly one wins', async () => {
        const s = streamName();
        await store.append(s, [event()], 'no_stream');
        const contenders = [[event()], [event(), event()]];
        const bystanders = Array.from({ length: 6 }, () => ({ streamId: streamName('by'), events: [event()] }));
        const [outcomes, others] = await Promise.all([
          settle(contenders.map((b) => store.append(s, b, 0))),
          settle(bystanders.map((b) => store.append(b.streamId, b.events, 'no_stream'))),
        ]);
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        const lost = outcomes[1 - won[0]];
        expect(lost.status).toBe('rejected');
        const conflict = (lost as PromiseRejectedResult).reason as WrongExpectedVersion;
        expect(conflict).toBeInstanceOf(WrongExpectedVersion);
        expect(conflict.actual).toBe(contenders[won[0]].length);
        expect(ids((await store.readStream(s)).slice(1))).toEqual(ids(contenders[won[0]]));
        expect(others.every((o) => o.status === 'fulfilled')).toBe(true);
      });

      it('a failing append (wrong revision, reused id) fails alone: the appends beside it are written', async () => {
        const [okA, conflicted, reused, okB] = [streamName('ok'), streamName('bad'), streamName('reuse'), streamName('ok')];
        await store.append(conflicted, [event()], 'no_stream');
        const earlier = event();
        await store.append(reused, [earlier, event()], 'no_stream');
        const [a, b] = [[event(), event()], [event()]];
        const outcomes = await settle([
          store.append(okA, a, 'no_stream'),
          store.append(conflicted, [event()], 7),
          store.append(reused, [earlier, event()], 'any'),
          store.append(okB, b, 'no_stream'),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
        expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
        expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(EventIdReused);
        expect(ids(await store.readStream(okA))).toEqual(ids(a));
        expect(ids(await store.readStream(okB))).toEqual(ids(b));
        expect(await store.readStream(conflicted)).toHaveLength(1);
        expect(await store.readStream(reused)).toHaveLength(2);
      });

      it('concurrent appends to one stream (any): positions follow revisions, no revision twice', async () => {
        const s = streamName();
        const batches = Array.from({ length: 12 }, (_, i) => (i % 2 ? [event(), event()] : [event()]));
        const results = await Promise.all(batches.map((b) => store.append(s, b, 'any')));
        const read = await store.readStream(s);
        expect(read.map((e) => e.revision)).toEqual(read.map((_, i) => i));
        for (let i = 1; i < read.length; i++) expect(read[i].position).toBeGreaterThan(read[i - 1].position);
        expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(batches.length);
        batches.forEach((b, i) => {
          const last = read.find((e) => e.id === b[b.length - 1].id)!;
          expect(results[i]).toEqual({ nextExpectedRevision: last.revision, position: last.position });
          const first = read.find((e) => e.id === b[0].id)!;
          expect(ids(read.slice(first.revision, first.revision + b.length))).toEqual(ids(b));
        });
      });

      it('the same batch appended twice at once is written once, and both callers get its result', async () => {
        const s = streamName();
        const batch = [event(), event()];
        const [first, second] = await Promise.all([store.append(s, batch, 'no_stream'), store.append(s, batch, 'no_stream')]);
        expect(second).toEqual(first);
        expect(ids(await store.readStream(s))).toEqual(ids(batch));
      });
    });

    describe('idempotency by event id', () => {
      it('a retry with the same expected revision returns the original result and writes nothing', async () => {
        const s = streamName();
        await store.append(s, [event()], 'no_stream');
        const batch = [event(), event()];
        const original = await store.append(s, batch, 0);
        const head = await store.headPosition();
        const retried = await store.append(s, batch, 0);
        expect(retried).toEqual(original);
        expect(await store.readStream(s)).toHaveLength(3);
        expect(await store.headPosition()).toBe(head);
      });

      it('a retry after the stream moved on (stale revision, no_stream, any) still returns the original result', async () => {
        const s = streamName();
        const batch = [event(), event()];
        const original = await store.append(s, batch, 'no_stream');
        await store.append(s, [event()], 1);
        expect(await store.append(s, batch, 'no_stream')).toEqual(original);
        expect(await store.append(s, batch, 'any')).toEqual(original);
        const later = [event()];
        const laterResult = await store.append(s, later, 2);
        await store.append(s, [event()], 3);
        expect(await store.append(s, later, 2)).toEqual(laterResult);
        expect(ids(await store.readStream(s))).toHaveLength(5);
      });

      it('a batch that only partly repeats earlier ids is refused with EventIdReused and writes nothing', async () => {
        const s = streamName();
        const batch = [event(), event()];
        await store.append(s, batch, 'no_stream');
        const before = ids(await store.readStream(s));
        await expect(store.append(s, [batch[0], event()], 'no_stream')).rejects.toBeInstanceOf(EventIdReused);
        await expect(store.append(s, [batch[1], event()], 'any')).rejects.toBeInstanceOf(EventIdReused);
        expect(ids(await store.readStream(s))).toEqual(before);
      });

      it('an id reused for a different event type never writes the new event', async () => {
        const s = streamName();
        const original = event('Original');
        const first = await store.append(s, [original], 'no_stream');
        const reuse = { ...event('SomethingElse'), id: original.id };
        const outcome = await store.append(s, [reuse], 'no_stream').then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        if (traits.eventIdReuse === 'exact' || 'error' in outcome) {
          expect('error' in outcome && outcome.error).toBeInstanceOf(EventIdReused);
        } else {
          expect(outcome.result).toEqual(first);
        }
        const read = await store.readStream(s);
        expect(read.map((e) => [e.id, e.type])).toEqual([[original.id, 'Original']]);
      });
    });

    describe('reading a stream', () => {
      let s: string;
      let written: NewEvent[];
      beforeEach(async () => {
        s = streamName();
        written = Array.from({ length: 10 }, () => event());
        await store.append(s, written.slice(0, 4), 'no_stream');
        await store.append(s, written.slice(4), 3);
      });

      it('forwards from the start', async () => {
        const read = await store.readStream(s);
        expect(ids(read)).toEqual(ids(written));
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(read.map((e) => e.data)).toEqual(written.map((e) => e.data));
      });

      it('forwards from a revision, at most maxCount', async () => {
        const read = await store.readStream(s, { fromRevision: 3, maxCount: 4 });
        expect(read.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        expect(ids(read)).toEqual(ids(written.slice(3, 7)));
        expect(await store.readStream(s, { fromRevision: 10 })).toEqual([]);
      });

      it('backwards from the end and from a revision, at most maxCount', async () => {
        expect((await store.readStream(s, { direction: 'backwards' })).map((e) => e.revision)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        const read = await store.readStream(s, { direction: 'backwards', fromRevision: 5, maxCount: 3 });
        expect(read.map((e) => e.revision)).toEqual([5, 4, 3]);
        expect(ids(read)).toEqual(ids(written.slice(3, 6)).reverse());
        const last = await store.readStream(s, { direction: 'backwards', maxCount: 1 });
        expect(ids(last)).toEqual([written[9].id]);
      });

      it('a missing stream reads as empty, both ways', async () => {
        expect(await store.readStream(streamName('missing'))).toEqual([]);
        expect(await store.readStream(streamName('missing'), { direction: 'backwards' })).toEqual([]);
      });

      it('withoutDecisionTraces only permits leaving out a current VisitSettled decision.trace; everything else reads whole', async () => {
        const traced = (n: number) => ({
          settlementId: `S-${n}`,
          decision: { year: 2025, trace: [{ step: 'fund', clause: '第六条' }], fund: '1.00' },
        });
        const settled = (n: number, schemaVersion: number): NewEvent => {
          const e = event('VisitSettled', traced(n));
          return { ...e, metadata: { ...e.metadata, schemaVersion } };
        };
        const t = streamName();
        const mixed = [
          settled(1, currentSchemaVersion('VisitSettled')),
          settled(2, 0),
          event('Other', traced(3)),
          settled(4, currentSchemaVersion('VisitSettled')),
        ];
        await store.append(t, mixed, 'no_stream');
        const whole = await store.readStream(t, { fromRevision: 0, maxCount: 3 });
        const cut = await store.readStream(t, { fromRevision: 0, maxCount: 3, withoutDecisionTraces: true });
        const { trace: _, ...withoutTrace } = traced(1).decision;
        expect([whole[0].data, { settlementId: 'S-1', decision: withoutTrace }]).toContainEqual(cut[0].data);
        expect(cut.slice(1).map((e) => e.data)).toEqual(whole.slice(1).map((e) => e.data));
        expect(cut.map(({ data: _d, ...rest }) => rest)).toEqual(whole.map(({ data: _d, ...rest }) => rest));
        const fromRevision = await store.readStream(t, { fromRevision: 3, withoutDecisionTraces: true });
        expect(fromRevision.map((e) => e.revision)).toEqual([3]);
        const backwards = await store.readStream(t, { direction: 'backwards', withoutDecisionTraces: true });
        expect(backwards.map((e) => e.data)).toEqual(mixed.map((e) => e.data).reverse());
      });
    });

    describe('the global log', () => {
      it('orders events of all streams by strictly increasing position, in commit order', async () => {
        const start = await store.headPosition();
        const [a, b, c] = [streamName('a'), streamName('b'), streamName('c')];
        const appended: { streamId: string; events: NewEvent[]; position: number }[] = [];
        for (const [streamId, count] of [
          [a, 2],
          [b, 1],
          [a, 1],
          [c, 3],
          [b, 2],
        ] as const) {
          const events = Array.from({ length: count }, () => event());
          const result = await store.append(streamId, events, 'any');
          appended.push({ streamId, events, position: result.position });
        }
        const mine = new Set([a, b, c]);
        const all = (await store.readAll({ afterPosition: start })).filter((e) => mine.has(e.streamId));
        expect(ids(all)).toEqual(appended.flatMap((x) => ids(x.events)));
        for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
        // The position an append returns is the position of its last event.
        const lastOfEach = appended.map((x) => all.find((e) => e.id === x.events[x.events.length - 1].id)!.position);
        expect(lastOfEach).toEqual(appended.map((x) => x.position));
        expect(await store.headPosition()).toBe(appended[appended.length - 1].position);
      });

      it('readAll is exclusive of afterPosition and honours maxCount', async () => {
        const start = await store.headPosition();
        const s = streamName();
        const events = Array.from({ length: 6 }, () => event());
        for (const [i, e] of events.entries()) await store.append(s, [e], i === 0 ? 'no_stream' : i - 1);
        const all = (await store.readAll({ afterPosition: start })).filter((e) => e.streamId === s);
        expect(ids(all)).toEqual(ids(events));
        const afterThird = await store.readAll({ afterPosition: all[2].position, maxCount: 2 });
        expect(ids(afterThird)).toEqual(ids(events.slice(3, 5)));
        expect(await store.readAll({ afterPosition: all[5].position })).toEqual([]);
      });

      it('readAll with eventTypes returns only those types, in position order, maxCount counting what it returns', async () => {
        const start = await store.headPosition();
        // Types of this test only: a shared server holds other tests' events.
        const tag = randomUUID().slice(0, 8);
        const [wanted, also, other] = [`Wanted${tag}`, `AlsoWanted${tag}`, `Other${tag}`];
        const s1 = streamName();
        const s2 = streamName();
        const written = [event(other), event(wanted), event(other), event(also), event(other), event(wanted)];
        await store.append(s1, written.slice(0, 3), 'no_stream');
        await store.append(s2, written.slice(3), 'no_stream');
        const matching = written.filter((e) => e.type !== other);

        const found = await store.readAll({ afterPosition: start, eventTypes: [wanted, also] });
        expect(ids(found)).toEqual(ids(matching));
        expect(found.map((e) => e.position)).toEqual([...found.map((e) => e.position)].sort((a, b) => a - b));
        expect(found[0].data).toEqual(matching[0].data);

        const firstTwo = await store.readAll({ afterPosition: start, eventTypes: [wanted, also], maxCount: 2 });
        expect(ids(firstTwo)).toEqual(ids(matching.slice(0, 2)));
        const rest = await store.readAll({ afterPosition: firstTwo[1].position, eventTypes: [wanted, also] });
        expect(ids(rest)).toEqual(ids(matching.slice(2)));
        expect(await store.readAll({ afterPosition: start, eventTypes: [`Never${tag}`] })).toEqual([]);
      });

      it('readAll withStoredText returns the same events (with or without a type filter)', async () => {
        const start = await store.headPosition();
        const s = streamName();
        await store.append(s, [event(), event('Other', { nested: { b: 2, a: [1, '2.50'] } }), event()], 'no_stream');
        const plain = (await store.readAll({ afterPosition: start })).filter((e) => e.streamId === s);
        const withText = (await store.readAll({ afterPosition: start, withStoredText: true })).filter((e) => e.streamId === s);
        expect(withText).toEqual(plain);
        expect(withText.map((e) => e.data)).toEqual(plain.map((e) => e.data));
        const others = (await store.readAll({ afterPosition: start, withStoredText: true, eventTypes: ['Other'] })).filter(
          (e) => e.streamId === s,
        );
        expect(others).toEqual(plain.filter((e) => e.type === 'Other'));
      });
    });

    describe('catch-up subscription', () => {
      it('started mid-log while appends go on, delivers exactly the events after the checkpoint, in order', async () => {
        const start = await store.headPosition();
        const streams = [streamName('x'), streamName('y'), streamName('z')];
        const mine = new Set(streams);
        const before: NewEvent[] = [];
        for (let i = 0; i < 15; i++) {
          const e = event();
          before.push(e);
          await store.append(streams[i % 3], [e], 'any');
        }
        const history = (await store.readAll({ afterPosition: start })).filter((e) => mine.has(e.streamId));
        const checkpoint = history[6].position;

        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll(
          async (e) => {
            if (mine.has(e.streamId)) received.push(e);
            // Yield so that the writer below interleaves with delivery.
            await new Promise((r) => setImmediate(r));
          },
          { afterPosition: checkpoint },
        );
        const during: NewEvent[] = [];
        for (let i = 0; i < 30; i++) {
          const batch = i % 4 === 0 ? [event(), event()] : [event()];
          during.push(...batch);
          await store.append(streams[i % 3], batch, 'any');
          if (i % 5 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        await subscription.caughtUp();
        await subscription.stop();

        expect(ids(received)).toEqual([...ids(before.slice(7)), ...ids(during)]);
        for (let i = 1; i < received.length; i++) expect(received[i].position).toBeGreaterThan(received[i - 1].position);
        expect(received[0].position).toBeGreaterThan(checkpoint);
        await expect(subscription.done).resolves.toBeUndefined();
      });

      it('from the start, delivers the whole history once, then live events', async () => {
        const s = streamName();
        await store.append(s, [event(), event()], 'no_stream');
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll((e) => {
          if (e.streamId === s) received.push(e);
        });
        await subscription.caughtUp();
        expect(received.map((e) => e.revision)).toEqual([0, 1]);
        await store.append(s, [event()], 1);
        await subscription.caughtUp();
        expect(received.map((e) => e.revision)).toEqual([0, 1, 2]);
        await subscription.stop();
      });

      it('stop() ends delivery', async () => {
        const s = streamName();
        const received: string[] = [];
        const subscription = store.subscribeToAll(
          (e) => {
            if (e.streamId === s) received.push(e.id);
          },
          { afterPosition: await store.headPosition() },
        );
        const first = event();
        await store.append(s, [first], 'no_stream');
        await subscription.caughtUp();
        await subscription.stop();
        await store.append(s, [event()], 0);
        await new Promise((r) => setTimeout(r, 300));
        expect(received).toEqual([first.id]);
        await expect(subscription.done).resolves.toBeUndefined();
      });

      it('a handler that throws fails the subscription: done rejects with its error', async () => {
        const s = streamName();
        const subscription = store.subscribeToAll(
          (e) => {
            if (e.streamId === s) throw new Error('projection broke');
          },
          { afterPosition: await store.headPosition() },
        );
        await store.append(s, [event()], 'no_stream');
        await expect(subscription.done).rejects.toThrow('projection broke');
        await subscription.stop();
      });
    });

    describe('payloads', () => {
      it(`round-trips a ${LARGE_PAYLOAD_BYTES}-byte (1 MiB − 1 KiB) JSON payload`, async () => {
        const s = streamName();
        const prefix = '{"blob":"';
        const blob = 'ab0123456789'.repeat(LARGE_PAYLOAD_BYTES).slice(0, LARGE_PAYLOAD_BYTES - prefix.length - 2);
        const data = { blob };
        expect(Buffer.byteLength(JSON.stringify(data))).toBe(LARGE_PAYLOAD_BYTES);
        await store.append(s, [{ ...event(), data }], 'no_stream');
        const [read] = await store.readStream(s);
        expect((read.data as { blob: string }).blob.length).toBe(blob.length);
        expect(read.data).toEqual(data);
      });

      it('round-trips Chinese text in data, metadata and the stream name', async () => {
        const s = streamName('参保人-张三');
        const data = {
          institution: '南阳市第一人民医院',
          item: '门诊统筹 — 普通门诊费用',
          clause: '宛政办〔2022〕42号 第五条（一）',
          amount: '1234.56',
          note: '乙类自付 𠀀 ✓',
        };
        const e = {
          ...event('门诊结算', data),
          metadata: { schemaVersion: 1, recordedAt: '2026-03-01T00:00:00.000Z', actor: '经办员:王五' },
        };
        const start = await store.headPosition();
        await store.append(s, [e], 'no_stream');
        const [read] = await store.readStream(s);
        expect(read.streamId).toBe(s);
        expect(read.type).toBe('门诊结算');
        expect(read.data).toEqual(data);
        expect(read.metadata).toEqual(e.metadata);
        const fromAll = (await store.readAll({ afterPosition: start })).find((x) => x.id === e.id);
        expect(fromAll?.data).toEqual(data);
      });

      it('round-trips every metadata field, extra keys included', async () => {
        const s = streamName();
        const metadata = {
          schemaVersion: 3,
          recordedAt: '2026-03-01T02:03:04.567Z',
          occurredAt: '2026-02-28',
          commandId: randomUUID(),
          correlationId: randomUUID(),
          causationId: randomUUID(),
          actor: 'institution:key-17',
          hash: 'a'.repeat(64),
          prevHash: 'b'.repeat(64),
          extra: { nested: [1, 'two', null, true], 中文: '是' },
        };
        await store.append(s, [{ ...event(), metadata }], 'no_stream');
        const [read] = await store.readStream(s);
        expect(read.metadata).toEqual(metadata);
      });
    });

    it('ping resolves and headPosition is 0 or more', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.headPosition()).toBeGreaterThanOrEqual(0);
    });
  });
}
