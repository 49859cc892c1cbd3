/**
 * Issue 10: each year's payments summed once per claims state when a decision asks (paidOf),
 * and carried to the next state by a VisitSettled, so neither a settlement on a cached person
 * nor a replay re-parses every earlier settlement of the year for each decision. Whatever the
 * stream did (settlements in several years, reversals, adjustments, a figure that does not
 * parse) and wherever it was asked, the answer is paidInYear's over the list.
 */
import fc from 'fast-check';
import { ClaimsState, evolveClaims, initialClaimsState, paidInYear, paidOf } from '../../src/modules/claims/claims.state';

type Op =
  | { kind: 'settle'; year: number; fund: string; deductible: string }
  | { kind: 'reverse'; pick: number }
  | { kind: 'adjust'; pick: number; fund: string; deductible: string }
  | { kind: 'ask'; year: number };

const YEARS = [2024, 2025, 2026];
// Zeros often: a "0.00" deductible or fund is summed without a Decimal. Now and then a stored
// figure that does not parse (a tampered or damaged event): the fold must go on, and the year
// asked about must fail as paidInYear fails.
const fen = fc.oneof(
  { weight: 3, arbitrary: fc.constant('0.00') },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 500_000 }).map((n) => (n / 100).toFixed(2)) },
  { weight: 1, arbitrary: fc.constantFrom('1.234', 'not money', '') },
);
/** What a call answers, or the message it throws: the kept sums and the list's sum must agree on both. */
const outcome = (f: () => unknown): unknown => {
  try {
    return f();
  } catch (error) {
    return { threw: (error as Error).message };
  }
};
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('settle' as const), year: fc.constantFrom(...YEARS), fund: fen, deductible: fen }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('adjust' as const), pick: fc.nat(), fund: fen, deductible: fen }),
  fc.record({ kind: fc.constant('ask' as const), year: fc.constantFrom(...YEARS) }),
);

function settled(n: number, year: number, fund: string, deductible: string) {
  return {
    type: 'VisitSettled',
    data: {
      settlementId: `s${n}`,
      visit: { visitId: `v${n}`, occurredAt: `${year}-03-01T10:00:00+08:00`, settledAt: `${year}-03-01T10:00:00+08:00` },
      institution: { code: 'H1' },
      decision: { year, deductibleCharged: true, amounts: { fund, deductible, account: '0.00', relativeAccount: '0.00' } },
    },
  };
}

function adjusted(settlementId: string, n: number, fund: string, deductible: string) {
  return {
    type: 'SettlementAdjusted',
    data: {
      settlementId,
      correctionId: `k${n}`,
      decision: { deductibleCharged: false, amounts: { fund, deductible, relativeAccount: '0.00' } },
    },
  };
}

describe('paidOf: the year-to-date money kept beside the claims state', () => {
  it('property: after any walk of settlements, reversals and adjustments, the same totals as paidInYear', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let state: ClaimsState = initialClaimsState();
        let n = 0;
        for (const o of ops) {
          n += 1;
          const ids = state.settlements.map((s) => s.settlementId);
          if (o.kind === 'settle') state = evolveClaims(state, settled(n, o.year, o.fund, o.deductible));
          if (o.kind === 'reverse' && ids.length)
            state = evolveClaims(state, { type: 'SettlementReversed', data: { settlementId: ids[o.pick % ids.length] } });
          if (o.kind === 'adjust' && ids.length) state = evolveClaims(state, adjusted(ids[o.pick % ids.length], n, o.fund, o.deductible));
          if (o.kind === 'ask') expect(outcome(() => paidOf(state, o.year))).toEqual(outcome(() => paidInYear(state.settlements, o.year)));
        }
        for (const year of YEARS) expect(outcome(() => paidOf(state, year))).toEqual(outcome(() => paidInYear(state.settlements, year)));
      }),
      { numRuns: 500 },
    );
  });

  it('a reversal takes the payment out of its year, an adjustment replaces it, and the other years are untouched', () => {
    let state = evolveClaims(initialClaimsState(), settled(1, 2025, '10.00', '1.00'));
    state = evolveClaims(state, settled(2, 2025, '20.00', '2.00'));
    state = evolveClaims(state, settled(3, 2024, '7.00', '0.00'));
    expect(paidOf(state, 2025)).toEqual({ fundPaid: '30.00', deductibleMet: '3.00' });
    state = evolveClaims(state, { type: 'SettlementReversed', data: { settlementId: 's1' } });
    state = evolveClaims(state, settled(4, 2025, '5.00', '0.50'));
    expect(paidOf(state, 2025)).toEqual({ fundPaid: '25.00', deductibleMet: '2.50' });
    state = evolveClaims(state, adjusted('s2', 5, '12.34', '0.00'));
    expect(paidOf(state, 2025)).toEqual({ fundPaid: '17.34', deductibleMet: '0.50' });
    expect(paidOf(state, 2024)).toEqual({ fundPaid: '7.00', deductibleMet: '0.00' });
    expect(paidOf(state, 2026)).toEqual({ fundPaid: '0.00', deductibleMet: '0.00' });
  });

  it('a figure that does not parse fails only its year, where asked, as paidInYear does; the fold goes on and other years answer', () => {
    let state = evolveClaims(initialClaimsState(), settled(1, 2024, 'not money', '0.00'));
    state = evolveClaims(state, settled(2, 2025, '20.00', '2.00'));
    expect(paidOf(state, 2025)).toEqual({ fundPaid: '20.00', deductibleMet: '2.00' }); // asked: kept from here on
    state = evolveClaims(state, settled(3, 2024, '5.00', '0.00'));
    expect(() => paidInYear(state.settlements, 2024)).toThrow('not a money amount');
    expect(() => paidOf(state, 2024)).toThrow('not a money amount');
    // A damaged figure arriving in a year already kept is not added: the year is summed from the list, which names it.
    state = evolveClaims(state, settled(4, 2025, '1.234', '0.00'));
    expect(() => paidOf(state, 2025)).toThrow('not a money amount with at most two decimals: "1.234"');
    // Reversing the damaged settlements leaves years that sum again.
    state = evolveClaims(state, { type: 'SettlementReversed', data: { settlementId: 's1' } });
    state = evolveClaims(state, { type: 'SettlementReversed', data: { settlementId: 's4' } });
    expect(paidOf(state, 2024)).toEqual({ fundPaid: '5.00', deductibleMet: '0.00' });
    expect(paidOf(state, 2025)).toEqual({ fundPaid: '20.00', deductibleMet: '2.00' });
  });

  it('an earlier state keeps its own answer after later ones were folded from it (the states stay immutable)', () => {
    const first = evolveClaims(initialClaimsState(), settled(1, 2025, '10.00', '1.00'));
    expect(paidOf(first, 2025)).toEqual({ fundPaid: '10.00', deductibleMet: '1.00' });
    const second = evolveClaims(first, settled(2, 2025, '20.00', '2.00'));
    const branch = evolveClaims(first, settled(3, 2025, '0.01', '0.00'));
    expect(paidOf(second, 2025)).toEqual({ fundPaid: '30.00', deductibleMet: '3.00' });
    expect(paidOf(branch, 2025)).toEqual({ fundPaid: '10.01', deductibleMet: '1.00' });
    expect(paidOf(first, 2025)).toEqual({ fundPaid: '10.00', deductibleMet: '1.00' });
  });

  it('the kept sums are no part of the state: a state asked about equals, serialises and spreads as one never asked about', () => {
    const fold = () =>
      evolveClaims(evolveClaims(initialClaimsState(), settled(1, 2025, '10.00', '1.00')), settled(2, 2025, '5.00', '0.00'));
    const asked = fold();
    expect(paidOf(asked, 2025)).toEqual({ fundPaid: '15.00', deductibleMet: '1.00' });
    const never = fold();
    expect(asked).toEqual(never);
    expect(JSON.stringify(asked)).toBe(JSON.stringify(never));
    expect(Object.keys(asked)).toEqual(Object.keys(never));
    // A state derived by a spread with another list is summed from that list, never from the sums it was spread from.
    const spread = { ...asked, settlements: asked.settlements.slice(0, 1) };
    expect(paidOf(spread, 2025)).toEqual({ fundPaid: '10.00', deductibleMet: '1.00' });
  });

  it('a state built by hand is summed from its list', () => {
    const built = evolveClaims(initialClaimsState(), settled(1, 2025, '10.00', '1.00'));
    expect(paidOf({ settlements: [...built.settlements] }, 2025)).toEqual({ fundPaid: '10.00', deductibleMet: '1.00' });
  });
});
