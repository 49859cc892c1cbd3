/**
 * Issue 15 item 4: after any sequence of corrections, each settlement's net figures
 * (original + adjustments) equal a fresh adjudication of the corrected history; the fund
 * never pays past the cap; the account never goes negative; the parts add up to the total.
 */
import fc from 'fast-check';
import { planPersonCorrection } from '../../src/corrections/correction-engine';
import { derivePack } from '../../src/corrections/derived-pack';
import type { PersonCorrectionSpec as CorrectionSpec } from '../../src/corrections/correction.events';
import { money } from '../../src/kernel/money';
import type { InstitutionLevel } from '../../src/policy/engine/types';
import { catalog, inst, PersonHistory } from './person-history';

interface Visit {
  day: number;
  hour: number;
  amount: string;
  institution: 'NY-A' | 'NY-B';
  own: boolean;
}

const date = (day: number) => new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
const at = (v: Visit) => `${date(v.day)}T${String(v.hour).padStart(2, '0')}:00:00+08:00`;
const LEVELS: InstitutionLevel[] = ['level1', 'level2', 'level3'];
const amount = fc.integer({ min: 1, max: 200_000 }).map((c) => (c / 100).toFixed(2));

const visitArb = fc.record({
  day: fc.integer({ min: 0, max: 360 }),
  hour: fc.integer({ min: 8, max: 20 }),
  amount,
  institution: fc.constantFrom('NY-A' as const, 'NY-B' as const),
  own: fc.boolean(),
});
type Correction =
  | { kind: 'category'; category: 'retired' | 'in_service'; day: number }
  | { kind: 'level'; institution: 'NY-A' | 'NY-B'; level: InstitutionLevel; day: number }
  | { kind: 'lines'; visit: number; amount: string }
  | { kind: 'caps'; inService: number; retired: number; fromDay: number; days: number };
const correctionArb: fc.Arbitrary<Correction> = fc.oneof(
  fc.record({
    kind: fc.constant('category' as const),
    category: fc.constantFrom('retired' as const, 'in_service' as const),
    day: fc.integer({ min: 0, max: 360 }),
  }),
  fc.record({
    kind: fc.constant('level' as const),
    institution: fc.constantFrom('NY-A' as const, 'NY-B' as const),
    level: fc.constantFrom(...LEVELS),
    day: fc.integer({ min: 0, max: 360 }),
  }),
  fc.record({ kind: fc.constant('lines' as const), visit: fc.nat(), amount }),
  fc.record({
    kind: fc.constant('caps' as const),
    inService: fc.integer({ min: 0, max: 3000 }),
    retired: fc.integer({ min: 0, max: 3000 }),
    fromDay: fc.integer({ min: 0, max: 360 }),
    days: fc.integer({ min: 0, max: 360 }),
  }),
);
const BASE = catalog.byId('nanyang-employee-2022')!;

/** Visits in time order, at most one per instant (a visit id per instant). */
const visitsArb = fc
  .uniqueArray(visitArb, { minLength: 1, maxLength: 8, selector: (v) => at(v) })
  .map((vs) => [...vs].sort((a, b) => at(a).localeCompare(at(b))));

it('net figures equal a fresh adjudication of the corrected history; cap, balance and parts hold', () => {
  fc.assert(
    fc.property(
      visitsArb,
      fc.array(correctionArb, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 300_000 }),
      (visits, corrections, creditCents) => {
        const credit = (creditCents / 100).toFixed(2);
        const levels: Record<string, InstitutionLevel> = { 'NY-A': 'level1', 'NY-B': 'level2' };
        const h = new PersonHistory('PP').credit('2023-01', credit);
        visits.forEach((v, i) =>
          h.settle({
            id: `S${i}`,
            at: at(v),
            amount: v.amount,
            institution: inst(v.institution, levels[v.institution]),
            account: v.own ? 'own' : 'none',
          }),
        );

        // The corrected facts, as the fresh history will be given them.
        const categories: Array<{ category: 'retired' | 'in_service'; from: string }> = [];
        const levelFrom: Array<{ institution: string; level: InstitutionLevel; from: string }> = [];
        const lines: Record<number, string> = {};
        const caps: Array<{ from: string; to: string; value: Record<string, string> }> = [];
        corrections.forEach((c, k) => {
          let spec: CorrectionSpec;
          if (c.kind === 'category') {
            spec = { kind: 'person-category', personId: 'PP', category: c.category, from: date(c.day) };
            categories.push({ category: c.category, from: date(c.day) });
          } else if (c.kind === 'level') {
            spec = { kind: 'institution-level', institutionCode: c.institution, level: c.level, from: date(c.day) };
            levelFrom.push({ institution: c.institution, level: c.level, from: date(c.day) });
          } else if (c.kind === 'caps') {
            const value = { in_service: String(c.inService), retired: String(c.retired) };
            const to = date(Math.min(364, c.fromDay + c.days));
            spec = {
              kind: 'policy-parameter',
              packId: BASE.id,
              path: 'benefit.annualCaps',
              value,
              from: date(c.fromDay),
              to,
              document: '宛政办〔2022〕42号',
              clause: '第五条（三）',
            };
            caps.push({ from: date(c.fromDay), to, value });
          } else {
            const i = c.visit % visits.length;
            spec = {
              kind: 'settlement-lines',
              personId: 'PP',
              settlementId: `S${i}`,
              lines: [{ code: 'L1', amount: c.amount, inCatalogue: true }],
            };
            lines[i] = c.amount;
          }
          h.push(...planPersonCorrection('PP', h.events, spec, catalog, { correctionId: `C${k}`, at: '2024-06-01T10:00:00+08:00' }).events);
          expect(money(h.state().account.balance).isNegative()).toBe(false);
        });

        const fresh = new PersonHistory('PP');
        for (const c of categories)
          fresh.push({
            type: 'PersonCategoryCorrected',
            data: { correctionId: 'x', category: c.category, from: c.from, correctedAt: 'x' },
          });
        fresh.credit('2023-01', credit);
        visits.forEach((v, i) => {
          const level =
            levelFrom.filter((l) => l.institution === v.institution && date(v.day) >= l.from).pop()?.level ?? levels[v.institution];
          const cap = caps.filter((x) => date(v.day) >= x.from && date(v.day) <= x.to).pop();
          const pack = cap
            ? derivePack(BASE, {
                basePolicyVersion: BASE.version,
                path: 'benefit.annualCaps',
                value: cap.value,
                document: '宛政办〔2022〕42号',
                clause: '第五条（三）',
              })
            : undefined;
          fresh.settle({
            id: `S${i}`,
            at: at(v),
            amount: lines[i] ?? v.amount,
            institution: inst(v.institution, level),
            account: v.own ? 'own' : 'none',
            pack,
          });
        });
        expect(h.net()).toEqual(fresh.net());

        let fundPaid = money('0');
        for (const e of h.events) {
          if (e.type !== 'SettlementAdjusted' && e.type !== 'VisitSettled') continue;
          const a = (e.data as any).decision.amounts;
          expect(money(a.fund).plus(money(a.account)).plus(money(a.cash)).toString()).toBe(money(a.total).toString());
        }
        for (const s of h.state().claims.settlements) fundPaid = fundPaid.plus(money(s.fund));
        // The fund never pays past the highest cap any settlement was decided under.
        const highest = Math.max(2000, ...caps.map((c) => Math.max(Number(c.value.in_service), Number(c.value.retired))));
        expect(fundPaid.lessThanOrEqualTo(highest)).toBe(true);
        for (const e of h.events)
          if (e.type === 'SettlementAdjusted')
            expect(
              money((e.data as any).decision.amounts.fund).lessThanOrEqualTo(money((e.data as any).decision.amounts.capRemainingBefore)),
            ).toBe(true);
        expect(money(h.state().account.balance).isNegative()).toBe(false);
      },
    ),
    { numRuns: 300 },
  );
});
