import { Dec, money } from '../kernel/money';
import { defaultCatalog } from '../../test/support/policy';
import { cite, settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());
import { settlePeriod, PeriodRule } from './period-settlement';

const y2024 = P.jiaozuo.years['2024'];
function rule(category: keyof typeof y2024.categoryBases): PeriodRule {
  return {
    base: y2024.categoryBases[category].value,
    growthCap: y2024.growthCap.value,
    baseClause: cite(y2024.categoryBases[category]),
    capClause: cite(y2024.growthCap),
    ruleClause: '焦医保〔2024〕32号 四（一）; 附件',
  };
}

describe('conditional fee-for-service period settlement (焦医保〔2024〕32号 附件)', () => {
  it('例1: county level-2 hospital, average 173.08 under the 204 base → pays the itemised 1860万', () => {
    const out = settlePeriod({ visits: 260_000, totalCost: '45000000', fundDue: '18600000' }, rule('county_general'));
    expect(out.actualAverage).toBe('173.08');
    expect(out.base).toBe('204.00');
    expect(out.withinCap).toBe(true);
    expect(out.payable).toBe('18600000.00');
    expect(out.overspend).toBe('0.00');
  });

  it('例2: city level-3 hospital, average 300 over 265 × 1.065 → pays 42,333,750.00 (the document prints 4233.38万)', () => {
    const out = settlePeriod({ visits: 350_000, totalCost: '105000000', fundDue: '45000000' }, rule('city_level3_general'));
    expect(out.actualAverage).toBe('300.00');
    expect(out.growthOverBase).toBe('13.21'); // (300/265 − 1) × 100% = 13.21%
    expect(out.withinCap).toBe(false);
    expect(out.payable).toBe('42333750.00');
    expect(out.overspend).toBe('2666250.00');
    // 4233.38 万元 is the same amount rounded to the hundred yuan.
    expect(money(out.payable).dividedBy(10_000).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)).toBe('4233.38');
    const over = out.trace.find((t) => t.step === 'over_cap')!;
    expect(over.clause).toContain('焦医保〔2024〕32号 四（一）');
    expect(out.trace.find((t) => t.step === 'ceiling')!.clause).toContain('四（一）3（2）');
  });

  it('an average exactly at base × (1 + cap) is within the cap; one fen more is not', () => {
    // 1000 visits × 217.26 (= 204 × 1.065) = 217,260.00
    const at = settlePeriod({ visits: 1000, totalCost: '217260.00', fundDue: '100000.00' }, rule('county_general'));
    expect(at.withinCap).toBe(true);
    expect(at.payable).toBe('100000.00');
    const over = settlePeriod({ visits: 1000, totalCost: '217260.01', fundDue: '100000.00' }, rule('county_general'));
    expect(over.withinCap).toBe(false);
    // 217,260 × 100,000 / 217,260.01 = 99,999.995397… → 100,000.00 after the one rounding
    expect(over.payable).toBe('100000.00');
    const clearlyOver = settlePeriod({ visits: 1000, totalCost: '300000.00', fundDue: '120000.00' }, rule('county_general'));
    // 217,260 × 120,000 / 300,000 = 86,904.00
    expect(clearlyOver.payable).toBe('86904.00');
  });

  it('rounds the over-cap payment once, half-up, to the fen', () => {
    // 3 visits × 82 × 1.065 = 261.99; 261.99 × 100.01 / 300 = 87.33866… → 87.34
    const out = settlePeriod({ visits: 3, totalCost: '300.00', fundDue: '100.01' }, rule('township_health_centre'));
    expect(out.payable).toBe('87.34');
  });

  it('an exempt institution (no base) is paid its fund due', () => {
    const out = settlePeriod(
      { visits: 10, totalCost: '5000.00', fundDue: '3000.00' },
      { baseClause: 'x 四（一）1', capClause: 'x', ruleClause: 'x' },
    );
    expect(out.withinCap).toBe(true);
    expect(out.payable).toBe('3000.00');
    expect(out.base).toBeNull();
  });
});
