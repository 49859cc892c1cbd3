/**
 * Issue 17: the institution-month sums and indicators field by field (what the monitoring
 * tab and every alert's value are read from): counts under a visit and its reversal, each
 * growth rate, rounding of ratios, and the month arithmetic.
 */
import { Dec } from '../kernel/money';
import {
  addVisit,
  emptyDisputeCounts,
  emptyMonthSums,
  growth,
  growthOf,
  InstitutionMonthSums,
  institutionMonthIndicators,
  previousMonthOf,
  ratio,
  sameMonthLastYearOf,
  visitContribution,
  withCounts,
  withDisputeCounts,
} from './indicators';

const lines = [
  { amount: '60.00', inCatalogue: true, category: 'drug' as const },
  { amount: '15.50', inCatalogue: false, category: 'herbal_pieces' as const },
  { amount: '20.00', inCatalogue: false, category: 'examination' as const },
  { amount: '4.50', inCatalogue: true },
];

describe('a visit’s contribution and the month’s running sums', () => {
  it('splits the bill by category (no category: other) and counts the out-of-catalogue lines', () => {
    expect(visitContribution({ lines, referral: true }, { total: '100', fund: '55.5' })).toEqual({
      total: '100.00',
      fund: '55.50',
      outOfCatalogue: '35.50',
      outOfCatalogueLines: 2,
      referral: true,
      byCategory: {
        drug: '60.00',
        herbal_pieces: '15.50',
        examination: '20.00',
        treatment: '0.00',
        consumable: '0.00',
        consultation: '0.00',
        other: '4.50',
      },
    });
    expect(visitContribution({ lines: [] }, { total: '0', fund: '0' }).referral).toBe(false);
  });

  it('a visit adds one settlement and a referral; its reversal counts a reversal and takes the visit out', () => {
    const referred = visitContribution({ lines, referral: true }, { total: '100.00', fund: '55.50' });
    const plain = visitContribution({ lines: [lines[0]] }, { total: '60.00', fund: '30.00' });
    const two = addVisit(addVisit(emptyMonthSums('H1', '2024-06'), referred, 1), plain, 1);
    expect(two).toMatchObject({
      settlements: 2,
      reversals: 0,
      visits: 2,
      referrals: 1,
      total: '160.00',
      fund: '85.50',
      outOfCatalogue: '35.50',
      outOfCatalogueLines: 2,
      byCategory: { drug: '120.00', herbal_pieces: '15.50', examination: '20.00', other: '4.50' },
    });
    const reversed = addVisit(two, referred, -1);
    expect(reversed).toMatchObject({
      settlements: 2,
      reversals: 1,
      visits: 1,
      referrals: 0,
      total: '60.00',
      fund: '30.00',
      outOfCatalogue: '0.00',
      outOfCatalogueLines: 0,
      byCategory: { drug: '60.00', herbal_pieces: '0.00', examination: '0.00', other: '0.00' },
    });
    // The figures read after a reversal are those of the sums written out and read back.
    const stored = JSON.parse(JSON.stringify(reversed)) as InstitutionMonthSums;
    expect(institutionMonthIndicators(reversed)).toEqual(institutionMonthIndicators(stored));
  });

  it('other counts and dispute counts change without touching the money', () => {
    const s = addVisit(emptyMonthSums('H1', '2024-06'), visitContribution({ lines }, { total: '100', fund: '50' }), 1);
    const counted = withCounts(s, { persons: 1, inpatientAdmissions: 2 });
    expect(counted).toEqual({ ...s, persons: 1, inpatientAdmissions: 2 });
    const disputed = withDisputeCounts(counted, (d) => ({ ...d, opened: d.opened + 1 }));
    expect(disputed.disputes).toEqual({ ...emptyDisputeCounts(), opened: 1 });
    expect(emptyDisputeCounts()).toEqual({ opened: 0, upheld: 0, rejected: 0, adjustments: 0, adjustmentFundDelta: '0.00' });
    expect(withDisputeCounts(disputed, (d) => ({ ...d, upheld: d.upheld + 1 })).disputes).toMatchObject({ opened: 1, upheld: 1 });
    expect(institutionMonthIndicators(disputed)).toMatchObject({ totalCost: '100.00', selfPayShare: '0.5000', persons: 1 });
  });
});

describe('ratios and growth: four places, half-up, no negative zero, null without a base', () => {
  it.each([
    ['1', '3', '0.3333'],
    ['2', '3', '0.6667'],
    ['0.00005', '1', '0.0001'],
    ['0.00004', '1', '0.0000'],
    ['-0.00004', '1', '0.0000'],
    ['-1', '4', '-0.2500'],
  ])('%s / %s = %s', (n, d, expected) => {
    expect(ratio(new Dec(n), new Dec(d))).toBe(expected);
  });

  it('no ratio over zero; no growth without a base or over a zero base', () => {
    expect(ratio(new Dec(1), new Dec(0))).toBeNull();
    expect(growth(new Dec(110), new Dec(100))).toBe('0.1000');
    expect(growth(new Dec(110), undefined)).toBeNull();
    expect(growth(new Dec(110), new Dec(0))).toBeNull();
  });

  it('per-visit growth needs visits on both sides', () => {
    const month = (visits: number, total: string) => ({ ...emptyMonthSums('H1', '2024-06'), visits, total });
    expect(growthOf('perVisitCost', month(4, '500.00'), month(5, '500.00'))).toBe('0.2500'); // 125.00 / 100.00 − 1
    expect(growthOf('perVisitCost', month(0, '0.00'), month(5, '500.00'))).toBeNull();
    expect(growthOf('perVisitCost', month(4, '500.00'), month(0, '0.00'))).toBeNull();
    expect(growthOf('perVisitCost', month(4, '500.00'), undefined)).toBeNull();
    expect(growthOf('visits', month(4, '500.00'), undefined)).toBeNull();
  });
});

describe('the month’s indicators', () => {
  const byCategory = (over: Partial<InstitutionMonthSums['byCategory']>) => ({ ...emptyMonthSums('H1', 'x').byCategory, ...over });
  const cur: InstitutionMonthSums = {
    ...emptyMonthSums('H1', '2024-06'),
    settlements: 12,
    reversals: 2,
    visits: 10,
    persons: 4,
    referrals: 3,
    total: '1200.00',
    fund: '600.00',
    outOfCatalogue: '120.00',
    outOfCatalogueLines: 5,
    byCategory: byCategory({ drug: '300.00', herbal_pieces: '100.00', examination: '240.00', treatment: '160.00', other: '400.00' }),
    inpatientAdmissions: 6,
  };
  const base: InstitutionMonthSums = {
    ...emptyMonthSums('H1', '2024-05'),
    settlements: 8,
    visits: 8,
    total: '800.00',
    fund: '400.00',
    byCategory: byCategory({ drug: '200.00', examination: '300.00', treatment: '200.00', other: '100.00' }),
    inpatientAdmissions: 4,
  };

  it('every figure, with growth against the previous month (and none without the same month last year)', () => {
    expect(institutionMonthIndicators(cur, base)).toEqual({
      month: '2024-06',
      visits: 10,
      settlements: 12,
      reversals: 2,
      persons: 4,
      visitsPerPerson: '2.5000',
      totalCost: '1200.00',
      fund: '600.00',
      perVisitCost: '120.00',
      selfPayShare: '0.5000',
      examinationShare: '0.2000',
      outOfCatalogueShare: '0.1000',
      outOfCatalogueLines: 5,
      referralShare: '0.3000',
      amounts: { ...cur.byCategory, drugIncludingHerbal: '400.00' },
      inpatientAdmissions: 6,
      growth: {
        mom: {
          visits: '0.2500',
          settlements: '0.5000',
          totalCost: '0.5000',
          perVisitCost: '0.2000',
          drugAmount: '1.0000',
          examinationAmount: '-0.2000',
          treatmentAmount: '-0.2000',
          inpatientAdmissions: '0.5000',
        },
        yoy: {
          visits: null,
          settlements: null,
          totalCost: null,
          perVisitCost: null,
          drugAmount: null,
          examinationAmount: null,
          treatmentAmount: null,
          inpatientAdmissions: null,
        },
      },
    });
  });

  it('the same month last year is the year-on-year base; disputes are shown when there were any', () => {
    const disputes = { opened: 2, upheld: 1, rejected: 1, adjustments: 1, adjustmentFundDelta: '-5.00' };
    const i = institutionMonthIndicators({ ...cur, disputes }, undefined, base);
    expect(i.growth.yoy).toMatchObject({ visits: '0.2500', perVisitCost: '0.2000' });
    expect(i.growth.mom.visits).toBeNull();
    expect(i.disputes).toEqual(disputes);
    expect(institutionMonthIndicators(cur)).not.toHaveProperty('disputes');
  });

  it('no persons, no visits per person; no visits, no referral share or per-visit cost', () => {
    const none = institutionMonthIndicators({ ...cur, persons: 0, visits: 0 });
    expect([none.visitsPerPerson, none.referralShare, none.perVisitCost]).toEqual([null, null, null]);
  });
});

describe('months', () => {
  it.each([
    ['2024-01', '2023-12'],
    ['2024-10', '2024-09'],
    ['2024-12', '2024-11'],
  ])('the month before %s is %s', (month, before) => expect(previousMonthOf(month)).toBe(before));

  it('the same month last year', () => {
    expect(sameMonthLastYearOf('2024-06')).toBe('2023-06');
    expect(sameMonthLastYearOf('2000-12')).toBe('1999-12');
  });
});
