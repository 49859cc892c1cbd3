/**
 * Issue 15 item 2: after any sequence of corrections of settlements paid from a spouse's
 * account (with the spouse spending in between), the spouse's balance never goes negative,
 * the net figures equal a fresh adjudication of the corrected history, and for each
 * settlement the person side's money adds up: what was paid (cash and the spouse's account),
 * plus what was recovered from the spouse and owed by the person, minus what was refunded to
 * the spouse and owed to the person, is the net cash and relative-account share.
 */
import fc from 'fast-check';
import { planPersonCorrection } from '../../src/corrections/correction-engine';
import type { PersonCorrectionSpec } from '../../src/corrections/correction.events';
import { Dec, fmt, money, ZERO } from '../../src/kernel/money';
import { preSettle, settleVisit, SettleVisitCommand } from '../../src/modules/claims/claims.decide';
import type { InstitutionLevel } from '../../src/policy/engine/types';
import { catalog, inst, PersonHistory } from './person-history';

interface Visit {
  day: number;
  amount: string;
  outside: string;
}
type Step =
  | { kind: 'category'; category: 'retired' | 'in_service'; day: number }
  | { kind: 'level'; level: InstitutionLevel; day: number }
  | { kind: 'lines'; visit: number; amount: string; outside: string }
  | { kind: 'spend'; cents: number };

const date = (day: number) => new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
const at = (day: number) => `${date(day)}T09:00:00+08:00`;
const cents = (max: number) => fc.integer({ min: 1, max }).map((c) => (c / 100).toFixed(2));
const visitArb = fc.record({ day: fc.integer({ min: 0, max: 360 }), amount: cents(300_000), outside: cents(20_000) });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('category' as const),
    category: fc.constantFrom('retired' as const, 'in_service' as const),
    day: fc.integer({ min: 0, max: 360 }),
  }),
  fc.record({
    kind: fc.constant('level' as const),
    level: fc.constantFrom<InstitutionLevel>('level1', 'level2', 'level3'),
    day: fc.integer({ min: 0, max: 360 }),
  }),
  fc.record({ kind: fc.constant('lines' as const), visit: fc.nat(), amount: cents(300_000), outside: cents(20_000) }),
  // Spending from 0.01 to everything the spouse holds (so recoveries meet short balances).
  fc.record({ kind: fc.constant('spend' as const), cents: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.constant(Infinity)) }),
);
const linesOf = (amount: string, outside: string) => [
  { code: 'A01', amount, inCatalogue: true },
  { code: 'A02', amount: outside, inCatalogue: false },
];

/** The family-payment saga's two steps: debit the spouse what the engine plans, settle with it as ceiling. */
function settleFromSpouse(person: PersonHistory, spouse: PersonHistory, i: number, v: Visit, level: InstitutionLevel, ceiling?: string) {
  const institution = inst('NY-A', level);
  const command = (balance: string, familyPayment?: SettleVisitCommand['data']['familyPayment']): SettleVisitCommand => ({
    type: 'SettleVisit',
    data: {
      settlementId: `S${i}`,
      visit: {
        visitId: `V${i}`,
        occurredAt: at(v.day),
        settledAt: at(v.day),
        institution,
        medType: 'ordinary',
        lines: linesOf(v.amount, v.outside),
      },
      institution,
      account: { source: 'relative', balance, holderId: 'SP', relation: 'spouse' },
      ...(familyPayment ? { familyPayment } : {}),
    },
    pack: catalog.resolve('nanyang', 'employee', date(v.day))!,
  });
  const planned = ceiling ?? preSettle(command(spouse.state().account.balance), person.state()).amounts.relativeAccount;
  const paymentId = `FAM-${i}`;
  if (ceiling === undefined && money(planned).greaterThan(0))
    spouse.push({
      type: 'FamilyAccountPayment',
      data: {
        paymentId,
        beneficiaryId: 'PP',
        relation: 'spouse',
        purpose: 'relative_self_pay',
        amount: planned,
        settlementId: `S${i}`,
        reference: 'x',
        paidOn: date(v.day),
        clause: 'x',
      },
    });
  const payment = money(planned).greaterThan(0) ? { holderId: 'SP', paymentId, amount: planned } : undefined;
  person.push(...settleVisit(command(planned, payment), person.state()));
  return planned;
}

/** Person-side money per settlement: + paid or owed by the person, − given back or owed to the person. */
function personSideMoney(person: PersonHistory, spouse: PersonHistory): Record<string, Dec> {
  const out: Record<string, Dec> = {};
  const add = (id: string, d: Dec) => (out[id] = (out[id] ?? ZERO).plus(d));
  for (const e of person.events) {
    const d = e.data as any;
    if (e.type === 'VisitSettled') add(d.settlementId, money(d.decision.amounts.cash).plus(money(d.decision.amounts.relativeAccount)));
    if (e.type === 'ReceivableRecorded') add(d.settlementId, d.owedTo === 'fund' ? money(d.amount) : money(d.amount).negated());
  }
  for (const e of spouse.events) {
    const d = e.data as any;
    if (e.type === 'RelativeAccountRecovered') add(d.settlementId, money(d.amount));
    if (e.type === 'RelativeAccountRefunded') add(d.settlementId, money(d.amount).negated());
  }
  return out;
}

const netShares = (person: PersonHistory) => {
  const out: Record<string, { fund: string; relativeAccount: string; cash: string }> = {};
  for (const e of person.events) {
    const d = e.data as any;
    if (e.type === 'VisitSettled' || e.type === 'SettlementAdjusted') {
      const { fund, relativeAccount, cash } = d.decision.amounts;
      out[d.settlementId] = { fund, relativeAccount, cash };
    }
  }
  return out;
};

it("relative's account: never negative; net = fresh adjudication; person-side money adds up to the net share", () => {
  const seen = { RelativeAccountRefunded: 0, RelativeAccountRecovered: 0 };
  fc.assert(
    fc.property(
      fc.uniqueArray(visitArb, { minLength: 1, maxLength: 6, selector: (v) => v.day }).map((vs) => [...vs].sort((a, b) => a.day - b.day)),
      fc.array(stepArb, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 0, max: 300_000 }),
      (visits: Visit[], steps: Step[], creditCents) => {
        const spouse = new PersonHistory('SP').credit('2023-01', (creditCents / 100).toFixed(2));
        const person = new PersonHistory('PP');
        const ceilings = visits.map((v, i) => settleFromSpouse(person, spouse, i, v, 'level2'));
        const categories: Array<{ category: 'retired' | 'in_service'; from: string }> = [];
        const levels: Array<{ level: InstitutionLevel; from: string }> = [];
        const lines: Record<number, { amount: string; outside: string }> = {};
        steps.forEach((s, k) => {
          if (s.kind === 'spend') {
            const balance = money(spouse.state().account.balance);
            const amount = fmt(s.cents === Infinity ? balance : Dec.min(balance, money((s.cents / 100).toFixed(2))));
            if (money(amount).greaterThan(0)) spouse.purchase(`PAY-${k}`, amount, '2024-01-02');
            return;
          }
          let spec: PersonCorrectionSpec;
          if (s.kind === 'category') {
            spec = { kind: 'person-category', personId: 'PP', category: s.category, from: date(s.day) };
            categories.push({ category: s.category, from: date(s.day) });
          } else if (s.kind === 'level') {
            spec = { kind: 'institution-level', institutionCode: 'NY-A', level: s.level, from: date(s.day) };
            levels.push({ level: s.level, from: date(s.day) });
          } else {
            const i = s.visit % visits.length;
            spec = { kind: 'settlement-lines', personId: 'PP', settlementId: `S${i}`, lines: linesOf(s.amount, s.outside) };
            lines[i] = { amount: s.amount, outside: s.outside };
          }
          const ctx = { correctionId: `C${k}`, at: '2024-06-01T10:00:00+08:00' };
          const plan = planPersonCorrection('PP', person.events, spec, catalog, ctx, new Map([['SP', spouse.events]]));
          for (const part of plan.holders) spouse.push(...part.events);
          for (const e of plan.holders.flatMap((p) => p.events)) seen[e.type]++;
          person.push(...plan.events);
          expect(money(spouse.state().account.balance).isNegative()).toBe(false);
          for (const p of Object.values(spouse.state().account.familyPayments)) expect(money(p.outstanding).isNegative()).toBe(false);
        });

        const fresh = new PersonHistory('PP');
        for (const c of categories)
          fresh.push({
            type: 'PersonCategoryCorrected',
            data: { correctionId: 'x', category: c.category, from: c.from, correctedAt: 'x' },
          });
        const freshSpouse = new PersonHistory('SP2');
        visits.forEach((v, i) => {
          const level = levels.filter((l) => date(v.day) >= l.from).pop()?.level ?? 'level2';
          settleFromSpouse(fresh, freshSpouse, i, { ...v, ...lines[i] }, level, ceilings[i]);
        });
        const net = netShares(person);
        expect(net).toEqual(netShares(fresh));
        const moved = personSideMoney(person, spouse);
        for (const [id, share] of Object.entries(net))
          expect([id, fmt(moved[id])]).toEqual([id, fmt(money(share.cash).plus(money(share.relativeAccount)))]);
      },
    ),
    { numRuns: 300 },
  );
  // The runs did move money on the spouse's account both ways (the property is not vacuous).
  expect(seen.RelativeAccountRefunded).toBeGreaterThan(0);
  expect(seen.RelativeAccountRecovered).toBeGreaterThan(0);
});
