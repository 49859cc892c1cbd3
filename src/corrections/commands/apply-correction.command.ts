/**
 * Issue 15 item 2: applying a correction. The plan is computed on each affected person's
 * own stream (src/corrections/correction-engine.ts), then written:
 *  1. CorrectionApplied on `correction-<id>` (the plan), first;
 *  2. InstitutionLevelCorrected on the institution's stream, for a level correction; for an
 *     institution's month, the CorrectMonth command on its stream (issue 15 item 4), under a
 *     key derived from the correction;
 *  3. each person's events, with the expected revision, under a key derived from the
 *     correction and the person (a retry, or the reconciler after a crash, writes nothing twice;
 *     the person state also knows the corrections it has applied). Before them, the money moved
 *     on a relative's account that paid the person's settlements, on the holder's stream under
 *     its own key (the person's plan then reads it there as decided).
 * A dry run computes the same answer and writes nothing; so does a correction that changes nothing.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { tamperSeal } from '../../audit/tamper-chain';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../event-store/event-store.port';
import { assertSameRequest, CommandContext, runStreamCommand } from '../../event-store/stream-command';
import { upcast } from '../../event-store/upcasting';
import { POLICY_CATALOG } from '../../infrastructure/tokens';
import { InstitutionRegistry } from '../../institutions/institution-registry.service';
import { ExecuteInstitutionCommand } from '../../institutions/commands/institution.command';
import { foldInstitution } from '../../institutions/institution.events';
import { correctInstitutionMonth, MonthCorrection } from '../../institutions/month-correction';
import type { InstitutionMonthCorrectionEvent } from '../../institutions/month-correction.events';
import { institutionStreamId } from '../../institutions/institution.types';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../kernel/clock';
import { shanghaiDate } from '../../kernel/dates';
import { LedgerError, NotFound, PolicyRefusal } from '../../kernel/errors';
import type { VisitSettled } from '../../modules/claims/claims.events';
import { PersonStreamWriter } from '../../modules/person-writer.service';
import { sha256Hex } from '../../policy/canonical-json';
import type { PolicyCatalog } from '../../policy/catalog';
import { ledgerRule } from '../../policy/citation';
import {
  combinePlans,
  CorrectionContext,
  PersonCorrectionPlan,
  planPersonCorrection,
  relativeAccountHolders,
  validateSpec,
} from '../correction-engine';
import type {
  CorrectionApplied,
  CorrectionSpec,
  InstitutionLevelCorrected,
  InstitutionMonthSpec,
  PersonCorrectionSpec,
} from '../correction.events';
import { derivePack } from '../derived-pack';
import { correctionStreamId, DisputeAnalysis, disputeStreamId } from '../../disputes/dispute.events';
import { checkHappened } from '../../kernel/not-ahead';

export interface CorrectionRequest {
  spec: CorrectionSpec;
  disputeId?: string;
  dryRun: boolean;
  appliedBy: { role: string; keyId?: string };
  context: CommandContext;
  /** Where the body holds the spec's fields, to name them in a 400: 'spec.' on /corrections (the default), '' on an institution's month route. */
  specPath?: string;
}

export interface CorrectionAnswer {
  correctionId: string;
  dryRun: boolean;
  created: boolean;
  changed: boolean;
  message?: string;
  spec: CorrectionSpec;
  disputeId?: string;
  correctedPolicyVersion?: string;
  affected: CorrectionApplied['data']['affected'];
  totals: CorrectionApplied['data']['totals'];
  persons: Array<{
    personId: string;
    changes: PersonCorrectionPlan['changes'];
    events: PersonCorrectionPlan['events'];
    /** Money moved on relatives' accounts for this person's settlements (on each holder's stream). */
    holders: PersonCorrectionPlan['holders'];
  }>;
  /** An institution-month correction: the events on the institution's stream (written, or that would be). */
  institution?: InstitutionMonthAnswer;
  position?: number;
}

export interface InstitutionMonthAnswer {
  code: string;
  month: string;
  events: Array<{ type: string; data: unknown }>;
}

export class ApplyCorrection extends Command<CorrectionAnswer> {
  constructor(readonly request: CorrectionRequest) {
    super();
  }
}

const PAGE = 2_000;
const POLICY_PERIOD_CLAUSE = ledgerRule('policy-correction-past-period-only');

/** The correction's id: derived from the request's key, so a retry names the same correction. */
const correctionIdFor = (commandId: string): string => `COR-${sha256Hex(commandId).slice(0, 16)}`;

/** The CorrectMonth data of an institution-month correction; a clerk corrects on the day it is applied unless told otherwise. */
function monthCorrectionOf(spec: InstitutionMonthSpec, data: { correctionId: string; disputeId?: string; at: string }): MonthCorrection {
  return {
    correctionId: data.correctionId,
    ...(data.disputeId ? { disputeId: data.disputeId } : {}),
    month: spec.month,
    corrected: { ...spec.corrected },
    reason: spec.reason,
    correctedOn: spec.correctedOn ?? shanghaiDate(data.at),
  };
}

@Injectable()
export class CorrectionsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly writer: PersonStreamWriter,
    private readonly registry: InstitutionRegistry,
    private readonly commands: CommandBus,
  ) {}

  async apply(request: CorrectionRequest): Promise<CorrectionAnswer> {
    const { spec, context } = request;
    const correctionId = correctionIdFor(context.commandId);
    const stream = correctionStreamId(correctionId);
    const earlier = (await this.store.readStream(stream)).map(upcast);
    if (earlier.length > 0) {
      // A retry (or the same key on another request: refused): finish whatever a crash left, answer as first.
      assertSameRequest(earlier, context);
      const applied = earlier[0] as unknown as CorrectionApplied & RecordedEvent;
      const institution = request.dryRun ? undefined : await this.finish(applied.data, context.actor);
      const persons = await this.writtenParts(applied.data);
      return {
        ...this.answerOf(applied.data, false, request.dryRun, persons, institution),
        position: (earlier[0] as RecordedEvent).position,
      };
    }
    await this.check(request);
    const at = this.clock.now().toISOString();
    const plans = spec.kind === 'institution-month' ? [] : await this.plans(spec, { correctionId, disputeId: request.disputeId, at });
    const institution =
      spec.kind === 'institution-month' ? await this.monthPlan(spec, { correctionId, disputeId: request.disputeId, at }) : undefined;
    const combined = combinePlans(plans);
    const levelChanges = spec.kind === 'institution-level' && (await this.registry.find(spec.institutionCode))?.level !== spec.level;
    const changed = plans.some((p) => p.events.length > 0) || levelChanges || (institution?.events.length ?? 0) > 0;
    const data: CorrectionApplied['data'] = {
      correctionId,
      ...(request.disputeId ? { disputeId: request.disputeId } : {}),
      spec,
      appliedAt: at,
      appliedBy: request.appliedBy,
      ...(spec.kind === 'policy-parameter' ? { correctedPolicyVersion: this.derivedVersion(spec) } : {}),
      affected: combined.affected,
      totals: combined.totals,
    };
    const persons = plans
      .filter((p) => p.events.length > 0)
      .map((p) => ({ personId: p.personId, changes: p.changes, events: p.events, holders: p.holders }));
    if (request.dryRun || !changed) {
      const answer = this.answerOf(data, false, request.dryRun, persons, institution);
      return changed ? answer : { ...answer, changed: false, message: 'the correction changes nothing; nothing written' };
    }
    const written = await runStreamCommand({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId: stream,
      context,
      seal: tamperSeal(stream),
      fold: (events) => events.length,
      decide: (count) => (count > 0 ? [] : [{ type: 'CorrectionApplied', data, occurredAt: at }]),
      result: (events) => events[events.length - 1]?.position,
    });
    const institutionWritten = await this.finish(data, context.actor);
    return { ...this.answerOf(data, written.created, false, persons, institutionWritten ?? institution), position: written.result };
  }

  /** What CorrectMonth would write now on the institution's stream (pure; refusals are 400/422 before anything is written). */
  private async monthPlan(
    spec: InstitutionMonthSpec,
    ctx: { correctionId: string; disputeId?: string; at: string },
  ): Promise<InstitutionMonthAnswer> {
    const state = await this.registry.stateOrThrow(spec.institutionCode);
    const events: InstitutionMonthCorrectionEvent[] = correctInstitutionMonth(state, monthCorrectionOf(spec, ctx));
    return { code: spec.institutionCode, month: spec.month, events };
  }

  /**
   * A dispute's analysis (issue 15 item 1): the alleged facts re-adjudicated as a dry run,
   * nothing written. Why they cannot be analysed is an answer too, not an error.
   */
  async analyse(spec: CorrectionSpec): Promise<DisputeAnalysis> {
    try {
      if (spec.kind === 'institution-month') return await this.analyseMonth(spec);
      validateSpec(spec, this.catalog);
      const plans = await this.plans(spec, { correctionId: 'analysis', at: this.clock.now().toISOString() });
      return {
        changes: plans.flatMap((p) =>
          p.changes.map((c) => ({
            settlementId: c.settlementId,
            recorded: c.previous,
            alleged: c.adjusted,
            delta: c.delta,
            divergence: c.divergence,
          })),
        ),
        totals: combinePlans(plans).totals,
      };
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      return { changes: [], totals: combinePlans([]).totals, error: e.message };
    }
  }

  /** An institution-month dispute's analysis: the month as alleged, and the money that would move. */
  private async analyseMonth(spec: InstitutionMonthSpec): Promise<DisputeAnalysis> {
    const plan = await this.monthPlan(spec, { correctionId: 'analysis', at: this.clock.now().toISOString() });
    const corrected = plan.events.find((e) => e.type === 'InstitutionMonthCorrected');
    const moved = (type: string) => (plan.events.find((e) => e.type === type)?.data as { amount?: string } | undefined)?.amount ?? '0.00';
    return {
      changes: [],
      totals: combinePlans([]).totals,
      institutionMonth: {
        institutionCode: spec.institutionCode,
        month: spec.month,
        changed: corrected !== undefined,
        recovered: moved('InstitutionFundRecovered'),
        toppedUp: moved('InstitutionFundToppedUp'),
        events: plan.events.map((e) => e.type),
      },
    };
  }

  /** Refusals that need the ledger (400 and 422 before anything is read for the plan). */
  private async check(request: CorrectionRequest): Promise<void> {
    const { spec } = request;
    if (spec.kind !== 'institution-month') validateSpec(spec, this.catalog);
    // Before the correction's stream is written: the institution's own check would come after it.
    if (spec.kind === 'institution-month' && spec.correctedOn !== undefined)
      checkHappened(`${request.specPath ?? 'spec.'}correctedOn`, spec.correctedOn, this.clock.now());
    if (spec.kind === 'policy-parameter') {
      const today = shanghaiDate(this.clock.now().toISOString());
      if (!(spec.to < today)) {
        throw new PolicyRefusal(
          'CORRECTION_PERIOD_NOT_ENDED',
          POLICY_PERIOD_CLAUSE,
          `a policy parameter is corrected only for a period that has ended (to ${spec.to} is not before ${today}); the catalogue's pack file fixes the future`,
        );
      }
    }
    if (spec.kind === 'institution-level' && !(await this.registry.find(spec.institutionCode)))
      throw new NotFound('institution', spec.institutionCode);
    if (request.disputeId && (await this.store.readStream(disputeStreamId(request.disputeId), { maxCount: 1 })).length === 0)
      throw new NotFound('dispute', request.disputeId);
  }

  private derivedVersion(spec: Extract<CorrectionSpec, { kind: 'policy-parameter' }>): string {
    const base = this.catalog.byId(spec.packId)!;
    return derivePack(base, {
      basePolicyVersion: base.version,
      path: spec.path,
      value: spec.value,
      document: spec.document,
      clause: spec.clause,
    }).version;
  }

  private answerOf(
    data: CorrectionApplied['data'],
    created: boolean,
    dryRun: boolean,
    persons: CorrectionAnswer['persons'],
    institution?: InstitutionMonthAnswer,
  ): CorrectionAnswer {
    const { correctionId, disputeId, spec, correctedPolicyVersion, affected, totals } = data;
    return {
      correctionId,
      dryRun,
      created,
      changed: true,
      spec,
      ...(disputeId ? { disputeId } : {}),
      ...(correctedPolicyVersion ? { correctedPolicyVersion } : {}),
      affected,
      totals,
      persons,
      ...(institution ? { institution } : {}),
    };
  }

  /** Each candidate person's plan, from the person's own stream. */
  async plans(spec: PersonCorrectionSpec, ctx: { correctionId: string; disputeId?: string; at: string }): Promise<PersonCorrectionPlan[]> {
    const plans: PersonCorrectionPlan[] = [];
    for (const personId of await this.candidates(spec)) {
      const { events } =
        spec.kind === 'person-category' || spec.kind === 'settlement-lines'
          ? await this.writer.loadExisting(personId)
          : await this.writer.load(personId);
      plans.push(planPersonCorrection(personId, events, spec, this.catalog, ctx, await this.holderStreams(events)));
    }
    return plans;
  }

  /** The streams of the relatives whose accounts paid the person's settlements. */
  private async holderStreams(events: ReadonlyArray<RecordedEvent>): Promise<Map<string, RecordedEvent[]>> {
    const streams = new Map<string, RecordedEvent[]>();
    for (const holderId of relativeAccountHolders(events)) streams.set(holderId, (await this.writer.load(holderId)).events);
    return streams;
  }

  /**
   * Who a correction may touch. One person for category and lines; for a level or a policy
   * parameter, every person with a settlement there, found by reading the log's VisitSettled events (O(settlements);
   * fine at this size, an index by institution and pack would replace it), then checked on
   * each person's own stream by the engine.
   */
  private async candidates(spec: PersonCorrectionSpec): Promise<string[]> {
    if (spec.kind === 'person-category' || spec.kind === 'settlement-lines') return [spec.personId];
    const found = new Set<string>();
    for (let after = 0; ;) {
      const page = await this.store.readAll({ afterPosition: after, maxCount: PAGE, eventTypes: ['VisitSettled'] });
      for (const e of page)
        if (e.type === 'VisitSettled' && e.streamId.startsWith('person-') && concerns(spec, upcast(e).data as VisitSettled['data']))
          found.add(e.streamId.slice('person-'.length));
      if (page.length < PAGE) break;
      after = page[page.length - 1].position;
    }
    return [...found].sort();
  }

  /**
   * A retry's `persons`, as the first answer gave them: each person's part read back from what
   * was written (the events carrying this correction's id on the person's stream, and on each
   * relative's stream those for this person), the changes from its SettlementAdjusted events.
   */
  private async writtenParts(data: CorrectionApplied['data']): Promise<CorrectionAnswer['persons']> {
    const parts: CorrectionAnswer['persons'] = [];
    for (const personId of personsOf(data)) {
      const stream = (await this.writer.load(personId)).events;
      // A relative's account moves for another person of the same correction are that person's part.
      const events = stream.map(upcast).filter((e) => ofCorrection(e, data.correctionId) && !HOLDER_MOVES.includes(e.type));
      if (events.length === 0) continue;
      const holders: PersonCorrectionPlan['holders'] = [];
      for (const [holderId, holderStream] of await this.holderStreams(stream)) {
        const moves = holderStream.map(upcast).filter((e) => ofCorrection(e, data.correctionId) && beneficiaryOf(e) === personId);
        if (moves.length > 0) holders.push({ holderId, events: typeAndData(moves) as PersonCorrectionPlan['holders'][number]['events'] });
      }
      const personEvents = typeAndData(events) as PersonCorrectionPlan['events'];
      parts.push({ personId, changes: changesOf(personEvents), events: personEvents, holders });
    }
    return parts;
  }

  /**
   * Steps 2 and 3, idempotent: used after the plan is written, on a retry, and by the
   * reconciler. An institution-month correction answers with the institution's events.
   */
  async finish(data: CorrectionApplied['data'], actor: string): Promise<InstitutionMonthAnswer | undefined> {
    const { correctionId, spec } = data;
    if (spec.kind === 'institution-month') return this.correctMonth(data, spec, actor);
    if (spec.kind === 'institution-level') await this.correctInstitution(data, actor);
    const persons = personsOf(data);
    const ctx = { correctionId, disputeId: data.disputeId, at: data.appliedAt };
    for (const personId of persons) {
      const context = {
        commandId: `ledger:correction:${correctionId}:${personId}`,
        actor,
        causationId: correctionId,
        correlationId: data.disputeId ?? correctionId,
      };
      await this.writeHolders(personId, spec, ctx, context);
      const holders = await this.holderStreams((await this.writer.load(personId)).events);
      await this.writer.write(
        personId,
        context,
        (_state, events) => planPersonCorrection(personId, events, spec, this.catalog, ctx, holders).events,
        { mustExist: true, wholeEvents: true },
      );
    }
    return undefined;
  }

  /**
   * The person's plan on each relative's account, decided on the holder's fresh stream and
   * written under a key derived from the correction, the person and the holder.
   */
  private async writeHolders(personId: string, spec: PersonCorrectionSpec, ctx: CorrectionContext, context: CommandContext): Promise<void> {
    const { events } = await this.writer.load(personId);
    const holders = await this.holderStreams(events);
    for (const holderId of holders.keys()) {
      const decide = (_state: unknown, fresh: RecordedEvent[]) => {
        const plan = planPersonCorrection(personId, events, spec, this.catalog, ctx, new Map([...holders, [holderId, fresh]]));
        return plan.holders.find((h) => h.holderId === holderId)?.events ?? [];
      };
      await this.writer.write(holderId, { ...context, commandId: `${context.commandId}:holder:${holderId}` }, decide, {
        mustExist: true,
        wholeEvents: true,
      });
    }
  }

  /** CorrectMonth through the institution's own handler, under a key derived from the correction (written once). */
  private async correctMonth(data: CorrectionApplied['data'], spec: InstitutionMonthSpec, actor: string): Promise<InstitutionMonthAnswer> {
    const out = await this.commands.execute(
      new ExecuteInstitutionCommand(
        spec.institutionCode,
        { type: 'CorrectMonth', data: monthCorrectionOf(spec, { ...data, at: data.appliedAt }) },
        {
          commandId: `ledger:correction:${data.correctionId}:institution`,
          actor,
          causationId: data.correctionId,
          correlationId: data.disputeId ?? data.correctionId,
        },
      ),
    );
    return { code: spec.institutionCode, month: spec.month, events: out.events.map((e) => ({ type: e.type, data: e.data })) };
  }

  private async correctInstitution(data: CorrectionApplied['data'], actor: string): Promise<void> {
    const spec = data.spec as Extract<CorrectionSpec, { kind: 'institution-level' }>;
    const stream = institutionStreamId(spec.institutionCode);
    const event: InstitutionLevelCorrected = {
      type: 'InstitutionLevelCorrected',
      data: {
        correctionId: data.correctionId,
        ...(data.disputeId ? { disputeId: data.disputeId } : {}),
        institutionCode: spec.institutionCode,
        level: spec.level,
        from: spec.from,
        correctedAt: data.appliedAt,
      },
    };
    await runStreamCommand({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId: stream,
      context: { commandId: `ledger:correction:${data.correctionId}:institution`, actor, causationId: data.correctionId },
      seal: tamperSeal(stream),
      fold: foldInstitution,
      decide: (state) => (state.profile && state.profile.level !== spec.level ? [{ ...event, occurredAt: data.appliedAt }] : []),
      result: () => undefined,
    });
  }
}

/** The persons a correction writes to: those with a changed settlement, and the person whose category it corrects. */
function personsOf(data: CorrectionApplied['data']): string[] {
  const { spec } = data;
  if (spec.kind === 'institution-month') return [];
  const persons = [...new Set(data.affected.filter((a) => a.changed).map((a) => a.personId))];
  if (spec.kind === 'person-category' && !persons.includes(spec.personId)) persons.push(spec.personId);
  return persons;
}

const HOLDER_MOVES = ['RelativeAccountRefunded', 'RelativeAccountRecovered'];

const beneficiaryOf = (e: { data: unknown }): string | undefined => (e.data as { beneficiaryId?: string } | null)?.beneficiaryId;

/** Events as a plan lists them: type and data (no ids, positions or metadata). */
const typeAndData = (events: ReadonlyArray<{ type: string; data: unknown }>) => events.map(({ type, data }) => ({ type, data }));

/** A plan's `changes`, from its SettlementAdjusted events. */
function changesOf(events: PersonCorrectionPlan['events']): PersonCorrectionPlan['changes'] {
  return events.flatMap((e) =>
    e.type === 'SettlementAdjusted'
      ? [
          {
            settlementId: e.data.settlementId,
            previous: e.data.previous,
            adjusted: e.data.adjusted,
            delta: e.data.delta,
            divergence: e.data.divergence,
          },
        ]
      : [],
  );
}

const ofCorrection = (e: { data: unknown }, correctionId: string): boolean =>
  (e.data as { correctionId?: string } | null)?.correctionId === correctionId;

/** Whether a settlement may be touched by a level or policy correction (the engine decides for sure). */
function concerns(spec: PersonCorrectionSpec, s: VisitSettled['data']): boolean {
  if (spec.kind === 'institution-level') return s.institution.code === spec.institutionCode;
  if (spec.kind === 'policy-parameter')
    return s.decision.policy.packId === spec.packId && s.decision.visitDate >= spec.from && s.decision.visitDate <= spec.to;
  return false;
}

@CommandHandler(ApplyCorrection)
export class ApplyCorrectionHandler implements ICommandHandler<ApplyCorrection, CorrectionAnswer> {
  constructor(private readonly corrections: CorrectionsService) {}
  execute(command: ApplyCorrection): Promise<CorrectionAnswer> {
    return this.corrections.apply(command.request);
  }
}
