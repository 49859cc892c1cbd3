/**
 * Issue 10 item 5: a rebuild says where its CPU went (read and parse, each projection,
 * batch transactions, after-commit steps), so a slow rebuild is explained by its own output.
 */
import { stagesLine } from '../../scripts/projections-rebuild';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/projections/projection';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { ReadSideRunner } from '../../src/projections/read-side-runner';

/** A projection that burns a known amount of CPU per event, so its share must show. */
const busy = (name: string, spinMs: number): Projection => ({
  name,
  tables: [`rm_${name}`],
  schema: `CREATE TABLE IF NOT EXISTS rm_${name} (position INTEGER PRIMARY KEY)`,
  apply(event, store) {
    const until = process.cpuUsage().user / 1000 + spinMs;
    while (process.cpuUsage().user / 1000 < until);
    store.stmt(`INSERT INTO rm_${name} (position) VALUES (?)`).run(event.position);
  },
});

describe('rebuild stage times', () => {
  it('charges each projection its own CPU, and reads, transactions and after-commit steps apart', async () => {
    const events = new SqliteEventStore({ path: ':memory:' });
    const readModels = SqliteReadModelStore.onConnection(events.db);
    try {
      for (let i = 0; i < 20; i++)
        await events.append(
          `s-${i}`,
          [
            {
              id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
              type: 'T',
              data: { i },
              metadata: { schemaVersion: 1, recordedAt: '2025-01-01T00:00:00Z' },
            },
          ],
          'no_stream',
        );
      const runner = new ReadSideRunner(events, readModels, [busy('slow', 2), busy('quick', 0)], { pageSize: 7 });
      const result = await runner.rebuild();
      expect(result.events).toBe(20);
      expect(result.stages.applyMs.slow).toBeGreaterThanOrEqual(20 * 2 * 0.9);
      expect(result.stages.applyMs.quick).toBeLessThan(result.stages.applyMs.slow / 4);
      for (const ms of [result.stages.readMs, result.stages.commitMs, result.stages.afterCommitMs]) expect(ms).toBeGreaterThanOrEqual(0);
      expect(stagesLine(result.stages, result.events)).toMatch(
        /^CPU µs\/event by stage: read\+parse \d+\.\d; apply: slow \d+\.\d, quick \d+\.\d; batch transactions -?\d+\.\d; after-commit \(alert appends\) \d+\.\d$/,
      );
    } finally {
      await events.close();
    }
  });
});
