/**
 * Issue 10 item 5: adjustedFigures and sum3 skip Decimal work (already formatted amounts
 * are kept, sums are taken once); their figures must stay those of formatting and adding
 * fen amounts one at a time, the way they were computed before.
 */
import fc from 'fast-check';
import { fmt, money } from '../../src/kernel/money';
import { adjustedFigures, AdjustmentRecord, sum3 } from '../../src/projections/person-views/adjustments';
import type { Money3 } from '../../src/corrections/correction.events';

// The previous definitions, kept here as the reference.
const plus3 = (a: Money3, b: Money3): Money3 => ({
  fund: fmt(money(a.fund).plus(money(b.fund))),
  account: fmt(money(a.account).plus(money(b.account))),
  cash: fmt(money(a.cash).plus(money(b.cash))),
});
const minus3 = (a: Money3, b: Money3): Money3 => ({
  fund: fmt(money(a.fund).minus(money(b.fund))),
  account: fmt(money(a.account).minus(money(b.account))),
  cash: fmt(money(a.cash).minus(money(b.cash))),
});
const ZERO3: Money3 = { fund: '0.00', account: '0.00', cash: '0.00' };
const referenceFigures = (original: Money3, adjustments: ReadonlyArray<AdjustmentRecord> | undefined) => {
  const last = adjustments?.length ? adjustments[adjustments.length - 1].adjusted : undefined;
  const net = last ? plus3(ZERO3, last) : plus3(ZERO3, original);
  return { original: plus3(ZERO3, original), adjustment: minus3(net, original), net };
};

/** Money strings in every spelling money() accepts: "-0.00", "0", "1.5", "12.30", "-7". */
const moneyText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.constantFrom(0, 1, 2))
  .map(([negative, fen, places]) => {
    const digits = (fen / 100n).toString();
    const cents = (fen % 100n).toString().padStart(2, '0');
    const text = places === 0 ? digits : places === 1 ? `${digits}.${cents[0]}` : `${digits}.${cents}`;
    return negative ? `-${text}` : text;
  });
const money3 = fc.record({ fund: moneyText, account: moneyText, cash: moneyText });
const adjustment = (adjusted: Money3): AdjustmentRecord =>
  ({
    adjusted,
    delta: ZERO3,
    correctionId: 'c',
    position: 1,
    recordedAt: '',
    policyVersion: '',
    category: 'in_service',
    rate: '0.5',
    divergence: { step: '', clause: '' },
  }) satisfies AdjustmentRecord;

describe('adjusted figures without repeated Decimal work (issue 10 item 5)', () => {
  it('formats unformatted and negative-zero amounts as before', () => {
    const figures = adjustedFigures({ fund: '1.5', account: '-0.00', cash: '7' }, undefined);
    expect(figures).toEqual({
      original: { fund: '1.50', account: '0.00', cash: '7.00' },
      adjustment: ZERO3,
      net: { fund: '1.50', account: '0.00', cash: '7.00' },
    });
  });

  it('still refuses an amount that is not money', () => {
    expect(() => adjustedFigures({ fund: '1.234', account: '0.00', cash: '0.00' }, undefined)).toThrow(/not a money amount/);
    expect(() => adjustedFigures({ fund: '0.00', account: '1234567890123456.00', cash: '0.00' }, undefined)).toThrow(/not a money amount/);
  });

  it('equals formatting and subtracting one at a time, with and without adjustments', () => {
    fc.assert(
      fc.property(money3, fc.array(money3, { maxLength: 3 }), (original, adjusted) => {
        const adjustments = adjusted.map(adjustment);
        expect(adjustedFigures(original, adjustments)).toEqual(referenceFigures(original, adjustments));
      }),
    );
  });

  it('sum3 equals adding one at a time', () => {
    fc.assert(
      fc.property(fc.array(money3, { maxLength: 12 }), (items) => {
        expect(sum3(items)).toEqual(items.reduce(plus3, ZERO3));
      }),
    );
  });

  it('sum3 skips "0.00" amounts without changing a sum (mostly zeros, negatives, "-0.00")', () => {
    const mostlyZero = fc.oneof({ arbitrary: fc.constant('0.00'), weight: 3 }, { arbitrary: moneyText, weight: 1 }, fc.constant('-0.00'));
    const item = fc.record({ fund: mostlyZero, account: mostlyZero, cash: mostlyZero });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), (items) => {
        expect(sum3(items)).toEqual(items.reduce(plus3, ZERO3));
      }),
    );
    expect(sum3([ZERO3, { fund: '-1.00', account: '0.00', cash: '0.00' }, { fund: '0.00', account: '0.00', cash: '-0.00' }])).toEqual({
      fund: '-1.00',
      account: '0.00',
      cash: '0.00',
    });
  });

  it('sum3 still refuses an amount that is not money beside zeros', () => {
    expect(() => sum3([ZERO3, { fund: '0.001', account: '0.00', cash: '0.00' }])).toThrow(/not a money amount/);
  });
});
