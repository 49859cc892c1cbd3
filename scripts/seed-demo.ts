/**
 * `npm run seed:demo [-- --db ./data/ledger.db]` (default LEDGER_DB, else ./data/ledger.db; the file must hold no events yet): writes a realistic demo ledger through the
 * same HTTP commands the API serves (the Nest app booted in-process): institutions, a few
 * dozen persons across the Nanyang (宛政办〔2022〕42号, from 2022-07-01), Anyang
 * (安医保〔2019〕75号, 2020 only) and Jiaozuo (焦医保〔2024〕32号, from 2024-08-01) packs —
 * in-service, retired, one retiring mid-year, residents, a student, a family using one
 * account, an inpatient stay, a reversal — over two years each where the pack allows.
 * Deterministic: the same run writes the same events (seeded PRNG, counter ids, simulated clock).
 */
import { LedgerClient, startLedger } from './ledger-client';
import { parseCommandLine } from '../src/config/command-line';
import { POLICY_ARCHIVE_STREAM } from '../src/policy/policy-archive';

/** mulberry32: a small seeded PRNG, so the demo is the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Person {
  id: string;
  scheme: 'employee' | 'resident';
  category: 'in_service' | 'retired' | 'resident' | 'student';
  region: 'nanyang' | 'anyang' | 'jiaozuo';
  enrolledOn: string;
  contributionBase?: string;
  relatives?: Array<{ personId: string; relation: 'spouse' | 'parent' | 'child' }>;
}

export interface SeedSummary {
  institutions: number;
  persons: number;
  settlements: number;
  reversals: number;
  credits: number;
  personIds: string[];
  /** Person-years that have settlements: what replay should cover. */
  personYears: Array<{ personId: string; year: number }>;
}

const INSTITUTIONS = [
  {
    code: 'NY-C01',
    name: '南阳市卧龙区社区卫生服务中心',
    category: 'community_health_centre',
    level: 'level1',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  },
  {
    code: 'NY-H2',
    name: '南阳市第二人民医院',
    category: 'county_general',
    level: 'level2',
    location: 'county',
    region: 'nanyang',
    designations: ['employee'],
  },
  {
    code: 'NY-H3',
    name: '南阳市中心医院',
    category: 'city_level3_general',
    level: 'level3',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  },
  {
    code: 'AY-T01',
    name: '安阳县某乡卫生院',
    category: 'township_health_centre',
    level: 'township',
    location: 'township',
    region: 'anyang',
    designations: ['resident'],
  },
  {
    code: 'AY-V01',
    name: '安阳县某村卫生室',
    category: 'village_clinic',
    level: 'village',
    location: 'village',
    region: 'anyang',
    designations: ['resident'],
  },
  {
    code: 'AY-H2',
    name: '安阳县人民医院',
    category: 'county_general',
    level: 'level2',
    location: 'county',
    region: 'anyang',
    designations: ['resident'],
    countyDesignated: true,
  },
  {
    code: 'JZ-C01',
    name: '焦作市解放区社区卫生服务中心',
    category: 'community_health_centre',
    level: 'level1',
    location: 'city',
    region: 'jiaozuo',
    designations: ['employee'],
  },
  {
    code: 'JZ-H2',
    name: '修武县人民医院',
    category: 'county_general',
    level: 'level2',
    location: 'county',
    region: 'jiaozuo',
    designations: ['employee'],
  },
  {
    code: 'JZ-H3',
    name: '焦作市人民医院',
    category: 'city_level3_general',
    level: 'level3',
    location: 'city',
    region: 'jiaozuo',
    designations: ['employee'],
  },
];

const BY_REGION: Record<Person['region'], string[]> = {
  nanyang: ['NY-C01', 'NY-H2', 'NY-H3'],
  anyang: ['AY-T01', 'AY-V01', 'AY-H2'],
  jiaozuo: ['JZ-C01', 'JZ-H2', 'JZ-H3'],
};

/** Months (YYYY-MM) a region's pack covers in the demo: two years each where the pack allows. */
const PERIODS: Record<Person['region'], { from: string; to: string }> = {
  nanyang: { from: '2022-07', to: '2023-12' },
  anyang: { from: '2020-01', to: '2020-12' },
  jiaozuo: { from: '2024-08', to: '2025-12' },
};

function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

function persons(): Person[] {
  const out: Person[] = [];
  const base = (i: number): string => `${4000 + i * 350}.00`;
  for (let i = 1; i <= 8; i++)
    out.push({
      id: `NY-P${String(i).padStart(2, '0')}`,
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2022-07-01',
      contributionBase: base(i),
    });
  for (let i = 1; i <= 4; i++)
    out.push({
      id: `NY-R${String(i).padStart(2, '0')}`,
      scheme: 'employee',
      category: 'retired',
      region: 'nanyang',
      enrolledOn: '2022-07-01',
    });
  out.push({
    id: 'NY-X01',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2022-07-01',
    contributionBase: '6200.00',
  });
  // A family: the holder's account pays the spouse's and the child's self-pay (第九条（二）).
  out.push({
    id: 'NY-F01',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2022-07-01',
    contributionBase: '9000.00',
    relatives: [
      { personId: 'NY-F02', relation: 'spouse' },
      { personId: 'NY-F03', relation: 'child' },
    ],
  });
  out.push({
    id: 'NY-F02',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2022-07-01',
    contributionBase: '3000.00',
  });
  out.push({
    id: 'NY-F03',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2022-07-01',
    contributionBase: '2500.00',
  });
  for (let i = 1; i <= 8; i++)
    out.push({
      id: `AY-${String(i).padStart(2, '0')}`,
      scheme: 'resident',
      category: 'resident',
      region: 'anyang',
      enrolledOn: '2020-01-01',
    });
  out.push({ id: 'AY-S01', scheme: 'resident', category: 'student', region: 'anyang', enrolledOn: '2020-01-01' });
  for (let i = 1; i <= 6; i++)
    out.push({
      id: `JZ-P${String(i).padStart(2, '0')}`,
      scheme: 'employee',
      category: 'in_service',
      region: 'jiaozuo',
      enrolledOn: '2024-08-01',
      contributionBase: base(i),
    });
  for (let i = 1; i <= 2; i++)
    out.push({
      id: `JZ-R${String(i).padStart(2, '0')}`,
      scheme: 'employee',
      category: 'retired',
      region: 'jiaozuo',
      enrolledOn: '2024-08-01',
    });
  out.push({
    id: 'JZ-X01',
    scheme: 'employee',
    category: 'in_service',
    region: 'jiaozuo',
    enrolledOn: '2024-08-01',
    contributionBase: '5600.00',
  });
  return out;
}

/** Builds 'yuan.fen' from whole numbers: no floating-point money. */
function amount(rnd: () => number, minYuan: number, maxYuan: number): string {
  const yuan = minYuan + Math.floor(rnd() * (maxYuan - minYuan + 1));
  const fen = Math.floor(rnd() * 100);
  return `${yuan}.${String(fen).padStart(2, '0')}`;
}

const at = (date: string, hh: number): string => `${date}T${String(hh).padStart(2, '0')}:${hh % 2 ? '15' : '40'}:00+08:00`;

export async function seedDemo(ledger: LedgerClient, options: { seed?: number } = {}): Promise<SeedSummary> {
  const rnd = prng(options.seed ?? 20240801);
  const summary: SeedSummary = { institutions: 0, persons: 0, settlements: 0, reversals: 0, credits: 0, personIds: [], personYears: [] };
  const years = new Set<string>();
  ledger.clock.set('2020-01-01T08:00:00+08:00');
  for (const inst of INSTITUTIONS) {
    await ledger.must('/institutions', inst);
    summary.institutions += 1;
  }
  const people = persons();
  for (const p of people) {
    ledger.clock.set(at(p.enrolledOn, 9));
    await ledger.must('/persons', {
      personId: p.id,
      scheme: p.scheme,
      category: p.category,
      region: p.region,
      enrolledOn: p.enrolledOn,
      ...(p.contributionBase ? { contributionBase: p.contributionBase } : {}),
      relatives: p.relatives ?? [],
    });
    summary.persons += 1;
    summary.personIds.push(p.id);
  }

  // A timeline of dated actions for everyone, run in date order so the simulated clock only moves forward.
  type Action = { when: string; run: () => Promise<void> };
  const actions: Action[] = [];
  let visitNo = 0;
  for (const p of people) {
    const period = PERIODS[p.region];
    const ms = months(period.from, period.to);
    // Personal-account credits (宛政办〔2022〕42号 第八条): Nanyang only (Anyang stopped crediting in 2020, the Jiaozuo pack has no account rules).
    if (p.region === 'nanyang') {
      for (const month of ms) {
        actions.push({
          when: at(`${month}-01`, 6),
          run: async () => {
            await ledger.must(`/persons/${p.id}/account/credits`, { month });
            summary.credits += 1;
          },
        });
      }
    }
    const isHeavy = p.id === 'NY-R01' || p.id === 'JZ-R01';
    const perMonth = isHeavy ? 0.9 : p.region === 'anyang' ? 0.45 : 0.35;
    for (const month of ms) {
      if (rnd() > perMonth) continue;
      const day = 3 + Math.floor(rnd() * 24);
      const date = `${month}-${String(day).padStart(2, '0')}`;
      const inst = BY_REGION[p.region][Math.floor(rnd() * 3)];
      visitNo += 1;
      const n = visitNo;
      const lines = [
        {
          code: `DRUG-${n}`,
          name: '西药',
          amount: isHeavy ? amount(rnd, 600, 1400) : amount(rnd, 40, 380),
          inCatalogue: true,
          category: 'drug',
        },
        { code: `EXAM-${n}`, name: '检查', amount: amount(rnd, 10, 160), inCatalogue: true, category: 'examination' },
        ...(rnd() < 0.3 ? [{ code: `SELF-${n}`, name: '自费药品', amount: amount(rnd, 5, 90), inCatalogue: false, category: 'drug' }] : []),
      ];
      const useOwn = p.region === 'nanyang' && !p.id.startsWith('NY-F0') && rnd() < 0.5;
      const familyOf = p.id === 'NY-F02' || p.id === 'NY-F03' ? 'NY-F01' : undefined;
      const settlementId = `S-${p.id}-${String(n).padStart(4, '0')}`;
      const occurredAt = at(date, 9 + (n % 8));
      actions.push({
        when: occurredAt,
        run: async () => {
          await ledger.must(`/persons/${p.id}/visits`, {
            settlementId,
            visitId: `V-${p.id}-${String(n).padStart(4, '0')}`,
            institutionCode: inst,
            occurredAt,
            settledAt: occurredAt,
            medType: 'ordinary',
            lines,
            account: familyOf ? { source: 'relative', holderId: familyOf } : { source: useOwn ? 'own' : 'none' },
          });
          summary.settlements += 1;
          years.add(`${p.id}|${date.slice(0, 4)}`);
        },
      });
    }
  }

  // Retiring mid-year (第六条): processed 2023-06-15 → retired from 2023-07-01; Jiaozuo 2025-03-10 → 2025-04-01.
  actions.push({
    when: at('2023-06-15', 10),
    run: async () => void (await ledger.must('/persons/NY-X01/retirement', { processedOn: '2023-06-15' })),
  });
  actions.push({
    when: at('2025-03-10', 10),
    run: async () => void (await ledger.must('/persons/JZ-X01/retirement', { processedOn: '2025-03-10' })),
  });
  // The retiree-to-be visits a level-2 hospital each side of the switch (55% in service, 65% retired).
  for (const [date, id, region] of [
    ['2023-05-20', 'NY-X01', 'NY-H2'],
    ['2023-08-20', 'NY-X01', 'NY-H2'],
    ['2025-02-20', 'JZ-X01', 'JZ-H2'],
    ['2025-05-20', 'JZ-X01', 'JZ-H2'],
  ] as const) {
    const occurredAt = at(date, 10);
    actions.push({
      when: occurredAt,
      run: async () => {
        await ledger.must(`/persons/${id}/visits`, {
          settlementId: `S-${id}-${date}`,
          visitId: `V-${id}-${date}`,
          institutionCode: region,
          occurredAt,
          settledAt: occurredAt,
          medType: 'ordinary',
          lines: [{ code: 'DRUG-RX', amount: '430.00', inCatalogue: true, category: 'drug' }],
        });
        summary.settlements += 1;
        years.add(`${id}|${date.slice(0, 4)}`);
      },
    });
  }
  // An inpatient stay (安医保〔2019〕75号 二; 焦医保〔2024〕32号): no outpatient pooling on those days.
  actions.push({
    when: at('2020-05-10', 8),
    run: async () =>
      void (await ledger.must('/persons/AY-03/inpatient/admissions', { admittedOn: '2020-05-10', institutionCode: 'AY-H2' })),
  });
  actions.push({
    when: at('2020-05-14', 9),
    run: async () => {
      await ledger.must('/persons/AY-03/visits', {
        settlementId: 'S-AY-03-INPATIENT',
        visitId: 'V-AY-03-INPATIENT',
        institutionCode: 'AY-T01',
        occurredAt: at('2020-05-14', 9),
        settledAt: at('2020-05-14', 9),
        medType: 'ordinary',
        lines: [{ code: 'DRUG-IP', amount: '88.00', inCatalogue: true }],
      });
      summary.settlements += 1;
      years.add('AY-03|2020');
    },
  });
  actions.push({
    when: at('2020-05-20', 8),
    run: async () => void (await ledger.must('/persons/AY-03/inpatient/discharges', { dischargedOn: '2020-05-20' })),
  });
  // A reversal within the 30-day window (national 2208; 焦医保〔2024〕32号 一（一））.
  actions.push({
    when: at('2023-04-11', 9),
    run: async () => {
      await ledger.must('/persons/NY-P02/visits', {
        settlementId: 'S-NY-P02-REV',
        visitId: 'V-NY-P02-REV',
        institutionCode: 'NY-H3',
        occurredAt: at('2023-04-11', 9),
        settledAt: at('2023-04-11', 9),
        medType: 'ordinary',
        lines: [{ code: 'DRUG-REV', amount: '260.00', inCatalogue: true }],
        account: { source: 'own' },
      });
      summary.settlements += 1;
      years.add('NY-P02|2023');
    },
  });
  actions.push({
    when: at('2023-04-18', 15),
    run: async () => {
      await ledger.must('/persons/NY-P02/settlements/S-NY-P02-REV/reversal', { reason: 'billing error: duplicate submission' });
      summary.reversals += 1;
    },
  });

  actions.push(...alertRaisingVisits(ledger, summary, years));

  actions.sort((a, b) => Date.parse(a.when) - Date.parse(b.when));
  for (const a of actions) {
    ledger.clock.set(a.when);
    await a.run();
  }
  summary.personYears = [...years].sort().map((k) => ({ personId: k.split('|')[0], year: Number(k.split('|')[1]) }));
  return summary;
}

/** The demo's alerts, which the README's monitoring examples use. */
export const DEMO_ALERTS = {
  /** 24 examination-heavy visits at NY-H3 in November 2023: examination share 0.75 > 0.40 (宛政办〔2022〕42号 第二十二条（二）). */
  institution: { code: 'NY-H3', year: 2023, alertId: 'institution-NY-H3:examinationShare:2023-11' },
  /** NY-P03 at three institutions on 2023-11-21 (> 2 on one day, 焦医保〔2024〕32号 五（一）). */
  person: { personId: 'NY-P03', date: '2023-11-21' },
};

/** Visits that cross monitoring thresholds, so the demo shows an institution alert and a person alert. */
function alertRaisingVisits(
  ledger: LedgerClient,
  summary: SeedSummary,
  years: Set<string>,
): Array<{ when: string; run: () => Promise<void> }> {
  const visit = (personId: string, settlementId: string, institutionCode: string, occurredAt: string, lines: object[]) => ({
    when: occurredAt,
    run: async () => {
      await ledger.must(`/persons/${personId}/visits`, {
        settlementId,
        visitId: `V-${settlementId}`,
        institutionCode,
        occurredAt,
        settledAt: occurredAt,
        medType: 'ordinary',
        lines,
        account: { source: 'none' },
      });
      summary.settlements += 1;
      years.add(`${personId}|${occurredAt.slice(0, 4)}`);
    },
  });
  const out = [];
  for (let i = 0; i < 24; i++) {
    const personId = `NY-P${String((i % 8) + 1).padStart(2, '0')}`;
    const day = String(2 + i).padStart(2, '0');
    const lines = [
      { code: `EXAM-W${i}`, name: '检查', amount: '300.00', inCatalogue: true, category: 'examination' },
      { code: `DRUG-W${i}`, name: '西药', amount: '100.00', inCatalogue: true, category: 'drug' },
    ];
    out.push(visit(personId, `S-WARN-NY-H3-${String(i + 1).padStart(2, '0')}`, 'NY-H3', at(`2023-11-${day}`, 11), lines));
  }
  const { personId, date } = DEMO_ALERTS.person;
  for (const [hour, code] of [
    [8, 'NY-C01'],
    [12, 'NY-H2'],
    [15, 'NY-H3'],
  ] as const) {
    out.push(
      visit(personId, `S-WARN-${personId}-${code}`, code, at(date, hour), [
        { code: `DRUG-${code}`, name: '西药', amount: '60.00', inCatalogue: true, category: 'drug' },
      ]),
    );
  }
  return out;
}

/** Waits until the read side and the monitor have caught up and appended every alert. */
export async function monitoringSettled(ledger: LedgerClient): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = (await ledger.get('/monitoring/status', ledger.auditorKey)).body;
    if (status.lag === 0 && !status.pendingAlerts) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('seed:demo', 'npm run seed:demo [-- --db ./data/ledger.db]', { options: { db: { type: 'string' } } });
  const path = values.db ?? process.env.LEDGER_DB ?? './data/ledger.db';
  const ledger = await startLedger({ path });
  try {
    // The service archives its policy packs at start; any other event means the ledger holds facts.
    const facts = (await ledger.store.readAll({ maxCount: 1000 })).some((e) => e.streamId !== POLICY_ARCHIVE_STREAM);
    if (facts) throw new Error(`${path} already holds ledger events: seed an empty database`);
    const s = await seedDemo(ledger);
    await monitoringSettled(ledger);
    process.stdout.write(
      `seeded ${path}: ${s.institutions} institutions, ${s.persons} persons, ${s.settlements} settlements, ${s.reversals} reversal(s), ${s.credits} account credits, head position ${await ledger.store.headPosition()}\n`,
    );
  } finally {
    await ledger.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
