import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { Backoff, EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import type { ReadSideRunner } from '../../src/projections/read-side-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';
import { writeStory } from '../audit/story';

// Issue 13 item 7, through the service: readiness is false while the $all subscription is
// down, and the read side resumes by itself with the read models equal to a replay.
describe('read side when the EventStoreDB subscription drops', () => {
  let double: EsdbGrpcTestDouble;
  let ledger: LedgerClient;

  beforeAll(async () => {
    double = await EsdbGrpcTestDouble.start({ systemEventEvery: 3 });
    const store = new EsdbEventStore(double.connectionString, { backoff: new Backoff(600, 600), log: () => undefined });
    ledger = await startLedger({ store });
    await writeStory(ledger);
    await ledger.app.get<ReadSideRunner>(PROJECTION_RUNNER).caughtUp();
  }, 60_000);
  afterAll(async () => {
    await ledger?.close();
    await double?.stop();
  });

  it('is not ready while the subscription is down, then ready again with the read models complete', async () => {
    expect((await ledger.get('/health/ready')).status).toBe(200);
    double.dropSubscriptions();
    const down = await ledger.get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^event store subscription is reconnecting: .*dropped by the test double/)]),
    );
    expect(down.body.connection).toMatchObject({ state: 'reconnecting' });

    // Written while the subscription is down: the read side must pick it up once resumed.
    ledger.clock.set('2023-09-01T10:00:00+08:00');
    await ledger.must('/persons/NY-A1/visits', {
      settlementId: 'S-SEP',
      visitId: 'V-S-SEP',
      institutionCode: 'NY-H2',
      occurredAt: '2023-09-01T10:00:00+08:00',
      settledAt: '2023-09-01T10:00:00+08:00',
      medType: 'ordinary',
      lines: [{ code: 'DRUG-1', amount: '300.00', inCatalogue: true }],
      account: { source: 'none' },
    });

    let ready = down;
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ready = await ledger.get('/health/ready');
    }
    expect(ready.status).toBe(200);
    await ledger.app.get<ReadSideRunner>(PROJECTION_RUNNER).caughtUp();
    expect(ready.body.connection).toMatchObject({ state: 'connected', resubscriptions: 1 });
    // 472.50 + 175.50 (retired rate): the September visit applied once, none of the earlier twice.
    const year = (await ledger.get('/persons/NY-A1/years/2023')).body;
    expect(year.result).toMatchObject({ fundPaid: '648.00' });
    const replay = await ledger.post('/audit/replay', { personId: 'NY-A1', year: 2023 });
    expect(replay.body).toMatchObject({ verdict: '0 differences' });
  }, 30_000);
});
