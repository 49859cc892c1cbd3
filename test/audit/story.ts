import { LedgerClient } from '../../scripts/ledger-client';
import { NANYANG_COUNTY_LEVEL2 } from '../support/fixtures';

/**
 * A Nanyang employee's 2023 (宛政办〔2022〕42号), with figures worked by hand:
 * level-2 hospital, per-visit deductible 30 (第五条（一）), rate 55% in service / 65% retired (第五条（二）).
 *   2023-03-02  300.00 in service: (300 − 30) × 0.55 = 148.50
 *   2023-06-20  300.00 in service: 148.50   (retirement processed 2023-06-15, effective 2023-07-01, 第六条)
 *   2023-08-10  300.00 retired:    (300 − 30) × 0.65 = 175.50
 * Year: fund paid 472.50; retired cap 2000 (第五条（三）) → 1527.50 left, earlier payments counted (第六条).
 * Account: 2% of the 5000.00 base a month (第八条（一）) = 100.00 for January and February.
 */
export const STORY = { personId: 'NY-A1', year: 2023 };

export async function writeStory(ledger: LedgerClient): Promise<void> {
  const at = (s: string) => ledger.clock.set(s);
  at('2023-01-01T09:00:00+08:00');
  await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
  await ledger.must('/institutions', {
    code: 'NY-C01',
    name: '社区卫生服务中心',
    category: 'community_health_centre',
    level: 'level1',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  });
  await ledger.must('/persons', {
    personId: 'NY-A1',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '5000.00',
    relatives: [],
  });
  at('2023-01-02T09:00:00+08:00');
  await ledger.must('/persons/NY-A1/account/credits', { month: '2023-01' });
  at('2023-02-01T09:00:00+08:00');
  await ledger.must('/persons/NY-A1/account/credits', { month: '2023-02' });
  const visit = async (id: string, instant: string, account: 'own' | 'none' = 'none') => {
    at(instant);
    await ledger.must('/persons/NY-A1/visits', {
      settlementId: id,
      visitId: `V-${id}`,
      institutionCode: 'NY-H2',
      occurredAt: instant,
      settledAt: instant,
      medType: 'ordinary',
      lines: [{ code: 'DRUG-1', amount: '300.00', inCatalogue: true }],
      account: { source: account },
    });
  };
  await visit('S-MAR', '2023-03-02T10:00:00+08:00', 'own');
  at('2023-06-15T10:00:00+08:00');
  await ledger.must('/persons/NY-A1/retirement', { processedOn: '2023-06-15' });
  await visit('S-JUN', '2023-06-20T10:00:00+08:00');
  await visit('S-AUG', '2023-08-10T10:00:00+08:00');
}
