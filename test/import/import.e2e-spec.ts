/**
 * Issue 12 item 2: the historical import. Lines go through the ledger's own commands;
 * each settlement is re-adjudicated and keeps its historical figures; the reconciliation
 * names the step and clause where history and policy part; a rerun writes nothing; a run
 * resumed after a partial one completes it without duplicates; a bad line is reported by
 * line, field and rule and writes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { AuditService } from '../../src/audit/audit.service';
import { bootLedger, runImport } from '../../src/import/importer';

const INST = {
  rec_type: 'fixmedins',
  fixmedins_code: 'NY-H2',
  fixmedins_name: '南阳市第二人民医院',
  hosp_lv: '05',
  admdvs: '411300',
  insutype: '310',
  ledger_category: 'county_general',
  ledger_location: 'county',
};
const ENROL = (psn: string) => ({
  rec_type: 'psn_insu',
  psn_no: psn,
  insutype: '310',
  psn_type: '1101',
  insu_admdvs: '411300',
  begndate: '2022-01-01',
  clct_base: '6000.00',
});
/** Level 2, in-service (宛政办〔2022〕42号 第五条): (200 − 30) × 55 % = 93.50. */
const SETL = (psn: string, n: number, fund: string, cash: string) => ({
  rec_type: 'setl',
  psn_no: psn,
  setl_id: `HS${n}`,
  mdtrt_id: `HM${n}`,
  fixmedins_code: 'NY-H2',
  begntime: `2023-03-${String(n).padStart(2, '0')} 09:00:00`,
  setl_time: `2023-03-${String(n).padStart(2, '0')} 09:30:00`,
  med_type: '11',
  acct_used_flag: '0',
  medfee_sumamt: '200.00',
  fulamt_ownpay_amt: '0.00',
  fund_pay_sumamt: fund,
  acct_pay: '0.00',
  psn_cash_pay: cash,
});
const YEAR = [
  INST,
  ENROL('HP1'),
  { rec_type: 'acct_crdt', psn_no: 'HP1', crdt_ym: '2023-01' },
  SETL('HP1', 3, '93.50', '106.50'), // agrees with the policy
  SETL('HP1', 10, '110.00', '90.00'), // no deductible: (200 − 0) × 55 %
  SETL('HP1', 17, '102.00', '98.00'), // rate 60 % instead of 55 %
  { rec_type: 'psn_type_chg', psn_no: 'HP1', psn_type: '1201', chg_date: '2023-06-15' },
];

let dir: string;
const file = (name: string, lines: string[]) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, lines.join('\n') + '\n');
  return f;
};
const jsonl = (records: object[]) => records.map((r) => JSON.stringify(r));
async function events(db: string) {
  const store = new SqliteEventStore({ path: db });
  try {
    return await store.readAll();
  } finally {
    await store.close();
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-import-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run import', () => {
  it('loads a year through the commands, keeps the historical figures and reconciles them', async () => {
    const db = path.join(dir, 'l.db');
    const report = await runImport({ file: file('y.jsonl', jsonl(YEAR)), db, baseline: false });
    expect(report).toEqual(expect.objectContaining({ lines: 7, imported: 7, rejected: 0, settlements: 3, settlementsDiffering: 2 }));
    const all = await events(db);
    const settled = all.filter((e) => e.type === 'VisitSettled').map((e) => e.data as any);
    expect(settled.map((s) => s.historical.fund_pay_sumamt)).toEqual(['93.50', '110.00', '102.00']);
    expect(settled.map((s) => s.decision.amounts.fund)).toEqual(['93.50', '93.50', '93.50']);
    expect(all.map((e) => e.type)).toEqual(
      expect.arrayContaining(['InstitutionRegistered', 'PersonEnrolled', 'AccountCredited', 'RetiredStatusChanged']),
    );
    expect(report.reconciliation).toEqual([
      expect.objectContaining({
        setl_id: 'HS10',
        line: 5,
        step: 'deductible',
        clause: expect.stringContaining('第五条（一）'),
        historical: { fund: '110.00', account: '0.00', cash: '90.00' },
        policy: { fund: '93.50', account: '0.00', cash: '106.50' },
        difference: { fund: '-16.50', account: '0.00', cash: '16.50' },
      }),
      expect.objectContaining({ setl_id: 'HS17', line: 6, step: 'rate', clause: expect.stringContaining('第五条（二）') }),
    ]);
    expect(report.eventsWritten).toBe(all.filter((e) => e.streamId.startsWith('person-') || e.streamId.startsWith('institution-')).length);
  });

  it('an imported year replays to byte-identical decisions (the historical block is data beside them)', async () => {
    const db = path.join(dir, 'l.db');
    await runImport({ file: file('y.jsonl', jsonl(YEAR)), db, baseline: false });
    const { app } = await bootLedger(db);
    try {
      const replay = await app.get(AuditService).replay('HP1', 2023);
      expect(replay).toEqual(expect.objectContaining({ differences: [] }));
      expect(replay.settlementsChecked).toBe(3);
    } finally {
      await app.close();
    }
  });

  it('a rerun writes nothing new and reports the same reconciliation', async () => {
    const db = path.join(dir, 'l.db');
    const f = file('y.jsonl', jsonl(YEAR));
    const first = await runImport({ file: f, db, baseline: false });
    const before = (await events(db)).length;
    const again = await runImport({ file: f, db, baseline: false });
    expect((await events(db)).length).toBe(before);
    expect(again).toEqual(expect.objectContaining({ imported: 0, alreadyPresent: 7, eventsWritten: 0 }));
    expect(again.reconciliation.map((r) => r.setl_id)).toEqual(first.reconciliation.map((r) => r.setl_id));
  });

  it('resumes after a run cut short: the rest is written once, nothing twice', async () => {
    const db = path.join(dir, 'l.db');
    await runImport({ file: file('part.jsonl', jsonl(YEAR.slice(0, 4))), db, baseline: false });
    const resumed = await runImport({ file: file('y.jsonl', jsonl(YEAR)), db, baseline: false });
    expect(resumed).toEqual(expect.objectContaining({ imported: 3, alreadyPresent: 4 }));
    const settled = (await events(db)).filter((e) => e.type === 'VisitSettled');
    expect(settled.map((e) => (e.data as any).settlementId)).toEqual(['HS3', 'HS10', 'HS17']);
  });

  it('reports a bad line by number, field and rule, writes nothing of it, and goes on', async () => {
    const db = path.join(dir, 'l.db');
    const lines = jsonl(YEAR);
    lines.splice(
      3,
      0,
      JSON.stringify({ ...SETL('HP1', 5, '93.50', '106.50'), med_type: '99' }),
      '{not json',
      JSON.stringify({ ...SETL('HP1', 6, '93.50', '100.00') }),
    );
    const report = await runImport({ file: file('bad.jsonl', lines), db, baseline: false });
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 4, field: 'med_type', rule: 'codeTable:med_type' }),
      expect.objectContaining({ line: 5, field: 'line', rule: 'isJson' }),
      expect.objectContaining({ line: 6, field: 'medfee_sumamt', rule: 'equalsFundPlusAccountPlusCash' }),
    ]);
    expect(report).toEqual(expect.objectContaining({ rejected: 3, imported: 7 }));
    const settled = (await events(db)).filter((e) => e.type === 'VisitSettled').map((e) => (e.data as any).settlementId);
    expect(settled).toEqual(['HS3', 'HS10', 'HS17']);
  });

  it('a refused line (unknown person) is reported with its code and writes nothing', async () => {
    const db = path.join(dir, 'l.db');
    const report = await runImport({ file: file('r.jsonl', jsonl([INST, SETL('NOBODY', 3, '93.50', '106.50')])), db, baseline: false });
    expect(report.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('NOBODY') })]);
    expect((await events(db)).filter((e) => e.type === 'VisitSettled')).toEqual([]);
  });

  it('reads CSV with the same names, to the same result', async () => {
    const db = path.join(dir, 'l.db');
    const rows = YEAR.filter((r) => r.rec_type === 'setl');
    const cols = Object.keys(rows[0]);
    const csv = [cols.join(','), ...rows.map((r) => cols.map((c) => (r as Record<string, string>)[c]).join(','))];
    await runImport({ file: file('head.jsonl', jsonl(YEAR.slice(0, 3))), db, baseline: false });
    const report = await runImport({ file: file('s.csv', csv), db, baseline: false });
    expect(report).toEqual(expect.objectContaining({ lines: 3, imported: 3, settlementsDiffering: 2 }));
    expect(report.reconciliation.map((r) => [r.line, r.step])).toEqual([
      [3, 'deductible'],
      [4, 'rate'],
    ]);
  });

  it('refuses a line with a key given twice and a CSV whose header names a column twice, naming it; writes nothing of them', async () => {
    const db = path.join(dir, 'l.db');
    await runImport({ file: file('head.jsonl', jsonl(YEAR.slice(0, 3))), db, baseline: false });
    // JSON.parse would keep the last fund_pay_sumamt (the policy's 93.50) and import the line.
    const twice = JSON.stringify(SETL('HP1', 3, '93.50', '106.50')).replace(
      '"fund_pay_sumamt"',
      '"fund_pay_sumamt":"150.00","fund_pay_sumamt"',
    );
    const lines = await runImport({ file: file('twice.jsonl', [twice]), db, baseline: false });
    expect(lines.errors).toEqual([expect.objectContaining({ line: 1, field: 'fund_pay_sumamt', rule: 'noDuplicateKeys' })]);
    const rows = YEAR.filter((r) => r.rec_type === 'setl');
    const cols = [...Object.keys(rows[0]), 'fund_pay_sumamt'];
    const csv = [cols.join(','), ...rows.map((r) => cols.map((c) => (r as Record<string, string>)[c]).join(','))];
    const columns = await runImport({ file: file('twice.csv', csv), db, baseline: false });
    expect(columns.errors).toEqual([expect.objectContaining({ line: 1, field: 'fund_pay_sumamt', rule: 'noDuplicateColumns' })]);
    expect(columns).toEqual(expect.objectContaining({ imported: 0, rejected: 1 }));
    expect((await events(db)).filter((e) => e.type === 'VisitSettled')).toEqual([]);
  });

  it('refuses a file that is not UTF-8 whole, naming its first such line (a GBK export would store U+FFFD in the names), and a line whose text is not Unicode', async () => {
    const db = path.join(dir, 'l.db');
    const gbkName = Buffer.from([0xbd, 0xb9, 0xd7, 0xf7]); // 焦作 in GBK
    const [before, after] = JSON.stringify({ ...INST, fixmedins_name: '@' }).split('@');
    const lines = [Buffer.concat([Buffer.from(before), gbkName, Buffer.from(after)]), ...jsonl(YEAR.slice(1)).map((l) => Buffer.from(l))];
    const gbk = path.join(dir, 'gbk.jsonl');
    fs.writeFileSync(gbk, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const report = await runImport({ file: gbk, db, baseline: false });
    expect(report.errors).toEqual([expect.objectContaining({ line: 1, field: 'file', rule: 'isUtf8' })]);
    expect(report).toEqual(expect.objectContaining({ imported: 0, rejected: 1 }));
    const written = async () => (await events(db)).filter((e) => e.type === 'InstitutionRegistered' || e.type === 'PersonEnrolled');
    expect(await written()).toEqual([]);
    // UTF-8, but a name holding a lone surrogate (an escape in the JSON): that line is refused, naming the field.
    const lone = JSON.stringify({ ...INST, fixmedins_name: 'X' }).replace('"X"', '"南阳\\udc00"');
    const surrogate = await runImport({ file: file('lone.jsonl', [lone]), db, baseline: false });
    expect(surrogate.errors).toEqual([expect.objectContaining({ line: 1, field: 'fixmedins_name', rule: 'isWellFormed' })]);
    expect(await written()).toEqual([]);
    // The same file in UTF-8 imports (the control).
    expect((await runImport({ file: file('utf8.jsonl', jsonl(YEAR)), db, baseline: false })).rejected).toBe(0);
    expect((await written()).map((e) => e.type)).toEqual(['InstitutionRegistered', 'PersonEnrolled']);
  });

  it('measures its rate against a raw append loop of as many events', async () => {
    const report = await runImport({ file: file('y.jsonl', jsonl(YEAR)), db: path.join(dir, 'l.db') });
    expect(report.appendBaseline).toEqual(expect.objectContaining({ events: 7 }));
    expect(report.appendBaseline!.eventsPerSecond).toBeGreaterThan(0);
    expect(report.eventsPerSecond).toBeGreaterThan(0);
  });
});
