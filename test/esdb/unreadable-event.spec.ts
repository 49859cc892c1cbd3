/**
 * An event EventStoreDB hands back unparsed (its data or metadata not JSON) on the read
 * side's $all subscription: the subscription ends there instead of resubscribing to the same
 * event forever, and the read side faults every projection at it after the events before it,
 * as on SQLite (read-side-runner.spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { Backoff, EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import type { Projection } from '../../src/projections/projection';
import { ReadModelStore, SqliteReadModelStore } from '../../src/projections/read-model-store';
import { ReadSideRunner } from '../../src/projections/read-side-runner';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';

/** Records every position it is given. */
class Recording implements Projection {
  readonly tables: string[];
  readonly schema: string;
  constructor(readonly name: string) {
    this.tables = [`rm_seen_${name}`];
    this.schema = `CREATE TABLE IF NOT EXISTS rm_seen_${name} (position INTEGER PRIMARY KEY)`;
  }
  apply(event: RecordedEvent, store: ReadModelStore): void {
    store.stmt(`INSERT INTO rm_seen_${this.name} (position) VALUES (?)`).run(event.position);
  }
}

const event = (n: number) => ({
  id: randomUUID(),
  type: 'Tick',
  data: { n },
  metadata: { schemaVersion: 1, recordedAt: '2024-01-01T00:00:00Z' },
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let double: EsdbGrpcTestDouble;
let store: EsdbEventStore;
const lines: string[] = [];
beforeEach(async () => {
  lines.length = 0;
  double = await EsdbGrpcTestDouble.start({ systemEventEvery: 2 });
  store = new EsdbEventStore(double.connectionString, { backoff: new Backoff(10, 50), startupTimeoutMs: 5_000, log: (l) => lines.push(l) });
});
afterEach(async () => {
  await store.close();
  await double.stop();
});

it.each(['data', 'metadata'] as const)(
  'a subscribed event whose %s is not JSON faults every projection at it, after the events before it; no resubscription',
  async (part) => {
    await store.append('s-1', [event(1), event(2), event(3)], 'no_stream');
    await store.append('s-2', [event(4)], 'no_stream');
    const positions = (await store.readAll()).map((e) => e.position);
    double.damage(BigInt(positions[2]), part);
    const rm = SqliteReadModelStore.open(':memory:');
    const runner = new ReadSideRunner(store, rm, [new Recording('a'), new Recording('b')], { pollIntervalMs: 0, retryInitialMs: 1 });
    try {
      await runner.start();
      await until(() => runner.statuses().every((s) => s.state === 'faulted'));
      const fault = {
        position: positions[2],
        eventType: 'Tick',
        streamId: 's-1',
        error: expect.stringMatching(
          new RegExp(`^stored event at position ${positions[2]} \\(stream s-1, revision 2\\) is unreadable: its ${part}`),
        ),
      };
      expect(runner.statuses()).toEqual([
        { name: 'a', state: 'faulted', checkpoint: positions[1], fault },
        { name: 'b', state: 'faulted', checkpoint: positions[1], fault },
      ]);
      const seen = (rm.db.prepare('SELECT position FROM rm_seen_a ORDER BY position').all() as Array<{ position: number }>).map(
        (r) => r.position,
      );
      expect(seen).toEqual(positions.slice(0, 2));
      expect(lines.filter((l) => l.includes('dropped'))).toEqual([]);
    } finally {
      await runner.stop();
      rm.close();
    }
  },
);
