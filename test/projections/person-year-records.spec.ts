/**
 * Issue 10: the persons projection keeps recently summarised person-years' settlement rows in
 * memory between batches (a live batch summarises a person-year at every visit). What it
 * keeps must always be the rows: after a long live sequence with reversals, corrections and
 * category changes the read models are those of a rebuild, and a batch or a slice that rolls
 * back leaves nothing of its own in memory.
 */
import { randomUUID } from 'node:crypto';
import type { LedgerClient } from '../../scripts/ledger-client';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { upcast } from '../../src/event-store/upcasting';
import { AlertWriter } from '../../src/monitoring/alert-writer';
import { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import type { AdjudicationInput } from '../../src/policy/engine/types';
import { foldPersonView, summarizeYear, summarizeYearTotals } from '../../src/projections/person-views';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections, PersonsProjection } from '../../src/projections/read-models';
import { PersonYearRecords } from '../../src/projections/read-models/person-year-records';
import { readPersonYear } from '../../src/projections/read-models/persons.projection';
import { ReadSideRunner } from '../../src/projections/read-side-runner';
import { dumpReadSideTables } from '../support/read-model-dump';
import { applyAdjustment } from '../adjustments/adjustment-fixture';
import { PERSON, retiredSinceJanuary, startLedger } from '../adjustments/retired-since-january';
import { drugVisitAtNanyangLevel2, NANYANG_COUNTY_LEVEL2 } from '../support/fixtures';

const clock = { now: () => new Date('2026-01-05T00:00:00Z') };

/** Every projection and the monitor on a read-model store of their own, in batches of `pageSize`. */
function readSide(events: EventStore, pageSize: number): { runner: ReadSideRunner; rm: SqliteReadModelStore } {
  const rm = SqliteReadModelStore.open(':memory:');
  const runner = new ReadSideRunner(events, rm, allProjections(currentCatalog), { pageSize, pollIntervalMs: 0 });
  MonitoringRunner.on(runner, events, rm, loadMonitoringThresholds(), new AlertWriter(events, clock, randomUUID));
  return { runner, rm };
}

let currentCatalog: PolicyCatalog;

const at = (date: string, hh = 10): string => `${date}T${String(hh).padStart(2, '0')}:00:00+08:00`;

async function enrol(ledger: LedgerClient, personId: string): Promise<void> {
  ledger.clock.set(at('2023-01-01', 8));
  await ledger.must('/persons', {
    personId,
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '8000.00',
  });
}

async function visit(ledger: LedgerClient, personId: string, settlementId: string, date: string, amount = '180.00'): Promise<void> {
  ledger.clock.set(at(date));
  await ledger.must(`/persons/${personId}/visits`, drugVisitAtNanyangLevel2(settlementId, at(date), amount));
}

/** A correction that applies the retired rate to the settlement (as issue 15's example does). */
const asRetired = (input: AdjudicationInput): AdjudicationInput => ({
  ...input,
  person: { ...input.person, categoryTimeline: [{ from: '2023-01-01', category: 'retired' }] },
});

describe('person-years kept between live batches', () => {
  let ledger: LedgerClient;
  beforeEach(async () => {
    ledger = await startLedger();
    currentCatalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
  });
  afterEach(async () => ledger.close());

  it('after a long live sequence with reversals, corrections and category changes, every table equals a rebuild', async () => {
    const { pack } = await retiredSinceJanuary(ledger);
    const persons = ['K1', 'K2', 'K3'];
    for (const p of persons) await enrol(ledger, p);
    const live = readSide(ledger.store, 3);
    // Applied as the log grows, in batches of 3: each person-year is summarised again and again from what was kept.
    const step = async () => {
      await live.runner.catchUp();
      expect(live.runner.faultList()).toEqual([]);
    };
    await step();
    for (let month = 5; month <= 11; month++) {
      const date = `2023-${String(month).padStart(2, '0')}-12`;
      for (const p of [...persons, PERSON]) await visit(ledger, p, `${p}-${month}`, date, `${150 + month * 10}.00`);
      await step();
      if (month === 6) await ledger.must(`/persons/K1/settlements/K1-6/reversal`, { reason: 'charged twice' });
      if (month === 7) await ledger.must('/persons/K2/retirement', { processedOn: '2023-07-12' });
      if (month === 8) await applyAdjustment(ledger.store, 'K3', 'K3-6', asRetired, pack, { correctionId: 'C-K3', at: at('2023-08-20') });
      if (month === 9) {
        // A correction, then a reversal, of a settlement whose year is kept.
        await applyAdjustment(ledger.store, PERSON, `${PERSON}-9`, asRetired, pack, { correctionId: 'C-ADJ-9', at: at('2023-09-12', 12) });
        await ledger.must(`/persons/${PERSON}/settlements/${PERSON}-9/reversal`, { reason: 'wrong patient' });
      }
      await step();
    }
    const rebuilt = readSide(ledger.store, 5000);
    await rebuilt.runner.catchUp();
    const expected = dumpReadSideTables(rebuilt.rm.db);
    expect((expected.rm_person_year as unknown[]).length).toBe(4);
    const adjusted = (expected.rm_person_visit as Array<{ record: string }>).filter((r) => r.record.includes('"adjustments"'));
    expect(adjusted.length).toBe(4);
    expect((expected.rm_person_visit as Array<{ reversed_position: number | null }>).filter((r) => r.reversed_position).length).toBe(2);
    expect(dumpReadSideTables(live.rm.db)).toEqual(expected);
    live.rm.close();
    rebuilt.rm.close();
  }, 120_000);

  /** K1's year as the read model answers it, and as the fold of K1's stream up to `position` summarises it. */
  async function storedAndFolded(rm: SqliteReadModelStore, position: number): Promise<[string, string]> {
    const stream = (await ledger.store.readStream('person-K1')).filter((e) => e.position <= position).map(upcast);
    const fold = foldPersonView(stream);
    const folded = JSON.stringify(summarizeYear(currentCatalog, fold.profile!, fold.visits, 2023));
    return [JSON.stringify(readPersonYear(rm, currentCatalog, 'K1', 2023)), folded];
  }

  /** K1 with three visits, applied (its year kept), then a fourth visit and a second copy of the third (its row exists: the insert fails). */
  async function keptThenFaulting(): Promise<{ runner: ReadSideRunner; rm: SqliteReadModelStore; fourth: number }> {
    ledger.clock.set(at('2023-01-01', 8));
    await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
    await enrol(ledger, 'K1');
    for (const month of ['02', '03', '04']) await visit(ledger, 'K1', `K1-${month}`, `2023-${month}-10`);
    const side = readSide(ledger.store, 100);
    await side.runner.catchUp();
    await visit(ledger, 'K1', 'K1-05', '2023-05-10');
    const third = (await ledger.store.readStream('person-K1')).filter((e) => e.type === 'VisitSettled')[2];
    await (ledger.store as SqliteEventStore).append(
      'person-K1',
      [{ id: randomUUID(), type: 'VisitSettled', data: third.data, metadata: third.metadata }],
      'any',
    );
    return { ...side, fourth: (await ledger.store.headPosition()) - 1 };
  }

  it('a slice rolled back at a faulting event keeps nothing of its own: the events before it are summarised once', async () => {
    const { runner, rm, fourth } = await keptThenFaulting();
    await runner.catchUp();
    expect(runner.faultList()).toEqual(
      expect.arrayContaining([expect.objectContaining({ projection: 'persons', position: fourth + 1, eventType: 'VisitSettled' })]),
    );
    const [stored, folded] = await storedAndFolded(rm, fourth);
    expect(JSON.parse(stored).visits).toBe(4);
    expect(stored).toBe(folded);
    rm.close();
  }, 60_000);

  it('a batch rolled back after the persons slice (a transient error) and applied again summarises each event once', async () => {
    const { runner, rm, fourth } = await keptThenFaulting();
    // Only the fourth visit this time; the transient error comes in the next slice, after the persons slice was released.
    const setCheckpoint = rm.setCheckpoint.bind(rm);
    let failed = false;
    jest.spyOn(rm, 'setCheckpoint').mockImplementation((name, position) => {
      setCheckpoint(name, position);
      if (name === 'accounts' && !failed) {
        failed = true;
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }
    });
    const [fourthEvent] = await ledger.store.readAll({ afterPosition: fourth - 1, maxCount: 1 });
    expect(() => runner.applyBatch([fourthEvent])).toThrow('database is locked');
    runner.applyBatch([fourthEvent]);
    const [stored, folded] = await storedAndFolded(rm, fourth);
    expect(JSON.parse(stored).visits).toBe(4);
    expect(stored).toBe(folded);
    rm.close();
  }, 60_000);
});

describe('which batches keep the person-years they summarise', () => {
  const READ_YEAR = 'SELECT settlement_id, record FROM rm_person_visit WHERE person_id = ? AND year = ? ORDER BY position';
  // A year not kept whose next batch only adds settlements is read from its stored row instead.
  const READ_STORED_YEAR = 'SELECT view FROM rm_person_year WHERE person_id = ? AND year = ?';

  it('a live-sized batch keeps them (the next batch reads no rows again); a rebuild-sized one (over 250 events) keeps none', async () => {
    const ledger = await startLedger();
    try {
      const catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
      ledger.clock.set(at('2023-01-01', 8));
      await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
      await enrol(ledger, 'K1');
      for (const month of ['02', '03']) await visit(ledger, 'K1', `K1-${month}`, `2023-${month}-10`);
      const first = (await ledger.store.readAll()).map(upcast);
      await visit(ledger, 'K1', 'K1-04', '2023-04-10');
      const next = (await ledger.store.readAll({ afterPosition: first[first.length - 1].position })).map(upcast);
      // Events the persons projection ignores (another stream), to make a batch rebuild-sized.
      const filler = Array.from({ length: 250 }, (_, i) => ({ ...first[0], streamId: 'policy-archive', position: -1 - i }));
      const readsAfter = (batches: Array<typeof first>): number => {
        const rm = SqliteReadModelStore.open(':memory:');
        try {
          const persons = new PersonsProjection(catalog);
          rm.exec(persons.schema);
          const apply = (batch: typeof first) =>
            rm.transaction(() => {
              for (const e of batch) persons.apply(e, rm);
              persons.flush(rm);
            });
          apply(batches[0]);
          const stmt = jest.spyOn(rm, 'stmt');
          apply(batches[1]);
          return stmt.mock.calls.filter(([sql]) => sql === READ_YEAR || sql === READ_STORED_YEAR).length;
        } finally {
          rm.close();
        }
      };
      expect(readsAfter([first, next])).toBe(0);
      expect(readsAfter([[...filler, ...first], next])).toBe(1);
    } finally {
      await ledger.close();
    }
  }, 60_000);
});

describe('PersonYearRecords', () => {
  const record = (personId: string, n: number) => ({ personId, settlementId: `S-${n}`, year: 2023 }) as never;

  it('keeps at most its limit of records, dropping the least recently used person-years first', () => {
    const kept = new PersonYearRecords(5);
    kept.keep('A', 2023, [record('A', 1), record('A', 2)]);
    kept.keep('B', 2023, [record('B', 1), record('B', 2)]);
    expect(kept.get('A', 2023)?.records).toHaveLength(2);
    kept.keep('C', 2023, [record('C', 1), record('C', 2)]);
    expect([kept.get('A', 2023)?.records.length, kept.get('B', 2023), kept.get('C', 2023)?.records.length]).toEqual([2, undefined, 2]);
    kept.get('A', 2023);
    kept.added('A', record('A', 3));
    kept.keep('D', 2023, [record('D', 1)]);
    // A (3) + C (2) + D (1) = 6 > 5: C, read before A, goes.
    expect([kept.get('A', 2023)?.records.length, kept.get('C', 2023), kept.get('D', 2023)?.records.length]).toEqual([3, undefined, 1]);
    kept.keep(
      'E',
      2023,
      [1, 2, 3, 4, 5, 6].map((n) => record('E', n)),
    );
    expect(kept.get('E', 2023)).toBeUndefined();
    expect(kept.size).toBe(2);
  });
});

describe('profiles kept between live batches', () => {
  const READ_PROFILE = 'SELECT profile FROM rm_person WHERE person_id = ?';

  /** K1 enrolled with two visits (the first batch), then a third visit (the next). */
  async function twoBatches(ledger: LedgerClient) {
    ledger.clock.set(at('2023-01-01', 8));
    await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
    await enrol(ledger, 'K1');
    for (const month of ['02', '03']) await visit(ledger, 'K1', `K1-${month}`, `2023-${month}-10`);
    const first = (await ledger.store.readAll()).map(upcast);
    await visit(ledger, 'K1', 'K1-04', '2023-04-10');
    const next = (await ledger.store.readAll({ afterPosition: first[first.length - 1].position })).map(upcast);
    return { first, next };
  }

  function persons(catalog: PolicyCatalog) {
    const rm = SqliteReadModelStore.open(':memory:');
    const projection = new PersonsProjection(catalog);
    rm.exec(projection.schema);
    const apply = (batch: ReadonlyArray<RecordedEvent>) =>
      rm.transaction(() => {
        for (const e of batch) projection.apply(e, rm);
        projection.flush(rm);
      });
    return { rm, projection, apply };
  }

  it('a live flush of a kept person-year reads no profile; after a rebuild-sized batch it reads it', async () => {
    const ledger = await startLedger();
    try {
      const catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
      const { first, next } = await twoBatches(ledger);
      const filler = Array.from({ length: 250 }, (_, i) => ({ ...first[0], streamId: 'policy-archive', position: -1 - i }));
      const readsAfter = (firstBatch: typeof first): number => {
        const { rm, apply } = persons(catalog);
        try {
          apply(firstBatch);
          const stmt = jest.spyOn(rm, 'stmt');
          apply(next);
          return stmt.mock.calls.filter(([sql]) => sql === READ_PROFILE).length;
        } finally {
          rm.close();
        }
      };
      expect(readsAfter(first)).toBe(0);
      expect(readsAfter([...filler, ...first])).toBe(1);
    } finally {
      await ledger.close();
    }
  }, 60_000);

  it('after discard, the next flush summarises under the profile as stored, not as last kept', async () => {
    const ledger = await startLedger();
    try {
      const catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
      const { first, next } = await twoBatches(ledger);
      const { rm, projection, apply } = persons(catalog);
      try {
        apply(first);
        // What another writer of the file would leave (a retirement applied there): this projection then discards what it keeps.
        const stored = JSON.parse((rm.db.prepare(READ_PROFILE).get('K1') as { profile: string }).profile);
        stored.categoryTimeline.push({ from: '2023-03-15', category: 'retired' });
        rm.db.prepare('UPDATE rm_person SET profile = ? WHERE person_id = ?').run(JSON.stringify(stored), 'K1');
        projection.discard();
        apply(next);
        const fold = foldPersonView([...first, ...next].filter((e) => e.streamId === 'person-K1'));
        const expected = summarizeYear(catalog, { ...fold.profile!, categoryTimeline: stored.categoryTimeline }, fold.visits, 2023);
        expect(expected.byCategory.map((p) => p.category)).toEqual(['in_service', 'retired']);
        expect(JSON.stringify(readPersonYear(rm, catalog, 'K1', 2023))).toBe(JSON.stringify(expected));
      } finally {
        rm.close();
      }
    } finally {
      await ledger.close();
    }
  }, 60_000);
});

describe('person-years not kept: extended from their stored row', () => {
  const READ_YEAR = 'SELECT settlement_id, record FROM rm_person_visit WHERE person_id = ? AND year = ?';
  const YEAR_ROW = 'SELECT fund_paid, cap_in_force, cap_remaining, view FROM rm_person_year WHERE person_id = ? AND year = ?';
  let ledger: LedgerClient;
  let catalog: PolicyCatalog;
  beforeEach(async () => {
    ledger = await startLedger();
    catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
    currentCatalog = catalog;
  });
  afterEach(async () => ledger.close());

  it.each([
    ['a new read side at every batch (nothing kept from the batch before)', () => true],
    ['a read side restarted once, after the first visits (summaries kept from their stored rows)', (month: number) => month === 6],
  ])(
    'with %s, a long live sequence equals a rebuild',
    async (_, restartAt) => {
      const { pack } = await retiredSinceJanuary(ledger);
      const persons = ['K1', 'K2', 'K3'];
      for (const p of persons) await enrol(ledger, p);
      const rm = SqliteReadModelStore.open(':memory:');
      // Runners with new projections on the same read models: nothing kept from before a restart.
      const start = () => {
        const runner = new ReadSideRunner(ledger.store, rm, allProjections(catalog), { pageSize: 3, pollIntervalMs: 0 });
        MonitoringRunner.on(runner, ledger.store, rm, loadMonitoringThresholds(), new AlertWriter(ledger.store, clock, randomUUID));
        return runner;
      };
      let runner = start();
      let month = 5;
      const step = async () => {
        if (restartAt(month)) runner = start();
        await runner.catchUp();
        expect(runner.faultList()).toEqual([]);
      };
      await step();
      for (; month <= 11; month++) {
        const date = `2023-${String(month).padStart(2, '0')}-12`;
        for (const p of [...persons, PERSON]) await visit(ledger, p, `${p}-${month}`, date, `${150 + month * 10}.00`);
        if (month === 9) await ledger.must(`/persons/K3/settlements/K3-9/reversal`, { reason: 'wrong patient' });
        await step();
        if (month === 6) await ledger.must(`/persons/K1/settlements/K1-6/reversal`, { reason: 'charged twice' });
        if (month === 7) await ledger.must('/persons/K2/retirement', { processedOn: '2023-07-12' });
        if (month === 8) await applyAdjustment(ledger.store, 'K3', 'K3-6', asRetired, pack, { correctionId: 'C-K3', at: at('2023-08-20') });
        await step();
      }
      const rebuilt = readSide(ledger.store, 5000);
      await rebuilt.runner.catchUp();
      expect(
        (rebuilt.rm.db.prepare('SELECT COUNT(*) AS n FROM rm_person_visit WHERE reversed_position IS NOT NULL').get() as { n: number }).n,
      ).toBe(2);
      expect(dumpReadSideTables(rm.db)).toEqual(dumpReadSideTables(rebuilt.rm.db));
      rm.close();
      rebuilt.rm.close();
    },
    120_000,
  );

  /** K1's first two visits applied by one persons projection, then its third by a new one (nothing kept); `tamper` edits the stored year in between. */
  async function thirdVisitNotKept(tamper?: (view: Record<string, unknown>) => void, before?: () => Promise<void>) {
    ledger.clock.set(at('2023-01-01', 8));
    await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
    await enrol(ledger, 'K1');
    for (const month of ['02', '03']) await visit(ledger, 'K1', `K1-${month}`, `2023-${month}-10`);
    const first = (await ledger.store.readAll()).map(upcast);
    await before?.();
    await visit(ledger, 'K1', 'K1-04', '2023-04-10');
    const next = (await ledger.store.readAll({ afterPosition: first[first.length - 1].position })).map(upcast);
    const rm = SqliteReadModelStore.open(':memory:');
    const apply = (persons: PersonsProjection, batch: RecordedEvent[]) =>
      rm.transaction(() => {
        for (const e of batch) persons.apply(e, rm);
        persons.flush(rm);
      });
    rm.exec(new PersonsProjection(catalog).schema);
    apply(new PersonsProjection(catalog), first);
    if (tamper) {
      const view = JSON.parse((rm.db.prepare(YEAR_ROW).get('K1', 2023) as { view: string }).view);
      tamper(view);
      rm.db.prepare('UPDATE rm_person_year SET view = ? WHERE person_id = ? AND year = 2023').run(JSON.stringify(view), 'K1');
    }
    const stmt = jest.spyOn(rm, 'stmt');
    apply(new PersonsProjection(catalog), next);
    const reads = stmt.mock.calls.filter(([sql]) => sql.startsWith(READ_YEAR)).length;
    const rebuilt = SqliteReadModelStore.open(':memory:');
    const whole = new PersonsProjection(catalog);
    rebuilt.exec(whole.schema);
    rebuilt.transaction(() => {
      for (const e of [...first, ...next]) whole.apply(e, rebuilt);
      whole.flush(rebuilt);
    });
    const row = rm.db.prepare(YEAR_ROW).get('K1', 2023);
    const expected = rebuilt.db.prepare(YEAR_ROW).get('K1', 2023);
    rm.close();
    rebuilt.close();
    return { reads, row, expected };
  }

  it('a batch that only adds settlements to a year not kept reads no settlement row, and writes the row a rebuild writes', async () => {
    const { reads, row, expected } = await thirdVisitNotKept();
    expect(reads).toBe(0);
    expect(row).toEqual(expected);
    expect(JSON.parse((row as { view: string }).view).visits).toBe(3);
  }, 60_000);

  it('a year extended from its stored row is extended by the next live batch without reading the row again', async () => {
    ledger.clock.set(at('2023-01-01', 8));
    await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
    await enrol(ledger, 'K1');
    for (const month of ['02', '03']) await visit(ledger, 'K1', `K1-${month}`, `2023-${month}-10`);
    const rm = SqliteReadModelStore.open(':memory:');
    const persons = new PersonsProjection(catalog);
    rm.exec(persons.schema);
    let after = 0;
    const applyNew = async (projection: PersonsProjection) => {
      const batch = (await ledger.store.readAll({ afterPosition: after })).map(upcast);
      after = batch[batch.length - 1].position;
      rm.transaction(() => {
        for (const e of batch) projection.apply(e, rm);
        projection.flush(rm);
      });
    };
    await applyNew(new PersonsProjection(catalog));
    await visit(ledger, 'K1', 'K1-04', '2023-04-10');
    await applyNew(persons);
    await visit(ledger, 'K1', 'K1-05', '2023-05-10');
    const stmt = jest.spyOn(rm, 'stmt');
    await applyNew(persons);
    expect(stmt.mock.calls.filter(([sql]) => sql.startsWith(READ_YEAR) || sql.startsWith('SELECT view FROM rm_person_year'))).toEqual([]);
    const view = JSON.parse((rm.db.prepare(YEAR_ROW).get('K1', 2023) as { view: string }).view);
    const fold = foldPersonView((await ledger.store.readStream('person-K1')).map(upcast));
    expect(JSON.stringify(view)).toBe(JSON.stringify(summarizeYearTotals(catalog, fold.profile!, fold.visits, 2023)));
    rm.close();
  }, 60_000);

  /** K1's year extended from its stored row by `persons` (a read side restarted after two visits): its summary kept. */
  async function summaryKept() {
    ledger.clock.set(at('2023-01-01', 8));
    await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
    await enrol(ledger, 'K1');
    for (const month of ['02', '03']) await visit(ledger, 'K1', `K1-${month}`, `2023-${month}-10`);
    const rm = SqliteReadModelStore.open(':memory:');
    const persons = new PersonsProjection(catalog);
    rm.exec(persons.schema);
    let after = 0;
    const newEvents = async () => (await ledger.store.readAll({ afterPosition: after })).map(upcast);
    const apply = (projection: PersonsProjection, batch: RecordedEvent[]) =>
      rm.transaction(() => {
        for (const e of batch) projection.apply(e, rm);
        projection.flush(rm);
        after = batch[batch.length - 1].position;
      });
    apply(new PersonsProjection(catalog), await newEvents());
    await visit(ledger, 'K1', 'K1-04', '2023-04-10');
    apply(persons, await newEvents());
    const stored = async () => {
      const view = JSON.parse((rm.db.prepare(YEAR_ROW).get('K1', 2023) as { view: string }).view);
      const fold = foldPersonView((await ledger.store.readStream('person-K1')).map(upcast));
      return [JSON.stringify(view), JSON.stringify(summarizeYearTotals(catalog, fold.profile!, fold.visits, 2023))];
    };
    return { rm, persons, newEvents, apply, stored };
  }

  it('a kept summary is not extended by a batch that also reverses a settlement of its year', async () => {
    const { rm, persons, newEvents, apply, stored } = await summaryKept();
    await visit(ledger, 'K1', 'K1-05', '2023-05-10');
    await ledger.must('/persons/K1/settlements/K1-05/reversal', { reason: 'charged twice' });
    apply(persons, await newEvents());
    const [view, folded] = await stored();
    expect(JSON.parse(view)).toMatchObject({ visits: 3, reversedVisits: 1 });
    expect(view).toBe(folded);
    rm.close();
  }, 60_000);

  it('a kept summary is forgotten with a batch rolled back: the batch applied again counts each visit once', async () => {
    const { rm, persons, newEvents, apply, stored } = await summaryKept();
    await visit(ledger, 'K1', 'K1-05', '2023-05-10');
    const batch = await newEvents();
    expect(() =>
      rm.transaction(() => {
        for (const e of batch) persons.apply(e, rm);
        persons.flush(rm);
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }),
    ).toThrow('database is locked');
    // As the runner does when a batch rolls back.
    persons.discard();
    apply(persons, batch);
    const [view, folded] = await stored();
    expect(JSON.parse(view).visits).toBe(4);
    expect(view).toBe(folded);
    rm.close();
  }, 60_000);

  it('a batch that also reverses a settlement of the year summarises it again from the rows', async () => {
    const reversal = () => ledger.must('/persons/K1/settlements/K1-02/reversal', { reason: 'charged twice' }).then(() => undefined);
    const { reads, row, expected } = await thirdVisitNotKept(undefined, reversal);
    expect(reads).toBe(1);
    expect(row).toEqual(expected);
    expect(JSON.parse((row as { view: string }).view)).toMatchObject({ visits: 2, reversedVisits: 1 });
  }, 60_000);

  it.each([
    ['of the old shape (with its settlements list)', (v: Record<string, unknown>) => (v.settlements = [])],
    ['summarised under another cap (packs changed since)', (v: Record<string, unknown>) => (v.capInForce = '1.00')],
  ])(
    'a stored year %s is summarised again from the rows',
    async (_, tamper) => {
      const { reads, row, expected } = await thirdVisitNotKept(tamper);
      expect(reads).toBe(1);
      expect(row).toEqual(expected);
    },
    60_000,
  );
});
