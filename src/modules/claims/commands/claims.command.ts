import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../../event-store/event-store.port';
import { assertSameRequest, CommandContext, publicKey, withFingerprint } from '../../../event-store/stream-command';
import type { Principal } from '../../../http/roles';
import { POLICY_CATALOG } from '../../../infrastructure/tokens';
import { InstitutionRegistry } from '../../../institutions/institution-registry.service';
import { shanghaiDate } from '../../../kernel/dates';
import { IdempotencyKeyReused, InvalidInput, PolicyRefusal } from '../../../kernel/errors';
import { money } from '../../../kernel/money';
import { familyUseAllowed } from '../../../policy/account-rules';
import type { PolicyCatalog } from '../../../policy/catalog';
import { type Cited, ledgerRule } from '../../../policy/citation';
import type { AccountRequest, Decision, InstitutionFacts, VisitFacts } from '../../../policy/engine/types';
import { packFor } from '../../accounts/commands/accounts.command';
import { decideAccount } from '../../accounts/accounts.decide';
import { PersonState, personStreamId } from '../../person-stream';
import { PersonStreamWriter } from '../../person-writer.service';
import { preSettle, reverseSettlement, settleVisit, SettleVisitCommand } from '../claims.decide';
import type { HistoricalSettlement, VisitSettled } from '../claims.events';
import { findSettlement } from '../claims.state';
import { reconcilerSettings, refundContext } from '../family-payment.reconciler';

export interface SettlementOutcome {
  personId: string;
  settlementId: string;
  created: boolean;
  revision: number;
  position: number;
  decision: Decision;
  familyPayment?: { holderId: string; paymentId: string; amount: string };
}

export interface VisitRequest {
  settlementId: string;
  visit: Omit<VisitFacts, 'institution'>;
  institutionCode: string;
  account: { source: 'none' | 'own' | 'relative'; holderId?: string };
  /** Issue 12.2: figures of an imported historical settlement, kept on VisitSettled. */
  historical?: HistoricalSettlement;
}

export class SettleVisit extends Command<SettlementOutcome> {
  constructor(readonly personId: string, readonly request: VisitRequest, readonly principal: Principal, readonly context: CommandContext) {
    super();
  }
}

export class PreSettleVisit extends Command<Decision> {
  constructor(readonly personId: string, readonly request: VisitRequest, readonly principal: Principal) {
    super();
  }
}

export class ReverseSettlement extends Command<{ personId: string; settlementId: string; created: boolean; revision: number; position: number }> {
  constructor(
    readonly personId: string,
    readonly settlementId: string,
    readonly reason: string,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Bounded retries of the two-stream family-payment path when the holder's account moves underneath. */
const FAMILY_ATTEMPTS = 5;

/** The claims use cases; the CQRS handlers below only delegate to it. */
@Injectable()
export class ClaimsService {
  private readonly reconcileAfterMs = reconcilerSettings().afterMs;

  constructor(
    private readonly writer: PersonStreamWriter,
    private readonly registry: InstitutionRegistry,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
  ) {}

  /** Institution keys act only for their own institution (issue 4: 403 otherwise). */
  private checkInstitution(principal: Principal, institutionCode: string): void {
    if (principal.role === 'institution' && principal.institutionCode !== institutionCode) {
      throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: `this key acts for institution ${principal.institutionCode}, not ${institutionCode}` });
    }
  }

  private async institutionFacts(code: string): Promise<(scheme: string) => InstitutionFacts> {
    const profile = await this.registry.find(code);
    if (!profile) throw new PolicyRefusal('UNKNOWN_INSTITUTION', ledgerRule('registered-institution'), `institution ${code} is not registered`);
    return (scheme) => ({
      code: profile.code,
      level: profile.level,
      region: profile.region,
      designated: profile.designations.includes(scheme as never),
      ...(profile.countyDesignated !== undefined ? { countyDesignated: profile.countyDesignated } : {}),
      ...(profile.pharmacy !== undefined ? { pharmacy: profile.pharmacy } : {}),
      // Issue 16.4: a pack may pool by category rather than grade.
      category: profile.category,
    });
  }

  private command(state: PersonState, request: VisitRequest, institution: (scheme: string) => InstitutionFacts, account: AccountRequest, familyPayment?: SettleVisitCommand['data']['familyPayment']): SettleVisitCommand {
    if (!state.enrollment.personId) throw new PolicyRefusal('NOT_ENROLLED', ledgerRule('person-enrolled'), 'the person was never enrolled');
    const visitDate = shanghaiDate(request.visit.occurredAt);
    const facts = institution(state.enrollment.scheme!);
    return {
      type: 'SettleVisit',
      data: {
        settlementId: request.settlementId,
        visit: { ...request.visit, institution: facts },
        institution: facts,
        account,
        ...(familyPayment ? { familyPayment } : {}),
        ...(request.historical ? { historical: request.historical } : {}),
      },
      pack: packFor(this.catalog, state, visitDate),
    };
  }

  /** The holder's relation to the beneficiary, checked against the pack (第九条: spouse, parents, children). */
  private relativeAccount(holder: PersonState, beneficiaryId: string, visitDate: string): AccountRequest & { holderId: string } {
    const relative = holder.enrollment.relatives.find((r) => r.personId === beneficiaryId);
    const pack = packFor(this.catalog, holder, visitDate);
    if (!relative) {
      // Only a relation the holder declared can use the account; an undeclared person has none.
      throw new PolicyRefusal('RELATION_NOT_ALLOWED', familyUseAllowed(pack, 'undeclared').clause, `the account holder has not declared ${beneficiaryId} as a relative`);
    }
    const allowed = familyUseAllowed(pack, relative.relation);
    if (!allowed.allowed) {
      throw new PolicyRefusal('RELATION_NOT_ALLOWED', allowed.clause, `a ${relative.relation}'s account may not pay (spouse, parents and children only)`, { relation: relative.relation });
    }
    if (!holder.enrollment.enrolled || holder.account.closed) throw new PolicyRefusal('ACCOUNT_CLOSED', allowed.clause, `the holder's account is closed`);
    return { source: 'relative', balance: holder.account.balance, holderId: holder.enrollment.personId!, relation: relative.relation };
  }

  async preSettle({ personId, request, principal }: PreSettleVisit): Promise<Decision> {
    this.checkInstitution(principal, request.institutionCode);
    const institution = await this.institutionFacts(request.institutionCode);
    const { state } = await this.writer.loadExisting(personId);
    let account: AccountRequest = { source: request.account.source, balance: state.account.balance };
    if (request.account.source === 'relative') {
      const holder = (await this.writer.loadExisting(this.holderId(request))).state;
      account = this.relativeAccount(holder, personId, shanghaiDate(request.visit.occurredAt));
    }
    return preSettle(this.command(state, request, institution, account), state);
  }

  private holderId(request: VisitRequest): string {
    if (!request.account.holderId) throw new InvalidInput('account.holderId', "is required when account.source is 'relative'");
    return request.account.holderId;
  }

  /** The reply, built from the stored VisitSettled only (a replay never echoes the request). */
  private outcome(personId: string, written: { created: boolean; revision: number; position: number; events: Array<{ type: string; data: unknown }> }, key: string): SettlementOutcome {
    const found = written.events.find((e) => e.type === 'VisitSettled');
    // A key whose events (written before fingerprints) are not a settlement: another request's key.
    if (!found) throw new IdempotencyKeyReused(key);
    const settled = found.data as VisitSettled['data'];
    return {
      personId,
      settlementId: settled.settlementId,
      created: written.created,
      revision: written.revision,
      position: written.position,
      decision: settled.decision,
      ...(settled.familyPayment ? { familyPayment: settled.familyPayment } : {}),
    };
  }

  async settle({ personId, request, principal, context: given }: SettleVisit): Promise<SettlementOutcome> {
    // The controller fingerprints the body as sent; this covers callers of the command bus.
    const context = withFingerprint(given, 'claims.SettleVisit', personStreamId(personId), request);
    this.checkInstitution(principal, request.institutionCode);
    const institution = await this.institutionFacts(request.institutionCode);
    if (request.account.source !== 'relative') {
      const written = await this.writer.write(personId, context, (state) =>
        settleVisit(this.command(state, request, institution, { source: request.account.source, balance: '0.00' }), state),
      );
      return this.outcome(personId, written, publicKey(context.commandId));
    }
    return this.settleWithRelativeAccount(personId, request, institution, context);
  }

  /**
   * A relative's account pays part of the visit: two streams, so a saga whose steps are
   * keyed by the request's idempotency key and reconciled from state:
   *  1. FamilyAccountPayment on the holder's stream, for what the engine decides against
   *     the holder's balance (or this saga's earlier payment still held, on a retry);
   *  2. VisitSettled on the beneficiary's stream, re-decided with that amount as ceiling;
   *  3. reconciliation: each payment of this saga is refunded down to what the settlement
   *     keeps (all of it when the settlement did not happen). It is stated as a target,
   *     so running it again — after a crash, or on a retried request — refunds nothing twice.
   * At every step the holder's credits − debits is its balance and nothing goes negative.
   */
  private async settleWithRelativeAccount(
    personId: string,
    request: VisitRequest,
    institution: (scheme: string) => InstitutionFacts,
    context: CommandContext,
  ): Promise<SettlementOutcome> {
    const holderId = this.holderId(request);
    if (holderId === personId) throw new PolicyRefusal('RELATION_NOT_ALLOWED', ledgerRule('relative-account-is-another-person'), "use account.source 'own' for the person's own account");
    const saga = `${context.commandId}:family`;
    const beneficiary = await this.writer.loadExisting(personId);
    // A key already used here by another request is refused before the holder is touched.
    assertSameRequest(beneficiary.events.filter((e) => e.metadata.commandId === context.commandId), context);
    const earlier = beneficiary.events.find((e) => e.metadata.commandId === context.commandId && e.type === 'VisitSettled');
    if (earlier) {
      await this.reconcileFamilyPayments(holderId, saga, context, (earlier.data as VisitSettled['data']).familyPayment);
      return this.outcome(personId, { created: false, revision: earlier.revision, position: earlier.position, events: [earlier] }, publicKey(context.commandId));
    }
    // Refuse a taken settlement id before touching the holder's account.
    if (findSettlement(beneficiary.state.claims, request.settlementId)) {
      throw new PolicyRefusal('DUPLICATE_SETTLEMENT', ledgerRule('duplicate-settlement'), `settlement ${request.settlementId} already exists`);
    }
    const visitDate = shanghaiDate(request.visit.occurredAt);
    const taken = await this.takeFromHolder(personId, holderId, request, institution, visitDate, saga, context);
    const fixed: AccountRequest = { ...taken.account, balance: taken.amount };
    const familyPayment = taken.paymentId ? { holderId, paymentId: taken.paymentId, amount: taken.amount } : undefined;
    let settled;
    try {
      settled = await this.writer.write(personId, context, (state) => settleVisit(this.command(state, request, institution, fixed, familyPayment), state));
    } catch (e) {
      await this.reconcileFamilyPayments(holderId, saga, context, undefined);
      throw e;
    }
    const outcome = this.outcome(personId, settled, publicKey(context.commandId));
    await this.reconcileFamilyPayments(holderId, saga, context, outcome.familyPayment);
    return outcome;
  }

  /** This saga's family payments on the holder's stream, with what each still holds. */
  private sagaPayments(holder: { state: PersonState; events: RecordedEvent[] }, saga: string): Array<{ paymentId: string; outstanding: string; recordedAt: string }> {
    return holder.events
      .filter((e) => e.type === 'FamilyAccountPayment' && String(e.metadata.commandId ?? '').startsWith(`${saga}:`))
      .map((e) => {
        const paymentId = (e.data as { paymentId: string }).paymentId;
        return { paymentId, outstanding: holder.state.account.familyPayments[paymentId]?.outstanding ?? '0.00', recordedAt: e.metadata.recordedAt };
      });
  }

  /** Step 1: debit the holder, or reuse what this saga already holds there. */
  private async takeFromHolder(
    personId: string,
    holderId: string,
    request: VisitRequest,
    institution: (scheme: string) => InstitutionFacts,
    visitDate: string,
    saga: string,
    context: CommandContext,
  ): Promise<{ amount: string; paymentId?: string; account: AccountRequest }> {
    for (let attempt = 1; ; attempt++) {
      const holder = await this.writer.loadExisting(holderId);
      const account = this.relativeAccount(holder.state, personId, visitDate);
      assertSameRequest(holder.events.filter((e) => String(e.metadata.commandId ?? '').startsWith(`${saga}:`)), context);
      const mine = this.sagaPayments(holder, saga);
      const held = mine.find((p) => money(p.outstanding).greaterThan(0));
      if (held && this.young(held.recordedAt)) return { amount: held.outstanding, paymentId: held.paymentId, account };
      if (held) {
        // Old enough for the reconciler to refund it any moment: refund it ourselves, under
        // the reconciler's key (so never twice), and pay afresh rather than race it.
        await this.writer.write(holderId, refundContext(held.paymentId, '0.00'), (state) =>
          decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: held.paymentId, keep: '0.00', reason: 'settlement_not_recorded' } }, state),
        );
        continue;
      }
      const ben = (await this.writer.loadExisting(personId)).state;
      const planned = preSettle(this.command(ben, request, institution, account), ben).amounts.relativeAccount;
      if (money(planned).isZero()) return { amount: '0.00', account };
      const generation = mine.length + 1;
      const paymentId = `FAM-${personId}-${request.settlementId}-${generation}`;
      try {
        await this.writer.write(holderId, { ...context, commandId: `${saga}:${generation}`, causationId: context.commandId }, (state) =>
          decideAccount(
            {
              type: 'PayForRelative',
              data: { paymentId, beneficiaryId: personId, purpose: 'relative_self_pay', amount: planned, settlementId: request.settlementId, reference: `settlement ${request.settlementId}`, paidOn: visitDate },
              pack: packFor(this.catalog, state, visitDate),
            },
            state,
          ),
        );
        return { amount: planned, paymentId, account };
      } catch (e) {
        // The holder's balance moved between our read and the append: plan again.
        if (!(e instanceof PolicyRefusal && e.code === 'ACCOUNT_INSUFFICIENT') || attempt >= FAMILY_ATTEMPTS) throw e;
      }
    }
  }

  /** A held payment the reconciler will leave alone for a good while yet (under half its threshold). */
  private young(recordedAt: string): boolean {
    return this.writer.now().getTime() - Date.parse(recordedAt) < this.reconcileAfterMs / 2;
  }

  /** Step 3: refund each payment of this saga down to what the settlement keeps of it. */
  private async reconcileFamilyPayments(holderId: string, saga: string, context: CommandContext, kept: { paymentId: string; amount: string } | undefined): Promise<void> {
    const holder = await this.writer.load(holderId);
    for (const p of this.sagaPayments(holder, saga)) {
      const keep = kept && kept.paymentId === p.paymentId ? kept.amount : '0.00';
      if (!money(p.outstanding).greaterThan(money(keep))) continue;
      const reason = kept ? 'settlement_recomputed' : 'settlement_not_completed';
      await this.writer.write(holderId, { ...context, commandId: `${saga}-refund:${p.paymentId}:${keep}`, causationId: context.commandId }, (state) =>
        decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: p.paymentId, keep, reason } }, state),
      );
    }
  }

  async reverse({ personId, settlementId, reason, principal, context: given }: ReverseSettlement) {
    const context = withFingerprint(given, 'claims.ReverseSettlement', personStreamId(personId), { settlementId, reason });
    const { state } = await this.writer.loadExisting(personId);
    const s = findSettlement(state.claims, settlementId);
    if (s) this.checkInstitution(principal, s.institutionCode);
    else if (principal.role === 'institution') throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'not a settlement of this institution' });
    const written = await this.writer.write(personId, context, (st) =>
      reverseSettlement({ settlementId, reversedAt: this.writer.now().toISOString(), reason }, st, reversalWindow(this.catalog, st, settlementId)),
    );
    const reversed = written.events.find((e) => e.type === 'SettlementReversed')?.data as { relativeAccountRestored: string } | undefined;
    const settlement = findSettlement((await this.writer.load(personId)).state.claims, settlementId);
    if (reversed && settlement?.familyPayment && money(reversed.relativeAccountRestored).greaterThan(0)) {
      const { holderId, paymentId } = settlement.familyPayment;
      await this.writer.write(holderId, { ...context, commandId: `${context.commandId}:family-reversal`, causationId: context.commandId }, (state) =>
        decideAccount({ type: 'RefundFamilyPayment', data: { paymentId, keep: '0.00', reason: 'settlement_reversed' } }, state),
      );
    }
    return { personId, settlementId, created: written.created, revision: written.revision, position: written.position };
  }
}

@CommandHandler(SettleVisit)
export class SettleVisitHandler implements ICommandHandler<SettleVisit, SettlementOutcome> {
  constructor(private readonly claims: ClaimsService) {}
  execute(command: SettleVisit): Promise<SettlementOutcome> {
    return this.claims.settle(command);
  }
}

@CommandHandler(PreSettleVisit)
export class PreSettleVisitHandler implements ICommandHandler<PreSettleVisit, Decision> {
  constructor(private readonly claims: ClaimsService) {}
  execute(command: PreSettleVisit): Promise<Decision> {
    return this.claims.preSettle(command);
  }
}

@CommandHandler(ReverseSettlement)
export class ReverseSettlementHandler implements ICommandHandler<ReverseSettlement> {
  constructor(private readonly claims: ClaimsService) {}
  execute(command: ReverseSettlement) {
    return this.claims.reverse(command);
  }
}

export const ClaimsCommandHandlers = [ClaimsService, SettleVisitHandler, PreSettleVisitHandler, ReverseSettlementHandler];

/** The reversal window of the pack in force on the settled visit's date (none for an unknown or reversed settlement). */
function reversalWindow(catalog: PolicyCatalog, state: PersonState, settlementId: string): Cited<number> | undefined {
  const s = findSettlement(state.claims, settlementId);
  if (!s || s.reversed) return undefined;
  const pack = packFor(catalog, state, shanghaiDate(s.occurredAt));
  return pack.kind === 'city' ? pack.benefit.reversalWindowDays : undefined;
}
