import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, withFingerprint } from '../../../event-store/stream-command';
import { personStreamId } from '../../person-stream';
import { PolicyRefusal } from '../../../kernel/errors';
import { PolicyCatalog } from '../../../policy/catalog';
import { POLICY_CATALOG } from '../../../infrastructure/tokens';
import { PersonStreamWriter, WriteOutcome } from '../../person-writer.service';
import { decideEnrollment, EnrollmentCommand } from '../enrollment.decide';

/** One CQRS message carries any enrolment command; the decider's switch is exhaustive. */
export class ExecuteEnrollmentCommand extends Command<WriteOutcome> {
  constructor(readonly personId: string, readonly command: EnrollmentCommand, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(ExecuteEnrollmentCommand)
export class ExecuteEnrollmentHandler implements ICommandHandler<ExecuteEnrollmentCommand, WriteOutcome> {
  constructor(private readonly writer: PersonStreamWriter, @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog) {}

  execute({ personId, command, context: given }: ExecuteEnrollmentCommand): Promise<WriteOutcome> {
    // The key is bound to this request: command, person and body.
    const context = withFingerprint(given, `enrolment.${command.type}`, personStreamId(personId), command.data);
    if (command.type === 'Enrol') {
      // A person can only be enrolled where a policy pack of the scheme exists.
      const known = this.catalog.packs().some((p) => p.kind === 'city' && p.region === command.data.region && p.scheme === command.data.scheme);
      if (!known) {
        return Promise.reject(
          new PolicyRefusal('NO_POLICY_FOR_REGION', 'policy catalogue', `no ${command.data.scheme} policy pack for region ${command.data.region}`),
        );
      }
    }
    return this.writer.write(personId, context, (state) => decideEnrollment(command, state.enrollment), { mustExist: command.type !== 'Enrol' });
  }
}

export const EnrollmentCommandHandlers = [ExecuteEnrollmentHandler];
