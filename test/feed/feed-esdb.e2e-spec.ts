/**
 * The feed on EventStoreDB (its gRPC test double): the same pages, the same filters for an
 * institution key, and live delivery by polling the head (no in-process commit hook there).
 */
import * as http from 'node:http';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';
import { LedgerHarness, startLedger } from '../support/ledger-app';
import { seedFeedLedger, settleVisits } from './feed-fixture';

let double: EsdbGrpcTestDouble;
let h: LedgerHarness;
beforeAll(async () => {
  double = await EsdbGrpcTestDouble.start({ systemEventEvery: 3 });
  h = await startLedger({
    wrapStore: (sqlite) => {
      void sqlite.close();
      return new EsdbEventStore(double.connectionString);
    },
  });
  await seedFeedLedger(h);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await double?.stop();
});

async function pageAll(query: string, key: string): Promise<any[]> {
  const items: any[] = [];
  let after = 0;
  for (;;) {
    const res = await h.http.get(`/feed?after=${after}&limit=4${query}`).set('x-api-key', key);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    if (res.body.next >= res.body.head) return items;
    after = res.body.next;
  }
}

it('pages through the whole log in position order, each event once', async () => {
  const all = await h.store.readAll();
  const items = await pageAll('', h.keys.agency);
  expect(items.map((e) => e.position)).toEqual(all.map((e) => e.position));
});

it('an institution key sees only its own settlements, the reversal included', async () => {
  const own = await pageAll('', h.keys.institution('NY-L1'));
  expect(own.map((e) => `${e.type}:${e.data.settlementId}`)).toEqual([
    'VisitSettled:S-F1-0',
    'VisitSettled:S-F1-2',
    'VisitSettled:S-F2-0',
    'VisitSettled:S-F2-2',
    'SettlementReversed:S-F1-0',
  ]);
});

it('streams events appended while connected', async () => {
  const head = await h.store.headPosition();
  const base = (await h.app.getUrl()).replace('[::1]', '127.0.0.1');
  const got = new Promise<any[]>((resolve, reject) => {
    const req = http.get(
      new URL(`/feed/stream?type=VisitSettled`, base),
      { headers: { 'x-api-key': h.keys.agency, 'last-event-id': String(head) } },
      (res) => {
        let raw = '';
        res.on('data', (c) => {
          raw += c;
          const events = raw
            .split('\n\n')
            .filter((f) => f.includes('data: '))
            .map((f) => JSON.parse(/^data: (.*)$/m.exec(f)![1]));
          if (events.length >= 2) {
            req.destroy();
            resolve(events);
          }
        });
      },
    );
    req.on('error', (e) => ((e as any).code === 'ECONNRESET' ? undefined : reject(e)));
  });
  await new Promise((r) => setTimeout(r, 200));
  await settleVisits(h, 'F2', 2, 10);
  expect((await got).map((e) => e.data.settlementId)).toEqual(['S-F2-10', 'S-F2-11']);
});
