/**
 * Issue 10 item 3 and issue 11, from the other side than post-endpoints.fuzz: bodies that are
 * *well formed* (every field of the right shape, values anywhere the validators allow:
 * dates from 2000 to 2099, amounts from 0.00 to their ceilings, settlements with and without
 * `settledAt`, a relative's account, reversals, retries) sent in random sequences to the daily
 * write endpoints of persons and accounts, and of institutions: Jiaozuo's monthly cycle
 * (declaration, approval, advance, correction, the year's settlement, review, assessment,
 * final payment; now and then a new hospital's whole 2024 run through) and Anyang's capitation;
 * corrections (a person's category, an institution's level, a settlement's lines, a Jiaozuo
 * month) and the facts recorded on a person (relatives, inpatient stays, referrals, off-site
 * registrations, first contact, family-doctor contracts).
 * The validators let them through, so what answers is the domain: an accepted write must be
 * one no projection fails on, a refusal must write nothing, and nothing may answer 5xx. Checked
 * per request, then for the whole ledger: the read side not faulted (/health 200 ok), each
 * person-year's read model, rate timeline and account statement equal to their folds from the
 * log, each institution month's totals equal to theirs, and the audit replays (persons and
 * institutions) finding no difference.
 *
 * A retry (the same body and Idempotency-Key as an acknowledged write) must write nothing and
 * get the first answer again, saying it was written before (`created: false`).
 *
 * FUZZ_WRITE_RUNS (default 25 sequences of up to 20 requests) sets the size; FUZZ_SEED
 * replays a failure; LEDGER_REPORT=1 prints the statuses per kind of request; FUZZ_SHOW_REFUSALS=1
 * each refusal's reason (what the sequences reach and what stops them).
 */
import fc from 'fast-check';
import { LedgerHarness, registerInstitutions, startLedger, INSTITUTIONS } from '../support/ledger-app';
import { JIAOZUO_LEVEL3, nanyangEmployee } from '../support/fixtures';
import { Dec } from '../../src/kernel/money';
import { OWN_PURPOSES } from '../../src/modules/accounts/dto/accounts.dto';

jest.setTimeout(300_000);

const RUNS = Number(process.env.FUZZ_WRITE_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const HOLDER = 'AW-E';
const CHILD = 'AW-C';
/** An Anyang resident: the Anyang pack is in force for 2020 only, so this person's visits are of 2020, settled then. */
const RESIDENT = 'AW-Y';
const PERSONS = [HOLDER, CHILD, 'AW-R', RESIDENT];
/** Jiaozuo hospitals under its monthly cycle (several: each month is declared once per hospital). */
const JIAOZUO_CODES = [JIAOZUO_LEVEL3.code, 'JZ-F2', 'JZ-F3', 'JZ-F4'];
const JIAOZUO_HOSPITALS = JIAOZUO_CODES.map((code, i) => ({ ...JIAOZUO_LEVEL3, code, name: `${JIAOZUO_LEVEL3.name}${i + 1}` }));
const INSTITUTION_CODES = [...INSTITUTIONS.map((i) => i.code), ...JIAOZUO_CODES];
const START = '2023-06-30T12:00:00+08:00';
/** The clock stays inside the years the daily path is exercised in; far dates come from the bodies. */
const CLOCK_END_MS = Date.parse('2025-06-30T12:00:00+08:00');
/**
 * A whole Jiaozuo year is run once it has happened (December declared up to 40 days into
 * January, the year's end after): the clock moves there, since what is dated after it is refused.
 */
const JIAOZUO_YEAR_RUN_MS = Date.parse('2025-02-15T10:00:00+08:00');
const DAY_MS = 86_400_000;
const YEAR_2020_MS = Date.parse('2020-01-01T00:00:00+08:00');

// ---------------------------------------------------------------- values the validators accept

/** A money string from fen (integer arithmetic). */
const fenText = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** A money string: the edges, and anything up to `maxFen`. */
const money = (maxFen: number) =>
  fc.oneof(
    fc.constantFrom('0.00', '0.01', '0.5', '1', '99.99'),
    fc.integer({ min: 0, max: maxFen }).map(fenText),
    fc.constant(fenText(maxFen)),
  );

const dateOfDay = (day: number): string => new Date(Date.UTC(2000, 0, 1) + day * DAY_MS).toISOString().slice(0, 10);
const LAST_DAY = Math.round((Date.UTC(2099, 11, 31) - Date.UTC(2000, 0, 1)) / DAY_MS);
const NEAR_FROM = Math.round((Date.UTC(2022, 11, 1) - Date.UTC(2000, 0, 1)) / DAY_MS);
const NEAR_TO = Math.round((Date.UTC(2025, 0, 31) - Date.UTC(2000, 0, 1)) / DAY_MS);
/** Mostly near the clock (where writes are accepted), sometimes anywhere in the ledger's range. */
const localDate = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: NEAR_FROM, max: NEAR_TO }).map(dateOfDay) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: LAST_DAY }).map(dateOfDay) },
  { weight: 1, arbitrary: fc.constantFrom('2000-01-01', '2099-12-31', '2023-12-31', '2024-01-01', '2024-02-29') },
);
const month = localDate.map((d) => d.slice(0, 7));

/** An instant as a hospital system writes it: Shanghai offset, seconds. */
const shanghaiInstant = (ms: number): string => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

const billLine = fc.record(
  {
    code: fc.constantFrom('A01', 'DRUG-RX', 'EX.2', 'T_9'),
    name: fc.constantFrom('诊查费', '阿莫西林胶囊', 'x'.repeat(200)),
    amount: money(100_000_000),
    inCatalogue: fc.boolean(),
    costKind: fc.constantFrom('medical', 'health_checkup', 'work_injury', 'third_party', 'public_health', 'fitness_wellness'),
    category: fc.constantFrom('drug', 'herbal_pieces', 'examination', 'treatment', 'consumable', 'consultation', 'other'),
  },
  { requiredKeys: ['code', 'amount', 'inCatalogue'] },
);

// ---------------------------------------------------------------- the requests

interface InstitutionStep {
  step: string;
  period: string;
  body: Record<string, unknown>;
}

type Op =
  | {
      kind: 'settle';
      person: string;
      institution: string;
      minutesAgo: number;
      minuteOf2020: number;
      settledAfterMinutes: number | null;
      medType: string;
      lines: unknown[];
      extras: Record<string, unknown>;
      account: Record<string, unknown> | null;
    }
  | { kind: 'retirement'; person: string; processedOn: string }
  | { kind: 'contribution-base'; person: string; contributionBase: string; effectiveFrom: string }
  | { kind: 'credit'; person: string; month: string }
  | { kind: 'transfer'; person: string; direction: 'in' | 'out'; amount: string | null; transferredOn: string }
  | { kind: 'payment'; person: string; purpose: string; amount: string; paidOn: string }
  | { kind: 'family-payment'; purpose: string; amount: string; paidOn: string }
  | { kind: 'reversal'; pick: number; reason: string }
  | { kind: 'institution'; code: string; steps: InstitutionStep[] }
  | { kind: 'jiaozuo-year'; months: InstitutionStep[][]; yearEnd: InstitutionStep[] }
  | { kind: 'correction'; spec: Record<string, unknown>; pick: number }
  | { kind: 'fact'; person: string; fact: string; body: Record<string, unknown> }
  | { kind: 'retry'; pick: number }
  | { kind: 'advance'; minutes: number };

const person = fc.constantFrom(...PERSONS);

/** Jiaozuo's conditional fee-for-service runs from 2024-08 (its pack's effective date). */
const jiaozuoMonth = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 8, max: 12 }).map((m) => `2024-${String(m).padStart(2, '0')}`) },
  { weight: 1, arbitrary: month },
);
const jiaozuoYear = fc.oneof(
  { weight: 5, arbitrary: fc.constant('2024') },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 2099 }).map(String) },
);
/**
 * A month's declaration as an institution makes it: after the month ends, the fund's due within
 * the total cost; with `freeDates`, now and then declared on any date.
 */
const declarationIn = (months: fc.Arbitrary<string>, freeDates: boolean): fc.Arbitrary<InstitutionStep> =>
  fc
    .record({
      period: months,
      visits: fc.integer({ min: 0, max: 100_000_000 }),
      fen: fc.tuple(fc.integer({ min: 0, max: 100_000_000_000 }), fc.integer({ min: 0, max: 100_000_000_000 })),
      daysAfter: fc.integer({ min: 1, max: 40 }),
      anyDate: freeDates ? fc.option(localDate, { freq: 5, nil: null }) : fc.constant(null),
    })
    .map(({ period, visits, fen, daysAfter, anyDate }) => {
      const [y, m] = period.split('-').map(Number);
      const declaredOn = anyDate ?? new Date(Date.UTC(y, m, daysAfter)).toISOString().slice(0, 10);
      const [fundDue, totalCost] = fen[0] <= fen[1] ? fen : [fen[1], fen[0]];
      return { step: 'declaration', period, body: { visits, totalCost: fenText(totalCost), fundDue: fenText(fundDue), declaredOn } };
    });
const declaration = declarationIn(jiaozuoMonth, true);
const anyJiaozuoStep: fc.Arbitrary<InstitutionStep> = fc.oneof(
  declaration,
  fc.record({ step: fc.constant('approval'), period: jiaozuoMonth, body: fc.record({ approvedAmount: money(100_000_000_000) }) }),
  fc.record({ step: fc.constant('advance'), period: jiaozuoMonth, body: fc.record({ paidOn: localDate }, { requiredKeys: [] }) }),
  fc.record({
    step: fc.constant('correction'),
    period: jiaozuoMonth,
    body: fc.record(
      {
        corrected: fc.record({
          visits: fc.integer({ min: 0, max: 100_000_000 }),
          totalCost: money(100_000_000_000),
          fundDue: money(100_000_000_000),
        }),
        reason: fc.constantFrom('复核更正', 'r'),
        correctedOn: localDate,
      },
      { requiredKeys: ['corrected', 'reason'] },
    ),
  }),
  fc.record({
    step: fc.constant('settlement'),
    period: jiaozuoYear,
    body: fc.record({ throughMonth: jiaozuoMonth }, { requiredKeys: [] }),
  }),
  fc.record({
    step: fc.constant('review'),
    period: jiaozuoYear,
    body: fc.record({
      reviewedVisits: fc.integer({ min: 1, max: 1_000_000 }),
      violatingCost: money(1_000_000),
      reviewedCost: money(100_000_000),
    }),
  }),
  fc.record({ step: fc.constant('assessment'), period: jiaozuoYear, body: fc.record({ passed: fc.boolean() }) }),
  fc.record({ step: fc.constant('final-payment'), period: jiaozuoYear, body: fc.constant({}) }),
);
/** A month's cycle as an institution and the agency run it: declared, approved (at most what was declared), advanced. */
const monthCycleIn = (months: fc.Arbitrary<string>, freeDates: boolean): fc.Arbitrary<InstitutionStep[]> =>
  fc
    .tuple(declarationIn(months, freeDates), fc.integer({ min: 0, max: 100 }), fc.option(localDate, { freq: 3, nil: null }))
    .map(([declared, percent, paidOn]) => [
      declared,
      {
        step: 'approval',
        period: declared.period,
        body: { approvedAmount: new Dec(String(declared.body.fundDue)).times(percent).div(100).toFixed(2, Dec.ROUND_DOWN) },
      },
      { step: 'advance', period: declared.period, body: paidOn === null ? {} : { paidOn } },
    ]);
const monthCycle = monthCycleIn(jiaozuoMonth, true);
/** The year's end: the period settled, the sample review, the assessment, the final payment. */
const yearEnd: fc.Arbitrary<InstitutionStep[]> = fc
  .record({ visits: fc.integer({ min: 1, max: 1_000_000 }), fen: fc.tuple(fc.nat(100_000_000), fc.nat(100_000_000)), passed: fc.boolean() })
  .map(({ visits, fen, passed }) => {
    const [violating, reviewed] = fen[0] <= fen[1] ? fen : [fen[1], fen[0]];
    return [
      { step: 'settlement', period: '2024', body: {} },
      {
        step: 'review',
        period: '2024',
        body: { reviewedVisits: visits, violatingCost: fenText(violating), reviewedCost: fenText(reviewed) },
      },
      { step: 'assessment', period: '2024', body: { passed } },
      { step: 'final-payment', period: '2024', body: {} },
    ];
  });
/** A new Jiaozuo hospital's whole 2024 (its cost base, August to December each declared, approved and advanced, then the year's end): the cycle run to its final payment. */
const jiaozuoYearOp: fc.Arbitrary<Op> = fc
  .tuple(fc.tuple(...['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'].map((m) => monthCycleIn(fc.constant(m), false))), yearEnd)
  .map(([months, end]) => ({ kind: 'jiaozuo-year' as const, months, yearEnd: end }));
const institutionSteps: fc.Arbitrary<Op> = fc
  .record({
    code: fc.constantFrom(...JIAOZUO_CODES),
    steps: fc.oneof(monthCycle, monthCycle, yearEnd, fc.array(anyJiaozuoStep, { minLength: 1, maxLength: 3 })),
  })
  .map((o) => ({ kind: 'institution' as const, ...o }));
const capitationStep: fc.Arbitrary<Op> = fc
  .oneof<fc.Arbitrary<InstitutionStep>[]>(
    fc.record({
      step: fc.constant('persons'),
      period: fc.constantFrom('2020', '2021'),
      body: fc.record({ count: fc.integer({ min: 0, max: 10_000_000 }) }),
    }),
    fc.record({
      step: fc.constant('capitation'),
      period: fc.integer({ min: 1, max: 12 }).map((m) => `2020-${String(m).padStart(2, '0')}`),
      body: fc.record({ claimed: money(10_000_000_000), consultationClaimed: money(10_000_000_000) }, { requiredKeys: ['claimed'] }),
    }),
  )
  .map((o) => ({ kind: 'institution' as const, code: 'AY-TWN', steps: [o] }));

/**
 * Corrections (POST /corrections) of a person's category, an institution's level, a settlement's
 * bill lines (`pick` chooses the settlement among those acknowledged) or a Jiaozuo month.
 */
const correction: fc.Arbitrary<Op> = fc
  .oneof(
    fc.record({
      kind: fc.constant('person-category'),
      personId: person,
      category: fc.constantFrom('in_service', 'retired', 'resident', 'student'),
      from: localDate,
    }),
    fc.record({
      kind: fc.constant('institution-level'),
      institutionCode: fc.constantFrom(...INSTITUTIONS.map((i) => i.code), ...JIAOZUO_CODES),
      level: fc.constantFrom('village', 'township', 'level1', 'level2', 'level3', 'unrated'),
      from: localDate,
    }),
    fc.record({ kind: fc.constant('settlement-lines'), lines: fc.array(billLine, { minLength: 1, maxLength: 3 }) }),
    fc.record(
      {
        kind: fc.constant('institution-month'),
        institutionCode: fc.constantFrom(...JIAOZUO_CODES),
        month: jiaozuoMonth,
        corrected: fc.record({
          visits: fc.integer({ min: 0, max: 100_000_000 }),
          totalCost: money(100_000_000_000),
          fundDue: money(100_000_000_000),
        }),
        reason: fc.constantFrom('审核更正', 'r'),
        correctedOn: localDate,
      },
      { requiredKeys: ['kind', 'institutionCode', 'month', 'corrected', 'reason'] },
    ),
  )
  .chain((spec) => fc.record({ kind: fc.constant('correction' as const), spec: fc.constant(spec), pick: fc.nat() }));

/** Facts recorded on a person: relatives, inpatient stays, referrals, off-site registrations, first contact, family-doctor contracts. */
const fact: fc.Arbitrary<Op> = fc
  .oneof(
    fc.record({
      fact: fc.constant('relatives'),
      body: fc.record({
        relatives: fc.array(fc.record({ personId: person, relation: fc.constantFrom('spouse', 'parent', 'child', 'sibling', 'other') }), {
          maxLength: 3,
        }),
      }),
    }),
    fc.record({
      fact: fc.constant('inpatient/admissions'),
      body: fc.record({ admittedOn: localDate, institutionCode: fc.constantFrom(...INSTITUTION_CODES) }),
    }),
    fc.record({ fact: fc.constant('inpatient/discharges'), body: fc.record({ dischargedOn: localDate }) }),
    fc.record({
      fact: fc.constant('referrals'),
      body: fc.record({
        referralId: fc.integer({ min: 1, max: 1_000_000 }).map((n) => `REF-${n}`),
        referredOn: localDate,
        validUntil: localDate,
        fromInstitution: fc.constantFrom(...INSTITUTION_CODES),
        toInstitution: fc.constantFrom(...INSTITUTION_CODES),
      }),
    }),
    fc.record({
      fact: fc.constant('off-site-registrations'),
      body: fc.record(
        { from: localDate, to: localDate, place: fc.constantFrom('郑州', 'x'.repeat(100)) },
        { requiredKeys: ['from', 'place'] },
      ),
    }),
    fc.record({
      fact: fc.constant('first-contact-institution'),
      body: fc.record({ year: fc.integer({ min: 2019, max: 2025 }), institutionCode: fc.constantFrom(...INSTITUTION_CODES) }),
    }),
    fc.record({
      fact: fc.constant('family-doctor-contracts'),
      body: fc.record({
        contractId: fc.integer({ min: 1, max: 1_000_000 }).map((n) => `FDC-${n}`),
        institutionCode: fc.constantFrom(...INSTITUTION_CODES),
        from: localDate,
        to: localDate,
        fee: money(10_000_000),
      }),
    }),
  )
  .chain((f) => person.map((p) => ({ kind: 'fact' as const, person: p, ...f })));

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      person,
      institution: fc.constantFrom(...INSTITUTION_CODES),
      // Minutes before the clock: the everyday case (a few), or up to a year and more back.
      minutesAgo: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 60 * 24 * 420 })),
      minuteOf2020: fc.integer({ min: 0, max: 366 * 24 * 60 - 1 }),
      settledAfterMinutes: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
      medType: fc.constantFrom('ordinary', 'emergency', 'chronic'),
      lines: fc.array(billLine, { minLength: 1, maxLength: 4 }),
      extras: fc.record(
        {
          prescriptionDays: fc.integer({ min: 0, max: 366 }),
          offSite: fc.boolean(),
          directSettlement: fc.boolean(),
          referral: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      account: fc.option(fc.constantFrom({ source: 'none' }, { source: 'own' }, { source: 'relative', holderId: HOLDER }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retirement' as const), person, processedOn: localDate }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('contribution-base' as const),
      person,
      contributionBase: money(10_000_000),
      effectiveFrom: localDate,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('credit' as const), person, month }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      // A transfer out moves the whole balance and closes the account: not the holder's, whose account pays the family's visits.
      person: fc.constantFrom(...PERSONS.filter((p) => p !== HOLDER)),
      direction: fc.constantFrom('in' as const, 'in' as const, 'out' as const),
      amount: fc.option(money(100_000_000), { nil: null }),
      transferredOn: localDate,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('payment' as const),
      person,
      purpose: fc.constantFrom(...OWN_PURPOSES),
      amount: money(100_000_000),
      paidOn: localDate,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('family-payment' as const),
      purpose: fc.constantFrom('relative_self_pay', 'relative_resident_contribution'),
      amount: money(100_000_000),
      paidOn: localDate,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('reversal' as const), pick: fc.nat(), reason: fc.constantFrom('重复结算', 'x'.repeat(500)) }),
  },
  { weight: 3, arbitrary: institutionSteps },
  { weight: 1, arbitrary: jiaozuoYearOp },
  { weight: 2, arbitrary: correction },
  { weight: 2, arbitrary: fact },
  { weight: 1, arbitrary: capitationStep },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 60 * 24 * 60 }) }) },
);

// ---------------------------------------------------------------- the test

interface Sent {
  what: string;
  path: string;
  body: Record<string, unknown>;
  key: string;
  status: number;
  answer: unknown;
}

describe('well-formed writes in random sequences (the domain answers; nothing breaks)', () => {
  let h: LedgerHarness;
  let sequence = 0;
  let clockMs = Date.parse(START);
  const sent: Sent[] = [];
  const settlements: Array<{ person: string; settlementId: string }> = [];
  const years = new Map<string, Set<number>>(PERSONS.map((p) => [p, new Set([2023])]));
  /** Institution and month of each accepted settlement (the institution-month read model), and institution-years written. */
  const institutionMonths = new Set<string>();
  const institutionYears = new Set<string>(['JZ-H001 2024', 'AY-TWN 2020']);
  const statuses: Record<string, Record<number, number>> = {};
  /** Kinds of request a whole Jiaozuo year got through. */
  const acceptedInWholeYears = new Set<string>();

  beforeAll(async () => {
    h = await startLedger({ now: START });
    await registerInstitutions(h, [...INSTITUTIONS, ...JIAOZUO_HOSPITALS]);
    const enrolments = [
      nanyangEmployee(HOLDER, { relatives: [{ personId: CHILD, relation: 'child' }] }),
      nanyangEmployee(CHILD),
      nanyangEmployee('AW-R', { category: 'retired' }),
      { personId: RESIDENT, scheme: 'resident', category: 'resident', region: 'anyang', enrolledOn: '2020-01-01' },
    ];
    for (const body of enrolments) expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(body)).status).toBe(201);
    for (const m of ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05'])
      expect((await h.http.post(`/persons/${HOLDER}/account/credits`).set('x-api-key', h.keys.agency).send({ month: m })).status).toBe(201);
  });
  afterAll(async () => {
    if (process.env.LEDGER_REPORT === '1') console.log(`accepted-writes fuzz, statuses by request: ${JSON.stringify(statuses)}`);
    await h?.close();
  });

  /** The request an op makes (undefined: nothing to send, e.g. a reversal before any settlement). */
  function requestOf(o: Op, id: string): Omit<Sent, 'status' | 'answer'> | undefined {
    switch (o.kind) {
      case 'settle': {
        const resident = o.person === RESIDENT;
        const occurredMs = resident ? YEAR_2020_MS + o.minuteOf2020 * 60_000 : clockMs - o.minutesAgo * 60_000;
        // A visit of 2020 is settled then (its settledAt given); today's visits are settled now, often without settledAt.
        const settledAfter = resident ? (o.settledAfterMinutes ?? 30) : o.settledAfterMinutes;
        const settledAt =
          settledAfter === null ? {} : { settledAt: shanghaiInstant(Math.min(clockMs, occurredMs + settledAfter * 60_000)) };
        const body = {
          settlementId: `S-${id}`,
          visitId: `V-${id}`,
          institutionCode: o.institution,
          occurredAt: shanghaiInstant(occurredMs),
          ...settledAt,
          medType: o.medType,
          lines: o.lines,
          ...o.extras,
          ...(o.account ? { account: o.account } : {}),
        };
        return { what: 'settle', path: `/persons/${o.person}/visits`, body, key: `fuzz-write-${id}` };
      }
      case 'retirement':
        return { what: o.kind, path: `/persons/${o.person}/retirement`, body: { processedOn: o.processedOn }, key: `fuzz-write-${id}` };
      case 'contribution-base':
        return {
          what: o.kind,
          path: `/persons/${o.person}/contribution-base`,
          body: { contributionBase: o.contributionBase, effectiveFrom: o.effectiveFrom },
          key: `fuzz-write-${id}`,
        };
      case 'credit':
        return { what: o.kind, path: `/persons/${o.person}/account/credits`, body: { month: o.month }, key: `fuzz-write-${id}` };
      case 'transfer': {
        const amount = o.amount === null ? {} : { amount: o.amount };
        const body = {
          transferId: `T-${id}`,
          direction: o.direction,
          ...amount,
          counterpartRegion: 'zhengzhou',
          transferredOn: o.transferredOn,
        };
        return { what: o.kind, path: `/persons/${o.person}/account/transfers`, body, key: `fuzz-write-${id}` };
      }
      case 'payment': {
        const body = { paymentId: `P-${id}`, purpose: o.purpose, amount: o.amount, reference: `药店小票 ${id}`, paidOn: o.paidOn };
        return { what: o.kind, path: `/persons/${o.person}/account/payments`, body, key: `fuzz-write-${id}` };
      }
      case 'family-payment': {
        const body = {
          paymentId: `F-${id}`,
          beneficiaryId: CHILD,
          purpose: o.purpose,
          amount: o.amount,
          reference: `代缴 ${id}`,
          paidOn: o.paidOn,
        };
        return { what: o.kind, path: `/persons/${HOLDER}/account/family-payments`, body, key: `fuzz-write-${id}` };
      }
      case 'institution':
        return undefined; // sent step by step (send)
      case 'correction': {
        if (o.spec.kind !== 'settlement-lines')
          return { what: `correction ${String(o.spec.kind)}`, path: '/corrections', body: { spec: o.spec }, key: `fuzz-write-${id}` };
        if (settlements.length === 0) return undefined;
        const s = settlements[o.pick % settlements.length];
        const spec = { ...o.spec, personId: s.person, settlementId: s.settlementId };
        return { what: 'correction settlement-lines', path: '/corrections', body: { spec }, key: `fuzz-write-${id}` };
      }
      case 'fact':
        return { what: `fact ${o.fact}`, path: `/persons/${o.person}/${o.fact}`, body: o.body, key: `fuzz-write-${id}` };
      case 'reversal': {
        if (settlements.length === 0) return undefined;
        const s = settlements[o.pick % settlements.length];
        return {
          what: o.kind,
          path: `/persons/${s.person}/settlements/${s.settlementId}/reversal`,
          body: { reason: o.reason },
          key: `fuzz-write-${id}`,
        };
      }
      case 'retry': {
        if (sent.length === 0) return undefined;
        const { status: _s, answer: _a, ...earlier } = sent[o.pick % sent.length];
        return { ...earlier, what: `retry of ${earlier.what}` };
      }
      case 'advance':
        return undefined;
    }
  }

  /** Events written since `position` by anyone but the service's own background steps (monitoring alerts). */
  async function writtenSince(position: number): Promise<string[]> {
    const events = await h.store.readAll({ afterPosition: position });
    return events.filter((e) => !String(e.metadata.actor ?? '').startsWith('system:')).map((e) => `${e.type} on ${e.streamId}`);
  }

  async function send(o: Op, id: string): Promise<void> {
    if (o.kind === 'advance') {
      clockMs = Math.min(CLOCK_END_MS, clockMs + o.minutes * 60_000);
      h.clock.set(new Date(clockMs).toISOString());
      return;
    }
    if (o.kind === 'institution') {
      for (let i = 0; i < o.steps.length; i++) await sendOne(o, institutionRequest(o.code, o.steps[i], `${id}-${i}`));
      return;
    }
    if (o.kind === 'jiaozuo-year') {
      clockMs = Math.max(clockMs, JIAOZUO_YEAR_RUN_MS);
      h.clock.set(new Date(clockMs).toISOString());
      const code = `JZ-Y${id}`;
      await sendOne(o, {
        what: 'institution registration',
        path: '/institutions',
        body: { ...JIAOZUO_LEVEL3, code },
        key: `fuzz-write-${id}-r`,
      });
      await sendOne(o, {
        what: 'institution cost-base',
        path: `/institutions/${code}/years/2024/cost-base`,
        body: {},
        key: `fuzz-write-${id}-b`,
      });
      const steps = [...o.months.flat(), ...o.yearEnd];
      for (let i = 0; i < steps.length; i++) await sendOne(o, institutionRequest(code, steps[i], `${id}-${i}`));
      institutionYears.add(`${code} 2024`);
      return;
    }
    const request = requestOf(o, id);
    if (request) await sendOne(o, request);
  }

  function institutionRequest(code: string, { step, period, body }: InstitutionStep, id: string): Omit<Sent, 'status' | 'answer'> {
    const unit = period.length === 4 ? 'years' : 'months';
    return { what: `institution ${step}`, path: `/institutions/${code}/${unit}/${period}/${step}`, body, key: `fuzz-write-${id}` };
  }

  async function sendOne(o: Op, request: Omit<Sent, 'status' | 'answer'>): Promise<void> {
    const before = await h.store.headPosition();
    const res = await h.http.post(request.path).set('x-api-key', h.keys.agency).set('idempotency-key', request.key).send(request.body);
    const what = `${request.what} ${request.path} ${JSON.stringify(request.body).slice(0, 400)} → ${res.status} ${res.text.slice(0, 300)}`;
    (statuses[request.what] ??= {})[res.status] = (statuses[request.what][res.status] ?? 0) + 1;
    expect({ what, below500: res.status < 500 }).toEqual({ what, below500: true });
    if (res.status >= 400 && process.env.FUZZ_SHOW_REFUSALS)
      console.log(`${request.what}: ${res.body.message} ${res.body.code ?? res.body.reasonCode ?? ''}`);
    if (res.status >= 400) {
      expect({ what, message: typeof res.body?.message === 'string' && res.body.message.length > 0 }).toEqual({ what, message: true });
      // A refusal writes nothing.
      expect({ what, written: await writtenSince(before) }).toEqual({ what, written: [] });
      return;
    }
    if (o.kind === 'retry') {
      // An acknowledged write sent again is answered from the log, never made twice.
      expect({ what, written: await writtenSince(before) }).toEqual({ what, written: [] });
      // The same answer, saying it was written before.
      const earlier = sent.find((s) => s.key === request.key)!.answer as Record<string, unknown>;
      expect({ what, answer: res.body }).toEqual({ what, answer: { ...earlier, ...('created' in earlier ? { created: false } : {}) } });
      return;
    }
    // Retried later: what wrote something (an answer that wrote nothing, e.g. a correction that
    // changes nothing, leaves no trace of its key, so sending it again is a new request).
    if ((await writtenSince(before)).length > 0) sent.push({ ...request, status: res.status, answer: res.body });
    if (o.kind === 'settle') {
      settlements.push({ person: request.path.split('/')[2], settlementId: String(request.body.settlementId) });
      years.get(request.path.split('/')[2])!.add(Number(String(request.body.occurredAt).slice(0, 4)));
      institutionMonths.add(`${String(request.body.institutionCode)} ${String(request.body.occurredAt).slice(0, 7)}`);
    }
    if (o.kind === 'institution') institutionYears.add(`${o.code} ${request.path.split('/')[4].slice(0, 4)}`);
    if (o.kind === 'correction' && o.spec.kind === 'institution-month')
      institutionYears.add(`${String(o.spec.institutionCode)} ${String(o.spec.month).slice(0, 4)}`);
    if (o.kind === 'jiaozuo-year') acceptedInWholeYears.add(request.what);
  }

  it(`${RUNS} random sequences of well-formed writes: never a 5xx, a refusal writes nothing, a retry writes nothing and is answered as before`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        sequence += 1;
        for (let i = 0; i < ops.length; i++) await send(ops[i], `${sequence}-${i}`);
      }),
      // The ledger keeps what earlier sequences wrote: a shrunk sequence would run on another state, so no shrinking.
      { numRuns: RUNS, endOnFailure: true, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    // Not vacuous: the sequences got settlements and account writes through, and refusals too.
    const accepted = (kind: string) => (statuses[kind]?.[201] ?? 0) + (statuses[kind]?.[200] ?? 0);
    expect(accepted('settle')).toBeGreaterThan(RUNS / 4);
    expect(accepted('credit') + accepted('payment') + accepted('transfer')).toBeGreaterThan(0);
    expect(Object.values(statuses).some((byStatus) => (byStatus[422] ?? 0) > 0)).toBe(true);
    expect([...acceptedInWholeYears]).toEqual(expect.arrayContaining(['institution declaration', 'institution final-payment']));
  });

  it('after them: the read side is not faulted, and every read model equals its fold from the log and the replay', async () => {
    let health = (await h.http.get('/health')).body;
    for (const deadline = Date.now() + 20_000; health.projections?.lag !== 0 && Date.now() < deadline;)
      health = (await new Promise((r) => setTimeout(r, 50)), (await h.http.get('/health')).body);
    expect({ status: health.status, faulted: health.faulted, lag: health.projections?.lag }).toEqual({
      status: 'ok',
      faulted: undefined,
      lag: 0,
    });
    const head = health.headPosition;
    for (const [personId, touched] of years) {
      for (const year of touched) {
        const projected = await h.http.get(`/persons/${personId}/years/${year}`).set('x-api-key', h.keys.agency);
        const folded = await h.http.get(`/persons/${personId}/years/${year}?asOf=${head}`).set('x-api-key', h.keys.agency);
        expect({ personId, year, status: projected.status }).toEqual({ personId, year, status: 200 });
        expect({ personId, year, view: withoutAsOf(projected.body) }).toEqual({ personId, year, view: withoutAsOf(folded.body) });
        const replay = await h.http.post('/audit/replay').set('x-api-key', h.keys.auditor).send({ personId, year });
        expect({ personId, year, status: replay.status, differences: replay.body.differences }).toEqual({
          personId,
          year,
          status: 200,
          differences: [],
        });
      }
      const timeline = await h.http.get(`/persons/${personId}/rate-timeline`).set('x-api-key', h.keys.agency);
      const timelineFolded = await h.http.get(`/persons/${personId}/rate-timeline?asOf=${head}`).set('x-api-key', h.keys.agency);
      expect({ personId, timeline: withoutAsOf(timeline.body) }).toEqual({ personId, timeline: withoutAsOf(timelineFolded.body) });
      const statement = await h.http.get(`/persons/${personId}/account/statement`).set('x-api-key', h.keys.agency);
      const statementFolded = await h.http.get(`/persons/${personId}/account/statement?asOf=${head}`).set('x-api-key', h.keys.agency);
      expect({ personId, statement: withoutAsOf(statement.body) }).toEqual({ personId, statement: withoutAsOf(statementFolded.body) });
    }
    for (const entry of institutionMonths) {
      const [code, month] = entry.split(' ');
      const path = `/read/institutions/${code}/months/${month}/totals`;
      const projected = await h.http.get(path).set('x-api-key', h.keys.agency);
      const folded = await h.http.get(`${path}?asOf=${head}`).set('x-api-key', h.keys.agency);
      expect({ code, month, status: projected.status }).toEqual({ code, month, status: 200 });
      expect({ code, month, totals: withoutAsOf(projected.body) }).toEqual({ code, month, totals: withoutAsOf(folded.body) });
    }
    for (const entry of institutionYears) {
      const [code, year] = entry.split(' ');
      const replay = await h.http.get(`/institutions/${code}/years/${year}/replay`).set('x-api-key', h.keys.auditor);
      expect({ code, year, status: replay.status, findings: replay.body.findings, intact: replay.body.chain?.intact }).toEqual({
        code,
        year,
        status: 200,
        findings: [],
        intact: true,
      });
    }
  });
});

/** The two answers differ only in how they say what they were read as of. */
function withoutAsOf(view: Record<string, unknown>): Record<string, unknown> {
  const { asOf: _a, position: _p, lag: _l, source: _s, throughPosition: _t, ...rest } = view ?? {};
  return rest;
}
