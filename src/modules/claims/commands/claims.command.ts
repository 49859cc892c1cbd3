import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../../../event-store/stream-command';
import type { Principal } from '../../../http/roles';
import { POLICY_CATALOG } from '../../../infrastructure/tokens';
import { InstitutionRegistry } from '../../../institutions/institution-registry.service';
import { shanghaiDate } from '../../../kernel/dates';
import { InvalidInput, PolicyRefusal } from '../../../kernel/errors';
import { fmt, money } from '../../../kernel/money';
import { familyUseAllowed } from '../../../policy/account-rules';
import type { PolicyCatalog } from '../../../policy/catalog';
import type { AccountRequest, Decision, InstitutionFacts, VisitFacts } from '../../../policy/engine/types';
import { packFor } from '../../accounts/commands/accounts.command';
import { decideAccount } from '../../accounts/accounts.decide';
import type { PersonState } from '../../person-stream';
import { PersonStreamWriter } from '../../person-writer.service';
import { preSettle, reverseSettlement, settleVisit, SettleVisitCommand } from '../claims.decide';
import type { VisitSettled } from '../claims.events';
import { findSettlement } from '../claims.state';

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
    if (!profile) throw new PolicyRefusal('UNKNOWN_INSTITUTION', 'designated institution registry', `institution ${code} is not registered`);
    return (scheme) => ({
      code: profile.code,
      level: profile.level,
      region: profile.region,
      designated: profile.designations.includes(scheme as never),
      ...(profile.countyDesignated !== undefined ? { countyDesignated: profile.countyDesignated } : {}),
      ...(profile.pharmacy !== undefined ? { pharmacy: profile.pharmacy } : {}),
    });
  }

  private command(state: PersonState, request: VisitRequest, institution: (scheme: string) => InstitutionFacts, account: AccountRequest, familyPayment?: SettleVisitCommand['data']['familyPayment']): SettleVisitCommand {
    if (!state.enrollment.personId) throw new PolicyRefusal('NOT_ENROLLED', 'enrolment', 'the person was never enrolled');
    const visitDate = shanghaiDate(request.visit.occurredAt);
    const facts = institution(state.enrollment.scheme!);
    return {
      type: 'SettleVisit',
      data: { settlementId: request.settlementId, visit: { ...request.visit, institution: facts }, institution: facts, account, ...(familyPayment ? { familyPayment } : {}) },
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

  private outcome(personId: string, settlementId: string, written: { created: boolean; revision: number; position: number; events: Array<{ type: string; data: unknown }> }): SettlementOutcome {
    const settled = written.events.find((e) => e.type === 'VisitSettled')!.data as VisitSettled['data'];
    return {
      personId,
      settlementId,
      created: written.created,
      revision: written.revision,
      position: written.position,
      decision: settled.decision,
      ...(settled.familyPayment ? { familyPayment: settled.familyPayment } : {}),
    };
  }

  async settle({ personId, request, principal, context }: SettleVisit): Promise<SettlementOutcome> {
    this.checkInstitution(principal, request.institutionCode);
    const institution = await this.institutionFacts(request.institutionCode);
    if (request.account.source !== 'relative') {
      const written = await this.writer.write(personId, context, (state) =>
        settleVisit(this.command(state, request, institution, { source: request.account.source, balance: '0.00' }), state),
      );
      return this.outcome(personId, request.settlementId, written);
    }
    return this.settleWithRelativeAccount(personId, request, institution, context);
  }

  /**
   * A relative's account pays part of the visit: two streams, so a saga with idempotent
   * steps. 1) FamilyAccountPayment on the holder's stream, for the amount the engine
   * decides against the holder's balance; 2) VisitSettled on the beneficiary's stream,
   * re-decided with that amount as the ceiling; any part not used (the decision moved
   * under a concurrent settlement) or the whole payment (the settlement failed) is
   * refunded by FamilyAccountPaymentRefunded. Every step's command id derives from the
   * request's key, so a retry after a crash finishes the same saga.
   */
  private async settleWithRelativeAccount(
    personId: string,
    request: VisitRequest,
    institution: (scheme: string) => InstitutionFacts,
    context: CommandContext,
  ): Promise<SettlementOutcome> {
    const holderId = this.holderId(request);
    if (holderId === personId) throw new PolicyRefusal('RELATION_NOT_ALLOWED', '宛政办〔2022〕42号 第九条', "use account.source 'own' for the person's own account");
    const beneficiary = await this.writer.loadExisting(personId);
    const earlier = beneficiary.events.find((e) => e.metadata.commandId === context.commandId && e.type === 'VisitSettled');
    if (earlier) return this.outcome(personId, request.settlementId, { created: false, revision: earlier.revision, position: earlier.position, events: [earlier] });

    const familyKey = `${context.commandId}:family`;
    const paymentId = `FAM-${request.settlementId}`;
    const visitDate = shanghaiDate(request.visit.occurredAt);
    let paid: { amount: string; account: AccountRequest } | undefined;
    for (let attempt = 1; paid === undefined; attempt++) {
      const holder = await this.writer.loadExisting(holderId);
      const account = this.relativeAccount(holder.state, personId, visitDate);
      const done = holder.events.find((e) => e.metadata.commandId === familyKey && e.type === 'FamilyAccountPayment');
      if (done) {
        paid = { amount: (done.data as { amount: string }).amount, account };
        break;
      }
      const ben = (await this.writer.loadExisting(personId)).state;
      const planned = preSettle(this.command(ben, request, institution, account), ben).amounts.relativeAccount;
      if (money(planned).isZero()) {
        paid = { amount: '0.00', account };
        break;
      }
      try {
        await this.writer.write(holderId, { ...context, commandId: familyKey, causationId: context.commandId }, (state) =>
          decideAccount(
            {
              type: 'PayForRelative',
              data: { paymentId, beneficiaryId: personId, purpose: 'relative_self_pay', amount: planned, settlementId: request.settlementId, reference: `settlement ${request.settlementId}`, paidOn: visitDate },
              pack: packFor(this.catalog, state, visitDate),
            },
            state,
          ),
        );
        paid = { amount: planned, account };
      } catch (e) {
        // The holder's balance moved between our read and the append: plan again.
        if (!(e instanceof PolicyRefusal && e.code === 'ACCOUNT_INSUFFICIENT') || attempt >= FAMILY_ATTEMPTS) throw e;
      }
    }

    // The amount already taken from the holder is the ceiling of the relative part now.
    const fixed: AccountRequest = { ...paid.account, balance: paid.amount };
    const familyPayment = money(paid.amount).isZero() ? undefined : { holderId, paymentId, amount: paid.amount };
    let settled;
    try {
      settled = await this.writer.write(personId, context, (state) => settleVisit(this.command(state, request, institution, fixed, familyPayment), state));
    } catch (e) {
      if (!money(paid.amount).isZero()) await this.refund(holderId, paymentId, paid.amount, 'settlement_not_completed', context, 'refund');
      throw e;
    }
    const outcome = this.outcome(personId, request.settlementId, settled);
    const unused = money(paid.amount).minus(money(outcome.decision.amounts.relativeAccount));
    if (unused.greaterThan(0)) await this.refund(holderId, paymentId, fmt(unused), 'settlement_recomputed', context, 'adjust');
    return outcome;
  }

  private async refund(holderId: string, paymentId: string, amount: string, reason: 'settlement_not_completed' | 'settlement_recomputed' | 'settlement_reversed', context: CommandContext, step: string): Promise<void> {
    await this.writer.write(holderId, { ...context, commandId: `${context.commandId}:family-${step}`, causationId: context.commandId }, (state) =>
      decideAccount({ type: 'RefundFamilyPayment', data: { paymentId, amount, reason } }, state),
    );
  }

  async reverse({ personId, settlementId, reason, principal, context }: ReverseSettlement) {
    const { state } = await this.writer.loadExisting(personId);
    const s = findSettlement(state.claims, settlementId);
    if (s) this.checkInstitution(principal, s.institutionCode);
    else if (principal.role === 'institution') throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'not a settlement of this institution' });
    const written = await this.writer.write(personId, context, (st) => reverseSettlement({ settlementId, reversedAt: this.writer.now().toISOString(), reason }, st));
    const reversed = written.events.find((e) => e.type === 'SettlementReversed')?.data as { relativeAccountRestored: string } | undefined;
    const settlement = findSettlement((await this.writer.load(personId)).state.claims, settlementId);
    if (reversed && settlement?.familyPayment && money(reversed.relativeAccountRestored).greaterThan(0)) {
      await this.refund(settlement.familyPayment.holderId, settlement.familyPayment.paymentId, reversed.relativeAccountRestored, 'settlement_reversed', context, 'reversal');
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
