import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyCatalog } from '../../src/policy/catalog';
import { parseAsOf, PersonProfile, rateTimeline, recordedBy, summarizeYear, VisitRecord } from '../../src/projections/person-views';
import { visitRecord } from '../support/visit-record';

const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));

const profile = (over: Partial<PersonProfile>): PersonProfile => ({
  personId: 'P',
  scheme: 'employee',
  region: 'nanyang',
  enrolledOn: '2022-07-01',
  categoryTimeline: [{ from: '2022-07-01', category: 'in_service', cause: 'enrollment', position: 1 }],
  ...over,
});

const visit = (settlementId: string, visitDate: string, fund: string, position: number, reversedPosition?: number): VisitRecord =>
  visitRecord(settlementId, visitDate, position, {
    fund,
    ...(reversedPosition ? { reversedPosition, reversedRecordedAt: `${visitDate}T03:00:00Z` } : {}),
  });

describe('rate timeline: category periods cut at each pack boundary', () => {
  it('an Anyang resident enrolled before the 2020 pack: no pack, then 安医保〔2019〕75号 for 2020, then no pack again', () => {
    const t = rateTimeline(
      catalog,
      profile({
        scheme: 'resident',
        region: 'anyang',
        enrolledOn: '2019-06-01',
        categoryTimeline: [{ from: '2019-06-01', category: 'student', cause: 'enrollment', position: 1 }],
      }),
    );
    expect(t.map((s) => [s.from, s.to ?? null, s.packId, s.cap])).toEqual([
      ['2019-06-01', '2019-12-31', null, null],
      ['2020-01-01', '2020-12-31', 'anyang-resident-2020', '400.00'],
      ['2021-01-01', null, null, null],
    ]);
    expect(t[1].rates?.township).toBe('0.6');
  });

  it('a Nanyang employee retiring: in service to the end of the month of processing, retired from the next (第六条)', () => {
    const t = rateTimeline(
      catalog,
      profile({
        categoryTimeline: [
          { from: '2022-07-01', category: 'in_service', cause: 'enrollment', position: 1 },
          { from: '2023-07-01', category: 'retired', cause: 'retirement', processedOn: '2023-06-15', position: 9 },
        ],
      }),
    );
    expect(t.map((s) => [s.from, s.to ?? null, s.category, s.rates?.level3, s.cap])).toEqual([
      ['2022-07-01', '2023-06-30', 'in_service', '0.5', '1500.00'],
      ['2023-07-01', null, 'retired', '0.6', '2000.00'],
    ]);
  });
});

describe('person year summary', () => {
  it('counts only unreversed visits; the cumulative curve skips a reversal; periods stop at the end of enrollment', () => {
    const y = summarizeYear(
      catalog,
      profile({ endedOn: '2023-10-31' }),
      [visit('A', '2023-02-01', '148.50', 5), visit('B', '2023-03-01', '100.00', 6, 7), visit('C', '2023-04-01', '0.01', 8)],
      2023,
    );
    expect(y.fundPaid).toBe('148.51');
    expect(y.capRemaining).toBe('1351.49');
    expect(y.settlements.map((s) => [s.settlementId, s.reversed, s.fundPaidAfter])).toEqual([
      ['A', false, '148.50'],
      ['B', true, '148.50'],
      ['C', false, '148.51'],
    ]);
    expect(y.byCategory).toEqual([
      { category: 'in_service', from: '2023-01-01', to: '2023-10-31', cap: '1500.00', fundPaid: '148.51', visits: 2 },
    ]);
    expect({ visits: y.visits, reversedVisits: y.reversedVisits }).toEqual({ visits: 2, reversedVisits: 1 });
  });

  it('cap remaining never goes below zero', () => {
    const y = summarizeYear(catalog, profile({}), [visit('A', '2023-02-01', '1500.00', 5)], 2023);
    expect(y.capRemaining).toBe('0.00');
  });
});

describe('asOf', () => {
  it('digits are a position, YYYY-MM-DD the end of that Asia/Shanghai day', () => {
    expect(parseAsOf('42')).toEqual({ position: 42 });
    expect(parseAsOf('2023-03-31')).toEqual({ date: '2023-03-31' });
    expect(parseAsOf('soon')).toBeUndefined();
    // 2023-03-31T16:30Z is already 2023-04-01 in Shanghai.
    expect(recordedBy({ position: 1, metadata: { schemaVersion: 1, recordedAt: '2023-03-31T15:59:59Z' } }, { date: '2023-03-31' })).toBe(
      true,
    );
    expect(recordedBy({ position: 1, metadata: { schemaVersion: 1, recordedAt: '2023-03-31T16:30:00Z' } }, { date: '2023-03-31' })).toBe(
      false,
    );
  });
});
