/**
 * Issue 10: the person-year's sums (fund paid, cap remaining, the totals, each category
 * period's fund, each settlement's `fundPaidAfter`) are added in integer fen
 * (`src/projections/read-models/fen.ts`), not decimal.js. They must be the text decimal.js
 * gives: this reference sums every figure with `Dec` and prints it with `fmt`, on amounts
 * past 2^53 fen too, reversed and corrected settlements included.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Money3 } from '../../src/corrections/correction.events';
import { Dec, fmt, max, money, ZERO } from '../../src/kernel/money';
import { PolicyCatalog } from '../../src/policy/catalog';
import { PersonProfile, summarizeYear, summarizeYearWith, VisitRecord } from '../../src/projections/person-views';
import type { AdjustmentRecord } from '../../src/projections/person-views/adjustments';
import { visitRecord } from '../support/visit-record';

const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));

/** Fen amounts as money strings: most small, some up to 10^15 fen (25 of them sum past 2^53 fen). */
const amount = fc
  .oneof(fc.bigInt({ min: 0n, max: 60_000n }), fc.bigInt({ min: 0n, max: 10n ** 15n }))
  .map((n) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`);
const money3 = fc.record({ fund: amount, account: fc.oneof(fc.constant('0.00'), amount), cash: amount });
const day = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

const adjustment = (position: number, adjusted: Money3): AdjustmentRecord => ({
  correctionId: `C-${position}`,
  position,
  recordedAt: '2023-12-01T00:00:00Z',
  policyVersion: 'v',
  category: 'in_service',
  rate: '0.6',
  adjusted,
  delta: { fund: '0.00', account: '0.00', cash: '0.00' },
  divergence: { step: 'rates', clause: 'c' },
});

const visit = (position: number) =>
  fc
    .record({ date: day, amounts: money3, reversed: fc.boolean(), adjusted: fc.option(money3, { freq: 3 }) })
    .map(({ date, amounts, reversed, adjusted }): VisitRecord =>
      visitRecord(`S-${position}`, date, position, {
        ...amounts,
        ...(reversed ? { reversedPosition: position + 1, reversedRecordedAt: `${date}T03:00:00Z` } : {}),
        ...(adjusted ? { adjustments: [adjustment(position + 2, adjusted)] } : {}),
      }),
    );
const visits = fc.integer({ min: 0, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => visit(10 + 3 * i))));

const profile: PersonProfile = {
  personId: 'P',
  scheme: 'employee',
  region: 'nanyang',
  enrolledOn: '2023-01-01',
  categoryTimeline: [
    { from: '2023-01-01', category: 'in_service', cause: 'enrollment', position: 1 },
    { from: '2023-07-01', category: 'retired', cause: 'retirement', position: 2 },
  ],
};

const netOf = (v: VisitRecord): Money3 => v.adjustments?.[v.adjustments.length - 1].adjusted ?? v;
const total = (xs: string[]): Dec => xs.reduce((t, x) => t.plus(money(x)), ZERO);
const total3 = (xs: Money3[]) => ({
  fund: fmt(total(xs.map((x) => x.fund))),
  account: fmt(total(xs.map((x) => x.account))),
  cash: fmt(total(xs.map((x) => x.cash))),
});

describe('person-year sums in integer fen', () => {
  it('property: every sum of summarizeYear is the text of the decimal.js sum', () => {
    fc.assert(
      fc.property(visits, (all) => {
        const view = summarizeYear(catalog, profile, all, 2023);
        const live = all.filter((v) => v.reversedPosition === undefined);
        const fundPaid = total(live.map((v) => netOf(v).fund));
        expect(view.fundPaid).toBe(fmt(fundPaid));
        expect(view.capRemaining).toBe(fmt(max(ZERO, money(view.capInForce!).minus(fundPaid))));
        const original = total3(live);
        expect(view.totals).toEqual({
          original,
          adjustment: total3(live.map((v) => minus3(netOf(v), v))),
          net: total3(live.map(netOf)),
        });
        for (const p of view.byCategory)
          expect(p.fundPaid).toBe(fmt(total(live.filter((v) => p.from <= v.visitDate && v.visitDate <= p.to).map((v) => netOf(v).fund))));
        let running = ZERO;
        for (const s of view.settlements) {
          const v = all.find((x) => x.settlementId === s.settlementId)!;
          if (v.reversedPosition === undefined) running = running.plus(money(netOf(v).fund));
          expect(s.fundPaidAfter).toBe(fmt(running));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: extending a summary by a visit adds its fund to the sums as decimal.js does', () => {
    fc.assert(
      fc.property(visits, visit(1000), (all, next) => {
        const before = summarizeYear(catalog, profile, all, 2023);
        const { settlements: _, ...summary } = before;
        const extended = summarizeYearWith(summary, { ...next, reversedPosition: undefined, adjustments: undefined });
        if (!extended) return;
        const fundPaid = money(before.fundPaid).plus(money(next.fund));
        expect(extended.fundPaid).toBe(fmt(fundPaid));
        expect(extended.capRemaining).toBe(fmt(max(ZERO, money(before.capInForce!).minus(fundPaid))));
        expect(extended.totals.original.cash).toBe(fmt(money(before.totals.original.cash).plus(money(next.cash))));
        expect(extended.totals.adjustment).toEqual(before.totals.adjustment);
      }),
      { numRuns: 300 },
    );
  });
});

function minus3(a: Money3, b: Money3): Money3 {
  return {
    fund: fmt(money(a.fund).minus(money(b.fund))),
    account: fmt(money(a.account).minus(money(b.account))),
    cash: fmt(money(a.cash).minus(money(b.cash))),
  };
}
