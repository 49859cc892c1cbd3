/**
 * Issue 15 item 2: a retroactive correction of one person, computed by the engine. Pure.
 *
 * Every settlement of the person is decided again in stream order (the cap and the 24-hour
 * deductible depend on what came before) by the what-if walk (src/audit/what-if.ts), with
 * the corrected fact, under the pack each one last used (or the derived one, for a policy
 * parameter). A settlement whose figures change gets one SettlementAdjusted (previous = its
 * last recorded figures, so corrections build on one another); the money moves as events:
 *  - the account paid too much → AccountRefunded;
 *  - it should have paid more → AccountRecovered up to today's balance (never below zero),
 *    the rest of it owed by the person;
 *  - cash paid too much or too little → ReceivableRecorded owed to the person or to the fund.
 * A settlement paid from a relative's account (a family payment on the holder's stream) moves
 * the same way on the holder's account, as events for `person-<holderId>` naming the person,
 * the settlement and the correction: RelativeAccountRefunded up to what the payment still
 * holds; RelativeAccountRecovered of what the decision now takes, up to the holder's balance.
 * What the holder's account cannot take or give is owed to or by the person. The holder's
 * part of a correction is written once, in one append: once there, it is what was decided.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { shanghaiDate } from '../kernel/dates';
import { InvalidInput, PolicyRefusal } from '../kernel/errors';
import { Dec, fmt, min, money, ZERO } from '../kernel/money';
import { canonicalJson } from '../policy/canonical-json';
import { ledgerRule } from '../policy/citation';
import type { Decision } from '../policy/engine/types';
import type { PolicyPack } from '../policy/pack.types';
import { correctedTimeline } from '../modules/enrollment/enrollment.state';
import { foldPerson, PersonState } from '../modules/person-stream';
import {
  CurrentSettlement,
  minus3,
  money3,
  PackChoice,
  ReAdjudication,
  reAdjudicate,
  Redecided,
  total3,
  WhatIfPacks,
} from '../audit/what-if';
import type {
  CorrectionHolderEvent,
  CorrectionPersonEvent,
  PersonCorrectionSpec,
  Money3,
  RelativeAccountMoney,
  SettlementAdjusted,
} from './correction.events';
import { derivePack, PolicyOverride } from './derived-pack';

const CORRECTION_CLAUSES = {
  refund: ledgerRule('correction-account-refund'),
  recovery: ledgerRule('correction-account-recovery'),
  receivable: ledgerRule('correction-receivable'),
  relativeRefund: ledgerRule('correction-relative-account-refund'),
  relativeRecovery: ledgerRule('correction-relative-account-recovery'),
  reAdjudication: ledgerRule('correction-re-adjudication'),
} as const;

export interface CorrectionContext {
  correctionId: string;
  disputeId?: string;
  /** When the correction is applied (instant, from the clock). */
  at: string;
}

export interface AffectedSettlement {
  personId: string;
  settlementId: string;
  changed: boolean;
  delta: Money3;
}

/** One settlement whose figures change, for answers and dispute analyses. */
export interface SettlementChange {
  settlementId: string;
  previous: Money3;
  adjusted: Money3;
  delta: Money3;
  divergence: { step: string; clause: string };
}

export interface PersonCorrectionPlan {
  personId: string;
  /** The correction was already applied to this person: nothing to do. */
  alreadyApplied: boolean;
  affected: AffectedSettlement[];
  changes: SettlementChange[];
  /** What to append to `person-<id>`, in order (empty: nothing changes). */
  events: CorrectionPersonEvent[];
  /** What to append to each relative's stream `person-<holderId>` first (only what is not there yet). */
  holders: HolderPart[];
  totals: Money3;
}

/** The holder's events of one correction for one person's settlements. */
export interface HolderPart {
  holderId: string;
  events: CorrectionHolderEvent[];
}

/** The streams of the relatives whose accounts paid the person's settlements, as read now (holder id → events). */
export type HolderStreams = ReadonlyMap<string, ReadonlyArray<RecordedEvent>>;

/** Who paid the person's settlements from their account (family payments): the streams a correction may touch. */
export function relativeAccountHolders(events: ReadonlyArray<RecordedEvent>): string[] {
  const holders = foldPerson(events.map(upcast)).claims.settlements.flatMap((s) => (s.familyPayment ? [s.familyPayment.holderId] : []));
  return [...new Set(holders)].sort();
}

/** Checks a spec against the catalogue before any stream is read; throws InvalidInput (400). */
export function validateSpec(spec: PersonCorrectionSpec, packs: WhatIfPacks): void {
  if (spec.kind === 'policy-parameter') {
    const base = packs.byId(spec.packId);
    if (!base) throw new InvalidInput('spec.packId', `must name a pack of the catalogue (no pack ${spec.packId})`);
    if (spec.to < spec.from) throw new InvalidInput('spec.to', 'must not be before spec.from');
    derivePack(base, overrideFor(spec, base.version));
  }
}

const overrideFor = (spec: Extract<PersonCorrectionSpec, { kind: 'policy-parameter' }>, basePolicyVersion: string): PolicyOverride => ({
  basePolicyVersion,
  path: spec.path,
  value: spec.value,
  document: spec.document,
  clause: spec.clause,
});

const visitDateOf = (s: CurrentSettlement): string => s.decision.visitDate;

/** Whether the spec is about this settlement (before any knock-on effect). */
function targets(spec: PersonCorrectionSpec, s: CurrentSettlement): boolean {
  switch (spec.kind) {
    case 'person-category':
      return visitDateOf(s) >= spec.from;
    case 'institution-level':
      return s.visit.institution.code === spec.institutionCode && visitDateOf(s) >= spec.from;
    case 'settlement-lines':
      return s.original.settlementId === spec.settlementId;
    case 'policy-parameter':
      return s.decision.policy.packId === spec.packId && visitDateOf(s) >= spec.from && visitDateOf(s) <= spec.to;
  }
}

/** The spec as changes to the what-if walk. */
function changesFor(spec: PersonCorrectionSpec, packs: WhatIfPacks): ReAdjudication {
  const all = { include: () => true };
  switch (spec.kind) {
    case 'person-category':
      return { ...all, categoryCorrections: [{ category: spec.category, from: spec.from }] };
    case 'institution-level':
      return {
        ...all,
        visit: (v) =>
          v.institution.code === spec.institutionCode && shanghaiDate(v.occurredAt) >= spec.from
            ? { ...v, institution: { ...v.institution, level: spec.level } }
            : v,
      };
    case 'settlement-lines':
      return {
        ...all,
        visit: (v, s) => (s.original.settlementId === spec.settlementId ? { ...v, lines: spec.lines as typeof v.lines } : v),
      };
    case 'policy-parameter':
      return { ...all, pack: (current, s) => (targets(spec, s) ? correctedPack(spec, current, packs) : current) };
  }
}

/** The pack with the corrected value; a settlement already under another corrected value is refused. */
function correctedPack(
  spec: Extract<PersonCorrectionSpec, { kind: 'policy-parameter' }>,
  current: PackChoice,
  packs: WhatIfPacks,
): PackChoice {
  if (current.override && current.override.path !== spec.path) {
    throw new PolicyRefusal(
      'POLICY_OVERRIDE_CONFLICT',
      ledgerRule('one-policy-override-per-settlement'),
      `a settlement is already decided under a corrected ${current.override.path}; correct one parameter at a time`,
    );
  }
  const base: PolicyPack | undefined = current.override ? packs.byVersion(current.override.basePolicyVersion) : current.pack;
  if (!base) throw new Error(`no pack with version ${current.override?.basePolicyVersion}`);
  const override = overrideFor(spec, base.version);
  return { pack: derivePack(base, override), override };
}

/** First trace step where two decisions part, with its clause. */
export function divergence(before: Decision, after: Decision): { step: string; clause: string } {
  const n = Math.max(before.trace.length, after.trace.length);
  for (let i = 0; i < n; i++) {
    const a = before.trace[i];
    const b = after.trace[i];
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) {
      const entry = b ?? a!;
      return { step: entry.step, clause: entry.clause };
    }
  }
  return { step: 'amounts', clause: CORRECTION_CLAUSES.reAdjudication };
}

/**
 * Whether a settlement gets a SettlementAdjusted: its figures change (money, and what the
 * next settlements build on); or its own facts or pack were corrected and its decision reads
 * differently even though its money does not move (a corrected level or cap it did not
 * reach): a later correction of it must start from the corrected facts, and the person
 * stream is where it reads them.
 */
function decisionChanged(r: Redecided): boolean {
  const before = r.current.decision;
  const after = r.next!.decision;
  const pick = (d: Decision) => [
    d.amounts.fund,
    d.amounts.account,
    d.amounts.relativeAccount,
    d.amounts.cash,
    d.amounts.deductible,
    d.deductibleCharged,
  ];
  if (canonicalJson(pick(before)) !== canonicalJson(pick(after))) return true;
  const factsCorrected =
    r.next!.pack.pack.version !== r.current.policyVersion || canonicalJson(r.next!.input.visit) !== canonicalJson(r.current.visit);
  const withoutPolicy = ({ policy: _policy, ...rest }: Decision) => rest;
  return factsCorrected && canonicalJson(withoutPolicy(before)) !== canonicalJson(withoutPolicy(after));
}

/** Plans one person's part of a correction from the person's recorded events. */
export function planPersonCorrection(
  personId: string,
  rawEvents: ReadonlyArray<RecordedEvent>,
  spec: PersonCorrectionSpec,
  packs: WhatIfPacks,
  ctx: CorrectionContext,
  holderStreams: HolderStreams = new Map(),
): PersonCorrectionPlan {
  const events = rawEvents.map(upcast);
  const state = foldPerson(events);
  const empty = { personId, affected: [], changes: [], events: [], holders: [], totals: total3([]) };
  if (state.claims.appliedCorrections?.includes(ctx.correctionId)) return { ...empty, alreadyApplied: true };
  checkSpecForPerson(spec, state);
  const results = reAdjudicate(events, changesFor(spec, packs), packs);
  const failed = results.find((r) => !r.reversed && !r.removed && r.error !== undefined);
  if (failed) {
    throw new PolicyRefusal(
      'CORRECTION_NOT_ADJUDICABLE',
      CORRECTION_CLAUSES.reAdjudication,
      `settlement ${failed.current.original.settlementId} cannot be decided again: ${failed.error}`,
    );
  }
  const live = results.filter((r) => !r.reversed && r.next);
  const changed = live.filter(decisionChanged);
  const adjustments = changed.map((r) => adjustment(r, ctx));
  const affected = live
    .filter((r) => targets(spec, r.current) || changed.includes(r))
    .map((r) => ({
      personId,
      settlementId: r.current.original.settlementId,
      changed: changed.includes(r),
      delta: minus3(money3(r.next!.decision), money3(r.current.decision)),
    }));
  const categoryEvent = categoryCorrection(spec, state, ctx);
  const holders = new RelativeAccounts(personId, holderStreams, ctx);
  const personEvents: CorrectionPersonEvent[] = [
    ...(categoryEvent ? [categoryEvent] : []),
    ...moneyEvents(changed, adjustments, state, ctx, holders),
  ];
  return {
    personId,
    alreadyApplied: false,
    affected,
    changes: adjustments.map((a) => ({
      settlementId: a.settlementId,
      previous: a.previous,
      adjusted: a.adjusted,
      delta: a.delta,
      divergence: a.divergence,
    })),
    events: personEvents,
    holders: holders.parts(),
    totals: total3(adjustments.map((a) => a.delta)),
  };
}

function checkSpecForPerson(spec: PersonCorrectionSpec, state: PersonState): void {
  if (spec.kind === 'person-category') {
    const scheme = state.enrollment.scheme;
    const allowed = scheme === 'resident' ? ['resident', 'student'] : ['in_service', 'retired'];
    if (!allowed.includes(spec.category))
      throw new InvalidInput('spec.category', `must be one of ${allowed.join(', ')} for a person of the ${scheme} scheme`);
    const enrolledOn = state.enrollment.enrollments[0]?.from;
    if (enrolledOn !== undefined && spec.from < enrolledOn)
      throw new InvalidInput('spec.from', `must not be before the enrollment (${enrolledOn})`);
  }
  if (spec.kind === 'settlement-lines') {
    const s = state.claims.settlements.find((x) => x.settlementId === spec.settlementId);
    if (!s)
      throw new PolicyRefusal(
        'UNKNOWN_SETTLEMENT',
        CORRECTION_CLAUSES.reAdjudication,
        `no settlement ${spec.settlementId} for this person`,
      );
    if (s.reversed)
      throw new PolicyRefusal(
        'SETTLEMENT_REVERSED',
        CORRECTION_CLAUSES.reAdjudication,
        `settlement ${spec.settlementId} is reversed; there is nothing to correct`,
      );
  }
}

/** The category event, when the corrected timeline differs from the recorded one. */
function categoryCorrection(spec: PersonCorrectionSpec, state: PersonState, ctx: CorrectionContext): CorrectionPersonEvent | undefined {
  if (spec.kind !== 'person-category') return undefined;
  const now = state.enrollment.categoryTimeline;
  if (canonicalJson(correctedTimeline(now, spec)) === canonicalJson(now)) return undefined;
  return {
    type: 'PersonCategoryCorrected',
    data: {
      correctionId: ctx.correctionId,
      ...(ctx.disputeId ? { disputeId: ctx.disputeId } : {}),
      category: spec.category,
      from: spec.from,
      correctedAt: ctx.at,
    },
  };
}

function adjustment(r: Redecided, ctx: CorrectionContext): SettlementAdjusted['data'] {
  const next = r.next!;
  const previous = money3(r.current.decision);
  const adjusted = money3(next.decision);
  return {
    settlementId: r.current.original.settlementId,
    correctionId: ctx.correctionId,
    ...(ctx.disputeId ? { disputeId: ctx.disputeId } : {}),
    adjustedAt: ctx.at,
    policyVersion: next.pack.pack.version,
    ...(next.pack.override ? { policyOverride: next.pack.override } : {}),
    input: next.input,
    previous,
    adjusted,
    delta: minus3(adjusted, previous),
    decision: next.decision,
    divergence: divergence(r.current.decision, next.decision),
  };
}

/**
 * Each adjustment followed by the money it moves, in settlement order, against today's
 * balance (a refund earlier in the list is there for a recovery later in it).
 */
function moneyEvents(
  changed: Redecided[],
  adjustments: Array<SettlementAdjusted['data']>,
  state: PersonState,
  ctx: CorrectionContext,
  holders: RelativeAccounts,
): CorrectionPersonEvent[] {
  const out: CorrectionPersonEvent[] = [];
  let balance = money(state.account.balance);
  const closed = state.account.closed;
  const on = ctx.at;
  adjustments.forEach((a, i) => {
    out.push({ type: 'SettlementAdjusted', data: a });
    const ref = { correctionId: ctx.correctionId, settlementId: a.settlementId };
    const accountDelta = money(a.delta.account);
    // What the person side (cash, and a relative's account) owes (+) or is owed (−).
    let personSide: Dec = money(a.delta.cash).plus(holders.move(changed[i]));
    if (accountDelta.isNegative()) {
      const refund = accountDelta.negated();
      // A closed account takes no money: what it would get back is owed to the person.
      if (closed) personSide = personSide.minus(refund);
      else {
        out.push({ type: 'AccountRefunded', data: { ...ref, amount: fmt(refund), on, clause: CORRECTION_CLAUSES.refund } });
        balance = balance.plus(refund);
      }
    } else if (accountDelta.greaterThan(0)) {
      const recovered = closed ? ZERO : min(accountDelta, balance);
      if (recovered.greaterThan(0))
        out.push({ type: 'AccountRecovered', data: { ...ref, amount: fmt(recovered), on, clause: CORRECTION_CLAUSES.recovery } });
      balance = balance.minus(recovered);
      personSide = personSide.plus(accountDelta.minus(recovered));
    }
    if (!personSide.isZero()) {
      const owedTo = personSide.isNegative() ? 'person' : 'fund';
      out.push({
        type: 'ReceivableRecorded',
        data: { ...ref, owedTo, amount: fmt(personSide.abs()), on, clause: CORRECTION_CLAUSES.receivable },
      });
    }
  });
  return out;
}

const relativeDelta = (r: Redecided): Dec =>
  money(r.next!.decision.amounts.relativeAccount).minus(money(r.current.decision.amounts.relativeAccount));

/** One holder's account as the correction moves it: balance and family payments from its stream, then this plan's moves. */
interface HolderAccount {
  balance: Dec;
  closed: boolean;
  outstanding: Map<string, Dec>;
  /** This correction's moves for this person already on the holder's stream (settlement → signed: + recovered, − refunded). */
  written?: Map<string, Dec>;
  events: CorrectionHolderEvent[];
}

/** The relatives' accounts of one person's plan, moved settlement by settlement in order. */
class RelativeAccounts {
  private readonly accounts = new Map<string, HolderAccount>();

  constructor(
    private readonly personId: string,
    private readonly streams: HolderStreams,
    private readonly ctx: CorrectionContext,
  ) {}

  /**
   * Moves a settlement's relative-account difference on the holder's account; answers what
   * is left for the person: + owed by the person (not recovered), − owed to the person (not refunded).
   */
  move(r: Redecided): Dec {
    const wanted = relativeDelta(r);
    const payment = r.current.original.familyPayment;
    const holder = payment && !wanted.isZero() ? this.account(payment.holderId) : undefined;
    if (!payment || !holder) return wanted;
    const settlementId = r.current.original.settlementId;
    const moved = holder.written ? (holder.written.get(settlementId) ?? ZERO) : this.decide(holder, payment.paymentId, wanted);
    if (!holder.written && !moved.isZero()) this.record(holder, payment, settlementId, moved);
    return wanted.minus(moved);
  }

  /** Refund up to what the payment still holds; recover up to the balance; a closed account takes and gives nothing. */
  private decide(holder: HolderAccount, paymentId: string, wanted: Dec): Dec {
    if (holder.closed) return ZERO;
    if (wanted.isNegative()) return min(wanted.negated(), holder.outstanding.get(paymentId) ?? ZERO).negated();
    return min(wanted, holder.balance);
  }

  private record(holder: HolderAccount, payment: { paymentId: string }, settlementId: string, moved: Dec): void {
    const data: RelativeAccountMoney = {
      correctionId: this.ctx.correctionId,
      ...(this.ctx.disputeId ? { disputeId: this.ctx.disputeId } : {}),
      beneficiaryId: this.personId,
      settlementId,
      paymentId: payment.paymentId,
      amount: fmt(moved.abs()),
      on: this.ctx.at,
      clause: moved.isNegative() ? CORRECTION_CLAUSES.relativeRefund : CORRECTION_CLAUSES.relativeRecovery,
    };
    holder.events.push({ type: moved.isNegative() ? 'RelativeAccountRefunded' : 'RelativeAccountRecovered', data });
    holder.balance = holder.balance.minus(moved);
    holder.outstanding.set(payment.paymentId, (holder.outstanding.get(payment.paymentId) ?? ZERO).plus(moved));
  }

  /** The holder's account, folded once from its stream; undefined when the stream was not given. */
  private account(holderId: string): HolderAccount | undefined {
    const known = this.accounts.get(holderId);
    if (known) return known;
    const stream = this.streams.get(holderId);
    if (!stream) return undefined;
    const events = stream.map(upcast);
    const { account } = foldPerson(events);
    const mine = events
      .filter(isHolderMove)
      .filter((e) => e.data.correctionId === this.ctx.correctionId && e.data.beneficiaryId === this.personId);
    const holder: HolderAccount = {
      balance: money(account.balance),
      closed: account.closed,
      outstanding: new Map(Object.entries(account.familyPayments).map(([id, p]) => [id, money(p.outstanding)])),
      ...(mine.length > 0 ? { written: new Map(mine.map((e) => [e.data.settlementId, signedMove(e)])) } : {}),
      events: [],
    };
    this.accounts.set(holderId, holder);
    return holder;
  }

  parts(): HolderPart[] {
    // By holder id: the order a retry's answer reads them back in (apply-correction.command.ts).
    return [...this.accounts.entries()]
      .filter(([, h]) => h.events.length > 0)
      .map(([holderId, h]) => ({ holderId, events: h.events }))
      .sort((a, b) => (a.holderId < b.holderId ? -1 : a.holderId > b.holderId ? 1 : 0));
  }
}

const isHolderMove = <E extends { type: string; data: unknown }>(e: E): e is E & CorrectionHolderEvent =>
  e.type === 'RelativeAccountRefunded' || e.type === 'RelativeAccountRecovered';

const signedMove = (e: CorrectionHolderEvent): Dec =>
  e.type === 'RelativeAccountRefunded' ? money(e.data.amount).negated() : money(e.data.amount);

/** Sum of the plans' totals and their affected settlements, for the correction's record. */
export function combinePlans(plans: PersonCorrectionPlan[]): { affected: AffectedSettlement[]; totals: Money3; changed: number } {
  const affected = plans.flatMap((p) => p.affected);
  return { affected, totals: total3(plans.map((p) => p.totals)), changed: affected.filter((a) => a.changed).length };
}
