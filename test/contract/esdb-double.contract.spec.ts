import { randomUUID } from 'node:crypto';
import { MaxAppendSizeExceededError } from '@eventstore/db-client';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';
import { describeEventStoreContract } from './event-store.contract';

// The EventStoreDB adapter and the real @eventstore/db-client, against the gRPC test double
// of EventStoreDB's Streams service (not a real EventStoreDB; see test/doubles/esdb-grpc-double.ts).
// The double writes a system event after every second append so that filtering is exercised.
describeEventStoreContract(
  'EventStoreDB adapter via the gRPC test double',
  async () => {
    const double = await EsdbGrpcTestDouble.start({ systemEventEvery: 2 });
    const store = new EsdbEventStore(double.connectionString);
    return {
      store,
      // The node stopped (its log kept) until the outage ends.
      outage: async () => {
        await double.stop();
        return { end: () => double.start() };
      },
      damage: async (position, part) => double.damage(BigInt(position), part),
      cleanup: async () => {
        await store.close();
        await double.stop();
      },
    };
  },
  { eventIdReuse: 'best-effort', outage: true, damage: true },
);

describe('EventStoreDB adapter specifics, via the gRPC test double', () => {
  let double: EsdbGrpcTestDouble;
  let store: EsdbEventStore;
  beforeEach(async () => {
    double = await EsdbGrpcTestDouble.start({ systemEventEvery: 1 });
    store = new EsdbEventStore(double.connectionString);
  });
  afterEach(async () => {
    await store.close();
    await double.stop();
  });
  const event = () => ({
    id: randomUUID(),
    type: 'Counted',
    data: {},
    metadata: { schemaVersion: 1, recordedAt: '2026-01-01T00:00:00.000Z' },
  });

  it('hides system events ($-streams, $-types) from readAll, headPosition and subscriptions', async () => {
    const first = await store.append('s', [event()], 'no_stream');
    const last = await store.append('s', [event()], 0);
    // Without ServerFeatures the client uses the classic Append call, once per append.
    expect(double.appendCalls).toBe(2);
    // The double wrote a system event at start and after each append: 2 user + 3 system.
    expect(double.logLength).toBe(5);
    const all = await store.readAll();
    expect(all.map((e) => e.position)).toEqual([first.position, last.position]);
    expect(await store.headPosition()).toBe(last.position);
    const seen: string[] = [];
    const subscription = store.subscribeToAll((e) => {
      seen.push(e.streamId);
    });
    await subscription.caughtUp();
    await subscription.stop();
    expect(seen).toEqual(['s', 's']);
  });

  it('cancels its subscription call on the server when stopped or when the handler fails', async () => {
    const waitFor = async (condition: () => boolean) => {
      for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
      return condition();
    };
    await store.append('s', [event()], 'no_stream');
    const stopped = store.subscribeToAll(() => undefined);
    await stopped.caughtUp();
    expect(double.liveSubscriptionCount).toBe(1);
    await stopped.stop();
    expect(await waitFor(() => double.liveSubscriptionCount === 0)).toBe(true);

    const failing = store.subscribeToAll(() => {
      throw new Error('handler failed');
    });
    await expect(failing.done).rejects.toThrow('handler failed');
    expect(await waitFor(() => double.liveSubscriptionCount === 0)).toBe(true);
  });

  it('lets the server refuse an append over its 1 MiB maximum append size (not a conflict)', async () => {
    const big = { ...event(), data: { blob: 'x'.repeat(1024 * 1024) } };
    const error = await store.append('big', [big], 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(await store.readStream('big')).toEqual([]);
  });
});
