/**
 * Issue 10 item 5: the engine prints whole-fen figures from toString instead of toFixed.
 * Every figure must print exactly as `fmt` prints it: negative, zero, −0, sub-fen (rounded
 * half-up), and the large values where toString could switch notation.
 */
import fc from 'fast-check';
import { Dec, fmt } from '../../src/kernel/money';
import { newAdjudication } from '../../src/policy/engine/steps/context';
import type { AdjudicationInput } from '../../src/policy/engine/types';
import type { CityPack } from '../../src/policy/pack.types';

const show = (value: Dec): string =>
  newAdjudication({} as AdjudicationInput, {
    pack: { benefit: {} } as CityPack,
    visitDate: '2025-01-01',
    year: 2025,
    occurredMs: Number.NaN,
    settledMs: Number.NaN,
  }).show(value);

describe('decision figures printed without toFixed (issue 10 item 5)', () => {
  it.each([
    '0',
    '-0',
    '0.1',
    '-0.1',
    '0.01',
    '-0.01',
    '7',
    '12.3',
    '12.34',
    '-12.3',
    '0.005',
    '-0.005',
    '2.675',
    '1e14',
    '1e15',
    '123456789012345.67',
    '1e21',
    '1e-7',
    '-1e-9',
  ])('%s prints as fmt prints it', (text) => {
    expect(show(new Dec(text))).toBe(fmt(new Dec(text)));
  });

  it('prints any sum, difference or product of amounts as fmt does', () => {
    const amount = fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }).map((fen) => new Dec(fen.toString()).dividedBy(100));
    fc.assert(
      fc.property(amount, amount, fc.constantFrom('1', '0.6', '0.065', '0.333333'), (a, b, rate) => {
        for (const x of [a, a.plus(b), a.minus(b), a.times(rate)]) expect(show(x)).toBe(fmt(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('within one adjudication, each figure keeps its own text however often and in whatever order it is shown', () => {
    const amount = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((fen) => new Dec(fen.toString()).dividedBy(100));
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 80 }), (figures, picks) => {
        const c = newAdjudication({} as AdjudicationInput, {
          pack: { benefit: {} } as CityPack,
          visitDate: '2025-01-01',
          year: 2025,
          occurredMs: Number.NaN,
          settledMs: Number.NaN,
        });
        for (const i of [...figures.keys(), ...picks]) expect(c.show(figures[i % figures.length])).toBe(fmt(figures[i % figures.length]));
      }),
      { numRuns: 300 },
    );
  });
});
