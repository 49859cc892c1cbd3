/**
 * A relative's account pays part of a visit (家庭共济, 宛政办〔2022〕42号 第九条（二）): two
 * streams, so a saga whose steps are keyed by the request's idempotency key and reconciled
 * from state:
 *  1. FamilyAccountPayment on the holder's stream, for what the engine decides against
 *     the holder's balance (or this saga's earlier payment still held, on a retry);
 *  2. VisitSettled on the beneficiary's stream, re-decided with that amount as ceiling;
 *  3. reconciliation: each payment of this saga is refunded down to what the settlement
 *     keeps (all of it when the settlement did not happen). It is stated as a target,
 *     so running it again — after a crash, or on a retried request — refunds nothing twice.
 * At every step the holder's credits − debits is its balance and nothing goes negative.
 * A reversal refunds the holder what the reversed settlement restored (refundReversed).
 */
import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '../../event-store/event-store.port';
import { assertSameRequest, CommandContext, publicKey } from '../../event-store/stream-command';
import { shanghaiDate } from '../../kernel/dates';
import { PolicyRefusal } from '../../kernel/errors';
import { money } from '../../kernel/money';
import type { AccountRequest } from '../../policy/engine/types';
import { decideAccount } from '../accounts/accounts.decide';
import { packFor } from '../accounts/commands/accounts.command';
import type { PersonState } from '../person-stream';
import { PersonStreamWriter } from '../person-writer.service';
import { preSettle, settleVisit } from './claims.decide';
import type { VisitSettled } from './claims.events';
import { findSettlement } from './claims.state';
import {
  holderIdOf,
  InstitutionFactsFor,
  SettlementFacts,
  settlementOutcome,
  SettlementOutcome,
  VisitRequest,
} from './commands/settlement-facts';
import { reconcilerSettings, refundContext } from './family-payment.reconciler';
import { ledgerRule } from '../../policy/citation';

/** Bounded retries of step 1 when the holder's account moves underneath. */
const FAMILY_ATTEMPTS = 5;

interface TakenFromHolder {
  amount: string;
  paymentId?: string;
  account: AccountRequest;
}

interface PaymentPlan {
  personId: string;
  holderId: string;
  request: VisitRequest;
  institution: InstitutionFactsFor;
  account: AccountRequest;
  /** 1 for the saga's first payment, 2 after a stale one was refunded, … */
  generation: number;
  saga: string;
  context: CommandContext;
}

interface SagaPayment {
  paymentId: string;
  outstanding: string;
  recordedAt: string;
}

@Injectable()
export class FamilyPaymentSaga {
  private readonly reconcileAfterMs = reconcilerSettings().afterMs;

  constructor(
    private readonly writer: PersonStreamWriter,
    private readonly facts: SettlementFacts,
  ) {}

  async settle(
    personId: string,
    request: VisitRequest,
    institution: InstitutionFactsFor,
    context: CommandContext,
  ): Promise<SettlementOutcome> {
    const holderId = holderIdOf(request);
    if (holderId === personId)
      throw new PolicyRefusal(
        'RELATION_NOT_ALLOWED',
        ledgerRule('relative-account-is-another-person'),
        "use account.source 'own' for the person's own account",
      );
    const saga = `${context.commandId}:family`;
    // State, ids and metadata only (a cached person's settlements are kept without traces);
    // a retry is answered with its event read whole, trace included.
    const beneficiary = await this.writer.loadForDecision(personId);
    // A key already used here by another request is refused before the holder is touched.
    assertSameRequest(
      beneficiary.events.filter((e) => e.metadata.commandId === context.commandId),
      context,
    );
    const settledBy = (events: RecordedEvent[]) =>
      events.find((e) => e.metadata.commandId === context.commandId && e.type === 'VisitSettled');
    const earlier = settledBy(beneficiary.events) && settledBy((await this.writer.loadExisting(personId)).events);
    if (earlier) {
      await this.reconcile(holderId, saga, context, (earlier.data as VisitSettled['data']).familyPayment);
      return settlementOutcome(
        personId,
        { created: false, revision: earlier.revision, position: earlier.position, events: [earlier] },
        publicKey(context.commandId),
      );
    }
    // Refuse a taken settlement id before touching the holder's account.
    if (findSettlement(beneficiary.state.claims, request.settlementId)) {
      throw new PolicyRefusal(
        'DUPLICATE_SETTLEMENT',
        ledgerRule('duplicate-settlement'),
        `settlement ${request.settlementId} already exists`,
      );
    }
    const taken = await this.takeFromHolder(personId, holderId, request, institution, saga, context);
    const fixed: AccountRequest = { ...taken.account, balance: taken.amount };
    const familyPayment = taken.paymentId ? { holderId, paymentId: taken.paymentId, amount: taken.amount } : undefined;
    let settled;
    try {
      settled = await this.writer.write(personId, context, (state) =>
        settleVisit(this.facts.command(state, request, institution, fixed, familyPayment), state),
      );
    } catch (e) {
      await this.reconcile(holderId, saga, context, undefined);
      throw e;
    }
    const outcome = settlementOutcome(personId, settled, publicKey(context.commandId));
    await this.reconcile(holderId, saga, context, outcome.familyPayment);
    return outcome;
  }

  /** After a reversal that restored a relative's account part: refund the holder's payment in full. */
  async refundReversed(
    settlement: { familyPayment?: { holderId: string; paymentId: string } } | undefined,
    relativeAccountRestored: string,
    context: CommandContext,
  ): Promise<void> {
    if (!settlement?.familyPayment || !money(relativeAccountRestored).greaterThan(0)) return;
    const { holderId, paymentId } = settlement.familyPayment;
    await this.writer.write(
      holderId,
      { ...context, commandId: `${context.commandId}:family-reversal`, causationId: context.commandId },
      (state) => decideAccount({ type: 'RefundFamilyPayment', data: { paymentId, keep: '0.00', reason: 'settlement_reversed' } }, state),
    );
  }

  /** Step 1: debit the holder, or reuse what this saga already holds there. */
  private async takeFromHolder(
    personId: string,
    holderId: string,
    request: VisitRequest,
    institution: InstitutionFactsFor,
    saga: string,
    context: CommandContext,
  ): Promise<TakenFromHolder> {
    const visitDate = shanghaiDate(request.visit.occurredAt);
    for (let attempt = 1; ; attempt++) {
      const holder = await this.writer.loadForDecision(holderId);
      const account = this.facts.relativeAccount(holder.state, personId, visitDate);
      assertSameRequest(
        holder.events.filter((e) => String(e.metadata.commandId ?? '').startsWith(`${saga}:`)),
        context,
      );
      const mine = sagaPayments(holder, saga);
      const held = mine.find((p) => money(p.outstanding).greaterThan(0));
      if (held && this.young(held.recordedAt)) return { amount: held.outstanding, paymentId: held.paymentId, account };
      if (held) {
        await this.refundStale(holderId, held.paymentId);
        continue;
      }
      try {
        return await this.payAfresh({ personId, holderId, request, institution, account, generation: mine.length + 1, saga, context });
      } catch (e) {
        // The holder's balance moved between our read and the append: plan again.
        if (!(e instanceof PolicyRefusal && e.code === 'ACCOUNT_INSUFFICIENT') || attempt >= FAMILY_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * A held payment old enough for the reconciler to refund it any moment: refund it here,
   * under the reconciler's key (so never twice), and pay afresh rather than race it.
   */
  private async refundStale(holderId: string, paymentId: string): Promise<void> {
    await this.writer.write(holderId, refundContext(paymentId, '0.00'), (state) =>
      decideAccount({ type: 'RefundFamilyPayment', data: { paymentId, keep: '0.00', reason: 'settlement_not_recorded' } }, state),
    );
  }

  /** Debits the holder what the engine plans for the relative's account now (nothing when it plans 0). */
  private async payAfresh(p: PaymentPlan): Promise<TakenFromHolder> {
    const { personId, holderId, request, account, saga, context } = p;
    const visitDate = shanghaiDate(request.visit.occurredAt);
    const beneficiary = (await this.writer.loadForDecision(personId)).state;
    const planned = preSettle(this.facts.command(beneficiary, request, p.institution, account), beneficiary).amounts.relativeAccount;
    if (money(planned).isZero()) return { amount: '0.00', account };
    const paymentId = `FAM-${personId}-${request.settlementId}-${p.generation}`;
    await this.writer.write(holderId, { ...context, commandId: `${saga}:${p.generation}`, causationId: context.commandId }, (state) =>
      decideAccount(
        {
          type: 'PayForRelative',
          data: {
            paymentId,
            beneficiaryId: personId,
            purpose: 'relative_self_pay',
            amount: planned,
            settlementId: request.settlementId,
            reference: `settlement ${request.settlementId}`,
            paidOn: visitDate,
          },
          pack: packFor(this.facts.catalog, state, visitDate),
        },
        state,
      ),
    );
    return { amount: planned, paymentId, account };
  }

  /** A held payment the reconciler will leave alone for a good while yet (under half its threshold). */
  private young(recordedAt: string): boolean {
    return this.writer.now().getTime() - Date.parse(recordedAt) < this.reconcileAfterMs / 2;
  }

  /** Step 3: refund each payment of this saga down to what the settlement keeps of it. */
  private async reconcile(
    holderId: string,
    saga: string,
    context: CommandContext,
    kept: { paymentId: string; amount: string } | undefined,
  ): Promise<void> {
    const holder = await this.writer.loadForDecision(holderId, { mustExist: false });
    for (const p of sagaPayments(holder, saga)) {
      const keep = kept && kept.paymentId === p.paymentId ? kept.amount : '0.00';
      if (!money(p.outstanding).greaterThan(money(keep))) continue;
      const reason = kept ? 'settlement_recomputed' : 'settlement_not_completed';
      await this.writer.write(
        holderId,
        { ...context, commandId: `${saga}-refund:${p.paymentId}:${keep}`, causationId: context.commandId },
        (state) => decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: p.paymentId, keep, reason } }, state),
      );
    }
  }
}

/** This saga's family payments on the holder's stream, with what each still holds. */
function sagaPayments(holder: { state: PersonState; events: RecordedEvent[] }, saga: string): SagaPayment[] {
  return holder.events
    .filter((e) => e.type === 'FamilyAccountPayment' && String(e.metadata.commandId ?? '').startsWith(`${saga}:`))
    .map((e) => {
      const paymentId = (e.data as { paymentId: string }).paymentId;
      return {
        paymentId,
        outstanding: holder.state.account.familyPayments[paymentId]?.outstanding ?? '0.00',
        recordedAt: e.metadata.recordedAt,
      };
    });
}
