import fc from 'fast-check';
import { Dec, fmt, InvalidMoney, money, toFen } from './money';

/** fmt as first written: round to the fen (half-up), then two places, zero without a sign. */
const reference = (value: Dec): string => {
  const v = toFen(value);
  return (v.isZero() ? new Dec(0) : v).toFixed(2);
};

describe('fmt (money to its canonical string)', () => {
  it('rounds half-up to the fen, and a negative amount that rounds to zero is "0.00"', () => {
    expect(
      ['0.005', '0.004', '-0.005', '-0.004', '-0.001', '-0', '2.675', '-2.675', '1e-9', '123456789012345.995'].map((s) => fmt(new Dec(s))),
    ).toEqual(['0.01', '0.00', '-0.01', '0.00', '0.00', '0.00', '2.68', '-2.68', '0.00', '123456789012346.00']);
  });

  it('property: the same string as the reference definition for any decimal', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 8 }))
      .map(([negative, digits, scale]) => new Dec(`${negative ? '-' : ''}${digits}`).dividedBy(new Dec(10).pow(scale)));
    fc.assert(
      fc.property(decimal, (d) => fmt(d) === reference(d)),
      { numRuns: 5000 },
    );
  });
});

describe('money (parse of a money string)', () => {
  /** What decimal.js's own parse builds: sign, exponent and coefficient words. */
  const parts = (d: Dec) => ({ s: d.s, e: d.e, d: d.d });
  /** Money texts of every shape: signs, zero, 1 to 15 integer digits (trailing zeros too), no, one or two decimals. */
  const moneyText = fc
    .tuple(
      fc.constantFrom('', '-'),
      fc.oneof(
        fc.constant('0'),
        fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }).map(String),
        fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 13 })).map(([n, zeros]) => `${n}${'0'.repeat(zeros)}`),
      ),
      fc.oneof(
        fc.constant(''),
        fc.integer({ min: 0, max: 9 }).map((n) => `.${n}`),
        fc.integer({ min: 0, max: 99 }).map((n) => `.${String(n).padStart(2, '0')}`),
      ),
    )
    .map(([sign, int, fraction]) => `${sign}${int}${fraction}`);

  it('builds what new Dec(text) builds, for every money text', () => {
    const texts = ['0', '0.00', '-0.00', '-0', '0.01', '0.1', '10', '100.00', '1000000', '10000000.00', '1234567.89', '999999999999999.99'];
    for (const text of texts) expect(parts(money(text))).toEqual(parts(new Dec(text)));
  });

  it('property: the same sign, exponent and coefficient words as new Dec(text), so the same value in every operation', () => {
    fc.assert(
      fc.property(moneyText, (text) => {
        const parsed = money(text);
        expect(parts(parsed)).toEqual(parts(new Dec(text)));
        expect(parsed.toFixed(2)).toBe(new Dec(text).toFixed(2));
      }),
      { numRuns: 5000 },
    );
  });

  it('still rejects what is not a money text', () => {
    for (const text of ['', '1.234', '1e3', ' 1', '01', '+1', '.5', '1.']) expect(() => money(text)).toThrow(InvalidMoney);
  });
});
