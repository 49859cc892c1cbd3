/**
 * Issue 10: a rebuild reads the log `withoutDecisionTraces` (SQLite cuts a VisitSettled's
 * `decision.trace` with json_remove before JSON.parse). Everything else an event carries must
 * read exactly as in a plain read, events an upcaster will change must come whole, text that
 * is not JSON must fail as it does in a plain read, and the read models rebuilt from such
 * pages must be the rows rebuilt from whole events.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { startLedger } from '../../scripts/ledger-client';
import { seedDemo } from '../../scripts/seed-demo';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { StoredEventUnreadable } from '../../src/event-store/errors';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { systemClock, uuidGenerator } from '../../src/kernel/clock';
import { AlertWriter } from '../../src/monitoring/alert-writer';
import { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { PolicyCatalog } from '../../src/policy/catalog';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections } from '../../src/projections/read-models';
import { ReadSideRunner } from '../../src/projections/read-side-runner';
import { anEvent, CURRENT_VISIT_SETTLED as CURRENT, EventSpec, newEvent, withoutTrace } from '../support/trace-cut';

async function logOf(events: EventSpec[]): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path: ':memory:' });
  for (const [i, e] of events.entries()) await store.append(`person-P${i}`, [newEvent(i, e.type, e.data, e.schemaVersion)], 'no_stream');
  return store;
}

it('property: without decision traces, every event reads as the plain read with only a current VisitSettled decision.trace left out', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(anEvent, { minLength: 1, maxLength: 8 }), fc.nat(), async (events, after) => {
      const store = await logOf(events);
      try {
        const options = { afterPosition: after % events.length, maxCount: 5 };
        const plain = await store.readAll(options);
        const cut = await store.readAll({ ...options, withoutDecisionTraces: true });
        expect(cut.map((e) => e.data)).toStrictEqual(plain.map(withoutTrace));
        expect(cut.map(({ data: _, ...rest }) => rest)).toStrictEqual(plain.map(({ data: _, ...rest }) => rest));
      } finally {
        await store.close();
      }
    }),
    { numRuns: 150 },
  );
});

it('the trace is cut from a current VisitSettled, kept in an older one (its upcaster reads it) and with stored texts', async () => {
  const data = { settlementId: 'S-1', decision: { year: 2025, trace: [{ step: 'national', clause: 'c' }] } };
  const store = await logOf([
    { type: 'VisitSettled', data, schemaVersion: CURRENT },
    { type: 'VisitSettled', data, schemaVersion: CURRENT - 1 },
  ]);
  try {
    const [current, older] = await store.readAll({ withoutDecisionTraces: true });
    expect(current.data).toEqual({ settlementId: 'S-1', decision: { year: 2025 } });
    expect(older.data).toEqual(data);
    const [whole] = await store.readAll({ withoutDecisionTraces: true, withStoredText: true });
    expect(whole.data).toEqual(data);
  } finally {
    await store.close();
  }
});

it('a stored data text that is not JSON fails the read as a plain read does', async () => {
  const store = await logOf([{ type: 'VisitSettled', data: { decision: { trace: [] } }, schemaVersion: CURRENT }]);
  try {
    store.db.prepare('UPDATE events SET data = \'{"decision": {"trace": [}\' WHERE position = 1').run();
    const plain = await store.readAll().catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(StoredEventUnreadable);
    expect(plain).toMatchObject({ position: 1, part: 'data' });
    await expect(store.readAll({ withoutDecisionTraces: true })).rejects.toThrow((plain as Error).message);
  } finally {
    await store.close();
  }
});

it('a runner made withoutDecisionTraces reads its pages without them, one made without the option reads whole events', async () => {
  const data = { settlementId: 'S-1', decision: { year: 2025, trace: [{ step: 'national', clause: 'c' }] } };
  const store = await logOf([{ type: 'VisitSettled', data, schemaVersion: CURRENT }]);
  const seen = (withoutDecisionTraces?: boolean): Promise<unknown[]> => {
    const datas: unknown[] = [];
    const readModels = SqliteReadModelStore.open(':memory:');
    const recorder = { name: 'recorder', tables: [], schema: '', apply: (e: RecordedEvent) => void datas.push(e.data) };
    return new ReadSideRunner(store, readModels, [recorder], { withoutDecisionTraces })
      .rebuild()
      .then(() => datas)
      .finally(() => readModels.close());
  };
  try {
    expect(await seen(true)).toEqual([{ settlementId: 'S-1', decision: { year: 2025 } }]);
    expect(await seen(undefined)).toEqual([data]);
  } finally {
    await store.close();
  }
});

describe('read models and monitoring rebuilt without decision traces', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-no-traces-'));
  const file = path.join(dir, 'ledger.db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Every table of a read models file, rows sorted, for comparison. */
  function dump(readDb: string): Record<string, string[]> {
    const db = new Database(readDb, { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
      return Object.fromEntries(
        tables.map(({ name }) => [
          name,
          (db.prepare(`SELECT * FROM ${name}`).raw().all() as unknown[][]).map((row) => JSON.stringify(row)).sort(),
        ]),
      );
    } finally {
      db.close();
    }
  }

  async function rebuildInto(readDb: string, withoutDecisionTraces: boolean): Promise<number> {
    const store = new SqliteEventStore({ path: file });
    const readModels = SqliteReadModelStore.open(readDb, 'OFF');
    try {
      const catalog = PolicyCatalog.load(
        JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')),
      );
      const runner = new ReadSideRunner(store, readModels, allProjections(catalog), { pageSize: 97, withoutDecisionTraces });
      const alerts = new AlertWriter(store, systemClock, () => uuidGenerator.next());
      MonitoringRunner.on(runner, store, readModels, loadMonitoringThresholds(), alerts);
      const result = await runner.rebuild();
      expect(result.faults).toEqual([]);
      return result.events;
    } finally {
      readModels.close();
      await store.close();
    }
  }

  it('gives the rows a rebuild from whole events gives, in every table, on the demo ledger', async () => {
    const ledger = await startLedger({ path: file });
    await seedDemo(ledger);
    await ledger.close();
    const whole = path.join(dir, 'whole.read.db');
    const cut = path.join(dir, 'cut.read.db');
    expect(await rebuildInto(whole, false)).toBeGreaterThan(500);
    await rebuildInto(cut, true);
    const [a, b] = [dump(whole), dump(cut)];
    expect(a.rm_person_visit.length).toBeGreaterThan(100);
    expect(a.mon_visit.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
  }, 180_000);
});
