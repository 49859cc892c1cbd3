import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { runAudit } from '../../scripts/audit';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { STORY, writeStory } from './story';

describe('audit over HTTP: replay, tamper evidence, what-if, explain, policies, as-of', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-audit-'));
  const file = path.join(dir, 'ledger.db');
  let ledger: LedgerClient;
  let db: SqliteEventStore['db'];

  beforeAll(async () => {
    ledger = await startLedger({ path: file });
    await writeStory(ledger);
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    db = (ledger.store as SqliteEventStore).db;
  }, 60_000);
  afterAll(async () => {
    await ledger?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rowOf = (settlementId: string) =>
    db
      .prepare("SELECT position, revision, data FROM events WHERE type = 'VisitSettled' AND json_extract(data, '$.settlementId') = ?")
      .get(settlementId) as { position: number; revision: number; data: string };

  describe('the year as the read side shows it (figures worked in story.ts)', () => {
    it('person year: fund paid, cap in force, cap remaining, by category period', async () => {
      const res = await ledger.get(`/persons/NY-A1/years/2023`, ledger.auditorKey);
      expect(res.status).toBe(200);
      const y = res.body.result;
      expect(y.settlements.map((s: any) => [s.settlementId, s.category, s.rate, s.fund, s.fundPaidAfter])).toEqual([
        ['S-MAR', 'in_service', '0.55', '148.50', '148.50'],
        ['S-JUN', 'in_service', '0.55', '148.50', '297.00'],
        ['S-AUG', 'retired', '0.65', '175.50', '472.50'],
      ]);
      expect({ fundPaid: y.fundPaid, capInForce: y.capInForce, capRemaining: y.capRemaining, category: y.category }).toEqual({
        fundPaid: '472.50',
        capInForce: '2000.00',
        capRemaining: '1527.50',
        category: 'retired',
      });
      expect(y.byCategory).toEqual([
        { category: 'in_service', from: '2023-01-01', to: '2023-06-30', cap: '1500.00', fundPaid: '297.00', visits: 2 },
        { category: 'retired', from: '2023-07-01', to: '2023-12-31', cap: '2000.00', fundPaid: '175.50', visits: 1 },
      ]);
    });

    it('rate timeline shows the retirement switch with the rates of the pack in force', async () => {
      const t = (await ledger.get('/persons/NY-A1/rate-timeline')).body.result;
      expect(t).toHaveLength(2);
      expect(t[0]).toMatchObject({
        from: '2023-01-01',
        to: '2023-06-30',
        category: 'in_service',
        cause: 'enrollment',
        packId: 'nanyang-employee-2022',
        cap: '1500.00',
        ratesCitation: '宛政办〔2022〕42号 第五条（二）',
      });
      expect(t[0].rates.level2).toBe('0.55');
      expect(t[1]).toMatchObject({
        from: '2023-07-01',
        category: 'retired',
        cause: 'retirement',
        processedOn: '2023-06-15',
        cap: '2000.00',
      });
      expect(t[1].rates).toMatchObject({ level1: '0.7', level2: '0.65', level3: '0.6' });
    });

    it('account statement: each credit and debit names its source event position', async () => {
      const s = (await ledger.get('/persons/NY-A1/account/statement')).body.result;
      const mar = rowOf('S-MAR');
      const paid = JSON.parse(mar.data).decision.amounts.account;
      expect(s.lines.map((l: any) => [l.type, l.credit, l.debit])).toEqual([
        ['AccountCredited', '100.00', '0.00'],
        ['AccountCredited', '100.00', '0.00'],
        ['VisitSettled', '0.00', paid],
      ]);
      expect(s.lines[2].position).toBe(mar.position);
      expect(paid).not.toBe('0.00');
      const cents = (m: string) => BigInt(m.replace('.', ''));
      expect(cents(s.balance)).toBe(20000n - cents(paid));
    });
  });

  describe('as-of: the ledger as it stood then', () => {
    it('by date (end of 2023-03-31): one visit, still in service, the in-service cap', async () => {
      const y = (await ledger.get('/persons/NY-A1/years/2023?asOf=2023-03-31')).body;
      expect(y.source).toBe('stream');
      expect({
        fundPaid: y.result.fundPaid,
        capInForce: y.result.capInForce,
        capRemaining: y.result.capRemaining,
        category: y.result.category,
        visits: y.result.visits,
      }).toEqual({
        fundPaid: '148.50',
        capInForce: '1500.00',
        capRemaining: '1351.50',
        category: 'in_service',
        visits: 1,
      });
      const t = (await ledger.get('/persons/NY-A1/rate-timeline?asOf=2023-03-31')).body.result;
      expect(t.map((s: any) => s.category)).toEqual(['in_service']);
    });

    it('by position: just before the August settlement', async () => {
      const aug = rowOf('S-AUG');
      const y = (await ledger.get(`/persons/NY-A1/years/2023?asOf=${aug.position - 1}`)).body;
      expect(y.throughPosition).toBe(aug.position - 1);
      expect(y.result.fundPaid).toBe('297.00');
      expect(y.result.category).toBe('retired');
      const s = (await ledger.get(`/persons/NY-A1/account/statement?asOf=${rowOf('S-MAR').position - 1}`)).body.result;
      expect(s.balance).toBe('200.00');
      const before = (await ledger.get(`/read/institutions/NY-H2/months/2023-08/totals?asOf=${aug.position - 1}`)).body.result;
      const after = (await ledger.get(`/read/institutions/NY-H2/months/2023-08/totals?asOf=${aug.position}`)).body.result;
      expect(before).toMatchObject({ visits: 0, fundDue: '0.00' });
      expect(after).toMatchObject({ visits: 1, totalCost: '300.00', policyScopeCost: '300.00', fundDue: '175.50' });
      expect((await ledger.get('/read/institutions/NY-H2/months/2023-08/totals')).body.result).toEqual(after);
    });

    it('a settlement explained as of a position before it was recorded is not found; at its position it is', async () => {
      const aug = rowOf('S-AUG');
      expect((await ledger.get(`/persons/NY-A1/settlements/S-AUG/explain?asOf=${aug.position - 1}`)).status).toBe(404);
      expect((await ledger.get(`/persons/NY-A1/settlements/S-AUG/explain?asOf=${aug.position}`)).body.position).toBe(aug.position);
    });

    it('refuses an asOf that is neither a position nor a date', async () => {
      expect((await ledger.get('/persons/NY-A1/years/2023?asOf=yesterday')).status).toBe(400);
    });
  });

  describe('what-if writes nothing and shows the difference visit by visit', () => {
    it('a later retirement (processed 2023-08-20, retired from 09-01): the August visit is paid at 55%, 27.00 less', async () => {
      const head = await ledger.store.headPosition();
      const res = await ledger.post('/audit/what-if', { ...STORY, changes: { retirementProcessedOn: '2023-08-20' } }, ledger.auditorKey);
      expect(res.status).toBe(200);
      expect(res.body.visits.map((v: any) => [v.settlementId, v.recorded.fund, v.whatIf.fund, v.delta.fund, v.whatIf.category])).toEqual([
        ['S-MAR', '148.50', '148.50', '0.00', 'in_service'],
        ['S-JUN', '148.50', '148.50', '0.00', 'in_service'],
        ['S-AUG', '175.50', '148.50', '-27.00', 'in_service'],
      ]);
      expect(res.body.totals.recorded.fund).toBe('472.50');
      expect(res.body.totals.whatIf.fund).toBe('445.50');
      expect(res.body.totals.delta.fund).toBe('-27.00');
      expect(res.body.changedVisits).toBe(1);
      expect(await ledger.store.headPosition()).toBe(head);
    });

    it('an earlier retirement (processed 2023-02-10): March and June at 65% (+27.00 each)', async () => {
      const res = await ledger.post('/audit/what-if', { ...STORY, changes: { retirementProcessedOn: '2023-02-10' } });
      expect(res.body.visits.map((v: any) => v.whatIf.fund)).toEqual(['175.50', '175.50', '175.50']);
      expect(res.body.totals.delta.fund).toBe('54.00');
    });

    it('the hospital as level 3 (deductible 50; 50% / 60%), and a removed visit', async () => {
      const head = await ledger.store.headPosition();
      const level3 = await ledger.post('/audit/what-if', {
        ...STORY,
        changes: { institutionLevel: { institutionCode: 'NY-H2', level: 'level3' } },
      });
      expect(level3.body.visits.map((v: any) => [v.whatIf.deductible, v.whatIf.rate, v.whatIf.fund])).toEqual([
        ['50.00', '0.5', '125.00'],
        ['50.00', '0.5', '125.00'],
        ['50.00', '0.6', '150.00'],
      ]);
      const removed = await ledger.post('/audit/what-if', { ...STORY, changes: { removeVisits: ['S-JUN'] } });
      expect(removed.body.visits.find((v: any) => v.settlementId === 'S-JUN')).toMatchObject({
        removed: true,
        whatIf: null,
        delta: { fund: '-148.50' },
      });
      expect(removed.body.totals.whatIf.fund).toBe('324.00');
      expect(await ledger.store.headPosition()).toBe(head);
    });

    it('policyVersion: the recorded pack by id changes nothing; a pack of another region cannot adjudicate these visits', async () => {
      const same = await ledger.post('/audit/what-if', { ...STORY, changes: { policyVersion: 'nanyang-employee-2022' } });
      expect(same.body).toMatchObject({ changedVisits: 0, totals: { delta: { fund: '0.00', account: '0.00', cash: '0.00' } } });
      const other = await ledger.post('/audit/what-if', { ...STORY, changes: { policyVersion: 'jiaozuo-employee-2024' } });
      expect(other.body.visits.every((v: any) => v.whatIf === null && /nanyang\/employee/.test(v.error))).toBe(true);
      expect(other.body.totals.whatIf.fund).toBe('0.00');
    });

    it('refuses an unknown policy version', async () => {
      const res = await ledger.post('/audit/what-if', { ...STORY, changes: { policyVersion: 'sha256:nope' } });
      expect(res.status).toBe(400);
    });

    it('refuses a settlement or an institution the year does not hold, naming it (answered before as if nothing changed)', async () => {
      const head = await ledger.store.headPosition();
      for (const [changes, field] of [
        [{ removeVisits: ['S-JUN', 'S-TYPO'] }, 'changes.removeVisits.1'],
        [{ institutionLevel: { institutionCode: 'NY-H9', level: 'level3' } }, 'changes.institutionLevel.institutionCode'],
      ] as const) {
        const res = await ledger.post('/audit/what-if', { ...STORY, changes });
        expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, field]);
      }
      expect(await ledger.store.headPosition()).toBe(head);
    });
  });

  describe('explain and policy provenance', () => {
    it('explain as JSON: every step with its document and clause', async () => {
      const e = (await ledger.get('/persons/NY-A1/settlements/S-AUG/explain', ledger.auditorKey)).body;
      const step = (name: string) => e.steps.find((s: any) => s.step === name);
      expect(step('deductible').citations).toEqual([{ document: '宛政办〔2022〕42号', clause: '第五条（一）' }]);
      expect(step('rate').citations).toEqual([{ document: '宛政办〔2022〕42号', clause: '第五条（二）' }]);
      expect(step('rate').result.rate).toBe('0.65');
      expect(step('fund').result.fund).toBe('175.50');
      expect(e.steps.every((s: any) => s.citations.length > 0)).toBe(true);
    });

    it('explain as text: the clause in Chinese, the rule in English', async () => {
      const res = await ledger.get('/persons/NY-A1/settlements/S-AUG/explain?format=text');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('依据 Clause: 宛政办〔2022〕42号 第五条（二）');
      expect(res.text).toContain('Rule: The reimbursement rate by institution level');
      expect(res.text).toContain('Total 300.00 = fund 175.50');
    });

    it('GET /policies lists every pack; GET /policies/:id gives each dated value with document and clause', async () => {
      const list = (await ledger.get('/policies', ledger.auditorKey)).body;
      expect(list.map((p: any) => p.id).sort()).toEqual([
        'anyang-resident-2020',
        'gansu-employee-framework-2021',
        'jiaozuo-employee-2024',
        'nanyang-employee-2022',
        'national-resident-floor-2011',
      ]);
      const ny = (await ledger.get('/policies/nanyang-employee-2022', ledger.auditorKey)).body;
      const rates = ny.values.find((v: any) => v.path === 'benefit.rates');
      expect(rates).toMatchObject({
        document: '宛政办〔2022〕42号',
        clause: '第五条（二）',
        source: 'document',
        effective: { from: '2022-07-01' },
      });
      expect(rates.value.retired.level2).toBe('0.65');
      const jz = (await ledger.get('/policies/jiaozuo-employee-2024')).body;
      expect(jz.values.find((v: any) => v.path === 'benefit.annualCaps')).toMatchObject({
        source: 'deployment',
        document: 'config/deployment-policy.json',
      });
      expect((await ledger.get('/policies/nowhere')).status).toBe(404);
    });
  });

  describe('replay and tamper evidence (the stored SQLite rows altered behind the ledger’s back)', () => {
    it('honest data: 0 differences and an intact chain', async () => {
      const res = await ledger.post('/audit/replay', STORY, ledger.auditorKey);
      expect(res.body).toMatchObject({ verdict: '0 differences', settlementsChecked: 3, differences: [], chain: { intact: true } });
      expect(res.body.rebuilt).toMatchObject({ fundPaid: '472.50', capRemaining: '1527.50' });
    });

    it('an altered fund payment is reported (settlement, field path, recorded vs recomputed), the next year-to-date too, and the chain names the link', async () => {
      const mar = rowOf('S-MAR');
      db.prepare("UPDATE events SET data = json_set(data, '$.decision.amounts.fund', '999.00') WHERE position = ?").run(mar.position);
      const res = await ledger.post('/audit/replay', STORY);
      expect(res.body.verdict).not.toBe('0 differences');
      expect(res.body.differences).toEqual(
        expect.arrayContaining([
          {
            settlementId: 'S-MAR',
            revision: mar.revision,
            position: mar.position,
            path: 'decision.amounts.fund',
            recorded: '999.00',
            recomputed: '148.50',
          },
          expect.objectContaining({ settlementId: 'S-JUN', path: 'yearToDate.fundPaid', recorded: '148.50', recomputed: '999.00' }),
        ]),
      );
      expect(res.body.chain).toMatchObject({
        intact: false,
        firstBroken: { revision: mar.revision, position: mar.position, reason: 'hash_mismatch' },
      });

      // The CLI reads the file directly, without the server, and says the same.
      const out: string[] = [];
      const code = await runAudit(['replay', '--person', 'NY-A1', '--year', '2023', '--db', file], (s) => out.push(s));
      expect(code).toBe(2);
      expect(out.join('\n')).toContain(
        `settlement S-MAR (revision ${mar.revision}, position ${mar.position}) decision.amounts.fund: recorded "999.00" vs recomputed "148.50"`,
      );
      expect(out.join('\n')).toContain(`first broken link at revision ${mar.revision}`);
    });
  });
});
