/**
 * Issue 10 item 5: the exclusions step checks a line amount with isZero/isNegative instead of
 * greaterThan(0) (no Decimal built per line). Every amount that is not above zero is still
 * an input error naming the line, and the smallest positive one is still paid.
 */
import { InvalidInput } from '../../src/kernel/errors';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import { cityPack, input, line } from '../policy/helpers';

const nanyang = () => cityPack('nanyang-employee-2022');
const withLine = (amount: string) => {
  const base = input({ pack: nanyang(), at: '2023-03-01T09:00:00+08:00' });
  return { ...base, visit: { ...base.visit, lines: [line(amount)] } };
};

describe('line amounts must be above zero (issue 10 item 5)', () => {
  it.each(['0', '0.00', '-0.00', '-0.01', '-12.50'])('%s is an input error naming the line', (amount) => {
    expect(() => adjudicate(withLine(amount), nanyang())).toThrow(InvalidInput);
    expect(() => adjudicate(withLine(amount), nanyang())).toThrow(/must be greater than 0/);
  });

  it('0.01 is adjudicated', () => {
    expect(adjudicate(withLine('0.01'), nanyang()).amounts.total).toBe('0.01');
  });
});
