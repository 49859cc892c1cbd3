import { randomUUID } from 'node:crypto';
import { readSeals, sealLedger, verifyLedger } from '../../src/audit/seals/ledger-verification';
import { applySeal, foldSeals, merkleRoot, SealRecord } from '../../src/audit/seals/seal';
import { sealBatch } from '../../src/audit/tamper-chain';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { EventStore } from '../../src/event-store/event-store.port';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';

/** Seal and verify go through the port only: the same against EventStoreDB (its gRPC test double; positions not contiguous, system events in $all). */
describe('seals through the event-store port, on the EventStoreDB adapter', () => {
  let double: EsdbGrpcTestDouble;
  let store: EsdbEventStore;
  beforeAll(async () => {
    double = await EsdbGrpcTestDouble.start({ systemEventEvery: 2 });
    store = new EsdbEventStore(double.connectionString);
  });
  afterAll(async () => {
    await store?.close();
    await double?.stop();
  });

  async function appendChained(s: EventStore, streamId: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const stored = await s.readStream(streamId);
      const [event] = sealBatch(
        streamId,
        [{ id: randomUUID(), type: 'Noted', data: { i }, metadata: { schemaVersion: 1, recordedAt: '2024-01-01T00:00:00Z' } }],
        stored[stored.length - 1],
      );
      await s.append(streamId, [event], stored.length === 0 ? 'no_stream' : stored.length - 1);
    }
  }
  const now = () => '2024-01-02T00:00:00Z';

  it('seals, verifies intact, counts what came after, and names a tail an exported seal expects', async () => {
    await appendChained(store, 'person-A', 3);
    await appendChained(store, 'person-B', 2);
    const { seal, report } = await sealLedger(store, randomUUID, now);
    expect(report.verdict).toBe('intact');
    expect(seal).toMatchObject({ revision: 0, streams: 2 });
    expect(await verifyLedger(store)).toMatchObject({ verdict: 'intact', seal: { holds: true, streams: 2 }, notYetSealed: 0 });

    await appendChained(store, 'person-A', 1);
    expect(await verifyLedger(store)).toMatchObject({ verdict: 'intact', notYetSealed: 1 });

    // An exported seal that committed to a longer person-B (as if its tail had since been removed).
    const [exported] = await readSeals(store);
    const heads = applySeal(new Map(), exported);
    heads.set('person-B', { revision: 2, hash: 'f'.repeat(64) });
    const longer: SealRecord = { ...exported, changed: [...heads].map(([id, h]) => [id, h.revision, h.hash]), root: merkleRoot(heads) };
    expect(foldSeals([longer]).findings).toEqual([]);
    const against = await verifyLedger(store, [longer]);
    expect(against.verdict).toBe('broken');
    expect(against.seal?.findings).toEqual(
      expect.arrayContaining([
        {
          streamId: 'person-B',
          reason: 'truncated',
          expected: { revision: 2, hash: 'f'.repeat(64) },
          found: { revision: 1, hash: expect.any(String) },
        },
        expect.objectContaining({ streamId: 'seals@0', reason: 'rewritten' }),
      ]),
    );
  });
});
