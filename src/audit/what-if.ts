/**
 * What-if (DOMAIN.md §5): re-adjudicate a person's year, in order, under changed facts or
 * another policy version, and show the difference visit by visit. The year-to-date and the
 * own-account balance are threaded through the re-decided settlements (a visit paid less
 * leaves more of the cap for the next). Pure: nothing is written anywhere.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { firstDayOfNextMonth, LocalDate } from '../kernel/dates';
import { InvalidInput } from '../kernel/errors';
import { fmt, money, sum } from '../kernel/money';
import type { SettlementReversed, VisitSettled } from '../modules/claims/claims.events';
import { yearToDate } from '../modules/claims/claims.state';
import type { RetiredStatusChanged } from '../modules/enrollment/enrollment.events';
import { evolvePerson, initialPersonState, PersonState } from '../modules/person-stream';
import { adjudicate } from '../policy/engine/adjudicate';
import { personFacts } from '../modules/enrollment/enrollment.state';
import type { Decision, InstitutionLevel } from '../policy/engine/types';
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

interface Money3 {
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
  recorded: Money3 & { category: string; level: string; rate: string; deductible: string; capRemainingBefore: string; policyVersion: string };
  whatIf: (Money3 & { category: string; level: string; rate: string; deductible: string; capRemainingBefore: string; policyVersion: string }) | null;
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

function pick(d: Decision, level: string, version: string): NonNullable<WhatIfVisit['whatIf']> {
  return {
    fund: d.amounts.fund,
    account: d.amounts.account,
    cash: d.amounts.cash,
    category: d.category,
    level,
    rate: d.amounts.rate,
    deductible: d.amounts.deductible,
    capRemainingBefore: d.amounts.capRemainingBefore,
    policyVersion: version,
  };
}

const minus = (a: Money3, b: Money3): Money3 => ({
  fund: fmt(money(a.fund).minus(money(b.fund))),
  account: fmt(money(a.account).minus(money(b.account))),
  cash: fmt(money(a.cash).minus(money(b.cash))),
});

const total = (xs: Money3[]): Money3 => ({
  fund: fmt(sum(xs.map((x) => money(x.fund)))),
  account: fmt(sum(xs.map((x) => money(x.account)))),
  cash: fmt(sum(xs.map((x) => money(x.cash)))),
});

/** The stream as it would read with the changed enrolment facts (retirement date). */
function rewriteEnrolment(events: RecordedEvent[], changes: WhatIfChanges): RecordedEvent[] {
  if (changes.retirementProcessedOn === undefined) return events;
  const processedOn = changes.retirementProcessedOn;
  const enrolled = events.find((e) => e.type === 'PersonEnrolled');
  if (!enrolled) throw new InvalidInput('personId', 'the person was never enrolled');
  const category = (enrolled.data as { category: string }).category;
  if (category !== 'in_service') throw new InvalidInput('changes.retirementProcessedOn', `the person was enrolled as ${category}, not in service`);
  if (processedOn < (enrolled.data as { enrolledOn: string }).enrolledOn) throw new InvalidInput('changes.retirementProcessedOn', 'is before the enrolment');
  const retirement: RecordedEvent = {
    ...enrolled,
    id: 'what-if-retirement',
    type: 'RetiredStatusChanged',
    data: { processedOn, effectiveFrom: firstDayOfNextMonth(processedOn), from: 'in_service', to: 'retired' } satisfies RetiredStatusChanged['data'],
  };
  // The changed retirement replaces the recorded one; placed right after enrolment, since its
  // effect is dated (effectiveFrom), every later decision sees it where the date says.
  const out: RecordedEvent[] = [];
  for (const e of events) {
    if (e.type === 'RetiredStatusChanged') continue;
    out.push(e);
    if (e === enrolled) out.push(retirement);
  }
  return out;
}

export function whatIfYear(personId: string, rawEvents: ReadonlyArray<RecordedEvent>, year: number, changes: WhatIfChanges, packs: WhatIfPacks): WhatIfReport {
  let override: PolicyPack | undefined;
  if (changes.policyVersion !== undefined) {
    override = packs.byVersion(changes.policyVersion) ?? packs.byId(changes.policyVersion);
    if (!override) throw new InvalidInput('changes.policyVersion', `no policy pack with version or id ${changes.policyVersion}`);
    if (override.kind !== 'city') throw new InvalidInput('changes.policyVersion', `${override.id} is a framework, not a city pack`);
  }
  const removed = new Set(changes.removeVisits ?? []);
  const events = rewriteEnrolment(rawEvents.map(upcast), changes);

  let state: PersonState = initialPersonState();
  const visits: WhatIfVisit[] = [];
  const newAmounts = new Map<string, Decision>();
  for (const event of events) {
    let folded: RecordedEvent | undefined = event;
    if (event.type === 'VisitSettled') {
      const data = event.data as VisitSettled['data'];
      if (data.decision.year === year) {
        const result = redecide(data, state, year, changes, override, packs, removed.has(data.settlementId));
        visits.push(result.visit);
        if (result.decision) newAmounts.set(data.settlementId, result.decision);
        folded = result.decision ? { ...event, data: { ...data, decision: result.decision } } : undefined;
      }
    } else if (event.type === 'SettlementReversed') {
      const r = event.data as SettlementReversed['data'];
      if (removed.has(r.settlementId)) folded = undefined;
      const d = newAmounts.get(r.settlementId);
      if (d && folded) folded = { ...event, data: { ...r, fundRestored: d.amounts.fund, accountRestored: d.amounts.account, relativeAccountRestored: d.amounts.relativeAccount } };
      const v = visits.find((x) => x.settlementId === r.settlementId);
      if (v) v.reversed = true;
    }
    if (folded) state = evolvePerson(state, folded);
  }
  const counted = visits.filter((v) => !v.reversed);
  const recordedTotal = total(counted.map((v) => v.recorded));
  const whatIfTotal = total(counted.map((v) => v.whatIf ?? ZERO3));
  return {
    personId,
    year,
    changes,
    visits,
    totals: { recorded: recordedTotal, whatIf: whatIfTotal, delta: minus(whatIfTotal, recordedTotal) },
    changedVisits: visits.filter((v) => v.delta.fund !== '0.00' || v.delta.account !== '0.00' || v.delta.cash !== '0.00').length,
  };
}

function redecide(
  data: VisitSettled['data'],
  before: PersonState,
  year: number,
  changes: WhatIfChanges,
  override: PolicyPack | undefined,
  packs: WhatIfPacks,
  isRemoved: boolean,
): { visit: WhatIfVisit; decision?: Decision } {
  const recorded = pick(data.decision, data.institution.level, data.policyVersion);
  const base = { settlementId: data.settlementId, visitDate: data.decision.visitDate, institutionCode: data.institution.code, reversed: false, recorded };
  if (isRemoved) return { visit: { ...base, removed: true, whatIf: null, delta: minus(ZERO3, recorded) } };
  const level = changes.institutionLevel && changes.institutionLevel.institutionCode === data.institution.code ? changes.institutionLevel.level : data.institution.level;
  const institution = { ...data.institution, level };
  const pack = override ?? packs.byVersion(data.policyVersion);
  try {
    if (!pack) throw new Error(`no pack with version ${data.policyVersion}`);
    const decision = adjudicate(
      {
        visit: { ...data.visit, institution },
        person: personFacts(before.enrollment),
        yearToDate: yearToDate(before.claims, year, data.yearToDate?.deductibleWindow),
        account: data.account.source === 'own' ? { ...data.account, balance: before.account.balance } : data.account,
      },
      pack,
    );
    const whatIf = pick(decision, level, pack.version);
    return { visit: { ...base, removed: false, whatIf, delta: minus(whatIf, recorded) }, decision };
  } catch (e) {
    return { visit: { ...base, removed: false, whatIf: null, delta: minus(ZERO3, recorded), error: (e as Error).message } };
  }
}
