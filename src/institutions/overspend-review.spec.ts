import { reviewOverspend } from './overspend-review';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());

// The overspend of 例2: 45,000,000 − 42,333,750 = 2,666,250.00
const OVERSPEND = '2666250.00';

describe('year-end overspend review (焦医保〔2024〕32号 六（一）)', () => {
  it('no violation: the overspend is paid in full', () => {
    const r = reviewOverspend(OVERSPEND, { reviewedVisits: 100, violatingCost: '0', reviewedCost: '48000.00' }, P);
    expect(r).toMatchObject({ outcome: 'paid_in_full', compensation: '2666250.00', share: '0.00000000', sampleNote: null });
  });

  it('25% violating: only the compliant 75% of the overspend is paid', () => {
    const r = reviewOverspend(OVERSPEND, { reviewedVisits: 100, violatingCost: '12000.00', reviewedCost: '48000.00' }, P);
    // 2,666,250 × 0.75 = 1,999,687.50
    expect(r).toMatchObject({ outcome: 'compliant_share', compensation: '1999687.50', share: '0.25000000' });
  });

  it('59.99% violating: still the compliant share, rounded once', () => {
    const r = reviewOverspend(OVERSPEND, { reviewedVisits: 100, violatingCost: '5999.00', reviewedCost: '10000.00' }, P);
    // 2,666,250 × 0.4001 = 1,066,766.625 → 1,066,766.63
    expect(r).toMatchObject({ outcome: 'compliant_share', compensation: '1066766.63' });
  });

  it('60% violating: nothing', () => {
    const r = reviewOverspend(OVERSPEND, { reviewedVisits: 100, violatingCost: '6000.00', reviewedCost: '10000.00' }, P);
    expect(r).toMatchObject({ outcome: 'not_paid', compensation: '0.00', share: '0.60000000' });
    expect(r.clause).toBe('焦医保〔2024〕32号 六（一）');
  });

  it('a share a hair under 60% is decided on the exact ratio, not a rounded one', () => {
    // 59,999,999 / 100,000,000 = 0.59999999 < 0.6
    const r = reviewOverspend('100.00', { reviewedVisits: 100, violatingCost: '599999.99', reviewedCost: '1000000.00' }, P);
    expect(r.outcome).toBe('compliant_share');
    expect(r.compensation).toBe('40.00'); // 100 × 0.40000001 = 40.000001 → 40.00
  });

  it('notes a sample size other than 100 and refuses impossible findings', () => {
    expect(reviewOverspend(OVERSPEND, { reviewedVisits: 150, violatingCost: '0', reviewedCost: '1.00' }, P).sampleNote).toContain('150');
    expect(() => reviewOverspend(OVERSPEND, { reviewedVisits: 100, violatingCost: '2.00', reviewedCost: '1.00' }, P)).toThrow(
      /violatingCost/,
    );
  });
});
