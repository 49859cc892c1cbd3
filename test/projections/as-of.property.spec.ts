import fc from 'fast-check';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { upcast } from '../../src/event-store/upcasting';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import { accountStatement, foldPersonView, rateTimeline, summarizeYear } from '../../src/projections/person-views';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections } from '../../src/projections/read-models';
import { readAccountStatement } from '../../src/projections/read-models/accounts.projection';
import { readInstitutionMonth, readInstitutionMonthAsOf } from '../../src/projections/read-models/institution-months.projection';
import { readPersonYear, readRateTimeline } from '../../src/projections/read-models/persons.projection';
import { startLedger } from '../../scripts/ledger-client';
import { seedDemo, SeedSummary } from '../../scripts/seed-demo';

/**
 * Invariant: for every position N of the log, the read models built from the events up to N
 * answer exactly what the as-of queries answer at N (folding the streams, or the institution
 * rows' own history). So "as of N" and "what the projection said at N" can never disagree.
 */
describe('property: projections at position N = as-of answers at N', () => {
  let events: RecordedEvent[];
  let catalog: PolicyCatalog;
  let summary: SeedSummary;
  let full: SqliteReadModelStore;

  beforeAll(async () => {
    const ledger = await startLedger();
    summary = await seedDemo(ledger);
    events = await ledger.store.readAll();
    catalog = ledger.app.get(POLICY_CATALOG);
    await ledger.close();
    full = SqliteReadModelStore.open(':memory:');
    new ProjectionRunner(null as never, full, allProjections(catalog)).applyBatch(events);
  }, 120_000);
  afterAll(() => full?.close());

  const institutionMonths = () => {
    const out = new Set<string>();
    for (const e of events)
      if (e.type === 'VisitSettled') out.add(`${(e.data as any).institution.code}|${(e.data as any).decision.visitDate.slice(0, 7)}`);
    return [...out].sort();
  };

  it('holds for sampled positions, persons and institution months', () => {
    const months = institutionMonths();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: events.length }), fc.nat(), fc.nat(), (n, pickPerson, pickMonth) => {
        const prefix = SqliteReadModelStore.open(':memory:');
        try {
          new ProjectionRunner(null as never, prefix, allProjections(catalog), { pageSize: 100 }).applyBatch(events.slice(0, n));
          const { personId, year } = summary.personYears[pickPerson % summary.personYears.length];
          const stream = events.filter((e) => e.streamId === `person-${personId}`).map(upcast);
          const fold = foldPersonView(stream, { position: n });
          if (fold.profile) {
            expect(readPersonYear(prefix, catalog, personId, year)).toEqual(summarizeYear(catalog, fold.profile, fold.visits, year));
            expect(readRateTimeline(prefix, personId)).toEqual(rateTimeline(catalog, fold.profile));
            expect(readAccountStatement(prefix, personId)).toEqual(accountStatement(personId, stream, { position: n }));
          } else {
            expect(readPersonYear(prefix, catalog, personId, year)).toBeUndefined();
          }
          const [code, month] = months[pickMonth % months.length].split('|');
          expect(readInstitutionMonth(prefix, code, month)).toEqual(readInstitutionMonthAsOf(full, code, month, { position: n }));
        } finally {
          prefix.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
