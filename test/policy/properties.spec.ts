/** Invariants of the engine over generated visits (fast-check, ≥ 1,000 runs each). */
import fc from 'fast-check';
import { Dec, toFen } from '../../src/kernel/money';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { AdjudicationInput, BillLine, CostKind, Decision, InstitutionLevel, MedType, YearToDate } from '../../src/policy/engine/types';
import { SCHEME_CATEGORIES, type CityPack } from '../../src/policy/pack.types';
import { cityPack } from './helpers';
import { inCanonicalOrder } from '../../src/policy/canonical-json';
import { referenceCanonicalJson } from '../audit/support/canonical-json.reference';

const RUNS = 1000;
const PACKS: Array<{ id: string; year: number; firstDay: string }> = [
  { id: 'nanyang-employee-2022', year: 2023, firstDay: '2023-01-01' },
  { id: 'anyang-resident-2020', year: 2020, firstDay: '2020-01-01' },
  { id: 'jiaozuo-employee-2024', year: 2024, firstDay: '2024-08-01' },
  { id: 'gansu-lanzhou-2023', year: 2023, firstDay: '2023-01-01' },
];
const LEVELS: InstitutionLevel[] = ['village', 'township', 'level1', 'level2', 'level3', 'unrated'];
const COST_KINDS: CostKind[] = [
  'medical',
  'medical',
  'medical',
  'health_checkup',
  'work_injury',
  'third_party',
  'public_health',
  'fitness_wellness',
];
const MED_TYPES: MedType[] = ['ordinary', 'ordinary', 'emergency', 'chronic'];

const fen = (max: number) => fc.integer({ min: 1, max }).map((n) => new Dec(n).div(100).toFixed(2));
const fenOrZero = (max: number) => fc.integer({ min: 0, max }).map((n) => new Dec(n).div(100).toFixed(2));

const lineArb: fc.Arbitrary<BillLine> = fc.record({
  code: fc.stringMatching(/^[A-Z]{1,3}\d{0,3}$/),
  amount: fen(300_000),
  inCatalogue: fc.boolean(),
  costKind: fc.constantFrom(...COST_KINDS),
});

/** One visit's varying facts; the person's year and pack are fixed by the caller. */
const visitFacts = fc.record({
  minuteOfYear: fc.integer({ min: 0, max: 150 * 24 * 60 }),
  settleDelayMinutes: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  level: fc.constantFrom(...LEVELS),
  institutionCode: fc.constantFrom('H1', 'H2', 'H3'),
  designated: fc.constantFrom(true, true, true, false),
  countyDesignated: fc.boolean(),
  referral: fc.boolean(),
  pharmacy: fc.constantFrom(false, false, false, true),
  offSite: fc.constantFrom(false, false, true),
  directSettlement: fc.boolean(),
  medType: fc.constantFrom(...MED_TYPES),
  prescriptionDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
  accountSource: fc.constantFrom('none', 'own', 'relative') as fc.Arbitrary<'none' | 'own' | 'relative'>,
  balance: fenOrZero(100_000),
  relation: fc.constantFrom('spouse', 'parent', 'child', 'sibling', 'other') as fc.Arbitrary<
    'spouse' | 'parent' | 'child' | 'sibling' | 'other'
  >,
});
type VisitFacts = typeof visitFacts extends fc.Arbitrary<infer T> ? T : never;

const personFacts = fc.record({
  packIndex: fc.integer({ min: 0, max: PACKS.length - 1 }),
  categoryIndex: fc.integer({ min: 0, max: 1 }),
  switchMonth: fc.option(fc.integer({ min: 2, max: 12 }), { nil: undefined }),
  registered: fc.boolean(),
  inpatientDay: fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
});
type PersonSpec = typeof personFacts extends fc.Arbitrary<infer T> ? T : never;

function addMinutes(day: string, minutes: number): string {
  const ms = Date.parse(`${day}T00:00:00+08:00`) + minutes * 60_000;
  const local = new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

function buildInput(p: PersonSpec, v: VisitFacts, ytd: YearToDate, visitId: string): { input: AdjudicationInput; pack: CityPack } {
  const spec = PACKS[p.packIndex];
  const pack = cityPack(spec.id);
  const cats = SCHEME_CATEGORIES[pack.scheme];
  const first = cats[p.categoryIndex];
  const timeline = [{ from: '2000-01-01', category: first }];
  if (p.switchMonth !== undefined)
    timeline.push({ from: `${spec.year}-${String(p.switchMonth).padStart(2, '0')}-01`, category: cats[1 - p.categoryIndex] });
  const occurredAt = addMinutes(spec.firstDay, v.minuteOfYear);
  const inpatient =
    p.inpatientDay === undefined
      ? []
      : [
          {
            from: addMinutes(spec.firstDay, p.inpatientDay * 1440).slice(0, 10),
            to: addMinutes(spec.firstDay, (p.inpatientDay + 2) * 1440).slice(0, 10),
          },
        ];
  return {
    pack,
    input: {
      visit: {
        visitId,
        occurredAt,
        settledAt: addMinutes(spec.firstDay, v.minuteOfYear + v.settleDelayMinutes),
        institution: {
          code: v.institutionCode,
          level: v.level,
          region: v.offSite ? 'elsewhere' : pack.region,
          designated: v.designated,
          countyDesignated: v.countyDesignated,
          pharmacy: v.pharmacy,
        },
        medType: v.medType,
        lines: v.lines,
        ...(v.prescriptionDays === undefined ? {} : { prescriptionDays: v.prescriptionDays }),
        offSite: v.offSite,
        directSettlement: v.directSettlement,
        referral: v.referral,
      },
      person: {
        personId: 'p',
        scheme: pack.scheme,
        region: pack.region,
        enrollments: [{ from: '2000-01-01' }],
        categoryTimeline: timeline,
        inpatientStays: inpatient,
        offSiteRegistrations: p.registered ? [{ from: '2000-01-01' }] : [],
        firstContactInstitutions: {},
      },
      yearToDate: ytd,
      account: { source: v.accountSource, balance: v.balance, holderId: 'h', relation: v.relation },
    },
  };
}

const ytdArb = (year: number) =>
  fc
    .record({ fundPaid: fenOrZero(300_000), deductibleMet: fenOrZero(40_000) })
    .map((x): YearToDate => ({ year, fundPaid: x.fundPaid, deductibleMet: x.deductibleMet, deductibleCharges: [] }));

const oneVisit = personFacts.chain((p) =>
  fc.tuple(fc.constant(p), visitFacts, ytdArb(PACKS[p.packIndex].year)).map(([person, visit, ytd]) => buildInput(person, visit, ytd, 'v1')),
);

const d = (s: string) => new Dec(s);
const AMOUNT_KEYS = [
  'total',
  'excluded',
  'policyScope',
  'deductible',
  'fundBeforeCap',
  'capAnnual',
  'capRemainingBefore',
  'fund',
  'capRemainingAfter',
  'account',
  'relativeAccount',
  'cash',
] as const;

describe('adjudication invariants', () => {
  // Issue 10: the engine builds every decision object in canonical key order, so sealing a
  // settlement stores the decision as built (uncopied); its text is the reference canonical JSON.
  test('a decision is built in canonical key order: sealing keeps it uncopied, its text is the canonical JSON', () => {
    fc.assert(
      fc.property(oneVisit, ({ input, pack }) => {
        const r = adjudicate(input, pack);
        expect(inCanonicalOrder(r)).toBe(r);
        expect(JSON.stringify(r)).toBe(referenceCanonicalJson(r));
      }),
      { numRuns: RUNS },
    );
  });

  test('the parts add up exactly to the total, and the national identities hold', () => {
    fc.assert(
      fc.property(oneVisit, ({ input, pack }) => {
        const r = adjudicate(input, pack);
        const a = r.amounts;
        const lineSum = input.visit.lines.reduce((s, l) => s.plus(l.amount), new Dec(0));
        expect(d(a.total).equals(lineSum)).toBe(true);
        expect(d(a.fund).plus(a.account).plus(a.relativeAccount).plus(a.cash).equals(a.total)).toBe(true);
        expect(d(a.excluded).plus(a.policyScope).equals(a.total)).toBe(true);
        const n = r.national;
        expect(d(n.medfee_sumamt).equals(d(n.fund_pay_sumamt).plus(n.psn_part_amt))).toBe(true);
        expect(d(n.psn_part_amt).equals(d(n.acct_pay).plus(n.acct_mulaid_pay).plus(n.psn_cash_pay))).toBe(true);
        expect(
          d(n.inscp_scp_amt).equals(d(n.medfee_sumamt).minus(n.fulamt_ownpay_amt).minus(n.overlmt_selfpay).minus(n.preselfpay_amt)),
        ).toBe(true);
        expect(n.fund_pay_sumamt).toBe(n.hifp_pay);
        expect(n.hifp_pay).toBe(a.fund);
        for (const v of [...Object.values(a).filter((x) => x !== a.rate), ...Object.values(n)]) expect(v).toMatch(/^\d+\.\d\d$/);
      }),
      { numRuns: RUNS },
    );
  });

  test('the fund never exceeds what is left of the cap, nor (policy scope − deductible) × rate', () => {
    fc.assert(
      fc.property(oneVisit, ({ input, pack }) => {
        const a = adjudicate(input, pack).amounts;
        expect(d(a.fund).lessThanOrEqualTo(a.capRemainingBefore)).toBe(true);
        const exact = d(a.policyScope).minus(a.deductible).times(a.rate);
        expect(d(a.fund).lessThanOrEqualTo(toFen(exact))).toBe(true);
        expect(d(a.fund).minus(exact).lessThanOrEqualTo('0.005')).toBe(true); // only the one half-up rounding
        expect(d(a.deductible).lessThanOrEqualTo(a.policyScope)).toBe(true);
        expect(d(a.capRemainingBefore).equals(Dec.max(0, d(a.capAnnual).minus(input.yearToDate.fundPaid)))).toBe(true);
        expect(d(a.capRemainingAfter).equals(d(a.capRemainingBefore).minus(a.fund))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('nothing is negative; an ineligible visit gets no fund and no deductible', () => {
    const seen = { eligible: 0, capped: 0, account: 0 };
    fc.assert(
      fc.property(oneVisit, ({ input, pack }) => {
        const r = adjudicate(input, pack);
        for (const key of AMOUNT_KEYS) expect(d(r.amounts[key]).isNegative()).toBe(false);
        expect(d(r.amounts.rate).isNegative()).toBe(false);
        if (!r.eligible) {
          expect(r.amounts.fund).toBe('0.00');
          expect(r.amounts.deductible).toBe('0.00');
          expect(r.reasons.length).toBeGreaterThan(0);
        }
        const balance = d(input.account.balance);
        expect(d(r.amounts.account).plus(r.amounts.relativeAccount).lessThanOrEqualTo(balance)).toBe(true);
        if (input.account.source !== 'own') expect(r.amounts.account).toBe('0.00');
        if (input.account.source !== 'relative') expect(r.amounts.relativeAccount).toBe('0.00');
        if (r.eligible) seen.eligible++;
        if (r.reasons.some((x) => x.code === 'CAP_REACHED')) seen.capped++;
        if (d(r.amounts.account).plus(r.amounts.relativeAccount).greaterThan(0)) seen.account++;
      }),
      { numRuns: RUNS },
    );
    // The generator must reach the interesting branches, or the invariants prove little.
    expect(seen.eligible).toBeGreaterThan(RUNS / 20);
    expect(seen.capped).toBeGreaterThan(RUNS / 100);
    expect(seen.account).toBeGreaterThan(RUNS / 20);
  });

  test('same input → byte-identical decision', () => {
    fc.assert(
      fc.property(oneVisit, ({ input, pack }) => {
        const a = JSON.stringify(adjudicate(input, pack));
        const b = JSON.stringify(adjudicate(JSON.parse(JSON.stringify(input)), pack));
        expect(b).toBe(a);
      }),
      { numRuns: RUNS },
    );
  });

  test('a later visit never changes an earlier decision (threaded year, prefix re-adjudicated)', () => {
    const sequence = personFacts.chain((p) =>
      fc.tuple(fc.constant(p), fc.array(visitFacts, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 12 })),
    );
    fc.assert(
      fc.property(sequence, ([person, visits, cut]) => {
        const ordered = [...visits].sort((x, y) => x.minuteOfYear - y.minuteOfYear);
        const year = PACKS[person.packIndex].year;
        const run = (vs: VisitFacts[]): Decision[] => {
          let ytd: YearToDate = { year, fundPaid: '0.00', deductibleMet: '0.00', deductibleCharges: [] };
          return vs.map((v, i) => {
            const { input, pack } = buildInput(person, v, ytd, `v${i}`);
            const r = adjudicate(input, pack);
            ytd = {
              year,
              fundPaid: d(ytd.fundPaid).plus(r.amounts.fund).toFixed(2),
              deductibleMet:
                pack.benefit.deductible.value.mode === 'annual'
                  ? d(ytd.deductibleMet).plus(r.amounts.deductible).toFixed(2)
                  : ytd.deductibleMet,
              deductibleCharges: r.deductibleCharged
                ? [
                    ...ytd.deductibleCharges,
                    { institutionCode: input.visit.institution.code, at: input.visit.occurredAt, visitId: r.visitId },
                  ]
                : ytd.deductibleCharges,
            };
            return r;
          });
        };
        const full = run(ordered);
        const prefix = run(ordered.slice(0, Math.min(cut, ordered.length)));
        prefix.forEach((r, i) => expect(JSON.stringify(r)).toBe(JSON.stringify(full[i])));
        // The year's fund stays within the largest cap among the categories the person held.
        const pack = cityPack(PACKS[person.packIndex].id);
        const caps = Object.values(pack.benefit.annualCaps.value).map((c) => d(c as string));
        const paid = full.reduce((s, r) => s.plus(r.amounts.fund), new Dec(0));
        expect(paid.lessThanOrEqualTo(Dec.max(...caps))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
