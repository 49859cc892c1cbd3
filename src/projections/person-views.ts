/**
 * The read side's view of one person, as pure functions of facts: a person's year (fund
 * paid, cap in force, cap remaining, by category period), the account statement, and the
 * category-and-rate timeline. The live projections store the same records row by row and
 * call the same summaries, so "projection" and "fold the stream" answer identically (tested).
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { addDays, LocalDate, shanghaiDate } from '../kernel/dates';
import { fmt, max, money, sum } from '../kernel/money';
import { AccountState, evolveAccount, initialAccountState } from '../modules/accounts/accounts.state';
import type { VisitSettled, SettlementReversed } from '../modules/claims/claims.events';
import type { PersonEnrolled, RetiredStatusChanged, EnrolmentEnded } from '../modules/enrollment/enrollment.events';
import type { CityPack } from '../policy/pack.types';
import type { InstitutionLevel, PersonCategory, Scheme } from '../policy/engine/types';

/** What the read side needs of the policy catalogue. */
export interface PackSource {
  cityPacks(): CityPack[];
}

// ---------------------------------------------------------------- as-of

/** A point in the ledger's history: a global position, or the end of an Asia/Shanghai day. */
export type AsOf = { position: number } | { date: LocalDate };

/** Parses `?asOf=`: digits = a global position, 'YYYY-MM-DD' = as the ledger stood at the end of that day. */
export function parseAsOf(raw: string | undefined): AsOf | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{1,15}$/.test(raw)) return { position: Number(raw) };
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return { date: raw };
  return undefined;
}

/** Whether an event was already in the ledger at `asOf` (recorded on or before that day / position). */
export function recordedBy(event: Pick<RecordedEvent, 'position' | 'metadata'>, asOf: AsOf | undefined): boolean {
  if (!asOf) return true;
  if ('position' in asOf) return event.position <= asOf.position;
  return shanghaiDate(event.metadata.recordedAt) <= asOf.date;
}

// ---------------------------------------------------------------- person profile

export interface CategoryChange {
  from: LocalDate;
  category: PersonCategory;
  /** How the change came: enrolment, or a retirement processed on a date (第六条: effective next month). */
  cause: 'enrolment' | 'retirement';
  processedOn?: LocalDate;
  position: number;
}

export interface PersonProfile {
  personId: string;
  scheme: Scheme;
  region: string;
  enrolledOn: LocalDate;
  endedOn?: LocalDate;
  categoryTimeline: CategoryChange[];
}

export function evolveProfile(profile: PersonProfile | undefined, event: Pick<RecordedEvent, 'type' | 'data' | 'position'>): PersonProfile | undefined {
  switch (event.type) {
    case 'PersonEnrolled': {
      const d = event.data as PersonEnrolled['data'];
      return {
        personId: d.personId,
        scheme: d.scheme,
        region: d.region,
        enrolledOn: d.enrolledOn,
        categoryTimeline: [{ from: d.enrolledOn, category: d.category, cause: 'enrolment', position: event.position }],
      };
    }
    case 'RetiredStatusChanged': {
      if (!profile) return profile;
      const d = event.data as RetiredStatusChanged['data'];
      return {
        ...profile,
        categoryTimeline: [...profile.categoryTimeline, { from: d.effectiveFrom, category: d.to, cause: 'retirement', processedOn: d.processedOn, position: event.position }],
      };
    }
    case 'EnrolmentEnded': {
      if (!profile) return profile;
      return { ...profile, endedOn: (event.data as EnrolmentEnded['data']).endedOn };
    }
    default:
      return profile;
  }
}

export function categoryOn(profile: PersonProfile, date: LocalDate): PersonCategory | undefined {
  let found: PersonCategory | undefined;
  for (const c of profile.categoryTimeline) if (c.from <= date) found = c.category;
  return found;
}

function packsOf(packs: PackSource, profile: Pick<PersonProfile, 'region' | 'scheme'>): CityPack[] {
  return packs
    .cityPacks()
    .filter((p) => p.region === profile.region && p.scheme === profile.scheme)
    .sort((a, b) => (a.effective.from < b.effective.from ? -1 : a.effective.from > b.effective.from ? 1 : 0));
}

function packOn(packs: PackSource, profile: Pick<PersonProfile, 'region' | 'scheme'>, date: LocalDate): CityPack | undefined {
  return packsOf(packs, profile).find((p) => p.effective.from <= date && (p.effective.to === undefined || date <= p.effective.to));
}

// ---------------------------------------------------------------- visits

/** One settlement as the read side keeps it (a row of the visits table). */
export interface VisitRecord {
  personId: string;
  settlementId: string;
  visitId: string;
  year: number;
  visitDate: LocalDate;
  occurredAt: string;
  institutionCode: string;
  institutionLevel: InstitutionLevel;
  category: PersonCategory;
  eligible: boolean;
  policyVersion: string;
  packId: string;
  total: string;
  policyScope: string;
  deductible: string;
  rate: string;
  fund: string;
  account: string;
  relativeAccount: string;
  cash: string;
  capAnnual: string;
  position: number;
  recordedAt: string;
  reversedPosition?: number;
  reversedRecordedAt?: string;
}

export function visitRecordOf(personId: string, event: Pick<RecordedEvent, 'data' | 'position' | 'metadata'>): VisitRecord {
  const d = event.data as VisitSettled['data'];
  const a = d.decision.amounts;
  return {
    personId,
    settlementId: d.settlementId,
    visitId: d.visit.visitId,
    year: d.decision.year,
    visitDate: d.decision.visitDate,
    occurredAt: d.visit.occurredAt,
    institutionCode: d.institution.code,
    institutionLevel: d.institution.level,
    category: d.decision.category,
    eligible: d.decision.eligible,
    policyVersion: d.policyVersion,
    packId: d.decision.policy.packId,
    total: a.total,
    policyScope: a.policyScope,
    deductible: a.deductible,
    rate: a.rate,
    fund: a.fund,
    account: a.account,
    relativeAccount: a.relativeAccount,
    cash: a.cash,
    capAnnual: a.capAnnual,
    position: event.position,
    recordedAt: event.metadata.recordedAt,
  };
}

/** Facts of one person folded from the stream: profile and settlements (reversals marked). */
export interface PersonFold {
  profile?: PersonProfile;
  visits: VisitRecord[];
  lastPosition: number;
}

export function foldPersonView(events: ReadonlyArray<RecordedEvent>, asOf?: AsOf): PersonFold {
  let profile: PersonProfile | undefined;
  const visits: VisitRecord[] = [];
  let lastPosition = 0;
  for (const e of events) {
    if (!recordedBy(e, asOf)) continue;
    lastPosition = e.position;
    profile = evolveProfile(profile, e);
    if (e.type === 'VisitSettled') visits.push(visitRecordOf(profile?.personId ?? '', e));
    if (e.type === 'SettlementReversed') {
      const r = e.data as SettlementReversed['data'];
      const v = visits.find((x) => x.settlementId === r.settlementId);
      if (v) {
        v.reversedPosition = e.position;
        v.reversedRecordedAt = e.metadata.recordedAt;
      }
    }
  }
  return { profile, visits, lastPosition };
}

// ---------------------------------------------------------------- person year

export interface CategoryPeriod {
  category: PersonCategory;
  from: LocalDate;
  to: LocalDate;
  /** Annual cap of this category under the pack in force (宛政办〔2022〕42号 第五条（三）). */
  cap: string | null;
  fundPaid: string;
  visits: number;
}

export interface YearSettlement {
  settlementId: string;
  visitId: string;
  visitDate: LocalDate;
  occurredAt: string;
  institutionCode: string;
  institutionLevel: InstitutionLevel;
  category: PersonCategory;
  eligible: boolean;
  total: string;
  policyScope: string;
  deductible: string;
  rate: string;
  fund: string;
  account: string;
  relativeAccount: string;
  cash: string;
  capAnnual: string;
  position: number;
  reversed: boolean;
  /** Fund paid in the year up to and including this visit (reversed visits not counted). */
  fundPaidAfter: string;
}

export interface PersonYearView {
  personId: string;
  year: number;
  scheme: Scheme;
  region: string;
  /** Category at the end of the year, as the ledger knows it. */
  category: PersonCategory | null;
  fundPaid: string;
  /** Cap of the category that binds the rest of the year; earlier payments count against it (第六条). */
  capInForce: string | null;
  capRemaining: string | null;
  visits: number;
  reversedVisits: number;
  byCategory: CategoryPeriod[];
  settlements: YearSettlement[];
}

function capOf(packs: PackSource, profile: PersonProfile, category: PersonCategory, date: LocalDate): string | null {
  const cap = packOn(packs, profile, date)?.benefit.annualCaps.value[category];
  return cap === undefined ? null : fmt(money(cap));
}

/** The last day of `[from, to]` covered by a pack of the person's region and scheme (the cap's reference day). */
function lastCoveredDay(packs: PackSource, profile: PersonProfile, from: LocalDate, to: LocalDate): LocalDate {
  let best = to;
  for (const p of packsOf(packs, profile)) {
    if (p.effective.from > to || (p.effective.to !== undefined && p.effective.to < from)) continue;
    best = p.effective.to !== undefined && p.effective.to < to ? p.effective.to : to;
  }
  return best;
}

const live = (v: VisitRecord): boolean => v.reversedPosition === undefined;

/** A person's year from the profile and the settlements: the one summary both the projection and the fold use. */
export function summarizeYear(packs: PackSource, profile: PersonProfile, visits: ReadonlyArray<VisitRecord>, year: number): PersonYearView {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const ofYear = visits
    .filter((v) => v.year === year)
    .slice()
    .sort((a, b) => (a.visitDate < b.visitDate ? -1 : a.visitDate > b.visitDate ? 1 : a.position - b.position));
  let running = money('0');
  const settlements: YearSettlement[] = ofYear.map((v) => {
    if (live(v)) running = running.plus(money(v.fund));
    return {
      settlementId: v.settlementId,
      visitId: v.visitId,
      visitDate: v.visitDate,
      occurredAt: v.occurredAt,
      institutionCode: v.institutionCode,
      institutionLevel: v.institutionLevel,
      category: v.category,
      eligible: v.eligible,
      total: v.total,
      policyScope: v.policyScope,
      deductible: v.deductible,
      rate: v.rate,
      fund: v.fund,
      account: v.account,
      relativeAccount: v.relativeAccount,
      cash: v.cash,
      capAnnual: v.capAnnual,
      position: v.position,
      reversed: !live(v),
      fundPaidAfter: fmt(running),
    };
  });
  const liveVisits = ofYear.filter(live);
  const fundPaid = sum(liveVisits.map((v) => money(v.fund)));

  // Category periods inside the year (and inside the enrolment).
  const start = profile.enrolledOn > first ? profile.enrolledOn : first;
  const end = profile.endedOn !== undefined && profile.endedOn < last ? profile.endedOn : last;
  const byCategory: CategoryPeriod[] = [];
  const tl = profile.categoryTimeline;
  for (let i = 0; i < tl.length; i++) {
    const from = tl[i].from > start ? tl[i].from : start;
    const nextFrom = i + 1 < tl.length ? tl[i + 1].from : undefined;
    const to = nextFrom !== undefined && addDays(nextFrom, -1) < end ? addDays(nextFrom, -1) : end;
    if (from > to) continue;
    const inPeriod = liveVisits.filter((v) => v.visitDate >= from && v.visitDate <= to);
    byCategory.push({
      category: tl[i].category,
      from,
      to,
      cap: capOf(packs, profile, tl[i].category, lastCoveredDay(packs, profile, from, to)),
      fundPaid: fmt(sum(inPeriod.map((v) => money(v.fund)))),
      visits: inPeriod.length,
    });
  }
  const category = byCategory.length ? byCategory[byCategory.length - 1].category : categoryOn(profile, last) ?? null;
  const capInForce = byCategory.length ? byCategory[byCategory.length - 1].cap : null;
  return {
    personId: profile.personId,
    year,
    scheme: profile.scheme,
    region: profile.region,
    category,
    fundPaid: fmt(fundPaid),
    capInForce,
    capRemaining: capInForce === null ? null : fmt(max(money('0'), money(capInForce).minus(fundPaid))),
    visits: liveVisits.length,
    reversedVisits: ofYear.length - liveVisits.length,
    byCategory,
    settlements,
  };
}

// ---------------------------------------------------------------- account statement

export interface StatementLine {
  position: number;
  revision: number;
  type: string;
  recordedAt: string;
  credit: string;
  debit: string;
  balance: string;
  /** What the line is about: month credited, settlement, payment or transfer id. */
  reference: string;
}

export interface AccountStatement {
  personId: string;
  balance: string;
  credits: string;
  debits: string;
  closed: boolean;
  lines: StatementLine[];
}

/** Balance-carrying part of the account state (what a statement row keeps). */
export interface AccountTotals {
  credits: string;
  debits: string;
  balance: string;
  closed: boolean;
}

export const emptyAccountTotals = (): AccountTotals => ({ credits: '0.00', debits: '0.00', balance: '0.00', closed: false });

function referenceOf(event: Pick<RecordedEvent, 'type' | 'data'>): string {
  const d = event.data as Record<string, unknown>;
  for (const key of ['month', 'settlementId', 'paymentId', 'transferId', 'heirId', 'fromPersonId', 'reason']) {
    if (typeof d[key] === 'string') return `${key}:${d[key] as string}`;
  }
  return '';
}

/**
 * One event's effect on the account: the new totals, and a statement line when money moved.
 * Uses the account decider's own evolve, so the statement cannot drift from the balance the
 * deciders see (every credit and debit names its source event position).
 */
export function applyAccount(totals: AccountTotals, event: RecordedEvent): { totals: AccountTotals; line?: StatementLine } {
  const before: AccountState = { ...initialAccountState(), credits: totals.credits, debits: totals.debits, balance: totals.balance, closed: totals.closed };
  const after = evolveAccount(before, event);
  const next: AccountTotals = { credits: after.credits, debits: after.debits, balance: after.balance, closed: after.closed };
  if (after.credits === before.credits && after.debits === before.debits) return { totals: next };
  return {
    totals: next,
    line: {
      position: event.position,
      revision: event.revision,
      type: event.type,
      recordedAt: event.metadata.recordedAt,
      credit: fmt(money(after.credits).minus(money(before.credits))),
      debit: fmt(money(after.debits).minus(money(before.debits))),
      balance: after.balance,
      reference: referenceOf(event),
    },
  };
}

export function accountStatement(personId: string, events: ReadonlyArray<RecordedEvent>, asOf?: AsOf): AccountStatement {
  let totals = emptyAccountTotals();
  const lines: StatementLine[] = [];
  for (const e of events) {
    if (!recordedBy(e, asOf)) continue;
    const applied = applyAccount(totals, e);
    totals = applied.totals;
    if (applied.line) lines.push(applied.line);
  }
  return { personId, ...totals, lines };
}

// ---------------------------------------------------------------- category and rate timeline

export interface RateSegment {
  from: LocalDate;
  /** Inclusive; open when absent. */
  to?: LocalDate;
  category: PersonCategory;
  /** How this category began: enrolment, or a retirement processed on `processedOn` (effective next month). */
  cause: 'enrolment' | 'retirement';
  processedOn?: LocalDate;
  causePosition: number;
  packId: string | null;
  packVersion: string | null;
  /** Rates by institution level from the pack in force, with their citation. */
  rates: Partial<Record<InstitutionLevel, string>> | null;
  ratesCitation: string | null;
  cap: string | null;
  capCitation: string | null;
  /** The rule that dates a category change (宛政办〔2022〕42号 第六条: from the next month), where the pack has one. */
  switchCitation: string | null;
}

/** Category periods × pack periods: which rates and cap applied when, and why they changed. */
export function rateTimeline(packs: PackSource, profile: PersonProfile): RateSegment[] {
  const segments: RateSegment[] = [];
  const tl = profile.categoryTimeline;
  const personPacks = packsOf(packs, profile);
  for (let i = 0; i < tl.length; i++) {
    const from = tl[i].from;
    const nextFrom = i + 1 < tl.length ? tl[i + 1].from : undefined;
    let to = nextFrom !== undefined ? addDays(nextFrom, -1) : undefined;
    if (profile.endedOn !== undefined && (to === undefined || profile.endedOn < to)) to = profile.endedOn;
    if (to !== undefined && from > to) continue;
    const base = { category: tl[i].category, cause: tl[i].cause, causePosition: tl[i].position, ...(tl[i].processedOn ? { processedOn: tl[i].processedOn } : {}) };
    // Cut the category period at each pack boundary.
    const cuts: Array<{ from: LocalDate; to?: LocalDate; pack?: CityPack }> = [];
    let cursor: LocalDate | undefined = from;
    for (const p of personPacks) {
      if (cursor === undefined) break;
      if (p.effective.to !== undefined && p.effective.to < cursor) continue;
      if (to !== undefined && p.effective.from > to) break;
      if (p.effective.from > cursor) {
        cuts.push({ from: cursor, to: addDays(p.effective.from, -1) });
        cursor = p.effective.from;
      }
      const end = p.effective.to !== undefined && (to === undefined || p.effective.to < to) ? p.effective.to : to;
      cuts.push({ from: cursor, to: end, pack: p });
      cursor = end === undefined ? undefined : addDays(end, 1);
    }
    if (cursor !== undefined && (to === undefined || cursor <= to)) cuts.push({ from: cursor, to });
    for (const c of cuts) {
      const rates = c.pack?.benefit.rates.value[tl[i].category];
      const cap = c.pack?.benefit.annualCaps.value[tl[i].category];
      segments.push({
        from: c.from,
        ...(c.to !== undefined ? { to: c.to } : {}),
        ...base,
        packId: c.pack?.id ?? null,
        packVersion: c.pack?.version ?? null,
        rates: rates ?? null,
        ratesCitation: c.pack ? `${c.pack.benefit.rates.document} ${c.pack.benefit.rates.clause}` : null,
        cap: cap !== undefined ? fmt(money(cap)) : null,
        capCitation: c.pack ? `${c.pack.benefit.annualCaps.document} ${c.pack.benefit.annualCaps.clause}` : null,
        switchCitation: c.pack?.benefit.categorySwitch ? `${c.pack.benefit.categorySwitch.document} ${c.pack.benefit.categorySwitch.clause}` : null,
      });
    }
  }
  return segments;
}
