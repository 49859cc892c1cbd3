import type { LedgerClient } from '../../scripts/ledger-client';
import { upcast } from '../../src/event-store/upcasting';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import { accountStatement, foldPersonView, summarizeYear } from '../../src/projections/person-views';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { allProjections } from '../../src/projections/read-models';
import { readAccountStatement } from '../../src/projections/read-models/accounts.projection';
import { readInstitutionMonth } from '../../src/projections/read-models/institution-months.projection';
import { readPersonYear } from '../../src/projections/read-models/persons.projection';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { CORRECTION, PERSON, retiredSinceJanuary, startLedger } from './retired-since-january';

/** Issue 15 item 3: the person-year, account statement and institution month show original, adjustment and net. */
describe('read side understands adjustments (retired since January, 宛政办〔2022〕42号 第五条)', () => {
  let ledger: LedgerClient;

  beforeAll(async () => {
    ledger = await startLedger();
    await retiredSinceJanuary(ledger);
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
  }, 60_000);
  afterAll(async () => ledger?.close());

  it('person-year: each settlement 220.00 → 260.00 fund; year 440.00 + 80.00 = 520.00, cap 2000.00 (retired) leaves 1480.00', async () => {
    const res = await ledger.get(`/persons/${PERSON}/years/2023`);
    expect(res.status).toBe(200);
    const y = res.body.result;
    expect(y.totals).toEqual({
      original: { fund: '440.00', account: '210.00', cash: '210.00' },
      adjustment: { fund: '80.00', account: '-40.00', cash: '-40.00' },
      net: { fund: '520.00', account: '170.00', cash: '170.00' },
    });
    expect({
      fundPaid: y.fundPaid,
      category: y.category,
      capInForce: y.capInForce,
      capRemaining: y.capRemaining,
      adjustedVisits: y.adjustedVisits,
    }).toEqual({ fundPaid: '520.00', category: 'retired', capInForce: '2000.00', capRemaining: '1480.00', adjustedVisits: 2 });
    expect(
      y.settlements.map((s: any) => [
        s.settlementId,
        s.fund,
        s.figures.net.fund,
        s.fundPaidAfter,
        s.adjustments.map((a: any) => a.correctionId),
      ]),
    ).toEqual([
      ['S1', '220.00', '260.00', '260.00', [CORRECTION]],
      ['S2', '220.00', '260.00', '520.00', [CORRECTION]],
    ]);
    expect(y.settlements[0].adjustments[0].divergence.step).toBe('category');
    expect(y.byCategory).toEqual([
      { category: 'retired', from: '2023-01-01', to: '2023-12-31', cap: '2000.00', fundPaid: '520.00', visits: 2 },
    ]);
  });

  it('account statement: a 40.00 refund line (balance 430.00) and 40.00 cash owed to the person', async () => {
    const s = (await ledger.get(`/persons/${PERSON}/account/statement`)).body.result;
    expect({ credits: s.credits, debits: s.debits, balance: s.balance }).toEqual({
      credits: '640.00',
      debits: '210.00',
      balance: '430.00',
    });
    expect(s.lines.map((l: any) => [l.type, l.credit, l.debit, l.balance])).toEqual([
      ['AccountCredited', '200.00', '0.00', '200.00'],
      ['AccountCredited', '200.00', '0.00', '400.00'],
      ['AccountCredited', '200.00', '0.00', '600.00'],
      ['VisitSettled', '0.00', '210.00', '390.00'],
      ['AccountRefunded', '40.00', '0.00', '430.00'],
    ]);
    expect(s.lines[4].reference).toBe(`correctionId:${CORRECTION} settlementId:S1`);
    expect(s.receivables.owedToPerson).toBe('40.00');
    expect(s.receivables.owedToFund).toBe('0.00');
    expect(s.receivables.lines.map((l: any) => [l.settlementId, l.owedTo, l.amount])).toEqual([['S2', 'person', '40.00']]);
  });

  it('institution month: fund due 220.00 as settled, +40.00 by the correction, 260.00 net', async () => {
    const march = (await ledger.get('/read/institutions/NY-H2/months/2023-03/totals')).body.result;
    expect({ fundDue: march.fundDue, fundDueNet: march.fundDueNet, adjustments: march.adjustments }).toEqual({
      fundDue: '220.00',
      fundDueNet: '260.00',
      adjustments: { settlements: 1, fund: '40.00', account: '-40.00', cash: '0.00', totalCost: '0.00', policyScopeCost: '0.00' },
    });
    const april = (await ledger.get('/read/institutions/NY-H2/months/2023-04/totals')).body.result;
    expect([april.fundDue, april.adjustments.cash, april.fundDueNet]).toEqual(['220.00', '-40.00', '260.00']);
  });

  it('asOf the day before the correction shows the ledger as it stood: in service, 440.00, no refund, nothing owed', async () => {
    const y = (await ledger.get(`/persons/${PERSON}/years/2023?asOf=2023-05-31`)).body.result;
    expect([y.fundPaid, y.category, y.capRemaining, y.adjustedVisits, y.totals.adjustment.fund]).toEqual([
      '440.00',
      'in_service',
      '1060.00',
      0,
      '0.00',
    ]);
    const s = (await ledger.get(`/persons/${PERSON}/account/statement?asOf=2023-05-31`)).body.result;
    expect([s.balance, s.lines.length, s.receivables.owedToPerson]).toEqual(['390.00', 4, '0.00']);
    const m = (await ledger.get('/read/institutions/NY-H2/months/2023-03/totals?asOf=2023-05-31')).body.result;
    expect([m.fundDue, m.fundDueNet, m.adjustments.settlements]).toEqual(['220.00', '220.00', 0]);
  });

  it('rebuilt read models equal the live ones and the streams folded', async () => {
    const catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
    const rebuilt = SqliteReadModelStore.open(':memory:');
    try {
      new ProjectionRunner(null as never, rebuilt, allProjections(catalog)).applyBatch(await ledger.store.readAll());
      const stream = (await ledger.store.readStream(`person-${PERSON}`)).map(upcast);
      const fold = foldPersonView(stream);
      expect(readPersonYear(rebuilt, catalog, PERSON, 2023)).toEqual(summarizeYear(catalog, fold.profile!, fold.visits, 2023));
      expect(readPersonYear(rebuilt, catalog, PERSON, 2023)).toEqual((await ledger.get(`/persons/${PERSON}/years/2023`)).body.result);
      expect(readAccountStatement(rebuilt, PERSON)).toEqual(accountStatement(PERSON, stream));
      expect(readInstitutionMonth(rebuilt, 'NY-H2', '2023-03')).toEqual(
        (await ledger.get('/read/institutions/NY-H2/months/2023-03/totals')).body.result,
      );
    } finally {
      rebuilt.close();
    }
  });
});
