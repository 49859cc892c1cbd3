import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { seedDemo, SeedSummary } from '../../scripts/seed-demo';
import { rebuildFile } from '../../scripts/projections-rebuild';
import Database from 'better-sqlite3';
import { readModelsFileOf } from '../../src/config/config';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import { upcast } from '../../src/event-store/upcasting';
import { accountStatement, foldPersonView, rateTimeline, summarizeYear } from '../../src/projections/person-views';

/** Every read-model table, rows in a stable order, for byte comparison. */
function dumpReadModels(db: Database.Database): Record<string, unknown[]> {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_%' ORDER BY name").all() as Array<{ name: string }>
  ).map((t) => t.name);
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all();
  return out;
}

describe('projections: live read models, rebuilt from zero, are identical; and agree with folding the streams', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-rebuild-'));
  const file = path.join(dir, 'ledger.db');
  let ledger: LedgerClient;
  let summary: SeedSummary;
  let runner: ProjectionRunner;
  let live: Record<string, unknown[]>;
  /** The read models' own file beside the ledger (ledger.read.db). */
  const readFile = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(readModelsFileOf(file));
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ledger = await startLedger({ path: file });
    summary = await seedDemo(ledger);
    runner = ledger.app.get(PROJECTION_RUNNER);
    await runner.caughtUp();
    live = readFile((db) => dumpReadModels(db));
  }, 180_000);
  afterAll(async () => {
    await ledger?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the live read models are complete: checkpoint = head, lag 0, every settlement and person present', async () => {
    const lag = await runner.lag();
    expect(lag.lag).toBe(0);
    expect((await ledger.get('/read/lag', ledger.auditorKey)).body).toEqual({
      headPosition: lag.headPosition,
      checkpoint: lag.headPosition,
      lag: 0,
      running: true,
    });
    expect(lag.checkpoint).toBe(await ledger.store.headPosition());
    expect(live.rm_person_visit).toHaveLength(summary.settlements);
    expect(live.rm_person).toHaveLength(summary.persons);
    expect(live.rm_checkpoint).toEqual(expect.arrayContaining([{ name: 'persons', position: lag.headPosition }]));
  });

  it('a person-year, statement and timeline from the projection equal the same views folded from the stream', async () => {
    const catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
    for (const { personId, year } of summary.personYears) {
      const events = (await ledger.store.readStream(`person-${personId}`)).map(upcast);
      const fold = foldPersonView(events);
      const projected = (await ledger.get(`/persons/${personId}/years/${year}`)).body;
      expect(projected.source).toBe('projection');
      expect(projected.result).toEqual(summarizeYear(catalog, fold.profile!, fold.visits, year));
      expect((await ledger.get(`/persons/${personId}/account/statement`)).body.result).toEqual({
        ...accountStatement(personId, events),
        nextCursor: null,
      });
      expect((await ledger.get(`/persons/${personId}/rate-timeline`)).body.result).toEqual(rateTimeline(catalog, fold.profile!));
    }
  });

  it('institution month totals equal the sum of the month’s unreversed decisions', async () => {
    const all = await ledger.store.readAll();
    const settled = all.filter((e) => e.type === 'VisitSettled').map((e) => e.data as any);
    const reversed = new Set(all.filter((e) => e.type === 'SettlementReversed').map((e) => (e.data as any).settlementId));
    const month = settled.filter(
      (d) => d.institution.code === 'NY-H3' && d.decision.visitDate.startsWith('2023-04') && !reversed.has(d.settlementId),
    );
    const res = (await ledger.get('/read/institutions/NY-H3/months/2023-04/totals', ledger.auditorKey)).body.result;
    expect(res.visits).toBe(month.length);
    const cents = (xs: string[]) => xs.reduce((s, x) => s + BigInt(x.replace('.', '')), 0n);
    expect(BigInt(res.fundDue.replace('.', ''))).toBe(cents(month.map((d) => d.decision.amounts.fund)));
    expect(BigInt(res.totalCost.replace('.', ''))).toBe(cents(month.map((d) => d.decision.amounts.total)));
    expect(BigInt(res.policyScopeCost.replace('.', ''))).toBe(cents(month.map((d) => d.decision.amounts.policyScope)));
  });

  it('npm run projections:rebuild drops and rebuilds every read model from zero: the result is identical to the live one', async () => {
    await ledger.close();
    // Prove the rebuild really starts from nothing: spoil the live tables first.
    readFile((db) =>
      db.exec("UPDATE rm_person_year SET fund_paid = '999.99'; DELETE FROM rm_account_line; UPDATE rm_checkpoint SET position = 3"),
    );
    const result = await rebuildFile(file);
    expect(result.events).toBe(result.head);
    expect(readFile((db) => dumpReadModels(db))).toEqual(live);
  });
});
