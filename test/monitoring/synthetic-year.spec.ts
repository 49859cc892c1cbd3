/**
 * The monitor over a synthetic year (2024, three institutions, ~900 settlements): the
 * injected anomalies are each flagged exactly once with their clause; the same year
 * without them raises nothing; a rebuild from zero gives the same indicators and appends
 * no alert twice; a crash between the read-model commit and the alert append loses nothing.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rebuildMonitoringFile } from '../../src/monitoring/monitoring-rebuild';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { Dec, fmt, money, sum } from '../../src/kernel/money';
import { AlertWriter } from '../../src/monitoring/alert-writer';
import { MonitoringQueries } from '../../src/monitoring/monitoring.queries';
import { MonitoringRunner } from '../../src/monitoring/monitoring-runner';
import type { MonitoringThresholds } from '../../src/monitoring/thresholds';
import { loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { INSTITUTIONS, syntheticVisits, SyntheticVisit, writeYear } from './synthetic-year';

const clock = { now: () => new Date('2025-01-05T00:00:00Z') };
const thresholds: MonitoringThresholds = loadMonitoringThresholds();

interface World {
  events: SqliteEventStore;
  store: SqliteReadModelStore;
  runner: MonitoringRunner;
  queries: MonitoringQueries;
  visits: SyntheticVisit[];
}

const admission = (personId: string, admittedOn: string, institutionCode: string): { streamId: string; event: NewEvent } => ({
  streamId: `person-${personId}`,
  event: {
    id: randomUUID(),
    type: 'InpatientAdmitted',
    data: { admittedOn, institutionCode },
    metadata: { schemaVersion: 1, recordedAt: `${admittedOn}T02:00:00.000Z` },
  },
});

async function world(anomalies: boolean): Promise<World> {
  const events = new SqliteEventStore({ path: ':memory:' });
  const store = SqliteReadModelStore.onConnection(events.db);
  const visits = syntheticVisits({ anomalies });
  // Two admissions a month at NY-L3, and one settlement reversed in April.
  const extra = [];
  for (let m = 1; m <= 12; m++)
    for (const p of ['IN-1', 'IN-2']) extra.push(admission(`${p}-${m}`, `2024-${String(m).padStart(2, '0')}-20`, 'NY-L3'));
  const reversed = visits.find((v) => v.institutionCode === 'NY-L3' && v.date.startsWith('2024-04'))!;
  extra.push({
    streamId: `person-${reversed.personId}`,
    event: {
      id: randomUUID(),
      type: 'SettlementReversed',
      data: {
        settlementId: reversed.settlementId,
        reversedAt: '2024-04-30T10:00:00+08:00',
        reason: 'test',
        fundRestored: reversed.fund,
        accountRestored: '0.00',
        relativeAccountRestored: '0.00',
        clause: 'national interface 2208',
      },
      metadata: { schemaVersion: 1, recordedAt: '2024-04-30T02:00:00.000Z' },
    },
  });
  await writeYear(events, visits, extra);
  const runner = new MonitoringRunner(events, store, thresholds, new AlertWriter(events, clock, randomUUID), { pageSize: 200 });
  return { events, store, runner, queries: new MonitoringQueries(store, thresholds), visits: visits.filter((v) => v !== reversed) };
}

async function alertEvents(events: SqliteEventStore): Promise<RecordedEvent[]> {
  return (await events.readAll()).filter((e) => e.streamId.startsWith('alerts-'));
}

const summary = (e: RecordedEvent) => {
  const d = e.data as any;
  return {
    streamId: e.streamId,
    type: e.type,
    indicator: d.indicator,
    period: d.month ?? `${d.window.from}..${d.window.to}`,
    clause: d.clause,
  };
};

describe('monitoring a synthetic year', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(true);
    await w.runner.catchUp();
  });
  afterAll(() => w.events.close());

  it('flags each injected anomaly exactly once, with its clause, and nothing else', async () => {
    const alerts = (await alertEvents(w.events)).map(summary);
    expect(alerts).toHaveLength(4);
    expect(alerts).toEqual(
      expect.arrayContaining([
        {
          streamId: 'alerts-institution-NY-L3',
          type: 'InstitutionFlagged',
          indicator: 'perVisitCostGrowthMoM',
          period: '2024-06',
          clause: '焦医保〔2024〕32号 五（一）',
        },
        {
          streamId: 'alerts-institution-NY-L1',
          type: 'InstitutionFlagged',
          indicator: 'examinationShare',
          period: '2024-09',
          clause: '宛政办〔2022〕42号 第二十二条（二）',
        },
        {
          streamId: 'alerts-person-HF-1',
          type: 'PersonFlagged',
          indicator: 'visitsIn7Days',
          period: '2024-03-08..2024-03-14',
          clause: '焦医保〔2024〕32号 五（一）',
        },
        {
          streamId: 'alerts-person-SD-1',
          type: 'PersonFlagged',
          indicator: 'institutionsOnOneDay',
          period: '2024-10-08..2024-10-08',
          clause: '焦医保〔2024〕32号 五（一）',
        },
      ]),
    );
  });

  it('alerts carry the value that crossed, the threshold and the event that made it cross', async () => {
    const byIndicator = Object.fromEntries((await alertEvents(w.events)).map((e) => [(e.data as any).indicator, e]));
    const hf = byIndicator.visitsIn7Days.data as any;
    expect([hf.value, hf.threshold]).toEqual(['8', '7']); // raised at the 8th visit of the week, not again at the 9th..12th
    expect(hf.triggeredBy.streamId).toBe('person-HF-1');
    const sd = byIndicator.institutionsOnOneDay.data as any;
    expect([sd.value, sd.threshold, sd.basis.institutions]).toEqual(['3', '2', 'AY-TWN,NY-L1,NY-L3']);
    const jump = byIndicator.perVisitCostGrowthMoM.data as any;
    expect(new Dec(jump.value).greaterThan('0.30')).toBe(true);
    expect(jump.threshold).toBe('0.3');
    const spike = byIndicator.examinationShare.data as any;
    expect(new Dec(spike.value).greaterThan('0.40')).toBe(true);
    // Each alert's metadata names the deterministic command id it was appended under.
    for (const e of await alertEvents(w.events)) expect(e.metadata.commandId).toBe(`alert:${(e.data as any).alertId}`);
  });

  it("the indicators of a month are the month's own figures, to the fen", () => {
    const year = w.queries.institutionYear('NY-L3', 2024);
    for (const month of ['2024-01', '2024-04', '2024-06']) {
      const mine = w.visits.filter((v) => v.institutionCode === 'NY-L3' && v.date.startsWith(month));
      const total = sum(mine.map((v) => money(v.total)));
      const exam = sum(mine.flatMap((v) => v.lines.filter((l) => l.category === 'examination').map((l) => money(l.amount))));
      const outside = sum(mine.flatMap((v) => v.lines.filter((l) => !l.inCatalogue).map((l) => money(l.amount))));
      const fund = sum(mine.map((v) => money(v.fund)));
      const m = year.months.find((x) => x.month === month)!;
      expect(m.visits).toBe(mine.length);
      expect(m.totalCost).toBe(fmt(total));
      expect(m.perVisitCost).toBe(fmt(total.div(mine.length)));
      expect(m.examinationShare).toBe(exam.div(total).toDecimalPlaces(4).toFixed(4));
      expect(m.outOfCatalogueShare).toBe(outside.div(total).toDecimalPlaces(4).toFixed(4));
      expect(m.selfPayShare).toBe(total.minus(fund).div(total).toDecimalPlaces(4).toFixed(4));
      expect(m.inpatientAdmissions).toBe(2);
    }
    const april = year.months.find((x) => x.month === '2024-04')!;
    expect([april.settlements - april.reversals, april.reversals]).toEqual([april.visits, 1]);
    const june = year.months.find((x) => x.month === '2024-06')!;
    const may = year.months.find((x) => x.month === '2024-05')!;
    expect(june.growth.mom.perVisitCost).toBe(
      money(june.perVisitCost!).minus(money(may.perVisitCost!)).div(money(may.perVisitCost!)).toDecimalPlaces(4).toFixed(4),
    );
    // No 2023 in the log: nothing to compare with, so no year-on-year growth (and no alert on it).
    expect(june.growth.yoy).toEqual(expect.objectContaining({ perVisitCost: null, visits: null, drugAmount: null }));
    expect(year.alerts.map((a) => a.indicator)).toEqual(['perVisitCostGrowthMoM']);
  });

  it('lines written without a category (VisitSettled v1, first quarter) count as "other"', () => {
    const year = w.queries.institutionYear('AY-TWN', 2024);
    const jan = w.visits.filter((v) => v.institutionCode === 'AY-TWN' && v.date.startsWith('2024-01'));
    const consultation = sum(jan.flatMap((v) => v.lines.filter((l) => l.code === 'C01').map((l) => money(l.amount))));
    const outside = sum(jan.flatMap((v) => v.lines.filter((l) => l.code === 'X01').map((l) => money(l.amount))));
    const m1 = year.months[0];
    expect(m1.amounts.consultation).toBe('0.00');
    expect(m1.amounts.other).toBe(fmt(consultation.plus(outside)));
    expect(year.months[3].amounts.consultation).not.toBe('0.00'); // from April the lines say "consultation"
  });

  it("a person's frequency: the busy week, and the day at three institutions", () => {
    const hf = w.queries.personFrequency('HF-1', '2024-03-17');
    expect(hf.visitsIn7Days).toEqual({ from: '2024-03-11', to: '2024-03-17', count: 12 });
    expect(hf.lastYear.busiest7Days).toEqual({ from: '2024-03-11', to: '2024-03-17', count: 12 });
    expect(hf.alerts.map((a) => [a.indicator, a.open])).toEqual([['visitsIn7Days', true]]);
    const sd = w.queries.personFrequency('SD-1', '2024-12-31');
    expect(sd.lastYear.daysAtSeveralInstitutions).toEqual([{ date: '2024-10-08', institutions: ['AY-TWN', 'NY-L1', 'NY-L3'] }]);
  });

  it('a rebuild from zero gives identical indicators and appends no alert again', async () => {
    const before = INSTITUTIONS.map((i) => w.queries.institutionYear(i.code, 2024));
    const persons = ['HF-1', 'SD-1'].map((p) => w.queries.personFrequency(p, '2024-12-31'));
    const head = await w.events.headPosition();
    const openAlerts = w.queries.alerts({});
    const rebuilt = await w.runner.rebuild();
    expect(rebuilt.events).toBe(head);
    expect(await w.events.headPosition()).toBe(head);
    expect(INSTITUTIONS.map((i) => w.queries.institutionYear(i.code, 2024))).toEqual(before);
    expect(['HF-1', 'SD-1'].map((p) => w.queries.personFrequency(p, '2024-12-31'))).toEqual(persons);
    expect(w.queries.alerts({})).toEqual(openAlerts);
    expect(w.runner.pendingAlerts()).toBe(0);
  });

  it('alerts filter by subject and indicator; an alert closed stays closed and is not raised again', async () => {
    expect(w.queries.alerts({ institutionCode: 'NY-L1' }).map((a) => a.indicator)).toEqual(['examinationShare']);
    expect(w.queries.alerts({ indicator: 'visitsIn7Days' }).map((a) => a.subject)).toEqual([{ kind: 'person', id: 'HF-1' }]);
    const writer = new AlertWriter(w.events, clock, randomUUID);
    const id = 'institution-NY-L1:examinationShare:2024-09';
    await writer.execute(
      'alerts-institution-NY-L1',
      { type: 'CloseAlert', data: { alertId: id, closedOn: '2025-01-05', note: '核查: 设备更新后检查量增加' } },
      { commandId: 'close-1', actor: 'agency:test' },
    );
    await w.runner.catchUp();
    expect(w.queries.alerts({ institutionCode: 'NY-L1' })).toEqual([]);
    expect(w.queries.alerts({ institutionCode: 'NY-L1', status: 'closed' })[0].closed).toEqual({
      on: '2025-01-05',
      note: '核查: 设备更新后检查量增加',
    });
    const head = await w.events.headPosition();
    await w.runner.rebuild();
    expect(await w.events.headPosition()).toBe(head);
    expect(w.queries.alerts({ status: 'all' })).toHaveLength(4);
  });
});

describe('the same year without the anomalies', () => {
  it('raises nothing', async () => {
    const w = await world(false);
    await w.runner.catchUp();
    expect(await alertEvents(w.events)).toEqual([]);
    expect(w.runner.pendingAlerts()).toBe(0);
    // …while the indicators are there to see.
    const jun = w.queries.institutionYear('NY-L3', 2024).months[5];
    expect(jun.visits).toBeGreaterThanOrEqual(24);
    w.events.close();
  });
});

describe('a crash between the read-model commit and the alert append', () => {
  it('keeps the alert in the outbox and appends it once on restart', async () => {
    const w = await world(true);
    let calls = 0;
    const failing = new AlertWriter(w.events, clock, randomUUID);
    const original = failing.raise.bind(failing);
    failing.raise = async (...args) => {
      calls += 1;
      if (calls === 2) throw new Error('store unreachable');
      return original(...args);
    };
    const crashed = new MonitoringRunner(w.events, w.store, thresholds, failing, { pageSize: 200 });
    await expect(crashed.catchUp()).rejects.toThrow('store unreachable');
    expect(crashed.pendingAlerts()).toBeGreaterThan(0);
    const restarted = new MonitoringRunner(w.events, w.store, thresholds, new AlertWriter(w.events, clock, randomUUID), { pageSize: 200 });
    await restarted.catchUp();
    expect(restarted.pendingAlerts()).toBe(0);
    const alerts = (await alertEvents(w.events)).map((e) => (e.data as any).alertId);
    expect(alerts).toHaveLength(4);
    expect(new Set(alerts).size).toBe(4);
    w.events.close();
  });
});

describe('the rebuild command on a ledger file', () => {
  it('gives byte-identical monitoring tables and appends nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-rebuild-'));
    const file = path.join(dir, 'ledger.db');
    const dump = (db: SqliteEventStore['db']) => {
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'mon_%' ORDER BY name").all() as Array<{
          name: string;
        }>
      ).map((t) => t.name);
      return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
    };
    try {
      const events = new SqliteEventStore({ path: file });
      await writeYear(events, syntheticVisits({ anomalies: true }));
      const runner = new MonitoringRunner(
        events,
        SqliteReadModelStore.onConnection(events.db),
        thresholds,
        new AlertWriter(events, clock, randomUUID),
      );
      await runner.catchUp();
      await runner.catchUp(); // the alerts' own events
      const live = dump(events.db);
      const head = await events.headPosition();
      // Spoil the live read model: the rebuild must not lean on it.
      events.db.exec("UPDATE mon_institution_month SET sums = '{}'; DELETE FROM mon_alert_seen; UPDATE mon_checkpoint SET position = 3");
      await events.close();
      // This ledger kept its monitor beside the events (onConnection): rebuild it there.
      const result = await rebuildMonitoringFile(file, file);
      expect([result.events, result.head]).toEqual([head, head]);
      const reopened = new SqliteEventStore({ path: file });
      expect(dump(reopened.db)).toEqual(live);
      expect((live.mon_alert as unknown[]).length).toBe(4);
      await reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
