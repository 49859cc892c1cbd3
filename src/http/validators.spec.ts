import { validateSync } from 'class-validator';
import { IsInstant, IsMoneyString, IsPositiveMoney } from './validators';

class Stamped {
  @IsInstant()
  at!: string;
}

const accepted = (at: unknown): boolean => validateSync(Object.assign(new Stamped(), { at })).length === 0;

describe('IsInstant: an ISO-8601 instant with an offset whose Shanghai date is in the ledger range', () => {
  it.each([
    ['2023-05-04T09:30:00+08:00', true],
    ['2023-05-04T09:30Z', true],
    // Fractions as Python (6 digits), .NET (7) and Java (9) write them; not 10, not an empty one.
    ['2023-05-04T09:30:00.123456+08:00', true],
    ['2023-05-04T09:30:00.1234567+08:00', true],
    ['2023-05-04T09:30:00.123456789+08:00', true],
    ['2023-05-04T09:30:00.1234567891+08:00', false],
    ['2023-05-04T09:30:00.+08:00', false],
    // Shanghai dates at the range's ends: the instant's own date is one day off from it.
    ['1999-12-31T16:00:00Z', true],
    ['1999-12-31T15:59:59Z', false],
    ['2099-12-31T15:59:59.999Z', true],
    ['2099-12-31T16:00:00Z', false],
    ['2000-01-01T07:59:59+08:00', true],
    ['2099-12-31T23:59:59+08:00', true],
    ['2100-01-01T00:00:00+08:00', false],
    // The written date must exist, even where Date.parse would roll it over.
    ['2023-02-30T09:00:00+08:00', false],
    ['2023-02-28T25:00:00+08:00', false],
    ['2023-05-04T09:30:00', false],
    ['2023-05-04', false],
    [20230504, false],
  ])('%p → %p', (at, ok) => {
    expect(accepted(at)).toBe(ok);
  });
});

class Paid {
  @IsMoneyString()
  @IsPositiveMoney()
  amount!: unknown;
}

describe('IsPositiveMoney: more than zero, named by its own rule', () => {
  const rules = (amount: unknown): string[] =>
    validateSync(Object.assign(new Paid(), { amount })).flatMap((e) => Object.keys(e.constraints ?? {}));
  it.each([
    ['0.01', []],
    ['10', []],
    ['100.00', []],
    ['0', ['isPositive']],
    ['0.00', ['isPositive']],
    ['0.0', ['isPositive']],
    // Not money: IsMoneyString's alone.
    ['-1.00', ['isMoneyString']],
    [5, ['isMoneyString']],
  ])('%p → %p', (amount, expected) => {
    expect(rules(amount)).toEqual(expected);
  });
});
