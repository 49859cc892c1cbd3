/**
 * The event feed (issue 12 item 3): JSON pages after a position, filters, what each key
 * sees, and the Server-Sent Events stream (resumable with Last-Event-ID, live, stops on disconnect).
 */
import * as http from 'node:http';
import { FeedService } from '../../src/feed/feed.service';
import { LedgerHarness, startLedger } from '../support/ledger-app';
import { seedFeedLedger, settleVisits } from './feed-fixture';

let h: LedgerHarness;
let base: string;
beforeAll(async () => {
  h = await startLedger();
  base = (await h.app.getUrl()).replace('[::1]', '127.0.0.1');
  await seedFeedLedger(h);
});
afterAll(() => h.close());

const get = (path: string, key = h.keys.agency) => h.http.get(path).set('x-api-key', key);

async function pageAll(query: string, key = h.keys.agency, limit = 3): Promise<any[]> {
  const items: any[] = [];
  let after = 0;
  for (;;) {
    const res = await get(`/feed?after=${after}&limit=${limit}${query}`, key);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    if (res.body.next === after && res.body.items.length === 0) return items;
    after = res.body.next;
    if (after >= res.body.head && res.body.items.length < limit) return items;
  }
}

describe('GET /feed', () => {
  it('pages through the whole log in position order, each event once, data upcast', async () => {
    const all = await h.store.readAll();
    const items = await pageAll('');
    expect(items.map((e) => e.position)).toEqual(all.map((e) => e.position));
    expect(items.map((e) => e.type)).toEqual(all.map((e) => e.type));
    const settled = items.find((e) => e.type === 'VisitSettled');
    expect(settled.data.decision.amounts).toBeDefined();
    expect(settled.actor).toBeUndefined();
  });

  it('filters by event type and by stream category', async () => {
    const reversals = await pageAll('&type=SettlementReversed');
    expect(reversals.map((e) => e.data.settlementId)).toEqual(['S-F1-0']);
    const institutions = await pageAll('&category=institution');
    expect(institutions.length).toBeGreaterThan(0);
    expect(institutions.every((e) => e.streamId.startsWith('institution-'))).toBe(true);
    const both = await pageAll('&category=person&type=PersonEnrolled,SettlementReversed');
    expect(both.map((e) => e.type).sort()).toEqual(['PersonEnrolled', 'PersonEnrolled', 'SettlementReversed']);
  });

  it("an institution key sees only its own institution's settlements and their reversals", async () => {
    const own = await pageAll('', h.keys.institution('NY-L1'));
    expect(own.map((e) => `${e.type}:${e.data.settlementId}`)).toEqual([
      'VisitSettled:S-F1-0',
      'VisitSettled:S-F1-2',
      'VisitSettled:S-F2-0',
      'VisitSettled:S-F2-2',
      'SettlementReversed:S-F1-0',
    ]);
    const other = await pageAll('', h.keys.institution('NY-L2'));
    expect(other.map((e) => e.data.settlementId)).toEqual(['S-F1-1', 'S-F1-3', 'S-F2-1']);
    expect(await pageAll('&type=PersonEnrolled', h.keys.institution('NY-L1'))).toEqual([]);
  });

  it('the auditor sees everything', async () => {
    expect((await pageAll('', h.keys.auditor)).length).toBe((await h.store.readAll()).length);
  });

  it.each([
    ['after=-1', 'after'],
    ['after=abc', 'after'],
    ['limit=501', 'limit'],
    ['limit=0', 'limit'],
    ['type=Visit%20Settled', 'type'],
    ['category=person;drop', 'category'],
  ])('400 on %s naming %s', async (query, field) => {
    const res = await get(`/feed?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toContain(field);
  });

  it('needs a key', async () => {
    expect((await h.http.get('/feed')).status).toBe(401);
  });

  it("400 on a position past the log's head (another log's, or this one's before a restore): it was answered next = head = the position, 'caught up' forever", async () => {
    const head = await h.store.headPosition();
    const atHead = await get(`/feed?after=${head}`);
    expect(atHead.body).toEqual({ items: [], next: head, head });
    const past = await get(`/feed?after=${head + 1000}`);
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([
      expect.objectContaining({ field: 'after', message: expect.stringContaining(`past the log's head (${head})`) }),
    ]);
  });
});

/** Opens the SSE stream and collects events until `until` says stop; then disconnects. */
function readStream(
  path: string,
  headers: Record<string, string>,
  until: (events: any[]) => boolean,
): Promise<{ events: any[]; ids: number[]; raw: string; status: number }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'x-api-key': h.keys.agency, ...headers } }, (res) => {
      let raw = '';
      const events: any[] = [];
      const ids: number[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        const frames = raw.split('\n\n');
        events.length = 0;
        ids.length = 0;
        for (const frame of frames.slice(0, -1)) {
          const id = /^id: (\d+)$/m.exec(frame);
          const data = /^data: (.*)$/m.exec(frame);
          if (id && data) {
            ids.push(Number(id[1]));
            events.push(JSON.parse(data[1]));
          }
        }
        if (until(events)) {
          req.destroy();
          resolve({ events: [...events], ids: [...ids], raw, status: res.statusCode ?? 0 });
        }
      });
      res.on('end', () => resolve({ events, ids, raw, status: res.statusCode ?? 0 }));
    });
    req.on('error', (e) => ((e as any).code === 'ECONNRESET' ? undefined : reject(e)));
  });
}

describe('GET /feed/stream (Server-Sent Events)', () => {
  it('streams the log with id = position and resumes after Last-Event-ID', async () => {
    const all = await h.store.readAll();
    const first = await readStream('/feed/stream', {}, (ev) => ev.length >= 5);
    expect(first.ids).toEqual(all.slice(0, first.ids.length).map((e) => e.position));
    const resumed = await readStream('/feed/stream', { 'last-event-id': String(first.ids[4]) }, (ev) => ev.length >= all.length - 5);
    expect([...first.ids.slice(0, 5), ...resumed.ids]).toEqual(all.map((e) => e.position));
  });

  it('the same with Accept: text/event-stream on /feed, and delivers events appended while connected', async () => {
    const head = await h.store.headPosition();
    const live = readStream(`/feed?after=${head}&type=VisitSettled`, { accept: 'text/event-stream' }, (ev) => ev.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    await settleVisits(h, 'F2', 2, 10);
    const got = await live;
    expect(got.events.map((e) => e.data.settlementId)).toEqual(['S-F2-10', 'S-F2-11']);
    expect(got.ids.every((id) => id > head)).toBe(true);
  });

  it('400 on a Last-Event-ID that is not a position, before any stream starts', async () => {
    const res = await get('/feed/stream').set('last-event-id', 'x1');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('Last-Event-ID');
  });

  it("400 on a Last-Event-ID or an after past the log's head, before any stream starts", async () => {
    const head = await h.store.headPosition();
    // A stream would never end: the timeout makes the code before this fail rather than hang.
    const resumed = await get('/feed/stream')
      .set('last-event-id', String(head + 1))
      .timeout({ deadline: 5_000 });
    expect([resumed.status, resumed.body.errors[0].field]).toEqual([400, 'Last-Event-ID']);
    const after = await get(`/feed?after=${head + 1}`)
      .set('accept', 'text/event-stream')
      .timeout({ deadline: 5_000 });
    expect([after.status, after.body.errors[0].field]).toEqual([400, 'after']);
  });

  it('an institution key streams only its own settlements', async () => {
    const res = await new Promise<any[]>((resolve) => {
      const url = new URL('/feed/stream', base);
      const req = http.get(url, { headers: { 'x-api-key': h.keys.institution('NY-L2') } }, (r) => {
        let raw = '';
        r.on('data', (c) => {
          raw += c;
          const events = raw
            .split('\n\n')
            .filter((f) => f.includes('data: '))
            .map((f) => JSON.parse(/^data: (.*)$/m.exec(f)![1]));
          if (events.length >= 3) {
            req.destroy();
            resolve(events);
          }
        });
      });
      req.on('error', () => undefined);
    });
    expect(res.every((e) => e.data.institution?.code === 'NY-L2')).toBe(true);
  });
});

describe('stream lifecycle', () => {
  /** Opens an idle stream (caught up, nothing arriving), hands the raw text to `whileOpen`, then disconnects. */
  async function idleStream(whileOpen: (raw: () => string) => Promise<void>): Promise<void> {
    const head = await h.store.headPosition();
    let raw = '';
    const req = http.get(new URL('/feed/stream', base), { headers: { 'x-api-key': h.keys.agency, 'last-event-id': String(head) } }, (res) =>
      res.on('data', (c) => (raw += c)),
    );
    req.on('error', () => undefined);
    try {
      await whileOpen(() => raw);
    } finally {
      req.destroy();
    }
  }

  it('sends heartbeat comments while idle', async () => {
    process.env.LEDGER_FEED_HEARTBEAT_MS = '100';
    try {
      await idleStream(async (raw) => {
        await new Promise((r) => setTimeout(r, 450));
        expect(raw().match(/^: heartbeat$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
        expect(raw()).not.toContain('data:');
      });
    } finally {
      delete process.env.LEDGER_FEED_HEARTBEAT_MS;
    }
  });

  it('stops looking at the log once the client disconnects', async () => {
    const feed = h.app.get(FeedService);
    const waits = jest.spyOn(feed, 'waitForEvents');
    try {
      await idleStream(async () => {
        await new Promise((r) => setTimeout(r, 1_300));
        expect(waits.mock.calls.length).toBeGreaterThanOrEqual(1);
      });
      await new Promise((r) => setTimeout(r, 1_200)); // the wait in progress ends (poll interval 1 s)
      const afterClose = waits.mock.calls.length;
      await new Promise((r) => setTimeout(r, 2_500));
      expect(waits.mock.calls.length).toBe(afterClose);
    } finally {
      waits.mockRestore();
    }
  });
});
