/**
 * Issue 10 item 5: the engine parses a pack's figures once (packs are immutable). The cache
 * must answer what parsing answers: the same value for the same text, a different one for
 * another text, and a refusal (every time) for a text that is not money.
 */
import { InvalidMoney } from '../../src/kernel/money';
import { packFigure, packRate } from '../../src/policy/engine/steps/context';

describe('pack figures parsed once (issue 10 item 5)', () => {
  it('answers the parsed value of each text, one instance per text', () => {
    expect(packFigure('1500').toFixed(2)).toBe('1500.00');
    expect(packFigure('300.5').toFixed(2)).toBe('300.50');
    expect(packFigure('1500')).toBe(packFigure('1500'));
    expect(packFigure('1500')).not.toBe(packFigure('1500.00'));
    expect(packFigure('1500.00').equals(packFigure('1500'))).toBe(true);
  });

  it('refuses a figure that is not money every time, and caches nothing for it', () => {
    expect(() => packFigure('12.345')).toThrow(InvalidMoney);
    expect(() => packFigure('12.345')).toThrow(InvalidMoney);
  });

  it('keeps rates apart from money figures (a rate may have more than two decimals)', () => {
    expect(packRate('0.065').toString()).toBe('0.065');
    expect(packRate('0').isZero()).toBe(true);
    expect(() => packFigure('0.065')).toThrow(InvalidMoney);
  });
});
