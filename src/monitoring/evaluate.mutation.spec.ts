/**
 * Issue 17: what an alert shows the auditor. Each institution indicator's value, threshold,
 * clause and basis, the visit and admission minima at their boundary, strictly-greater
 * thresholds, the frequency windows' first and last days, and the alert records. The eager
 * (`institutionCrossings`) and lazy (`institutionMonthCrossings`) evaluations are held to the
 * same figures.
 */
import type { LineCategory } from '../policy/engine/types';
import {
  busiestWindowContaining,
  countInWindow,
  institutionAlert,
  institutionCrossings,
  institutionMonthCrossings,
  personAlert,
  personCrossings,
  PersonVisit,
} from './evaluate';
import { emptyMonthSums, InstitutionMonthSums, institutionMonthIndicators } from './indicators';
import { loadMonitoringThresholds } from './thresholds.loader';
import type { MonitoringThresholds } from './thresholds';

const T = loadMonitoringThresholds();
const at = (date: string, institutionCode = 'A'): PersonVisit => ({ date, institutionCode });
const I = T.institution.indicators;

const sums = (
  month: string,
  over: Partial<Omit<InstitutionMonthSums, 'byCategory'>> & { byCategory?: Partial<Record<LineCategory, string>> },
): InstitutionMonthSums => {
  const empty = emptyMonthSums('JZ-H001', month);
  return { ...empty, ...over, byCategory: { ...empty.byCategory, ...over.byCategory } };
};

// 30 visits, 3,000.00: 100.00 a visit; the fund paid 300.00.
const cur = sums('2024-06', {
  visits: 30,
  settlements: 30,
  total: '3000.00',
  fund: '300.00',
  outOfCatalogue: '900.00',
  byCategory: { drug: '500.00', herbal_pieces: '100.00', examination: '1300.00', treatment: '400.00', other: '700.00' },
  inpatientAdmissions: 15,
  disputes: { opened: 3, upheld: 3, rejected: 0, adjustments: 1, adjustmentFundDelta: '-12.00' },
});
// 20 visits (the minimum), 75.00 a visit.
const prev = sums('2024-05', { visits: 20, settlements: 20, total: '1500.00', fund: '750.00' });
// 20 visits, 50.00 a visit; 10 admissions (the minimum).
const lastYear = sums('2023-06', {
  visits: 20,
  settlements: 20,
  total: '1000.00',
  fund: '500.00',
  byCategory: { drug: '200.00', examination: '300.00', treatment: '100.00', other: '400.00' },
  inpatientAdmissions: 10,
});

/** Both evaluations, which must agree. */
function crossings(
  c: InstitutionMonthSums,
  p: InstitutionMonthSums | undefined,
  y: InstitutionMonthSums | undefined,
  thresholds: MonitoringThresholds['institution'] = T.institution,
) {
  const eager = institutionCrossings(institutionMonthIndicators(c, p, y), c, p, y, thresholds);
  const lazy = institutionMonthCrossings(c, p, y, thresholds);
  expect(lazy).toEqual(eager);
  return eager;
}
const names = (list: { indicator: string }[]) => list.map((c) => c.indicator);

describe('institution crossings: every indicator with its value and basis', () => {
  const crossing = (indicator: keyof typeof I, value: string, basis: Record<string, string | number | null>) => ({
    indicator,
    value,
    threshold: I[indicator]!.max,
    clause: I[indicator]!.clause,
    basis,
  });

  it('a month over every threshold: twelve crossings, in the thresholds’ order', () => {
    expect(crossings(cur, prev, lastYear)).toEqual([
      // 100.00 / 75.00 − 1
      crossing('perVisitCostGrowthMoM', '0.3333', { current: '100.00', base: '75.00', baseMonth: '2024-05' }),
      crossing('perVisitCostGrowthYoY', '1.0000', { current: '100.00', base: '50.00', baseMonth: '2023-06' }),
      // (3,000 − 300) / 3,000
      crossing('selfPayShare', '0.9000', { part: '2700.00', totalCost: '3000.00', visits: 30 }),
      crossing('examinationShare', '0.4333', { part: '1300.00', totalCost: '3000.00', visits: 30 }),
      crossing('outOfCatalogueShare', '0.3000', { part: '900.00', totalCost: '3000.00', visits: 30 }),
      crossing('totalCostGrowthYoY', '2.0000', { current: '3000.00', base: '1000.00', baseMonth: '2023-06' }),
      // drugs with herbal pieces (焦医保〔2024〕32号 五（一）): 600 against 200
      crossing('drugAmountGrowthYoY', '2.0000', { current: '600.00', base: '200.00', baseMonth: '2023-06' }),
      crossing('examinationAmountGrowthYoY', '3.3333', { current: '1300.00', base: '300.00', baseMonth: '2023-06' }),
      crossing('treatmentAmountGrowthYoY', '3.0000', { current: '400.00', base: '100.00', baseMonth: '2023-06' }),
      crossing('visitsGrowthYoY', '0.5000', { current: 30, base: 20, baseMonth: '2023-06' }),
      crossing('inpatientAdmissionsGrowthYoY', '0.5000', { current: 15, base: 10, baseMonth: '2023-06' }),
      crossing('disputesUpheld', '3', { opened: 3, upheld: 3, rejected: 0, adjustments: 1, adjustmentFundDelta: '-12.00' }),
    ]);
  });

  it('19 visits this month: no ratio or growth is judged; admissions and upheld disputes still are', () => {
    const few = { ...cur, visits: 19, settlements: 19 };
    expect(names(crossings(few, prev, lastYear))).toEqual(['inpatientAdmissionsGrowthYoY', 'disputesUpheld']);
  });

  it('19 visits in the base month: that comparison is not judged', () => {
    const prev19 = { ...prev, visits: 19 };
    expect(names(crossings(cur, prev19, lastYear))).not.toContain('perVisitCostGrowthMoM');
    const lastYear19 = { ...lastYear, visits: 19 };
    expect(names(crossings(cur, prev, lastYear19))).toEqual([
      'perVisitCostGrowthMoM',
      'selfPayShare',
      'examinationShare',
      'outOfCatalogueShare',
      'inpatientAdmissionsGrowthYoY',
      'disputesUpheld',
    ]);
  });

  it('9 admissions last year: admissions growth is not judged; without base months only the month’s own figures are', () => {
    expect(names(crossings(cur, prev, { ...lastYear, inpatientAdmissions: 9 }))).not.toContain('inpatientAdmissionsGrowthYoY');
    expect(names(crossings(cur, undefined, undefined))).toEqual([
      'selfPayShare',
      'examinationShare',
      'outOfCatalogueShare',
      'disputesUpheld',
    ]);
  });

  it('strictly greater: two upheld disputes against a maximum of 2 do not cross; no disputes, nothing judged', () => {
    const two = { ...cur, disputes: { ...cur.disputes!, upheld: 2 } };
    expect(names(crossings(two, undefined, undefined))).not.toContain('disputesUpheld');
    const none = { ...cur, disputes: undefined };
    expect(names(crossings(none, undefined, undefined))).toEqual(['selfPayShare', 'examinationShare', 'outOfCatalogueShare']);
  });

  it('an indicator without a threshold is not judged', () => {
    const onlyShares: MonitoringThresholds['institution'] = {
      ...T.institution,
      indicators: { examinationShare: I.examinationShare, disputesUpheld: I.disputesUpheld },
    };
    expect(names(crossings(cur, prev, lastYear, onlyShares))).toEqual(['examinationShare', 'disputesUpheld']);
  });
});

describe('person frequency windows (焦医保〔2024〕32号 五（一） 高频次就诊)', () => {
  it('a window counts its first and last day, not the days around it', () => {
    const visits = ['2024-02-29', '2024-03-01', '2024-03-04', '2024-03-07', '2024-03-08'].map((d) => at(d));
    expect(countInWindow(visits, '2024-03-07', 7)).toEqual({ from: '2024-03-01', to: '2024-03-07', count: 3 });
  });

  it('the busiest window holding the date; the earliest of equal ones; visits a window length away do not count', () => {
    // 03-10 and 03-16 (6 days apart) share a 7-day window; 03-03 and 03-17 are 7 days away: never with 03-10.
    const visits = ['2024-03-03', '2024-03-10', '2024-03-16', '2024-03-17'].map((d) => at(d));
    expect(busiestWindowContaining(visits, '2024-03-10', 7)).toEqual({ from: '2024-03-10', to: '2024-03-16', count: 2 });
    expect(busiestWindowContaining([at('2024-03-10')], '2024-03-10', 7)).toEqual({ from: '2024-03-04', to: '2024-03-10', count: 1 });
    expect(busiestWindowContaining([], '2024-03-10', 7)).toEqual({ from: '2024-03-04', to: '2024-03-10', count: 0 });
    // A window is 7 days: the 8 days 03-04 … 03-11 are not one window.
    const eight = ['2024-03-04', '2024-03-10', '2024-03-11'].map((d) => at(d));
    expect(busiestWindowContaining(eight, '2024-03-10', 7)).toEqual({ from: '2024-03-04', to: '2024-03-10', count: 2 });
    // The busier window starting the day after is not one that holds the date.
    const after = [
      '2024-03-10',
      '2024-03-11',
      '2024-03-12',
      '2024-03-13',
      '2024-03-14',
      '2024-03-15',
      '2024-03-16',
      '2024-03-17',
      '2024-03-17',
    ];
    expect(
      busiestWindowContaining(
        after.map((d) => at(d)),
        '2024-03-10',
        7,
      ),
    ).toEqual({ from: '2024-03-10', to: '2024-03-16', count: 7 });
  });

  it('16 visits in 30 days cross the 30-day threshold with their window and basis; 15 do not', () => {
    // 15 visits on the odd days 04-01 … 04-29: at most 4 in any 7 days.
    const visits = Array.from({ length: 15 }, (_, i) => at(`2024-04-${String(2 * i + 1).padStart(2, '0')}`));
    expect(personCrossings(visits, '2024-04-15', T.person)).toEqual([]);
    const sixteen = [...visits, at('2024-04-30')];
    expect(personCrossings(sixteen, '2024-04-15', T.person)).toEqual([
      {
        indicator: 'visitsIn30Days',
        value: '16',
        threshold: T.person.visitsIn30Days!.max,
        clause: T.person.visitsIn30Days!.clause,
        window: { from: '2024-04-01', to: '2024-04-30' },
        basis: { days: 30, visits: 16 },
      },
    ]);
  });

  it('institutions on one day: the window is the day, the basis names them in order; other days do not count', () => {
    const visits = [at('2024-05-01', 'C'), at('2024-05-01', 'A'), at('2024-05-01', 'B'), at('2024-05-01', 'A'), at('2024-04-30', 'D')];
    expect(personCrossings(visits, '2024-05-01', T.person)).toEqual([
      {
        indicator: 'institutionsOnOneDay',
        value: '3',
        threshold: T.person.institutionsOnOneDay!.max,
        clause: T.person.institutionsOnOneDay!.clause,
        window: { from: '2024-05-01', to: '2024-05-01' },
        basis: { institutions: 'A,B,C' },
      },
    ]);
  });

  it('a person indicator without a threshold is not judged', () => {
    const eight = Array.from({ length: 8 }, () => at('2024-03-01'));
    expect(personCrossings(eight, '2024-03-01', { visitsIn30Days: T.person.visitsIn30Days })).toEqual([]);
    expect(personCrossings(eight, '2024-03-01', { visitsIn7Days: T.person.visitsIn7Days }).map((c) => c.indicator)).toEqual([
      'visitsIn7Days',
    ]);
  });
});

describe('alert records', () => {
  const triggeredBy = { streamId: 'person-P1', revision: 7 };

  it('an institution alert is identified by institution, indicator and month', () => {
    const [c] = crossings({ ...cur, disputes: undefined }, undefined, undefined);
    expect(institutionAlert('JZ-H001', '2024-06', c, triggeredBy)).toEqual({
      alertId: 'institution-JZ-H001:selfPayShare:2024-06',
      institutionCode: 'JZ-H001',
      month: '2024-06',
      indicator: 'selfPayShare',
      value: '0.9000',
      threshold: I.selfPayShare!.max,
      clause: I.selfPayShare!.clause,
      basis: { part: '2700.00', totalCost: '3000.00', visits: 30 },
      triggeredBy,
    });
  });

  it('a person alert is identified by person, indicator and window', () => {
    const [c] = personCrossings([at('2024-05-01', 'A'), at('2024-05-01', 'B'), at('2024-05-01', 'C')], '2024-05-01', T.person);
    expect(personAlert('P1', c, triggeredBy)).toEqual({
      alertId: 'person-P1:institutionsOnOneDay:2024-05-01..2024-05-01',
      personId: 'P1',
      window: { from: '2024-05-01', to: '2024-05-01' },
      indicator: 'institutionsOnOneDay',
      value: '3',
      threshold: c.threshold,
      clause: c.clause,
      basis: { institutions: 'A,B,C' },
      triggeredBy,
    });
  });
});
