import fc from 'fast-check';
import { Dec, money } from '../kernel/money';
import { declarationDueDate, monthsOfYear, nextMonth, splitAdvance } from './monthly-cycle';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());

describe('monthly advance and holdback (焦医保〔2024〕32号 四（二）)', () => {
  it('splits 95/5 to the fen', () => {
    expect(splitAdvance('3720000.00', P)).toMatchObject({ advance: '3534000.00', held: '186000.00' });
    // 12,345.67 × 0.95 = 11,728.3865 → 11,728.39; held 617.28
    expect(splitAdvance('12345.67', P)).toMatchObject({ advance: '11728.39', held: '617.28', clause: '焦医保〔2024〕32号 四（二）' });
    // 0.01 × 0.95 = 0.0095 → 0.01; held 0.00
    expect(splitAdvance('0.01', P)).toMatchObject({ advance: '0.01', held: '0.00' });
  });

  it('advance + held = approved exactly, and the held part is 5% within half a fen', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (fen) => {
        const approved = new Dec(fen.toString()).dividedBy(100).toFixed(2);
        const s = splitAdvance(approved, P);
        expect(money(s.advance).plus(money(s.held)).equals(money(approved))).toBe(true);
        expect(money(s.held).minus(money(approved).times('0.05')).abs().lessThanOrEqualTo('0.005')).toBe(true);
      }),
    );
  });

  it('declarations are due by the 10th of the following month', () => {
    expect(declarationDueDate('2024-08', P)).toBe('2024-09-10');
    expect(declarationDueDate('2024-12', P)).toBe('2025-01-10');
    expect(nextMonth('2024-12')).toBe('2025-01');
    expect(monthsOfYear(2024, '2024-08')).toEqual(['2024-08', '2024-09', '2024-10', '2024-11', '2024-12']);
  });
});
