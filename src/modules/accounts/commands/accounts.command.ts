import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, publicKey, withFingerprint } from '../../../event-store/stream-command';
import { POLICY_CATALOG } from '../../../infrastructure/tokens';
import { IdempotencyKeyReused, PolicyRefusal } from '../../../kernel/errors';
import { checkCommandHappened, HappenedOn } from '../../../kernel/not-ahead';
import { balanceClause } from '../../../policy/account-rules';
import type { PolicyCatalog, PolicyPack } from '../../../policy/catalog';
import { PersonState, personStreamId } from '../../person-stream';
import { PersonStreamWriter, WriteOutcome } from '../../person-writer.service';
import { AccountCommand, decideAccount } from '../accounts.decide';
import type { AccountBequeathed } from '../accounts.events';

/** An account command before its policy pack is resolved (the handler adds it). */
export type AccountRequestCommand =
  | { type: 'CreditMonth'; data: Extract<AccountCommand, { type: 'CreditMonth' }>['data'] }
  | { type: 'PayFromAccount'; data: Extract<AccountCommand, { type: 'PayFromAccount' }>['data'] }
  | { type: 'PayForRelative'; data: Extract<AccountCommand, { type: 'PayForRelative' }>['data'] }
  | Exclude<AccountCommand, { pack: PolicyPack }>;

export class ExecuteAccountCommand extends Command<WriteOutcome> {
  constructor(
    readonly personId: string,
    readonly command: AccountRequestCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Resolves the pack in force for the person on a date; refuses where none is. */
export function packFor(catalog: PolicyCatalog, state: PersonState, date: string): PolicyPack {
  const { region, scheme } = state.enrollment;
  const pack = region && scheme ? catalog.resolve(region, scheme, date) : undefined;
  if (!pack)
    throw new PolicyRefusal(
      'NO_POLICY_IN_FORCE',
      catalog.notInForceClause(region, scheme, date),
      `no ${scheme} policy pack for region ${region} on ${date}`,
    );
  return pack;
}

/** The pack in force for the person on a date, if any: its rules are cited; none is no refusal. */
function packOn(catalog: PolicyCatalog, state: PersonState, date: string): PolicyPack | undefined {
  const { region, scheme } = state.enrollment;
  return region && scheme ? catalog.resolve(region, scheme, date) : undefined;
}

function withPack(catalog: PolicyCatalog, command: AccountRequestCommand, state: PersonState): AccountCommand {
  switch (command.type) {
    case 'CreditMonth':
      return { ...command, pack: packFor(catalog, state, `${command.data.month}-01`) };
    case 'PayFromAccount':
    case 'PayForRelative':
      return { ...command, pack: packFor(catalog, state, command.data.paidOn) } as AccountCommand;
    case 'TransferAccount':
      return { ...command, pack: packOn(catalog, state, command.data.transferredOn) };
    case 'PayOutAccount':
      return { ...command, pack: packOn(catalog, state, command.data.paidOn) };
    case 'BequeathAccount':
    case 'ReceiveInheritance':
      return { ...command, pack: packOn(catalog, state, command.data.on) } as AccountCommand;
    default:
      return command;
  }
}

/** The field dating what each account command records as done: a month credited, a payment or transfer made, a death. */
const HAPPENED_ON: HappenedOn<AccountRequestCommand> = {
  CreditMonth: 'month',
  PayFromAccount: 'paidOn',
  PayForRelative: 'paidOn',
  PayOutAccount: 'paidOn',
  TransferAccount: 'transferredOn',
  BequeathAccount: 'on',
};

@CommandHandler(ExecuteAccountCommand)
export class ExecuteAccountHandler implements ICommandHandler<ExecuteAccountCommand, WriteOutcome> {
  constructor(
    private readonly writer: PersonStreamWriter,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
  ) {}

  async execute({ personId, command, context: given }: ExecuteAccountCommand): Promise<WriteOutcome> {
    // The key is bound to this request: command, person and body.
    const context = withFingerprint(given, `accounts.${command.type}`, personStreamId(personId), command.data);
    checkCommandHappened(command, HAPPENED_ON, this.writer.now());
    if (command.type === 'BequeathAccount') return this.bequeath(personId, command.data, context);
    return this.writer.write(personId, context, (state) => decideAccount(withPack(this.catalog, command, state), state));
  }

  /**
   * 第十二条 inheritance touches two streams. Step 1 empties the deceased's account; step 2
   * credits the heir. Each step is idempotent under a key derived from the command's, so
   * a retry after a crash between them completes step 2 without repeating step 1.
   */
  private async bequeath(personId: string, data: { heirId: string; on: string }, context: CommandContext): Promise<WriteOutcome> {
    await this.writer.loadExisting(data.heirId); // 404 before anything is written
    const heir = (await this.writer.load(data.heirId)).state;
    if (!heir.enrollment.enrolled || heir.account.closed) {
      throw new PolicyRefusal(
        'HEIR_NOT_ENROLLED',
        balanceClause(packOn(this.catalog, heir, data.on)),
        `heir ${data.heirId} has no open account`,
      );
    }
    const first = await this.writer.write(personId, context, (state) =>
      decideAccount({ type: 'BequeathAccount', data, pack: packOn(this.catalog, state, data.on) }, state),
    );
    const bequeathed = first.events.find((e) => e.type === 'AccountBequeathed')?.data as AccountBequeathed['data'] | undefined;
    // A key whose events (written before fingerprints) are not a bequest: another request's key.
    if (!bequeathed) throw new IdempotencyKeyReused(publicKey(context.commandId));
    await this.writer.write(data.heirId, { ...context, commandId: `${context.commandId}:heir`, causationId: context.commandId }, (state) =>
      decideAccount(
        {
          type: 'ReceiveInheritance',
          data: { fromPersonId: personId, amount: bequeathed.amount, on: data.on },
          pack: packOn(this.catalog, state, data.on),
        },
        state,
      ),
    );
    return first;
  }
}

export const AccountCommandHandlers = [ExecuteAccountHandler];
