import fc from 'fast-check';
import { Dec, fmt, toFen } from './money';

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
