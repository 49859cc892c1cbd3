/**
 * Replay (DOMAIN.md §5): rebuild a person's year from their own events only, recompute
 * every VisitSettled decision with the policy version it recorded and the facts it
 * recorded, and compare byte for byte (canonical JSON) with what was recorded. The
 * year-to-date the engine saw is recomputed from the preceding events and compared too,
 * and the stream's hash chain is verified. Pure: events and a pack lookup in, report out.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { personFacts } from '../modules/enrollment/enrollment.state';
import type { VisitSettled } from '../modules/claims/claims.events';
import { yearToDate } from '../modules/claims/claims.state';
import { evolvePerson, initialPersonState, PersonState } from '../modules/person-stream';
import { adjudicate } from '../policy/engine/adjudicate';
import type { Decision } from '../policy/engine/types';
import type { PolicyPack } from '../policy/pack.types';
import { foldPersonView, PackSource, PersonYearView, summarizeYear } from '../projections/person-views';
import { Difference, jsonDiff } from './json-diff';
import { DecisionsInForce } from './replay-adjustments';
import type { SettlementAdjusted } from '../corrections/correction.events';
import { ChainVerification, verifyChain } from './tamper-chain';

export interface PackLookup extends PackSource {
  byVersion(version: string): PolicyPack | undefined;
}

export interface SettlementDifference extends Difference {
  settlementId: string;
  revision: number;
  position: number;
}

export interface ReplayReport {
  personId: string;
  year: number;
  streamId: string;
  eventsRead: number;
  /** Position of the last event read: the report holds as of it. */
  throughPosition: number;
  settlementsChecked: number;
  /** Issue 15: SettlementAdjusted events of the year recomputed, like settlements. */
  adjustmentsChecked: number;
  /** "0 differences", or how many. */
  verdict: string;
  differences: SettlementDifference[];
  chain: ChainVerification;
  /** The year rebuilt from the stream (fund paid, cap in force and remaining, by category). */
  rebuilt: PersonYearView | null;
}

/** Recomputes one recorded settlement from the facts it recorded and the stream state before it. */
export function recomputeDecision(recorded: VisitSettled['data'], before: PersonState, pack: PolicyPack): Decision {
  return adjudicate(
    {
      visit: { ...recorded.visit, institution: recorded.institution },
      person: personFacts(before.enrollment),
      yearToDate: recorded.yearToDate,
      account: recorded.account,
    },
    pack,
  );
}

export function replayPersonYear(personId: string, rawEvents: ReadonlyArray<RecordedEvent>, year: number, packs: PackLookup): ReplayReport {
  const streamId = `person-${personId}`;
  const chain = verifyChain(streamId, rawEvents);
  const differences: SettlementDifference[] = [];
  // Issue 15: each settlement's decision in force, so every SettlementAdjusted is checked against the one before it.
  const inForce = new DecisionsInForce();
  let adjustmentsChecked = 0;
  let state = initialPersonState();
  let checked = 0;
  // Upcast once: the decisions' check and the rebuilt view read the same current shapes.
  const events = rawEvents.map(upcast);
  for (const event of events) {
    if (event.type === 'VisitSettled') {
      const data = event.data as VisitSettled['data'];
      const at = { settlementId: data.settlementId, revision: event.revision, position: event.position };
      inForce.settled(data.settlementId, data.decision);
      if (data.decision?.year === year) {
        checked += 1;
        differences.push(...checkSettlement(data, state, packs).map((d) => ({ ...at, ...d })));
      }
    }
    if (event.type === 'SettlementAdjusted') {
      const data = event.data as SettlementAdjusted['data'];
      const found = inForce.adjust(data, packs);
      if (data.decision?.year === year) {
        adjustmentsChecked += 1;
        differences.push(
          ...found.map((d) => ({ settlementId: data.settlementId, revision: event.revision, position: event.position, ...d })),
        );
      }
    }
    state = evolvePerson(state, event);
  }
  const view = foldPersonView(events);
  return {
    personId,
    year,
    streamId,
    eventsRead: rawEvents.length,
    throughPosition: rawEvents.length ? rawEvents[rawEvents.length - 1].position : 0,
    settlementsChecked: checked,
    adjustmentsChecked,
    verdict: `${differences.length} difference${differences.length === 1 ? '' : 's'}`,
    differences,
    chain,
    rebuilt: view.profile ? summarizeYear(packs, view.profile, view.visits, year) : null,
  };
}

/** Every way a recorded settlement disagrees with its recomputation from the stream before it. */
function checkSettlement(data: VisitSettled['data'], before: PersonState, packs: PackLookup): Difference[] {
  const out: Difference[] = [];
  // The year-to-date the engine saw must be what the preceding events say.
  const year = data.yearToDate?.year ?? data.decision.year;
  // The year's sums come with the state, kept as the walk folds each event (not re-summed per settlement).
  const ytd = yearToDate(before.claims, year, data.yearToDate?.deductibleWindow);
  if (!sameCanonicalJson(data.yearToDate, ytd)) out.push(...jsonDiff(data.yearToDate, ytd, 'yearToDate'));
  // The own-account balance offered to the engine must be the stream's balance then.
  if (data.account?.source === 'own' && data.account.balance !== before.account.balance) {
    out.push({ path: 'account.balance', recorded: data.account.balance, recomputed: before.account.balance });
  }
  if (data.policyVersion !== data.decision?.policy?.version) {
    out.push({ path: 'policyVersion', recorded: data.policyVersion, recomputed: data.decision?.policy?.version ?? null });
  }
  const pack = packs.byVersion(data.policyVersion);
  if (!pack) {
    out.push({ path: 'policyVersion', recorded: data.policyVersion, recomputed: '(no pack with this version in the catalogue)' });
    return out;
  }
  let recomputed: Decision;
  try {
    recomputed = recomputeDecision(data, before, pack);
  } catch (e) {
    out.push({ path: 'decision', recorded: '(recorded decision)', recomputed: `(recomputation refused: ${(e as Error).message})` });
    return out;
  }
  if (!sameCanonicalJson(recomputed, data.decision)) out.push(...jsonDiff(data.decision, recomputed, 'decision'));
  return out;
}

/**
 * `canonicalJson(a) === canonicalJson(b)` without building either string (replay compares
 * every recomputed decision with the recorded one; serialising both was ~20 % of a replay).
 * Same rules as JSON.stringify: undefined object members are absent, undefined array items are null.
 */
export function sameCanonicalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return JSON.stringify(a) === JSON.stringify(b);
  const aIsArray = Array.isArray(a);
  if (aIsArray || Array.isArray(b)) return aIsArray && Array.isArray(b) && sameItems(a as unknown[], b);
  return sameMembers(a as Record<string, unknown>, b as Record<string, unknown>);
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameCanonicalJson(a[i] ?? null, b[i] ?? null)) return false;
  return true;
}

/**
 * Same defined members, compared with early exit (no key arrays: this runs on every node of
 * every decision). Decisions and parsed data are plain objects: for them the own-member
 * checks are left out of the walk (see sameOwnMembers), which halves a replay's comparison.
 */
function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return isPlain(a) && isPlain(b) ? samePlainMembers(a, b) : sameOwnMembers(a, b);
}

/**
 * sameOwnMembers for plain objects, with no hasOwnProperty per member (it cost as much as
 * the rest of the walk). A plain object inherits no enumerable member, so `for…in` lists
 * its own ones; a member `b` lacks reads as undefined, or as what Object.prototype holds
 * under that name: a method, or the prototype itself under `__proto__` (JSON.parse makes
 * an own `__proto__`); only those values are checked for being b's own.
 */
function samePlainMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let defined = 0;
  for (const k in a) {
    const value = a[k];
    if (value === undefined) continue;
    defined += 1;
    const other = b[k];
    if (other === undefined || !sameCanonicalJson(value, other)) return false;
    if ((typeof other === 'function' || other === Object.prototype) && !hasOwn(b, k)) return false;
  }
  for (const k in b) if (b[k] !== undefined) defined -= 1;
  return defined === 0;
}

/** Same defined own members, for objects of any prototype. */
function sameOwnMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let defined = 0;
  for (const k in a) {
    if (!hasOwn(a, k) || a[k] === undefined) continue;
    defined += 1;
    if (!hasOwn(b, k) || !sameCanonicalJson(a[k], b[k])) return false;
  }
  for (const k in b) if (hasOwn(b, k) && b[k] !== undefined) defined -= 1;
  return defined === 0;
}

/** An object literal's or JSON.parse's: no prototype but Object.prototype (or none). */
function isPlain(o: object): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
