import fc from 'fast-check';
import type { LedgerClient } from '../../scripts/ledger-client';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { upcast } from '../../src/event-store/upcasting';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import { accountStatement, foldPersonView, summarizeYear } from '../../src/projections/person-views';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections } from '../../src/projections/read-models';
import { readAccountStatement } from '../../src/projections/read-models/accounts.projection';
import { readInstitutionMonth, readInstitutionMonthAsOf } from '../../src/projections/read-models/institution-months.projection';
import { readPersonYear } from '../../src/projections/read-models/persons.projection';
import { PERSON, retiredSinceJanuary, startLedger } from './retired-since-january';

/**
 * Invariant with corrections in the log: the read models built from the first N events
 * answer what the as-of queries answer at N (person-year with original/adjustment/net,
 * statement with refunds and receivables, institution month with its adjustments).
 */
describe('property: with adjustments, projections at position N = as-of answers at N', () => {
  let ledger: LedgerClient;
  let events: RecordedEvent[];
  let catalog: PolicyCatalog;
  let full: SqliteReadModelStore;

  beforeAll(async () => {
    ledger = await startLedger();
    await retiredSinceJanuary(ledger);
    events = await ledger.store.readAll();
    catalog = ledger.app.get(POLICY_CATALOG);
    full = SqliteReadModelStore.open(':memory:');
    new ProjectionRunner(null as never, full, allProjections(catalog)).applyBatch(events);
  }, 60_000);
  afterAll(async () => {
    full?.close();
    await ledger?.close();
  });

  it('holds at every prefix, applied in batches of any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: events.length }), fc.integer({ min: 1, max: 8 }), (n, pageSize) => {
        const prefix = SqliteReadModelStore.open(':memory:');
        try {
          new ProjectionRunner(null as never, prefix, allProjections(catalog), { pageSize }).applyBatch(events.slice(0, n));
          const stream = events.filter((e) => e.streamId === `person-${PERSON}`).map(upcast);
          const fold = foldPersonView(stream, { position: events[n - 1].position });
          if (fold.profile) {
            expect(readPersonYear(prefix, catalog, PERSON, 2023)).toEqual(summarizeYear(catalog, fold.profile, fold.visits, 2023));
            expect(readAccountStatement(prefix, PERSON)).toEqual(accountStatement(PERSON, stream, { position: events[n - 1].position }));
          }
          for (const month of ['2023-03', '2023-04']) {
            expect(readInstitutionMonth(prefix, 'NY-H2', month)).toEqual(
              readInstitutionMonthAsOf(full, 'NY-H2', month, { position: events[n - 1].position }),
            );
          }
        } finally {
          prefix.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
