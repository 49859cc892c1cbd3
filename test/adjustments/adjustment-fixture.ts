/**
 * Issue 15 read side: builds the events a correction writes on a person stream, with the
 * real engine (adjudicate on the corrected input), so the figures the read side shows are
 * the engine's, not invented. The write side (src/corrections) is not on this branch: this
 * is a small stand-in for what it appends, following the contract in correction.events.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Money3, SettlementAdjusted } from '../../src/corrections/correction.events';
import { derivePack, PolicyOverride } from '../../src/corrections/derived-pack';
import type { DisputeOpened, DisputeRejected, DisputeUpheld } from '../../src/disputes/dispute.events';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/event-store/event-store.port';
import { upcast } from '../../src/event-store/upcasting';
import { sealBatch } from '../../src/audit/tamper-chain';
import { fmt, money } from '../../src/kernel/money';
import { ledgerRule } from '../../src/policy/citation';
import type { VisitSettled } from '../../src/modules/claims/claims.events';
import { personFacts } from '../../src/modules/enrollment/enrollment.state';
import { evolvePerson, initialPersonState } from '../../src/modules/person-stream';
import { canonicalJson } from '../../src/policy/canonical-json';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { AdjudicationInput, Decision } from '../../src/policy/engine/types';
import type { PolicyPack } from '../../src/policy/pack.types';

export interface CorrectionIds {
  correctionId: string;
  disputeId?: string;
  at: string;
  /** A policy-parameter correction: the decision is made under derivePack(pack, override). */
  policyOverride?: PolicyOverride;
}

/** The adjudication input a recorded settlement had, rebuilt from the stream before it. */
export function recordedInput(
  stream: ReadonlyArray<RecordedEvent>,
  settlementId: string,
): { input: AdjudicationInput; settled: VisitSettled['data'] } {
  let state = initialPersonState();
  for (const raw of stream) {
    const e = upcast(raw);
    const d = e.data as VisitSettled['data'];
    if (e.type === 'VisitSettled' && d.settlementId === settlementId) {
      const input = {
        visit: { ...d.visit, institution: d.institution },
        person: personFacts(state.enrollment),
        yearToDate: d.yearToDate,
        account: d.account,
      };
      return { input, settled: d };
    }
    state = evolvePerson(state, e);
  }
  throw new Error(`no settlement ${settlementId}`);
}

const amounts3 = (d: Decision): Money3 => ({ fund: d.amounts.fund, account: d.amounts.account, cash: d.amounts.cash });
const diff = (a: string, b: string): string => fmt(money(a).minus(money(b)));

/** First trace step where two decisions part (its clause from the adjusted decision). */
export function divergenceOf(before: Decision, after: Decision): { step: string; clause: string } {
  for (let i = 0; i < after.trace.length; i++) {
    if (canonicalJson(before.trace[i] ?? null) !== canonicalJson(after.trace[i]))
      return { step: after.trace[i].step, clause: after.trace[i].clause };
  }
  return { step: '(none)', clause: '' };
}

/** The decision in force for a settlement: the last SettlementAdjusted's, or the settled one. */
function decisionInForce(stream: ReadonlyArray<RecordedEvent>, settlementId: string, settled: Decision): Decision {
  const adjusted = stream.filter(
    (e) => e.type === 'SettlementAdjusted' && (e.data as SettlementAdjusted['data']).settlementId === settlementId,
  );
  return adjusted.length ? (adjusted[adjusted.length - 1].data as SettlementAdjusted['data']).decision : settled;
}

/**
 * One settlement re-adjudicated under `change` (the corrected facts): the SettlementAdjusted
 * and the money events (account refund or recovery, cash receivable) the contract describes.
 */
export function adjustSettlement(
  stream: ReadonlyArray<RecordedEvent>,
  settlementId: string,
  change: (input: AdjudicationInput) => AdjudicationInput,
  pack: PolicyPack,
  ids: CorrectionIds,
): NewEvent[] {
  const { input, settled } = recordedInput(stream, settlementId);
  const previousDecision = decisionInForce(stream, settlementId, settled.decision);
  const corrected = change(input);
  const underPack = ids.policyOverride ? derivePack(pack, ids.policyOverride) : pack;
  const decision = adjudicate(corrected, underPack);
  const previous = amounts3(previousDecision);
  const adjusted = amounts3(decision);
  const delta: Money3 = {
    fund: diff(adjusted.fund, previous.fund),
    account: diff(adjusted.account, previous.account),
    cash: diff(adjusted.cash, previous.cash),
  };
  const data: SettlementAdjusted['data'] = {
    settlementId,
    correctionId: ids.correctionId,
    ...(ids.disputeId ? { disputeId: ids.disputeId } : {}),
    adjustedAt: ids.at,
    policyVersion: underPack.version,
    ...(ids.policyOverride ? { policyOverride: ids.policyOverride } : {}),
    input: corrected,
    previous,
    adjusted,
    delta,
    decision,
    divergence: divergenceOf(previousDecision, decision),
  };
  const events: NewEvent[] = [newEvent('SettlementAdjusted', data, ids.at)];
  const money3 = { correctionId: ids.correctionId, settlementId, on: ids.at.slice(0, 10), clause: ledgerRule('correction-money') };
  const account = money(delta.account);
  if (account.isNegative()) events.push(newEvent('AccountRefunded', { ...money3, amount: fmt(account.negated()) }, ids.at));
  if (account.isPositive() && !account.isZero()) events.push(newEvent('AccountRecovered', { ...money3, amount: fmt(account) }, ids.at));
  const cash = money(delta.cash);
  if (!cash.isZero())
    events.push(
      newEvent('ReceivableRecorded', { ...money3, owedTo: cash.isNegative() ? 'person' : 'fund', amount: fmt(cash.abs()) }, ids.at),
    );
  return events;
}

export function newEvent(type: string, data: unknown, at: string): NewEvent {
  return { id: randomUUID(), type, data, metadata: { schemaVersion: 1, recordedAt: at, occurredAt: at } };
}

/** Appends a correction's person events (after reading the stream, so `previous` is what stands). */
export async function applyAdjustment(
  store: EventStore,
  personId: string,
  settlementId: string,
  change: (input: AdjudicationInput) => AdjudicationInput,
  pack: PolicyPack,
  ids: CorrectionIds,
): Promise<NewEvent[]> {
  const stream = await store.readStream(`person-${personId}`);
  const events = adjustSettlement(stream, settlementId, change, pack, ids);
  await appendSealed(store, `person-${personId}`, events);
  return events;
}

/** Appends with the stream's hash chain (as the write side's commands do), at the expected revision. */
export async function appendSealed(store: EventStore, streamId: string, events: NewEvent[]): Promise<void> {
  const stream = await store.readStream(streamId);
  const last = stream.length ? stream[stream.length - 1] : undefined;
  await store.append(streamId, sealBatch(streamId, events, last), last ? last.revision : 'no_stream');
}

/** A dispute's lifecycle events, as the write side appends them on `dispute-<id>`. */
export function disputeOpened(
  disputeId: string,
  at: string,
  subject: DisputeOpened['data']['subject'],
  institutionCode: string,
  opener: DisputeOpened['data']['openedBy'] = { role: 'agency' },
): NewEvent {
  const data: DisputeOpened['data'] = {
    disputeId,
    openedAt: at,
    openedBy: opener,
    subject,
    institutionCode,
    grounds: { code: 'WRONG_CATEGORY', text: 'retired since January' },
    analysis: { changes: [], totals: { fund: '0.00', account: '0.00', cash: '0.00' } },
  };
  return newEvent('DisputeOpened', data, at);
}

export const disputeUpheld = (disputeId: string, at: string, correctionId: string): NewEvent =>
  newEvent('DisputeUpheld', { disputeId, resolvedAt: at, correctionId, by: { role: 'agency' } } satisfies DisputeUpheld['data'], at);

export const disputeRejected = (disputeId: string, at: string, reason: string): NewEvent =>
  newEvent('DisputeRejected', { disputeId, resolvedAt: at, reason, by: { role: 'agency' } } satisfies DisputeRejected['data'], at);
