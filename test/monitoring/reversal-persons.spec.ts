/**
 * A reversal takes its person out of the institution month only when it was the person's
 * last live visit there that month (issue 10: the check now reads the person's visits, not
 * an index of every visit by institution and month).
 */
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import '../../src/modules/person-upcasters';
import { MONITORING_SCHEMA, MonitoringProjection } from '../../src/monitoring/monitoring.projection';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { syntheticVisits, visitSettledEvent } from './synthetic-year';

const template = syntheticVisits({ anomalies: false }).find((x) => !x.v1 && x.institutionCode !== 'NY-L1')!;

let position = 0;
const event = (personId: string, type: string, data: unknown): RecordedEvent =>
  ({ id: `e${++position}`, type, data, streamId: `person-${personId}`, revision: position, position, metadata: {} }) as RecordedEvent;

const settled = (personId: string, settlementId: string, date: string, institutionCode = template.institutionCode): RecordedEvent =>
  event(personId, 'VisitSettled', visitSettledEvent({ ...template, personId, settlementId, date, institutionCode }).data);
const reversed = (personId: string, settlementId: string): RecordedEvent =>
  event(personId, 'SettlementReversed', { settlementId, reason: 'test' });

describe('a reversal in the institution month', () => {
  it("counts the person out only with the person's last live visit of that institution and month", () => {
    const store = SqliteReadModelStore.open(':memory:');
    try {
      store.exec(MONITORING_SCHEMA);
      const monitor = new MonitoringProjection(loadMonitoringThresholds());
      const persons = () => {
        monitor.flush(store);
        const rows = store.db
          .prepare('SELECT month, sums FROM mon_institution_month WHERE institution_code = ? ORDER BY month')
          .all(template.institutionCode) as Array<{ month: string; sums: string }>;
        return rows.map((r) => [r.month, JSON.parse(r.sums).persons as number]);
      };
      const apply = (...events: RecordedEvent[]) => store.transaction(() => events.forEach((e) => monitor.apply(e, store)));
      apply(
        settled('P1', 'S1', '2024-03-02'),
        settled('P1', 'S2', '2024-03-20'),
        settled('P1', 'S3', '2024-04-01'),
        settled('P1', 'S4', '2024-03-21', 'NY-L1'),
        settled('P2', 'S5', '2024-03-05'),
      );
      expect(persons()).toEqual([
        ['2024-03', 2],
        ['2024-04', 1],
      ]);
      apply(reversed('P1', 'S1'));
      expect(persons()).toEqual([
        ['2024-03', 2],
        ['2024-04', 1],
      ]);
      // P1's visit elsewhere that month and in the next month do not keep P1 in this one.
      apply(reversed('P1', 'S2'));
      expect(persons()).toEqual([
        ['2024-03', 1],
        ['2024-04', 1],
      ]);
      apply(reversed('P2', 'S5'));
      expect(persons()).toEqual([
        ['2024-03', 0],
        ['2024-04', 1],
      ]);
    } finally {
      store.close();
    }
  });
});
