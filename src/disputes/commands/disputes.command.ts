/**
 * Issue 15 item 1: disputes, the application layer. Opened by the agency, by the institution
 * whose settlement (or month) it is, or by the agency on a person's behalf; analysed on
 * opening by a dry run of the alleged facts; resolved by the agency, rejected or upheld (the
 * correction applied, linked by disputeId). Each write takes an Idempotency-Key.
 */
import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { tamperSeal } from '../../audit/tamper-chain';
import { CorrectionAnswer, CorrectionsService } from '../../corrections/commands/apply-correction.command';
import type { CorrectionSpec } from '../../corrections/correction.events';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../event-store/event-store.port';
import { CommandContext, DomainEvent, runStreamCommand } from '../../event-store/stream-command';
import type { Principal } from '../../http/roles';
import { InstitutionRegistry } from '../../institutions/institution-registry.service';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../kernel/clock';
import { InvalidInput, NotFound } from '../../kernel/errors';
import { checkHappened } from '../../kernel/not-ahead';
import { PersonStreamWriter } from '../../modules/person-writer.service';
import { sha256Hex } from '../../policy/canonical-json';
import { openDispute, rejectDispute, upholdDispute, assertOpen } from '../dispute.decide';
import { DisputeOpened, DisputeOpener, DisputeSubject, disputeStreamId } from '../dispute.events';
import { DisputeState, foldDispute } from '../dispute.state';

export interface DisputeView extends Omit<DisputeOpened['data'], 'disputeId'> {
  disputeId: string;
  status: string;
  resolution?: DisputeState['resolution'];
}

export interface OpenDisputeRequest {
  subject: DisputeSubject;
  grounds: { code: string; text: string };
  allegedFacts?: CorrectionSpec;
  onBehalfOf?: string;
}

export interface UpholdAnswer {
  disputeId: string;
  dryRun: boolean;
  created: boolean;
  correctionId: string;
  correction: CorrectionAnswer;
  position?: number;
}

/** Alleged figures of an institution's month are about the disputed month (an institution key: its own). */
function checkAllegedMonth(subject: DisputeSubject, alleged: CorrectionSpec): void {
  if (alleged.kind !== 'institution-month') return;
  if (subject.kind !== 'institution-month' || subject.institutionCode !== alleged.institutionCode || subject.month !== alleged.month)
    throw new InvalidInput('allegedFacts', 'an institution-month correction must be of the disputed institution and month');
}

/** The dispute's id: derived from the request's key, so a retry names the same dispute. */
const disputeIdFor = (commandId: string): string => `DSP-${sha256Hex(commandId).slice(0, 16)}`;

const forbidden = (message: string) => new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });

@Injectable()
export class DisputesService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly writer: PersonStreamWriter,
    private readonly registry: InstitutionRegistry,
    private readonly corrections: CorrectionsService,
  ) {}

  async open(
    request: OpenDisputeRequest,
    principal: Principal,
    context: CommandContext,
  ): Promise<{ disputeId: string; created: boolean; position: number; dispute: DisputeView }> {
    const disputeId = disputeIdFor(context.commandId);
    const openedBy = this.opener(request, principal);
    const institutionCode = await this.checkSubject(request.subject, principal, request.onBehalfOf);
    if (request.allegedFacts) checkAllegedMonth(request.subject, request.allegedFacts);
    const analysis = request.allegedFacts
      ? await this.corrections.analyse(request.allegedFacts)
      : { changes: [], totals: { fund: '0.00', account: '0.00', cash: '0.00' } };
    const data: DisputeOpened['data'] = {
      disputeId,
      openedAt: this.clock.now().toISOString(),
      openedBy,
      subject: request.subject,
      ...(institutionCode ? { institutionCode } : {}),
      grounds: request.grounds,
      ...(request.allegedFacts ? { allegedFacts: request.allegedFacts } : {}),
      analysis,
    };
    const out = await this.write(disputeId, context, (state) => openDispute(state, data));
    return { disputeId, created: out.created, position: out.position, dispute: this.view(out.state) };
  }

  async get(disputeId: string, principal: Principal): Promise<DisputeView> {
    const state = foldDispute(await this.store.readStream(disputeStreamId(disputeId)));
    if (!state.opened) throw new NotFound('dispute', disputeId);
    if (principal.role === 'institution' && state.opened.institutionCode !== principal.institutionCode)
      throw forbidden('an institution key reads only the disputes of its own institution');
    return this.view(state);
  }

  async reject(
    disputeId: string,
    reason: string,
    principal: Principal,
    context: CommandContext,
  ): Promise<{ disputeId: string; created: boolean; position: number; dispute: DisputeView }> {
    const out = await this.write(disputeId, context, (state) => {
      if (!state.opened) throw new NotFound('dispute', disputeId);
      return rejectDispute(state, {
        disputeId,
        resolvedAt: this.clock.now().toISOString(),
        reason,
        by: { role: 'agency', keyId: principal.keyId },
      });
    });
    return { disputeId, created: out.created, position: out.position, dispute: this.view(out.state) };
  }

  /** The correction is applied first (its own idempotent key), then DisputeUpheld names it. */
  async uphold(
    disputeId: string,
    given: CorrectionSpec | undefined,
    dryRun: boolean,
    principal: Principal,
    context: CommandContext,
  ): Promise<UpholdAnswer> {
    const events = await this.store.readStream(disputeStreamId(disputeId));
    const state = foldDispute(events);
    if (!state.opened) throw new NotFound('dispute', disputeId);
    const retry = events.some((e) => e.type === 'DisputeUpheld' && e.metadata.commandId === context.commandId);
    if (!retry) assertOpen(state, disputeId);
    const spec = given ?? state.opened.allegedFacts;
    if (!spec) throw new InvalidInput('correction', 'is required: the dispute alleges no facts to apply');
    const correction = await this.corrections.apply({
      spec,
      disputeId,
      dryRun,
      appliedBy: { role: principal.role, keyId: principal.keyId },
      context: { ...context, commandId: `${context.commandId}:correction`, causationId: context.commandId, correlationId: disputeId },
    });
    if (dryRun) return { disputeId, dryRun, created: false, correctionId: correction.correctionId, correction };
    const out = await this.write(disputeId, context, (s) =>
      upholdDispute(s, {
        disputeId,
        resolvedAt: this.clock.now().toISOString(),
        correctionId: correction.correctionId,
        by: { role: 'agency', keyId: principal.keyId },
      }),
    );
    return { disputeId, dryRun, created: out.created, correctionId: correction.correctionId, correction, position: out.position };
  }

  /**
   * The DisputeUpheld an interrupted uphold did not write (DisputesReconciler), under the
   * uphold's own key; nothing if the dispute is resolved already. True if written.
   */
  async finishUphold(disputeId: string, correctionId: string, upholdCommandId: string, keyId: string | undefined): Promise<boolean> {
    const context = { commandId: upholdCommandId, actor: 'ledger:disputes-reconciler', correlationId: disputeId };
    const out = await this.write(disputeId, context, (s) =>
      s.status === 'open'
        ? upholdDispute(s, {
            disputeId,
            resolvedAt: this.clock.now().toISOString(),
            correctionId,
            by: { role: 'agency', ...(keyId ? { keyId } : {}) },
          })
        : [],
    );
    return out.created;
  }

  private opener(request: OpenDisputeRequest, principal: Principal): DisputeOpener {
    if (principal.role === 'institution') {
      if (request.onBehalfOf !== undefined) throw new InvalidInput('onBehalfOf', "only the agency opens a dispute on a person's behalf");
      return { role: 'institution', institutionCode: principal.institutionCode, keyId: principal.keyId };
    }
    return request.onBehalfOf !== undefined
      ? { role: 'on-behalf', onBehalfOf: request.onBehalfOf, keyId: principal.keyId }
      : { role: 'agency', keyId: principal.keyId };
  }

  /** The subject exists and the caller may dispute it; returns the institution involved, if one. */
  private async checkSubject(subject: DisputeSubject, principal: Principal, onBehalfOf: string | undefined): Promise<string | undefined> {
    const own = principal.role === 'institution' ? principal.institutionCode : undefined;
    if (subject.kind === 'institution-month') {
      if (onBehalfOf !== undefined)
        throw new InvalidInput('onBehalfOf', "must be the person the subject concerns (an institution's month concerns no one person)");
      // A month not yet begun has nothing to dispute (settlements and persons' facts are held to the same clock).
      checkHappened('subject.month', subject.month, this.clock.now());
      if (!(await this.registry.find(subject.institutionCode))) throw new NotFound('institution', subject.institutionCode);
      if (own !== undefined && own !== subject.institutionCode)
        throw forbidden(`this key acts for institution ${own}, not ${subject.institutionCode}`);
      return subject.institutionCode;
    }
    if (onBehalfOf !== undefined && onBehalfOf !== subject.personId)
      throw new InvalidInput('onBehalfOf', `must be the person the subject concerns (${subject.personId})`);
    const { state, events } = await this.writer.loadExisting(subject.personId);
    if (subject.kind === 'account-movement') {
      if (own !== undefined) throw forbidden("an institution key disputes its own settlements and months, not a person's account");
      const a = state.account;
      const known = [...a.paymentIds, ...a.transferIds, ...a.creditedMonths, ...events.map((e: RecordedEvent) => e.id)];
      if (!known.includes(subject.movementId)) throw new NotFound('account movement', subject.movementId);
      return undefined;
    }
    const codes = new Set<string>();
    for (const id of subject.settlementIds) {
      const s = state.claims.settlements.find((x) => x.settlementId === id);
      if (!s) throw new NotFound('settlement', id);
      if (own !== undefined && s.institutionCode !== own) throw forbidden(`settlement ${id} is not one of institution ${own}`);
      codes.add(s.institutionCode);
    }
    return codes.size === 1 ? [...codes][0] : undefined;
  }

  private view(state: DisputeState): DisputeView {
    const o = state.opened!;
    return { ...o, status: state.status!, ...(state.resolution ? { resolution: state.resolution } : {}) };
  }

  private async write(
    disputeId: string,
    context: CommandContext,
    decide: (state: DisputeState) => DomainEvent[],
  ): Promise<{ created: boolean; position: number; state: DisputeState }> {
    const streamId = disputeStreamId(disputeId);
    const out = await runStreamCommand({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId,
      context,
      seal: tamperSeal(streamId),
      fold: foldDispute,
      decide: (state) =>
        decide(state).map((e) => ({
          ...e,
          occurredAt: (e.data as { openedAt?: string; resolvedAt?: string }).openedAt ?? (e.data as { resolvedAt?: string }).resolvedAt,
        })),
      result: (written) => written[written.length - 1]?.position ?? 0,
    });
    const state = foldDispute(await this.store.readStream(streamId));
    return { created: out.created, position: out.result, state };
  }
}
