/**
 * Issue 10 item 5: money() keeps recently parsed amounts. A cached answer must be the parse
 * of that very text (never a neighbour's), refusals are never cached, and the bound holds
 * its promise when more distinct amounts than it keeps go through.
 */
import { InvalidMoney, money } from '../../src/kernel/money';

describe('money() with recently parsed amounts (issue 10 item 5)', () => {
  it('answers each text its own value, again and again', () => {
    for (let round = 0; round < 2; round++) {
      expect(money('12.30').toFixed(2)).toBe('12.30');
      expect(money('12.3').toFixed(2)).toBe('12.30');
      expect(money('-0.01').toFixed(2)).toBe('-0.01');
      expect(money('0').isZero()).toBe(true);
    }
  });

  it('refuses what is not money every time, whatever was parsed before', () => {
    money('1.23');
    for (const bad of ['1.234', '', ' 1.23', '1e3', '01.00']) {
      expect(() => money(bad)).toThrow(InvalidMoney);
      expect(() => money(bad)).toThrow(InvalidMoney);
    }
    expect(() => money(1.23 as unknown as string)).toThrow(InvalidMoney);
  });

  it('stays exact past its bound (more distinct amounts than it keeps)', () => {
    for (let fen = 0; fen < 10_000; fen++) {
      const text = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      expect(money(text).times(100).toNumber()).toBe(fen);
    }
    expect(money('99.99').toFixed(2)).toBe('99.99');
  });
});
