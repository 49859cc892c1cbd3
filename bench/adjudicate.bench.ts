/**
 * Decisions per second of the adjudication engine, in-process, over a mixed year of visits
 * (Nanyang, Anyang, Jiaozuo and the test-only Lanzhou pack; every level; in-service, retired,
 * resident, student; own / relative / no account), each person's year threaded through
 * yearToDate as the ledger does. Printed beside a baseline from the same run: the same loop
 * doing only the decimal arithmetic of the fund payment. Run: npm run bench:adjudicate
 * Options (env): BENCH_PERSONS (default 2000), BENCH_VISITS (visits per person, default 12), BENCH_ROUNDS (5).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Dec, min, money, toFen, ZERO } from '../src/kernel/money';
import { PolicyCatalog } from '../src/policy/catalog';
import { adjudicate } from '../src/policy/engine/adjudicate';
import type { AdjudicationInput, BillLine, Decision, InstitutionLevel, YearToDate } from '../src/policy/engine/types';
import { SCHEME_CATEGORIES, type CityPack } from '../src/policy/pack.types';

const root = path.resolve(__dirname, '..');
const readJson = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
const catalog = PolicyCatalog.load(readJson('config/deployment-policy.json'), {
  extraPacks: [readJson('test/policy/fixtures/gansu-lanzhou-2023.json')],
});

const PERSONS = Number(process.env.BENCH_PERSONS ?? 2000);
const VISITS = Number(process.env.BENCH_VISITS ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** mulberry32: a seeded generator, so every run adjudicates the same year. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20240801);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const fenString = (maxFen: number) => new Dec(1 + Math.floor(rand() * maxFen)).div(100).toFixed(2);

const YEARS: Record<string, { year: number; firstDay: string; days: number; levels: InstitutionLevel[] }> = {
  'nanyang-employee-2022': { year: 2023, firstDay: '2023-01-01', days: 360, levels: ['village', 'township', 'level1', 'level2', 'level3'] },
  'anyang-resident-2020': {
    year: 2020,
    firstDay: '2020-01-01',
    days: 360,
    levels: ['village', 'township', 'village', 'township', 'level2'],
  },
  'jiaozuo-employee-2024': { year: 2024, firstDay: '2024-08-01', days: 150, levels: ['township', 'level1', 'level2', 'level3'] },
  'gansu-lanzhou-2023': { year: 2023, firstDay: '2023-01-01', days: 360, levels: ['village', 'level1', 'level2', 'level3'] },
};

interface PersonYear {
  pack: CityPack;
  year: number;
  visits: AdjudicationInput[];
}

function instant(firstDay: string, minutes: number): string {
  const ms = Date.parse(`${firstDay}T00:00:00+08:00`) + minutes * 60_000;
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

function makePerson(i: number): PersonYear {
  const packId = Object.keys(YEARS)[i % 4];
  const spec = YEARS[packId];
  const pack = catalog.byId(packId) as CityPack;
  const cats = SCHEME_CATEGORIES[pack.scheme];
  const timeline = [{ from: '2000-01-01', category: pick(cats) }];
  if (rand() < 0.1)
    timeline.push({
      from: `${spec.year}-${String(2 + Math.floor(rand() * 10)).padStart(2, '0')}-01`,
      category: cats[1 - cats.indexOf(timeline[0].category)],
    });
  const minutes = Array.from({ length: VISITS }, () => Math.floor(rand() * spec.days * 1440)).sort((a, b) => a - b);
  const visits = minutes.map((m, k): AdjudicationInput => {
    const lines: BillLine[] = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, n) => ({
      code: `L${n}`,
      amount: fenString(40_000),
      inCatalogue: rand() < 0.85,
      costKind: rand() < 0.05 ? pick(['health_checkup', 'public_health', 'fitness_wellness'] as const) : 'medical',
    }));
    const source = pick(['none', 'own', 'own', 'relative'] as const);
    const level = pick(spec.levels);
    const code = pick(['H1', 'H2', 'H3']);
    const occurredAt = instant(spec.firstDay, m);
    // 70 % of visits come with a referral recorded in the stream for that institution and day (issue 16.1).
    const day = occurredAt.slice(0, 10);
    const referrals =
      rand() < 0.7
        ? [{ referralId: `r${i}-${k}`, referredOn: day, validUntil: day, fromInstitution: 'P0', toInstitution: code, revision: k }]
        : [];
    return {
      visit: {
        visitId: `p${i}-v${k}`,
        occurredAt,
        settledAt: instant(spec.firstDay, m + 30),
        institution: { code, level, region: pack.region, designated: rand() < 0.97, countyDesignated: true },
        medType: pick(['ordinary', 'ordinary', 'emergency'] as const),
        lines,
        prescriptionDays: 1 + Math.floor(rand() * 10),
      },
      person: {
        personId: `p${i}`,
        scheme: pack.scheme,
        region: pack.region,
        enrollments: [{ from: '2000-01-01' }],
        categoryTimeline: timeline,
        inpatientStays: [],
        offSiteRegistrations: [],
        firstContactInstitutions: {},
        referrals,
      },
      yearToDate: { year: spec.year, fundPaid: '0.00', deductibleMet: '0.00', deductibleCharges: [] },
      account: { source, balance: fenString(80_000), holderId: 'h', relation: pick(['spouse', 'child', 'sibling'] as const) },
    };
  });
  return { pack, year: spec.year, visits };
}

const people = Array.from({ length: PERSONS }, (_, i) => makePerson(i));
const totalVisits = PERSONS * VISITS;

/** The ledger's loop: each visit adjudicated with the year so far, the year updated from the decision. */
function engineRound(): { decisions: number; fund: Dec } {
  let fund = ZERO;
  for (const person of people) {
    let ytd: YearToDate = { year: person.year, fundPaid: '0.00', deductibleMet: '0.00', deductibleCharges: [] };
    const annual = person.pack.benefit.deductible.value.mode === 'annual';
    for (const v of person.visits) {
      const d: Decision = adjudicate({ ...v, yearToDate: ytd }, person.pack);
      fund = fund.plus(d.amounts.fund);
      ytd = {
        year: ytd.year,
        fundPaid: money(ytd.fundPaid).plus(d.amounts.fund).toFixed(2),
        deductibleMet: annual ? money(ytd.deductibleMet).plus(d.amounts.deductible).toFixed(2) : ytd.deductibleMet,
        deductibleCharges: d.deductibleCharged
          ? [...ytd.deductibleCharges, { institutionCode: v.visit.institution.code, at: v.visit.occurredAt, visitId: v.visit.visitId }]
          : ytd.deductibleCharges,
      };
    }
  }
  return { decisions: totalVisits, fund };
}

/** Baseline: only the fund payment's decimal arithmetic, with the same threading of the year's total. */
const baselineInputs = people.map((person) => ({
  cap: person.pack.benefit.annualCaps.value[person.visits[0].person.categoryTimeline[0].category] ?? '0',
  visits: person.visits.map((v) => {
    const ded = person.pack.benefit.deductible.value;
    const level = v.visit.institution.level;
    return {
      lines: v.visit.lines.filter((l) => l.inCatalogue && (l.costKind ?? 'medical') === 'medical').map((l) => l.amount),
      deductible: ded.mode === 'per_visit' ? (ded.byLevel[level] ?? '0') : ded.mode === 'none' ? '0' : ded.amount,
      rate: person.pack.benefit.rates.value[v.person.categoryTimeline[0].category]?.[level] ?? '0',
    };
  }),
}));

function baselineRound(): { decisions: number; fund: Dec } {
  let fund = ZERO;
  for (const person of baselineInputs) {
    let paid = ZERO;
    const cap = money(person.cap);
    for (const v of person.visits) {
      let scope = ZERO;
      for (const l of v.lines) scope = scope.plus(money(l));
      const base = Dec.max(ZERO, scope.minus(money(v.deductible)));
      const f = min(toFen(base.times(new Dec(v.rate))), Dec.max(ZERO, cap.minus(paid)));
      paid = paid.plus(f);
      fund = fund.plus(f);
    }
  }
  return { decisions: totalVisits, fund };
}

function measure(round: () => { decisions: number; fund: Dec }): { perSecond: number[]; fund: string } {
  round(); // warm-up
  const perSecond: number[] = [];
  let fund = '';
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    const out = round();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    perSecond.push(out.decisions / seconds);
    fund = out.fund.toFixed(2);
  }
  return { perSecond, fund };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtRate = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`;

const engine = measure(engineRound);
const baseline = measure(baselineRound);
const e = median(engine.perSecond);
const b = median(baseline.perSecond);
console.log(
  `adjudicate bench — node ${process.version}, ${PERSONS} persons × ${VISITS} visits = ${totalVisits} decisions per round, ${ROUNDS} rounds (median)`,
);
console.log(`  packs: ${Object.keys(YEARS).join(', ')}`);
console.log(`  engine   (full decision + trace + national fields): ${fmtRate(e)}   rounds: ${engine.perSecond.map(fmtRate).join(' ')}`);
console.log(`  baseline (fund-payment decimal arithmetic only):    ${fmtRate(b)}   rounds: ${baseline.perSecond.map(fmtRate).join(' ')}`);
console.log(`  ratio baseline/engine: ${(b / e).toFixed(1)}×  (engine ${((e / b) * 100).toFixed(1)}% of baseline speed)`);
console.log(
  `  checksum: engine fund total ${engine.fund}; baseline fund total ${baseline.fund} (baseline ignores eligibility, windows and category switches, so they differ)`,
);
