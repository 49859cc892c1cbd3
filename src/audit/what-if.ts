/**
 * What-if (DOMAIN.md §5): re-adjudicate a person's year, in order, under changed facts or
 * another policy version, and show the difference visit by visit. The year-to-date and the
 * own-account balance are threaded through the re-decided settlements (a visit paid less
 * leaves more of the cap for the next). Pure: nothing is written anywhere.
 *
 * The walk (`reAdjudicate`) is shared with the correction engine (issue 15,
 * src/corrections/correction-engine.ts): a correction is a what-if that gets written.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { firstDayOfNextMonth, LocalDate } from '../kernel/dates';
import { InvalidInput } from '../kernel/errors';
import { fmt, max, money, sum, ZERO } from '../kernel/money';
import type { PersonCategoryCorrected, SettlementAdjusted } from '../corrections/correction.events';
import { derivePack, PolicyOverride } from '../corrections/derived-pack';
import type { SettlementReversed, VisitSettled } from '../modules/claims/claims.events';
import { packDeductibleWindow } from '../modules/claims/claims.decide';
import { yearToDate } from '../modules/claims/claims.state';
import type { RetiredStatusChanged } from '../modules/enrollment/enrollment.events';
import { evolvePerson, initialPersonState, PersonState } from '../modules/person-stream';
import { adjudicate } from '../policy/engine/adjudicate';
import { correctedTimeline, personFacts } from '../modules/enrollment/enrollment.state';
import type { AdjudicationInput, Decision, InstitutionLevel, PersonCategory, VisitFacts } from '../policy/engine/types';
import type { PolicyPack } from '../policy/pack.types';

export interface WhatIfChanges {
  /** Retirement processed on this date instead (第六条: effective from the 1st of the next month). */
  retirementProcessedOn?: LocalDate;
  /** Treat one institution as of another level. */
  institutionLevel?: { institutionCode: string; level: InstitutionLevel };
  /** Settlements to leave out. */
  removeVisits?: string[];
  /** Adjudicate every visit of the year with this pack (version hash or pack id). */
  policyVersion?: string;
}

export interface WhatIfPacks {
  byVersion(version: string): PolicyPack | undefined;
  byId(id: string): PolicyPack | undefined;
}

export interface Money3 {
  fund: string;
  account: string;
  cash: string;
}

export interface WhatIfVisit {
  settlementId: string;
  visitDate: LocalDate;
  institutionCode: string;
  reversed: boolean;
  removed: boolean;
  recorded: Money3 & {
    category: string;
    level: string;
    rate: string;
    deductible: string;
    capRemainingBefore: string;
    policyVersion: string;
  };
  whatIf:
    | (Money3 & { category: string; level: string; rate: string; deductible: string; capRemainingBefore: string; policyVersion: string })
    | null;
  delta: Money3;
  /** Why the changed facts could not be adjudicated, if so. */
  error?: string;
}

export interface WhatIfReport {
  personId: string;
  year: number;
  changes: WhatIfChanges;
  visits: WhatIfVisit[];
  totals: { recorded: Money3; whatIf: Money3; delta: Money3 };
  /** Settlements whose money changed. */
  changedVisits: number;
}

const ZERO3: Money3 = { fund: '0.00', account: '0.00', cash: '0.00' };

export const money3 = (d: Decision): Money3 => ({ fund: d.amounts.fund, account: d.amounts.account, cash: d.amounts.cash });

export const minus3 = (a: Money3, b: Money3): Money3 => ({
  fund: fmt(money(a.fund).minus(money(b.fund))),
  account: fmt(money(a.account).minus(money(b.account))),
  cash: fmt(money(a.cash).minus(money(b.cash))),
});

export const total3 = (xs: Money3[]): Money3 => ({
  fund: fmt(sum(xs.map((x) => money(x.fund)))),
  account: fmt(sum(xs.map((x) => money(x.account)))),
  cash: fmt(sum(xs.map((x) => money(x.cash)))),
});

const isZero3 = (m: Money3): boolean => money(m.fund).isZero() && money(m.account).isZero() && money(m.cash).isZero();

// ---------------------------------------------------------------------------------------
// The shared walk
// ---------------------------------------------------------------------------------------

/** A settlement's pack: a catalogue version, or one derived from it by a recorded override. */
export interface PackChoice {
  pack: PolicyPack;
  override?: PolicyOverride;
}

/** A settlement as last recorded: the original VisitSettled, or its last SettlementAdjusted. */
export interface CurrentSettlement {
  original: VisitSettled['data'];
  decision: Decision;
  visit: VisitFacts;
  policyVersion: string;
  policyOverride?: PolicyOverride;
  /** Corrections that adjusted it, in order. */
  adjustedBy: string[];
}

/** What the walk is asked to change; every hook is optional (none = decide again as recorded). */
export interface ReAdjudication {
  /** Settlements to decide again; the others are folded with their current figures. */
  include(s: CurrentSettlement): boolean;
  /** Settlements to leave out of the history altogether. */
  removed?: ReadonlySet<string>;
  /** Corrected visit facts (bill lines, institution level). */
  visit?(visit: VisitFacts, s: CurrentSettlement): VisitFacts;
  /** Categories corrected after everything in the stream, overlaid on every timeline in this order. */
  categoryCorrections?: ReadonlyArray<{ category: PersonCategory; from: LocalDate }>;
  /** The pack to decide with, given the settlement's current one. */
  pack?(current: PackChoice, s: CurrentSettlement): PackChoice;
}

export interface Redecided {
  current: CurrentSettlement;
  /** The settlement was reversed (at any point of the stream). */
  reversed: boolean;
  removed: boolean;
  /** The new decision and everything it was given; absent when not re-decided or on error. */
  next?: { decision: Decision; input: AdjudicationInput; pack: PackChoice };
  error?: string;
}

/** Correction events that carry no fact of their own for the walk: it recomputes what they record. */
const RECOMPUTED = new Set(['SettlementAdjusted', 'AccountRefunded', 'AccountRecovered', 'ReceivableRecorded']);

/** Each settlement as last recorded (original figures, overlaid by its SettlementAdjusted events in order). */
export function currentSettlements(events: ReadonlyArray<RecordedEvent>): Map<string, CurrentSettlement> {
  const out = new Map<string, CurrentSettlement>();
  for (const e of events) {
    if (e.type === 'VisitSettled') {
      const d = e.data as VisitSettled['data'];
      out.set(d.settlementId, {
        original: d,
        decision: d.decision,
        visit: { ...d.visit, institution: d.institution },
        policyVersion: d.policyVersion,
        adjustedBy: [],
      });
    } else if (e.type === 'SettlementAdjusted') {
      const a = e.data as SettlementAdjusted['data'];
      const s = out.get(a.settlementId);
      if (s)
        out.set(a.settlementId, {
          ...s,
          decision: a.decision,
          visit: a.input.visit,
          policyVersion: a.policyVersion,
          policyOverride: a.policyOverride,
          adjustedBy: [...s.adjustedBy, a.correctionId],
        });
    }
  }
  return out;
}

/** The pack a settlement was last decided with; undefined when the catalogue lacks its version. */
function currentPack(s: CurrentSettlement, packs: WhatIfPacks): PackChoice | undefined {
  if (s.policyOverride) {
    const base = packs.byVersion(s.policyOverride.basePolicyVersion);
    return base ? { pack: derivePack(base, s.policyOverride), override: s.policyOverride } : undefined;
  }
  const pack = packs.byVersion(s.policyVersion);
  return pack ? { pack } : undefined;
}

/**
 * Re-decides the person's settlements in stream order under the changes. Facts are those
 * known when each settlement was made (the stream folded up to it), with every category
 * correction recorded later overlaid (a dated correction is true from its date, whenever
 * it was recorded). The year-to-date is threaded from the re-decided figures.
 *
 * Account balance seen (issue 15): the balance of the corrected history — what the own
 * account held at that point had every earlier settlement been paid as now decided. The
 * walk folds each settlement with its new figures and leaves out the money events of
 * corrections (refunds, recoveries), which that history makes unnecessary. Other debits
 * made at the time (purchases, transfers) may have used money the corrected history would
 * have spent on visits; the balance seen is then clamped at zero (the account never pays
 * what it did not hold). The money of the difference moves today, at today's balance
 * (src/corrections/correction-engine.ts).
 */
export function reAdjudicate(rawEvents: ReadonlyArray<RecordedEvent>, changes: ReAdjudication, packs: WhatIfPacks): Redecided[] {
  const events = rawEvents.map(upcast);
  const current = currentSettlements(events);
  const recordedCorrections = events.map((e, index) => ({ e, index })).filter(({ e }) => e.type === 'PersonCategoryCorrected');
  const laterCategoryCorrections = (index: number) => [
    ...recordedCorrections.filter((c) => c.index > index).map((c) => c.e.data as PersonCategoryCorrected['data']),
    ...(changes.categoryCorrections ?? []),
  ];
  let state: PersonState = initialPersonState();
  const results: Redecided[] = [];
  const folded = new Map<string, Decision>();
  events.forEach((event, index) => {
    if (RECOMPUTED.has(event.type)) return;
    let toFold: RecordedEvent | undefined = event;
    if (event.type === 'VisitSettled') {
      const s = current.get((event.data as VisitSettled['data']).settlementId)!;
      const result = redecideOne(s, state, laterCategoryCorrections(index), changes, packs);
      results.push(result);
      const decision = result.removed ? undefined : (result.next?.decision ?? (result.error ? undefined : s.decision));
      if (decision) folded.set(s.original.settlementId, decision);
      toFold = decision ? { ...event, data: { ...s.original, decision } } : undefined;
    } else if (event.type === 'SettlementReversed') {
      const r = event.data as SettlementReversed['data'];
      const d = folded.get(r.settlementId);
      toFold = d
        ? {
            ...event,
            data: {
              ...r,
              fundRestored: d.amounts.fund,
              accountRestored: d.amounts.account,
              relativeAccountRestored: d.amounts.relativeAccount,
            },
          }
        : undefined;
      const hit = results.find((x) => x.current.original.settlementId === r.settlementId);
      if (hit) hit.reversed = true;
    }
    if (toFold) state = evolvePerson(state, toFold);
  });
  return results;
}

function redecideOne(
  s: CurrentSettlement,
  before: PersonState,
  categoryCorrections: ReadonlyArray<{ category: PersonCategory; from: LocalDate }>,
  changes: ReAdjudication,
  packs: WhatIfPacks,
): Redecided {
  const base = { current: s, reversed: false };
  if (changes.removed?.has(s.original.settlementId)) return { ...base, removed: true };
  if (!changes.include(s)) return { ...base, removed: false };
  try {
    const recorded = currentPack(s, packs);
    if (!recorded) throw new Error(`no pack with version ${s.policyOverride?.basePolicyVersion ?? s.policyVersion}`);
    const choice = changes.pack ? changes.pack(recorded, s) : recorded;
    const visit = changes.visit ? changes.visit(s.visit, s) : s.visit;
    const person = personFacts(before.enrollment);
    const timeline = categoryCorrections.reduce(correctedTimeline, person.categoryTimeline);
    const recordedAccount = s.original.account;
    const input: AdjudicationInput = {
      visit,
      person: { ...person, categoryTimeline: timeline },
      yearToDate: yearToDate(before.claims, s.decision.year, deductibleWindowFor(s, choice, recorded)),
      account:
        recordedAccount.source === 'own' ? { ...recordedAccount, balance: fmt(max(ZERO, money(before.account.balance))) } : recordedAccount,
    };
    return { ...base, removed: false, next: { decision: adjudicate(input, choice.pack), input, pack: choice } };
  } catch (e) {
    return { ...base, removed: false, error: (e as Error).message };
  }
}

/**
 * The 24-hour window as recorded (replay reads it the same way: a settlement made before
 * issue 16.3 keeps its natural-year charges); under another pack, that pack's rule.
 */
function deductibleWindowFor(s: CurrentSettlement, choice: PackChoice, recorded: PackChoice) {
  if (choice.pack.version !== recorded.pack.version) return packDeductibleWindow(choice.pack, s.visit.occurredAt);
  const w = s.original.yearToDate?.deductibleWindow;
  return w ? { around: w.around, hours: w.hours } : undefined;
}

// ---------------------------------------------------------------------------------------
// What-if over one year
// ---------------------------------------------------------------------------------------

function pick(d: Decision, level: string, version: string): NonNullable<WhatIfVisit['whatIf']> {
  return {
    ...money3(d),
    category: d.category,
    level,
    rate: d.amounts.rate,
    deductible: d.amounts.deductible,
    capRemainingBefore: d.amounts.capRemainingBefore,
    policyVersion: version,
  };
}

/** The stream as it would read with the changed enrollment facts (retirement date). */
function rewriteEnrollment(events: RecordedEvent[], changes: WhatIfChanges): RecordedEvent[] {
  if (changes.retirementProcessedOn === undefined) return events;
  const processedOn = changes.retirementProcessedOn;
  const enrolled = events.find((e) => e.type === 'PersonEnrolled');
  if (!enrolled) throw new InvalidInput('personId', 'the person was never enrolled');
  const category = (enrolled.data as { category: string }).category;
  if (category !== 'in_service')
    throw new InvalidInput('changes.retirementProcessedOn', `the person was enrolled as ${category}, not in service`);
  if (processedOn < (enrolled.data as { enrolledOn: string }).enrolledOn)
    throw new InvalidInput('changes.retirementProcessedOn', 'is before the enrollment');
  const retirement: RecordedEvent = {
    ...enrolled,
    id: 'what-if-retirement',
    type: 'RetiredStatusChanged',
    data: {
      processedOn,
      effectiveFrom: firstDayOfNextMonth(processedOn),
      from: 'in_service',
      to: 'retired',
    } satisfies RetiredStatusChanged['data'],
  };
  // The changed retirement replaces the recorded one; placed right after enrollment, since its
  // effect is dated (effectiveFrom), every later decision sees it where the date says.
  const out: RecordedEvent[] = [];
  for (const e of events) {
    if (e.type === 'RetiredStatusChanged') continue;
    out.push(e);
    if (e === enrolled) out.push(retirement);
  }
  return out;
}

export function whatIfYear(
  personId: string,
  rawEvents: ReadonlyArray<RecordedEvent>,
  year: number,
  changes: WhatIfChanges,
  packs: WhatIfPacks,
): WhatIfReport {
  let override: PolicyPack | undefined;
  if (changes.policyVersion !== undefined) {
    override = packs.byVersion(changes.policyVersion) ?? packs.byId(changes.policyVersion);
    if (!override) throw new InvalidInput('changes.policyVersion', `no policy pack with version or id ${changes.policyVersion}`);
    if (override.kind !== 'city') throw new InvalidInput('changes.policyVersion', `${override.id} is a framework, not a city pack`);
  }
  const level = changes.institutionLevel;
  const results = reAdjudicate(
    rewriteEnrollment(rawEvents.map(upcast), changes),
    {
      include: (s) => s.decision.year === year,
      removed: new Set(changes.removeVisits ?? []),
      visit: level
        ? (v) => (v.institution.code === level.institutionCode ? { ...v, institution: { ...v.institution, level: level.level } } : v)
        : undefined,
      pack: override ? () => ({ pack: override! }) : undefined,
    },
    packs,
  );
  const inYear = results.filter((r) => r.current.decision.year === year);
  requireInYear(changes, inYear, personId, year);
  const visits = inYear.map(toWhatIfVisit);
  const counted = visits.filter((v) => !v.reversed);
  const recordedTotal = total3(counted.map((v) => v.recorded));
  const whatIfTotal = total3(counted.map((v) => v.whatIf ?? ZERO3));
  return {
    personId,
    year,
    changes,
    visits,
    totals: { recorded: recordedTotal, whatIf: whatIfTotal, delta: minus3(whatIfTotal, recordedTotal) },
    changedVisits: visits.filter((v) => !isZero3(v.delta)).length,
  };
}

/** What a what-if names is in the year: a mistyped settlement id or institution code would answer "nothing changes". */
function requireInYear(changes: WhatIfChanges, inYear: Redecided[], personId: string, year: number): void {
  const ids = new Set(inYear.map((r) => r.current.original.settlementId));
  (changes.removeVisits ?? []).forEach((id, i) => {
    if (!ids.has(id)) throw new InvalidInput(`changes.removeVisits.${i}`, `${id} is not a settlement of ${personId} in ${year}`);
  });
  const code = changes.institutionLevel?.institutionCode;
  if (code !== undefined && !inYear.some((r) => r.current.visit.institution.code === code))
    throw new InvalidInput('changes.institutionLevel.institutionCode', `no settlement of ${personId} in ${year} is at ${code}`);
}

function toWhatIfVisit(r: Redecided): WhatIfVisit {
  const s = r.current;
  const recorded = pick(s.decision, s.visit.institution.level, s.policyVersion);
  const base = {
    settlementId: s.original.settlementId,
    visitDate: s.decision.visitDate,
    institutionCode: s.visit.institution.code,
    reversed: r.reversed,
    recorded,
  };
  if (r.removed) return { ...base, removed: true, whatIf: null, delta: minus3(ZERO3, recorded) };
  if (!r.next) return { ...base, removed: false, whatIf: null, delta: minus3(ZERO3, recorded), ...(r.error ? { error: r.error } : {}) };
  const whatIf = pick(r.next.decision, r.next.input.visit.institution.level, r.next.pack.pack.version);
  return { ...base, removed: false, whatIf, delta: minus3(whatIf, recorded) };
}
