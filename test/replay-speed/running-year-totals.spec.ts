/**
 * Issue 10 item 5: replay sums each year's payments as it walks the stream (RunningYearTotals)
 * instead of re-parsing every earlier settlement for each one. Whatever the stream did
 * (settlements in several years, reversals, adjustments), the answer is paidInYear's.
 */
import fc from 'fast-check';
import { RunningYearTotals } from '../../src/audit/replay-year-totals';
import { ClaimsState, evolveClaims, initialClaimsState, paidInYear } from '../../src/modules/claims/claims.state';

type Op =
  | { kind: 'settle'; year: number; fund: string; deductible: string }
  | { kind: 'reverse'; pick: number }
  | { kind: 'adjust'; pick: number; fund: string; deductible: string }
  | { kind: 'ask'; year: number };

const YEARS = [2024, 2025, 2026];
// Zeros often: a "0.00" deductible or fund is summed without a Decimal.
const fen = fc.oneof(
  fc.constant('0.00'),
  fc.integer({ min: 0, max: 500_000 }).map((n) => (n / 100).toFixed(2)),
);
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

describe('RunningYearTotals (replay’s year-to-date, issue 10 item 5)', () => {
  it('property: after any walk of settlements, reversals and adjustments, the same totals as paidInYear', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const running = new RunningYearTotals();
        let state: ClaimsState = initialClaimsState();
        let n = 0;
        for (const o of ops) {
          n += 1;
          const ids = state.settlements.map((s) => s.settlementId);
          if (o.kind === 'settle') state = evolveClaims(state, settled(n, o.year, o.fund, o.deductible));
          if (o.kind === 'reverse' && ids.length)
            state = evolveClaims(state, { type: 'SettlementReversed', data: { settlementId: ids[o.pick % ids.length] } });
          if (o.kind === 'adjust' && ids.length) state = evolveClaims(state, adjusted(ids[o.pick % ids.length], n, o.fund, o.deductible));
          if (o.kind === 'ask') expect(running.paidInYear(state.settlements, o.year)).toEqual(paidInYear(state.settlements, o.year));
        }
        for (const year of YEARS) expect(running.paidInYear(state.settlements, year)).toEqual(paidInYear(state.settlements, year));
      }),
      { numRuns: 300 },
    );
  });

  it('a reversal after a year was summed takes the payment out (the summed prefix no longer holds)', () => {
    const running = new RunningYearTotals();
    let state = evolveClaims(initialClaimsState(), settled(1, 2025, '10.00', '1.00'));
    state = evolveClaims(state, settled(2, 2025, '20.00', '2.00'));
    expect(running.paidInYear(state.settlements, 2025)).toEqual({ fundPaid: '30.00', deductibleMet: '3.00' });
    state = evolveClaims(state, { type: 'SettlementReversed', data: { settlementId: 's1' } });
    state = evolveClaims(state, settled(3, 2025, '5.00', '0.50'));
    expect(running.paidInYear(state.settlements, 2025)).toEqual({ fundPaid: '25.00', deductibleMet: '2.50' });
  });

  it('parses only the year asked about: a malformed figure of another year does not stop it, one of the year does', () => {
    const running = new RunningYearTotals();
    let state = evolveClaims(initialClaimsState(), settled(1, 2024, 'not money', '0.00'));
    state = evolveClaims(state, settled(2, 2025, '20.00', '2.00'));
    expect(running.paidInYear(state.settlements, 2025)).toEqual(paidInYear(state.settlements, 2025));
    expect(() => paidInYear(state.settlements, 2024)).toThrow('not a money amount');
    expect(() => running.paidInYear(state.settlements, 2024)).toThrow('not a money amount');
  });
});
