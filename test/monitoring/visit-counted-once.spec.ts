/**
 * The monitor inserts a settled visit with INSERT OR IGNORE instead of looking it up first
 * (issue 10 item 5: one statement less per visit). A settlement already counted still
 * changes nothing, whatever its data; a new one whose data cannot be read still fails (the
 * runner faults the monitor at that event).
 */
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import '../../src/modules/person-upcasters';
import { MONITORING_SCHEMA, MonitoringProjection } from '../../src/monitoring/monitoring.projection';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { syntheticVisits, visitSettledEvent } from './synthetic-year';

const settled = (position: number, data: unknown): RecordedEvent => {
  const v = syntheticVisits({ anomalies: false }).find((x) => !x.v1)!;
  const e = visitSettledEvent(v);
  return { ...e, streamId: `person-${v.personId}`, revision: position, position, data: data ?? e.data } as RecordedEvent;
};

describe('a settled visit in the monitor', () => {
  it('counts once: the same settlement again, even with unreadable data, changes nothing; a new one with unreadable data fails', () => {
    const store = SqliteReadModelStore.open(':memory:');
    try {
      store.exec(MONITORING_SCHEMA);
      const monitor = new MonitoringProjection(loadMonitoringThresholds());
      const first = settled(1, undefined);
      const data = first.data as { settlementId: string; decision: { amounts: Record<string, string> } };
      const unreadable = { ...data, decision: { ...data.decision, amounts: { ...data.decision.amounts, total: '12.345' } } };
      store.transaction(() => {
        monitor.apply(first, store);
        monitor.apply(settled(2, first.data), store);
        expect(monitor.apply(settled(3, unreadable), store)).toEqual([]);
        monitor.flush(store);
      });
      const months = store.db.prepare('SELECT sums FROM mon_institution_month').all() as Array<{ sums: string }>;
      expect(months.map((m) => JSON.parse(m.sums).visits)).toEqual([1]);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM mon_visit').get()).toEqual({ n: 1 });
      expect(() => monitor.apply(settled(4, { ...unreadable, settlementId: 'S-new' }), store)).toThrow(
        'not a money amount with at most two decimals: "12.345"',
      );
    } finally {
      store.close();
    }
  });
});
