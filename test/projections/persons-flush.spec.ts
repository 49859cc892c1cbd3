/**
 * The persons projection writes rm_person.last_position once per touched person per batch, at
 * `flush` (issue 10 item 5). What a flush writes is the batch's: a batch that touched no one
 * writes nothing (a set kept across batches made every flush rewrite every person seen).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLedger } from '../../scripts/ledger-client';
import { seedDemo } from '../../scripts/seed-demo';
import { upcast } from '../../src/event-store/upcasting';
import '../../src/modules/person-upcasters';
import { PolicyCatalog } from '../../src/policy/catalog';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { PersonsProjection } from '../../src/projections/read-models';

const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));

describe('persons: last positions written at flush', () => {
  it('match the last event of each person, and a flush after a batch that touched no one writes no row', async () => {
    const ledger = await startLedger();
    const rm = SqliteReadModelStore.open(':memory:');
    try {
      await seedDemo(ledger);
      const events = (await ledger.store.readAll()).map(upcast);
      const persons = new PersonsProjection(catalog);
      rm.exec(persons.schema);
      const half = Math.floor(events.length / 2);
      for (const batch of [events.slice(0, half), events.slice(half)])
        rm.transaction(() => {
          for (const e of batch) persons.apply(e, rm);
          persons.flush(rm);
        });
      const touching = new Set([
        'PersonEnrolled',
        'RetiredStatusChanged',
        'PersonCategoryCorrected',
        'EnrolmentEnded',
        'VisitSettled',
        'SettlementReversed',
        'SettlementAdjusted',
      ]);
      const last = new Map<string, number>();
      for (const e of events) if (e.streamId.startsWith('person-') && touching.has(e.type)) last.set(e.streamId.slice(7), e.position);
      const rows = rm.db.prepare('SELECT person_id, last_position FROM rm_person').all() as Array<{
        person_id: string;
        last_position: number;
      }>;
      expect(rows.length).toBeGreaterThan(10);
      expect(Object.fromEntries(rows.map((r) => [r.person_id, r.last_position]))).toEqual(
        Object.fromEntries(rows.map((r) => [r.person_id, last.get(r.person_id)])),
      );

      const changes = () => (rm.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      const before = changes();
      rm.transaction(() => persons.flush(rm));
      expect(changes()).toBe(before);
    } finally {
      rm.close();
      await ledger.close();
    }
  });
});
