/**
 * The pure parts of monitoring: indicator arithmetic, the VisitSettled v1 → v2 upcast
 * default, threshold validation, frequency windows, and the alert stream's decider.
 */
import fc from 'fast-check';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { currentSchemaVersion, upcast } from '../../src/event-store/upcasting';
import { Dec, fmt, money } from '../../src/kernel/money';
import '../../src/modules/person-upcasters';
import { decideAlert } from '../../src/monitoring/alerts.decide';
import type { InstitutionFlagged, PersonFlagged } from '../../src/monitoring/alerts.events';
import { foldAlertStream } from '../../src/monitoring/alerts.state';
import { busiestWindowContaining, institutionCrossings, personCrossings, PersonVisit } from '../../src/monitoring/evaluate';
import {
  addVisit,
  emptyMonthSums,
  growth,
  InstitutionMonthSums,
  institutionMonthIndicators,
  lineCategoryOf,
  previousMonthOf,
  sameMonthLastYearOf,
  visitContribution,
} from '../../src/monitoring/indicators';
import { parseMonitoringThresholds } from '../../src/monitoring/thresholds';
import { DEFAULT_THRESHOLDS_FILE, loadMonitoringThresholds } from '../../src/monitoring/thresholds.loader';
import * as fs from 'node:fs';

const thresholds = loadMonitoringThresholds();

describe('VisitSettled v1 → v2 upcast', () => {
  const v1: RecordedEvent = {
    id: 'e1',
    type: 'VisitSettled',
    streamId: 'person-P1',
    revision: 3,
    position: 9,
    data: {
      settlementId: 'S1',
      visit: {
        visitId: 'V1',
        lines: [
          { code: 'A', amount: '10.00', inCatalogue: true },
          { code: 'B', amount: '5.00', inCatalogue: false, category: 'drug' },
        ],
      },
      decision: { amounts: { total: '15.00', fund: '5.00' } },
    },
    metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00.000Z' },
  };

  it('is written at schema version 3 (v2: line categories; v3: the decision shape of issue 14)', () => {
    expect(currentSchemaVersion('VisitSettled')).toBe(3);
  });

  it("fills a missing line category with 'other', keeps a given one, and leaves the stored event and the amounts alone", () => {
    const up = upcast(v1);
    expect(up.metadata).toEqual(expect.objectContaining({ schemaVersion: 3, upcastFrom: 1 }));
    expect((up.data as any).visit.lines).toEqual([
      { code: 'A', amount: '10.00', inCatalogue: true, category: 'other' },
      { code: 'B', amount: '5.00', inCatalogue: false, category: 'drug' },
    ]);
    expect((up.data as any).decision).toBe((v1.data as any).decision);
    expect((v1.data as any).visit.lines[0]).not.toHaveProperty('category');
  });

  it('a v2 settlement without categories (the sender gave none) reads the same way in the indicators', () => {
    const v2 = { ...v1, metadata: { ...v1.metadata, schemaVersion: 2 } };
    expect(upcast(v2).data).toBe(v2.data); // v3 changes only a recorded decision's trace and amounts; this one needs neither
    expect(lineCategoryOf({})).toBe('other');
    const c = visitContribution((v2.data as any).visit, { total: '15.00', fund: '5.00' });
    expect(c.byCategory).toEqual(expect.objectContaining({ other: '10.00', drug: '5.00', examination: '0.00' }));
    expect([c.outOfCatalogue, c.outOfCatalogueLines]).toEqual(['5.00', 1]);
  });
});

const sums = (over: Partial<InstitutionMonthSums> & { month: string }): InstitutionMonthSums => ({
  ...emptyMonthSums('X', over.month),
  ...over,
});

describe('institution-month indicators', () => {
  it('per-visit cost, shares and growth as decimal strings (ratios to four places, half-up)', () => {
    const cur = sums({
      month: '2024-06',
      visits: 3,
      settlements: 3,
      persons: 2,
      total: '1000.00',
      fund: '400.00',
      outOfCatalogue: '50.00',
      byCategory: { ...emptyMonthSums('X', 'x').byCategory, examination: '333.33', drug: '200.00', herbal_pieces: '100.00' },
    });
    const prev = sums({
      month: '2024-05',
      visits: 4,
      total: '1000.00',
      byCategory: { ...emptyMonthSums('X', 'x').byCategory, drug: '250.00' },
    });
    const i = institutionMonthIndicators(cur, prev, undefined);
    expect(i.perVisitCost).toBe('333.33'); // 1000 / 3, once to the fen
    expect(i.selfPayShare).toBe('0.6000');
    expect(i.examinationShare).toBe('0.3333');
    expect(i.outOfCatalogueShare).toBe('0.0500');
    expect(i.visitsPerPerson).toBe('1.5000');
    expect(i.amounts.drugIncludingHerbal).toBe('300.00');
    expect(i.growth.mom.perVisitCost).toBe('0.3333'); // 333.33 / 250.00 − 1
    expect(i.growth.mom.drugAmount).toBe('0.2000'); // herbal pieces count as drugs (焦医保〔2024〕32号 五（一）)
    expect(i.growth.mom.visits).toBe('-0.2500');
    expect(i.growth.yoy.perVisitCost).toBeNull();
  });

  it('an empty month has no per-visit cost and no shares; growth against zero is null', () => {
    const i = institutionMonthIndicators(emptyMonthSums('X', '2024-01'));
    expect([i.perVisitCost, i.selfPayShare, i.examinationShare, i.referralShare]).toEqual([null, null, null, null]);
    expect(growth(new Dec(5), new Dec(0))).toBeNull();
    expect(previousMonthOf('2024-01')).toBe('2023-12');
    expect(sameMonthLastYearOf('2024-01')).toBe('2023-01');
  });

  const line = fc.record({
    amount: fc.integer({ min: 1, max: 500_000 }).map((fen) => fmt(new Dec(fen).div(100))),
    inCatalogue: fc.boolean(),
    category: fc.constantFrom('drug', 'herbal_pieces', 'examination', 'treatment', 'consumable', 'consultation', 'other', undefined),
  });
  const visit = fc.array(line, { minLength: 1, maxLength: 6 }).map((lines) => {
    const total = lines.reduce((a, l) => a.plus(money(l.amount)), new Dec(0));
    return {
      lines: lines.map((l) => (l.category === undefined ? { amount: l.amount, inCatalogue: l.inCatalogue } : l)) as any[],
      total: fmt(total),
      fund: fmt(total.times('0.5')),
    };
  });

  it('property: category amounts add up to the total; a reversal takes a visit out exactly', () => {
    fc.assert(
      fc.property(fc.array(visit, { minLength: 1, maxLength: 8 }), fc.nat(), (visits, pick) => {
        let s = emptyMonthSums('X', '2024-01');
        const contributions = visits.map((v) => visitContribution(v, v));
        for (const c of contributions) s = addVisit(s, c, 1);
        const byCategory = Object.values(s.byCategory).reduce((a, x) => a.plus(money(x)), new Dec(0));
        expect(fmt(byCategory)).toBe(s.total);
        const without = contributions.filter((_, i) => i !== pick % contributions.length);
        let expected = emptyMonthSums('X', '2024-01');
        for (const c of without) expected = addVisit(expected, c, 1);
        const reversed = addVisit(s, contributions[pick % contributions.length], -1);
        expect({ ...reversed, settlements: 0, reversals: 0 }).toEqual({ ...expected, settlements: 0, reversals: 0 });
        expect(reversed.visits).toBe(expected.visits);
      }),
    );
  });
});

describe('thresholds', () => {
  it('the shipped file validates, and every threshold cites its clause', () => {
    const t = parseMonitoringThresholds(JSON.parse(fs.readFileSync(DEFAULT_THRESHOLDS_FILE, 'utf8')));
    expect(t.institution.indicators.perVisitCostGrowthYoY).toEqual(
      expect.objectContaining({ max: '0.065', clause: '焦医保〔2024〕32号 四（一）3.（2）' }),
    );
    expect(t.person.visitsIn7Days).toEqual(expect.objectContaining({ max: '7', clause: '焦医保〔2024〕32号 五（一）' }));
    for (const x of [...Object.values(t.institution.indicators), ...Object.values(t.person)])
      expect(x!.clause).toMatch(/〔\d{4}〕\d+号 \S+/);
  });

  const valid = () => JSON.parse(fs.readFileSync(DEFAULT_THRESHOLDS_FILE, 'utf8'));
  it.each([
    ['a ratio as a JSON number', (j: any) => (j.institution.indicators.selfPayShare.max = 0.85), 'institution.indicators.selfPayShare.max'],
    [
      'a missing clause',
      (j: any) => delete j.institution.indicators.examinationShare.clause,
      'institution.indicators.examinationShare.clause',
    ],
    ['a clause without a document number', (j: any) => (j.person.visitsIn7Days.clause = 'frequent visits'), 'person.visitsIn7Days.clause'],
    [
      'an unknown indicator',
      (j: any) => (j.institution.indicators.perVisitCostt = { max: '1', clause: '宛政办〔2022〕42号 第二十二条（二）' }),
      'institution.indicators.perVisitCostt',
    ],
    ['a fractional count', (j: any) => (j.person.institutionsOnOneDay.max = 2.5), 'person.institutionsOnOneDay.max'],
    ['a negative minimum', (j: any) => (j.institution.minVisitsPerMonth = -1), 'institution.minVisitsPerMonth'],
  ])('refuses %s, naming the field', (_, spoil, field) => {
    const j = valid();
    spoil(j);
    expect(() => parseMonitoringThresholds(j)).toThrow(field);
  });
});

describe('institution crossings', () => {
  const base = (month: string, total: string, visits = 25): InstitutionMonthSums =>
    sums({ month, visits, settlements: visits, total, fund: fmt(money(total).times('0.5')) });

  it('a jump over the previous month crosses; the same jump on too few visits is not judged', () => {
    const prev = base('2024-05', '5000.00');
    const cur = base('2024-06', '7000.00');
    const c = institutionCrossings(institutionMonthIndicators(cur, prev), cur, prev, undefined, thresholds.institution);
    expect(c.map((x) => [x.indicator, x.value, x.clause])).toEqual([['perVisitCostGrowthMoM', '0.4000', '焦医保〔2024〕32号 五（一）']]);
    const few = base('2024-06', '1120.00', 4);
    expect(institutionCrossings(institutionMonthIndicators(few, prev), few, prev, undefined, thresholds.institution)).toEqual([]);
  });

  it('year-on-year growth of the per-visit average crosses at the 6.5% cap of 焦医保〔2024〕32号', () => {
    const last = base('2023-06', '5000.00');
    const under = base('2024-06', '5325.00'); // +6.5% exactly: not above
    const over = base('2024-06', '5327.50'); // +6.55%
    expect(
      institutionCrossings(institutionMonthIndicators(under, undefined, last), under, undefined, last, thresholds.institution),
    ).toEqual([]);
    expect(
      institutionCrossings(institutionMonthIndicators(over, undefined, last), over, undefined, last, thresholds.institution).map((x) => [
        x.indicator,
        x.value,
        x.clause,
      ]),
    ).toEqual([['perVisitCostGrowthYoY', '0.0655', '焦医保〔2024〕32号 四（一）3.（2）']]);
  });
});

describe('person frequency windows', () => {
  const at = (date: string, institutionCode = 'A'): PersonVisit => ({ date, institutionCode });

  it('a late-settled visit completes the window that ends after it', () => {
    const visits = ['2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-07'].map((d) => at(d));
    const late = [...visits, at('2024-03-01')];
    expect(busiestWindowContaining(late, '2024-03-01', 7)).toEqual({ from: '2024-03-01', to: '2024-03-07', count: 8 });
    expect(personCrossings(late, '2024-03-01', thresholds.person).map((c) => [c.indicator, c.value, c.window])).toEqual([
      ['visitsIn7Days', '8', { from: '2024-03-01', to: '2024-03-07' }],
    ]);
    expect(personCrossings(visits, '2024-03-07', thresholds.person)).toEqual([]);
  });

  it('three institutions on one day cross; two do not', () => {
    expect(personCrossings([at('2024-05-01', 'A'), at('2024-05-01', 'B')], '2024-05-01', thresholds.person)).toEqual([]);
    const three = personCrossings(
      [at('2024-05-01', 'C'), at('2024-05-01', 'A'), at('2024-05-01', 'B'), at('2024-05-02', 'D')],
      '2024-05-01',
      thresholds.person,
    );
    expect(three.map((c) => [c.indicator, c.value, c.basis.institutions])).toEqual([['institutionsOnOneDay', '3', 'A,B,C']]);
  });
});

describe('alert stream decider', () => {
  const inst = (month: string, indicator = 'examinationShare'): InstitutionFlagged['data'] => ({
    alertId: `institution-X:${indicator}:${month}`,
    institutionCode: 'X',
    month,
    indicator,
    value: '0.5',
    threshold: '0.4',
    clause: '宛政办〔2022〕42号 第二十二条（二）',
    basis: {},
    triggeredBy: { streamId: 'person-P', revision: 1 },
  });
  const person = (from: string, to: string): PersonFlagged['data'] => ({
    alertId: `person-P:visitsIn7Days:${from}..${to}`,
    personId: 'P',
    window: { from, to },
    indicator: 'visitsIn7Days',
    value: '8',
    threshold: '7',
    clause: '焦医保〔2024〕32号 五（一）',
    basis: {},
    triggeredBy: { streamId: 'person-P', revision: 1 },
  });

  it('raises an institution alert once per indicator and month', () => {
    const first = decideAlert({ type: 'RaiseInstitutionAlert', data: inst('2024-09') }, foldAlertStream([]));
    expect(first.map((e) => e.type)).toEqual(['InstitutionFlagged']);
    const state = foldAlertStream(first);
    expect(decideAlert({ type: 'RaiseInstitutionAlert', data: inst('2024-09') }, state)).toEqual([]);
    expect(decideAlert({ type: 'RaiseInstitutionAlert', data: inst('2024-10') }, state)).toHaveLength(1);
    expect(decideAlert({ type: 'RaiseInstitutionAlert', data: inst('2024-09', 'selfPayShare') }, state)).toHaveLength(1);
  });

  it('an open window suppresses an overlapping one; a closed alert is not raised again for the same crossing', () => {
    const raised = foldAlertStream(
      decideAlert({ type: 'RaisePersonAlert', data: person('2024-03-08', '2024-03-14') }, foldAlertStream([])),
    );
    expect(decideAlert({ type: 'RaisePersonAlert', data: person('2024-03-09', '2024-03-15') }, raised)).toEqual([]);
    expect(decideAlert({ type: 'RaisePersonAlert', data: person('2024-03-15', '2024-03-21') }, raised)).toHaveLength(1);
    const closedEvents = decideAlert(
      { type: 'CloseAlert', data: { alertId: 'person-P:visitsIn7Days:2024-03-08..2024-03-14', closedOn: '2024-04-01', note: 'reviewed' } },
      raised,
    );
    const closed = foldAlertStream([
      ...decideAlert({ type: 'RaisePersonAlert', data: person('2024-03-08', '2024-03-14') }, foldAlertStream([])),
      ...closedEvents,
    ]);
    expect(closed.alerts[0].open).toBe(false);
    expect(decideAlert({ type: 'RaisePersonAlert', data: person('2024-03-08', '2024-03-14') }, closed)).toEqual([]);
    expect(
      decideAlert(
        { type: 'CloseAlert', data: { alertId: 'person-P:visitsIn7Days:2024-03-08..2024-03-14', closedOn: '2024-04-02', note: 'again' } },
        closed,
      ),
    ).toEqual([]);
    expect(() => decideAlert({ type: 'CloseAlert', data: { alertId: 'nope', closedOn: '2024-04-02', note: 'x' } }, closed)).toThrow(
      'not found',
    );
  });
});
