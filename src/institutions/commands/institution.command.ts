import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '../../event-store/event-store.port';
import { tamperSeal } from '../../audit/tamper-chain';
import { CommandContext, runStreamCommand, withFingerprint } from '../../event-store/stream-command';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../kernel/clock';
import { NotFound } from '../../kernel/errors';
import { decideInstitution, InstitutionCommand } from '../institution.decide';
import { foldInstitution, InstitutionState } from '../institution.events';
import { institutionStreamId } from '../institution.types';
import { POLICY_CATALOG } from '../../infrastructure/tokens';
import type { PolicyCatalog } from '../../policy/catalog';
import { decisionInputs } from '../settlement-parameters';
import { shanghaiDate } from '../../kernel/dates';
import { checkCommandHappened, HappenedOn } from '../../kernel/not-ahead';

export interface InstitutionWriteOutcome {
  code: string;
  /** False when the Idempotency-Key had already been applied (nothing written). */
  created: boolean;
  /** Present when the command found nothing to change (a profile already so): nothing written, and not a retry. */
  changed?: false;
  revision: number;
  position: number;
  events: Array<{ type: string; revision: number; position: number; data: unknown }>;
}

/** One CQRS message carries any institution command; the decider's switch is exhaustive. */
export class ExecuteInstitutionCommand extends Command<InstitutionWriteOutcome> {
  constructor(
    readonly code: string,
    readonly command: InstitutionCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteInstitutionCommand)
export class ExecuteInstitutionHandler implements ICommandHandler<ExecuteInstitutionCommand, InstitutionWriteOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
  ) {}

  async execute({ code, command, context }: ExecuteInstitutionCommand): Promise<InstitutionWriteOutcome> {
    checkCommandHappened(command, HAPPENED_ON, this.clock.now());
    const outcome = await runStreamCommand<InstitutionState, Omit<InstitutionWriteOutcome, 'created'>>({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId: institutionStreamId(code),
      // The key is bound to this request: command, institution and body.
      context: withFingerprint(context, `institutions.${command.type}`, institutionStreamId(code), command.data),
      fold: foldInstitution,
      // Institution streams are hash-chained like person streams, so replay can name a tampered event.
      seal: tamperSeal(institutionStreamId(code)),
      decide: (state, events) => {
        if (command.type !== 'RegisterInstitution' && events.length === 0) throw new NotFound('institution', code);
        const today = shanghaiDate(this.clock.now().toISOString());
        return decideInstitution(command, state, ...decisionInputs(this.catalog, command, state, today));
      },
      result: (written, _state, head) => ({
        code,
        revision: head?.revision ?? -1,
        position: head?.position ?? 0,
        events: written.map((e) => ({ type: e.type, revision: e.revision, position: e.position, data: e.data })),
      }),
    });
    return { ...outcome.result, created: outcome.created, ...(outcome.changed ? {} : { changed: false as const }) };
  }
}

/** The field dating what each institution command records as done: a declaration, an advance paid, a correction, a month paid by capitation. */
const HAPPENED_ON: HappenedOn<InstitutionCommand> = {
  DeclareMonth: 'declaredOn',
  PayAdvance: 'paidOn',
  CorrectMonth: 'correctedOn',
  SettleCapitationMonth: 'month',
};

export const InstitutionCommandHandlers = [ExecuteInstitutionHandler];
