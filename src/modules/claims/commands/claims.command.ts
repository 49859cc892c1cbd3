/**
 * The claims commands and their handlers. A handler loads, decides, appends with the
 * expected revision and retries on conflict (PersonStreamWriter.write); the two-stream
 * path of a relative's account is the family-payment saga's (../family-payment.saga.ts).
 */
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, publicKey, withFingerprint } from '../../../event-store/stream-command';
import type { Principal } from '../../../http/roles';
import { shanghaiDate } from '../../../kernel/dates';
import { Forbidden } from '../../../kernel/errors';
import type { AccountRequest, Decision } from '../../../policy/engine/types';
import { PersonState, personStreamId } from '../../person-stream';
import { PersonStreamWriter } from '../../person-writer.service';
import { preSettle, reverseSettlement, settleVisit } from '../claims.decide';
import type { SettlementReversed } from '../claims.events';
import { findSettlement } from '../claims.state';
import { FamilyPaymentSaga } from '../family-payment.saga';
import {
  checkActsFor,
  checkNotAhead,
  holderIdOf,
  SettlementFacts,
  settlementOutcome,
  type SettlementOutcome,
  type VisitRequest,
} from './settlement-facts';
import type { PolicyCatalog } from '../../../policy/catalog';
import type { Cited } from '../../../policy/citation';
import { packFor } from '../../accounts/commands/accounts.command';

export type { SettlementOutcome, VisitRequest } from './settlement-facts';

export class SettleVisit extends Command<SettlementOutcome> {
  constructor(
    readonly personId: string,
    readonly request: VisitRequest,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class PreSettleVisit extends Command<Decision> {
  constructor(
    readonly personId: string,
    readonly request: VisitRequest,
    readonly principal: Principal,
  ) {
    super();
  }
}

export interface ReversalOutcome {
  personId: string;
  settlementId: string;
  created: boolean;
  revision: number;
  position: number;
}

export class ReverseSettlement extends Command<ReversalOutcome> {
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

@CommandHandler(SettleVisit)
export class SettleVisitHandler implements ICommandHandler<SettleVisit, SettlementOutcome> {
  constructor(
    private readonly writer: PersonStreamWriter,
    private readonly facts: SettlementFacts,
    private readonly familyPayment: FamilyPaymentSaga,
  ) {}

  async execute({ personId, request, principal, context: given }: SettleVisit): Promise<SettlementOutcome> {
    // The controller fingerprints the body as sent; this covers callers of the command bus.
    const context = withFingerprint(given, 'claims.SettleVisit', personStreamId(personId), request);
    checkActsFor(principal, request.institutionCode);
    checkNotAhead(request, this.writer.now());
    const institution = await this.facts.institution(request.institutionCode);
    if (request.account.source === 'relative') return this.familyPayment.settle(personId, request, institution, context);
    const account: AccountRequest = { balance: '0.00', source: request.account.source };
    const written = await this.writer.write(personId, context, (state) =>
      settleVisit(this.facts.command(state, request, institution, account), state),
    );
    return settlementOutcome(personId, written, publicKey(context.commandId));
  }
}

@CommandHandler(PreSettleVisit)
export class PreSettleVisitHandler implements ICommandHandler<PreSettleVisit, Decision> {
  constructor(
    private readonly writer: PersonStreamWriter,
    private readonly facts: SettlementFacts,
  ) {}

  /** The decision a settlement would record now; nothing written. */
  async execute({ personId, request, principal }: PreSettleVisit): Promise<Decision> {
    checkActsFor(principal, request.institutionCode);
    checkNotAhead(request, this.writer.now());
    const institution = await this.facts.institution(request.institutionCode);
    const { state } = await this.writer.loadForDecision(personId);
    let account: AccountRequest = { balance: state.account.balance, source: request.account.source };
    if (request.account.source === 'relative') {
      const holder = (await this.writer.loadForDecision(holderIdOf(request))).state;
      account = this.facts.relativeAccount(holder, personId, shanghaiDate(request.visit.occurredAt));
    }
    return preSettle(this.facts.command(state, request, institution, account), state);
  }
}

@CommandHandler(ReverseSettlement)
export class ReverseSettlementHandler implements ICommandHandler<ReverseSettlement, ReversalOutcome> {
  constructor(
    private readonly writer: PersonStreamWriter,
    private readonly familyPayment: FamilyPaymentSaga,
    private readonly facts: SettlementFacts,
  ) {}

  async execute({ personId, settlementId, reason, principal, context: given }: ReverseSettlement): Promise<ReversalOutcome> {
    const context = withFingerprint(given, 'claims.ReverseSettlement', personStreamId(personId), { settlementId, reason });
    const { state } = await this.writer.loadForDecision(personId);
    const s = findSettlement(state.claims, settlementId);
    if (s) checkActsFor(principal, s.institutionCode);
    else if (principal.role === 'institution') throw new Forbidden('not a settlement of this institution');
    const written = await this.writer.write(personId, context, (st) =>
      reverseSettlement(
        { settlementId, reversedAt: this.writer.now().toISOString(), reason },
        st,
        reversalWindow(this.facts.catalog, st, settlementId),
      ),
    );
    const reversed = written.events.find((e) => e.type === 'SettlementReversed')?.data as SettlementReversed['data'] | undefined;
    if (reversed) {
      const settlement = findSettlement((await this.writer.loadForDecision(personId)).state.claims, settlementId);
      await this.familyPayment.refundReversed(settlement, reversed.relativeAccountRestored, context);
    }
    return { personId, settlementId, created: written.created, revision: written.revision, position: written.position };
  }
}

export const ClaimsCommandHandlers = [
  SettlementFacts,
  FamilyPaymentSaga,
  SettleVisitHandler,
  PreSettleVisitHandler,
  ReverseSettlementHandler,
];

/** The reversal window of the pack in force on the settled visit's date (none for an unknown or reversed settlement). */
function reversalWindow(catalog: PolicyCatalog, state: PersonState, settlementId: string): Cited<number> | undefined {
  const s = findSettlement(state.claims, settlementId);
  if (!s || s.reversed) return undefined;
  const pack = packFor(catalog, state, shanghaiDate(s.occurredAt));
  return pack.kind === 'city' ? pack.benefit.reversalWindowDays : undefined;
}
