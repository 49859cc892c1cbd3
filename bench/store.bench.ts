/**
 * bench:store — appends per second on the embedded SQLite event store, beside a baseline
 * measured in the same run: raw better-sqlite3 inserts of the same rows, one
 * `BEGIN IMMEDIATE` transaction per append, same table and indexes, same `synchronous`.
 * The baseline does no revision or idempotency check; the ratio ours/baseline is the cost
 * of the adapter's checks and plumbing. Temp files under os.tmpdir(), removed afterwards.
 *
 *   npm run bench:store            (≈ 50 s; BENCH_SECONDS=n sets the seconds per side per cell)
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';

type Sync = 'FULL' | 'NORMAL';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2.5);
const STREAMS = 100;

const SCHEMA = `
CREATE TABLE events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
  UNIQUE (stream_id, revision), UNIQUE (stream_id, event_id)
);`;

/** A realistic ledger event: decimal strings, Chinese text, full metadata. */
function makeEvent(n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'VisitSettled',
    data: {
      visitId: `V${n}`,
      institution: '南阳市第一人民医院',
      eligibleAmount: '186.40',
      fundPaid: '93.20',
      selfPaid: '93.20',
      clause: '宛政办〔2022〕42号 第五条（一）',
    },
    metadata: {
      schemaVersion: 1,
      recordedAt: '2026-03-01T02:03:04.000Z',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor: 'institution:key-1',
    },
  };
}

/** Pre-built batches so that both sides spend the same on making events. */
function batches(count: number, size: number): NewEvent[][] {
  let n = 0;
  return Array.from({ length: count }, () => Array.from({ length: size }, () => makeEvent(n++)));
}

/** A side of the comparison: appends for a while, continuing where it stopped. */
interface Runner {
  /** Appends until the deadline; returns how many appends it made. */
  runUntil(deadline: number): Promise<number>;
  close(): Promise<void>;
}

function ours(dir: string, sync: Sync, pool: NewEvent[][]): Runner {
  const store = new SqliteEventStore({ path: join(dir, `ours-${sync}-${pool[0].length}.db`), synchronous: sync });
  const revisions = new Array<number>(STREAMS).fill(-1);
  let i = 0;
  return {
    async runUntil(deadline) {
      const from = i;
      while (Date.now() < deadline && i < pool.length) {
        const s = i % STREAMS;
        const expected = revisions[s] < 0 ? 'no_stream' : revisions[s];
        revisions[s] = (await store.append(`person-${s}`, pool[i], expected)).nextExpectedRevision;
        i++;
      }
      return i - from;
    },
    close: () => store.close(),
  };
}

function baseline(dir: string, sync: Sync, pool: NewEvent[][]): Runner {
  const db = new Database(join(dir, `base-${sync}-${pool[0].length}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const revisions = new Array<number>(STREAMS).fill(-1);
  const appendTx = db.transaction((streamId: string, s: number, events: NewEvent[]) => {
    for (const e of events) {
      revisions[s] += 1;
      insert.run(streamId, revisions[s], e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
    }
  });
  let i = 0;
  return {
    async runUntil(deadline) {
      const from = i;
      while (Date.now() < deadline && i < pool.length) {
        const s = i % STREAMS;
        appendTx.immediate(`person-${s}`, s, pool[i]);
        // Same await per append as the async port, so only the store's work differs.
        await Promise.resolve();
        i++;
      }
      return i - from;
    },
    close: async () => {
      db.close();
    },
  };
}

/**
 * Appends per second of each side, measured in alternating slices (A B B A A B B A) so that
 * drift in the machine's speed during the run falls on both sides alike.
 */
async function compare(a: Runner, b: Runner): Promise<[number, number]> {
  const slice = (SECONDS * 1000) / 4;
  const totals = [
    { n: 0, ns: BigInt(0) },
    { n: 0, ns: BigInt(0) },
  ];
  for (const side of [0, 1, 1, 0, 0, 1, 1, 0]) {
    const started = process.hrtime.bigint();
    totals[side].n += await [a, b][side].runUntil(Date.now() + slice);
    totals[side].ns += process.hrtime.bigint() - started;
  }
  await Promise.all([a.close(), b.close()]);
  return [totals[0].n / (Number(totals[0].ns) / 1e9), totals[1].n / (Number(totals[1].ns) / 1e9)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const rows: Record<string, string | number>[] = [];
  try {
    for (const sync of ['FULL', 'NORMAL'] as const) {
      for (const size of [1, 10]) {
        // Enough pre-built events for the fastest side; FULL is fsync-bound and needs far fewer.
        const pool = batches(sync === 'FULL' ? 40_000 : Math.ceil(600_000 / size), size);
        const [base, mine] = await compare(baseline(dir, sync, pool), ours(dir, sync, pool));
        rows.push({
          synchronous: sync,
          'events/append': size,
          'ours appends/s': Math.round(mine),
          'baseline appends/s': Math.round(base),
          'ours/baseline': Number((mine / base).toFixed(2)),
          'ours events/s': Math.round(mine * size),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`bench:store — ${SECONDS} s per side per cell (slices ABBAABBA), ${STREAMS} streams round-robin, temp files in ${tmpdir()}`);
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
