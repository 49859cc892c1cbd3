/**
 * What a settlement command is built from: the institution's registry facts, the pack in
 * force, the account request (own, or a relative's checked against the pack), and the reply
 * built from the stored VisitSettled. Shared by the claims handlers and the family-payment saga.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../../http/roles';
import { POLICY_CATALOG } from '../../../infrastructure/tokens';
import { InstitutionRegistry } from '../../../institutions/institution-registry.service';
import { shanghaiDate } from '../../../kernel/dates';
import { Forbidden, IdempotencyKeyReused, InvalidInput, PolicyRefusal } from '../../../kernel/errors';
import { checkInstantHappened } from '../../../kernel/not-ahead';
import { familyUseAllowed } from '../../../policy/account-rules';
import type { PolicyCatalog } from '../../../policy/catalog';
import type { AccountRequest, Decision, InstitutionFacts, VisitFacts } from '../../../policy/engine/types';
import { packFor } from '../../accounts/commands/accounts.command';
import type { PersonState } from '../../person-stream';
import type { SettleVisitCommand } from '../claims.decide';
import type { HistoricalSettlement, VisitSettled } from '../claims.events';
import { ledgerRule } from '../../../policy/citation';
import { visitAsRecorded } from '../visit-as-recorded';

/**
 * One settlement as both answers give it (issue 14 item 4): `POST …/visits` (with `created`)
 * and `GET …/settlements/:sid` (with `recordedAt`, `facts`, `reversal`) carry the decision
 * under the same key.
 */
export interface SettlementRecord {
  personId: string;
  settlementId: string;
  revision: number;
  position: number;
  decision: Decision;
  familyPayment?: { holderId: string; paymentId: string; amount: string };
}

export interface SettlementOutcome extends SettlementRecord {
  created: boolean;
}

export interface VisitRequest {
  settlementId: string;
  visit: Omit<VisitFacts, 'institution'>;
  institutionCode: string;
  account: { source: 'none' | 'own' | 'relative'; holderId?: string };
  /** Issue 12.2: figures of an imported historical settlement, kept on VisitSettled. */
  historical?: HistoricalSettlement;
}

/** The institution's facts for the person's scheme (designation is per scheme). */
export type InstitutionFactsFor = (scheme: string) => InstitutionFacts;

/** Institution keys act only for their own institution (issue 4: 403 otherwise). */
export function checkActsFor(principal: Principal, institutionCode: string): void {
  if (principal.role === 'institution' && principal.institutionCode !== institutionCode) {
    throw new Forbidden(`this key acts for institution ${principal.institutionCode}, not ${institutionCode}`);
  }
}

/** A settlement is recorded when it is made: its time is not later than the ledger's clock (past the tolerance). */
export function checkNotAhead(request: VisitRequest, now: Date): void {
  checkInstantHappened('settledAt', request.visit.settledAt, now);
}

export function holderIdOf(request: VisitRequest): string {
  if (!request.account.holderId) throw new InvalidInput('account.holderId', "is required when account.source is 'relative'");
  return request.account.holderId;
}

/** The reply, built from the stored VisitSettled only (a replay never echoes the request). */
export function settlementOutcome(
  personId: string,
  written: { created: boolean; revision: number; position: number; events: Array<{ type: string; data: unknown }> },
  key: string,
): SettlementOutcome {
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

@Injectable()
export class SettlementFacts {
  constructor(
    private readonly registry: InstitutionRegistry,
    @Inject(POLICY_CATALOG) readonly catalog: PolicyCatalog,
  ) {}

  async institution(code: string): Promise<InstitutionFactsFor> {
    const profile = await this.registry.find(code);
    if (!profile)
      throw new PolicyRefusal('UNKNOWN_INSTITUTION', ledgerRule('registered-institution'), `institution ${code} is not registered`);
    // Members in canonical key order, as VisitSettled stores them (issue 10: sealing does not copy them).
    return (scheme) => ({
      // Issue 16.4: a pack may pool by category rather than grade.
      category: profile.category,
      code: profile.code,
      ...(profile.countyDesignated !== undefined ? { countyDesignated: profile.countyDesignated } : {}),
      designated: profile.designations.includes(scheme as never),
      level: profile.level,
      ...(profile.pharmacy !== undefined ? { pharmacy: profile.pharmacy } : {}),
      region: profile.region,
    });
  }

  /** The decider's command: the visit with its institution facts and the pack in force on the visit date. */
  command(
    state: PersonState,
    request: VisitRequest,
    institution: InstitutionFactsFor,
    account: AccountRequest,
    familyPayment?: SettleVisitCommand['data']['familyPayment'],
  ): SettleVisitCommand {
    if (!state.enrollment.personId) throw new PolicyRefusal('NOT_ENROLLED', ledgerRule('person-enrolled'), 'the person was never enrolled');
    const visitDate = shanghaiDate(request.visit.occurredAt);
    const facts = institution(state.enrollment.scheme!);
    return {
      type: 'SettleVisit',
      data: {
        settlementId: request.settlementId,
        visit: visitAsRecorded(request.visit, facts),
        institution: facts,
        account,
        ...(familyPayment ? { familyPayment } : {}),
        ...(request.historical ? { historical: request.historical } : {}),
      },
      pack: packFor(this.catalog, state, visitDate),
    };
  }

  /** The holder's relation to the beneficiary, checked against the pack (第九条: spouse, parents, children). */
  relativeAccount(holder: PersonState, beneficiaryId: string, visitDate: string): AccountRequest & { holderId: string } {
    const relative = holder.enrollment.relatives.find((r) => r.personId === beneficiaryId);
    const pack = packFor(this.catalog, holder, visitDate);
    if (!relative) {
      // Only a relation the holder declared can use the account; an undeclared person has none.
      throw new PolicyRefusal(
        'RELATION_NOT_ALLOWED',
        familyUseAllowed(pack, 'undeclared').clause,
        `the account holder has not declared ${beneficiaryId} as a relative`,
      );
    }
    const allowed = familyUseAllowed(pack, relative.relation);
    if (!allowed.allowed) {
      throw new PolicyRefusal(
        'RELATION_NOT_ALLOWED',
        allowed.clause,
        `a ${relative.relation}'s account may not pay (spouse, parents and children only)`,
        { relation: relative.relation },
      );
    }
    if (!holder.enrollment.enrolled || holder.account.closed)
      throw new PolicyRefusal('ACCOUNT_CLOSED', allowed.clause, `the holder's account is closed`);
    return { balance: holder.account.balance, holderId: holder.enrollment.personId!, relation: relative.relation, source: 'relative' };
  }
}
