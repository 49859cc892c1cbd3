import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, withFingerprint } from '../../../event-store/stream-command';
import { personStreamId } from '../../person-stream';
import { InstitutionRegistry, InstitutionProfile } from '../../../institutions/institution-registry.service';
import { NotFound, PolicyRefusal } from '../../../kernel/errors';
import { checkCommandHappened, HappenedOn } from '../../../kernel/not-ahead';
import { PolicyCatalog } from '../../../policy/catalog';
import { tierOf } from '../../../policy/engine/level-access';
import { ledgerRule } from '../../../policy/citation';
import type { CityPack } from '../../../policy/pack.types';
import { type EnrollmentClauses, enrollmentClauses } from '../../../policy/person-rules';
import { POLICY_CATALOG } from '../../../infrastructure/tokens';
import { PersonStreamWriter, WriteOutcome } from '../../person-writer.service';
import { ContractFeeRule, decideEnrollment, EnrollmentCommand, RegisteredInstitution } from '../enrollment.decide';
import type { EnrollmentState } from '../enrollment.state';

/** One CQRS message carries any enrollment command; the decider's switch is exhaustive. */
export class ExecuteEnrollmentCommand extends Command<WriteOutcome> {
  constructor(
    readonly personId: string,
    readonly command: EnrollmentCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteEnrollmentCommand)
export class ExecuteEnrollmentHandler implements ICommandHandler<ExecuteEnrollmentCommand, WriteOutcome> {
  constructor(
    private readonly writer: PersonStreamWriter,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
    private readonly registry: InstitutionRegistry,
  ) {}

  async execute({ personId, command, context: given }: ExecuteEnrollmentCommand): Promise<WriteOutcome> {
    // The key is bound to this request: command, person and body.
    // The fingerprint prefix is stored with every idempotent write: kept as first spelt, so a retry across an upgrade still matches.
    const context = withFingerprint(given, `enrolment.${command.type}`, personStreamId(personId), command.data);
    checkCommandHappened(command, HAPPENED_ON, this.writer.now());
    if (command.type === 'Enrol') {
      // A person can only be enrolled where a policy pack of the scheme exists.
      const known = this.catalog
        .packs()
        .some((p) => p.kind === 'city' && p.region === command.data.region && p.scheme === command.data.scheme);
      if (!known)
        throw new PolicyRefusal(
          'NO_POLICY_FOR_REGION',
          ledgerRule('no-policy-for-region'),
          `no ${command.data.scheme} policy pack for region ${command.data.region}`,
        );
    }
    // Commands naming institutions get the registry's facts (404 for an unknown code) and the person's pack.
    const profiles = await this.institutions(command);
    return this.writer.write(
      personId,
      context,
      (state) =>
        decideEnrollment(this.withFacts(command, state.enrollment, profiles), state.enrollment, this.clauses(command, state.enrollment)),
      {
        mustExist: command.type !== 'Enrol',
      },
    );
  }

  /** The registry profiles of the institutions the command names, in order. */
  private async institutions(command: EnrollmentCommand): Promise<InstitutionProfile[]> {
    const codes =
      command.type === 'DesignateFirstContactInstitution' || command.type === 'RecordFamilyDoctorContract'
        ? [command.data.institutionCode]
        : command.type === 'RecordReferral'
          ? [command.data.fromInstitution, command.data.toInstitution]
          : [];
    const profiles: InstitutionProfile[] = [];
    for (const code of codes) {
      const profile = await this.registry.find(code);
      if (!profile) throw new NotFound('institution', code);
      profiles.push(profile);
    }
    return profiles;
  }

  private withFacts(command: EnrollmentCommand, state: EnrollmentState, profiles: InstitutionProfile[]): EnrollmentCommand {
    const [profile, second] = profiles;
    if (!profile || !state.region || !state.scheme) return command;
    if (command.type === 'RecordReferral') {
      const pack = this.catalog.resolve(state.region, state.scheme, command.data.referredOn);
      return { ...command, from: registered(profile, pack), to: registered(second, pack) };
    }
    if (command.type === 'DesignateFirstContactInstitution') {
      const pack = this.packInYear(state, command.data.year);
      return { ...command, institution: registered(profile, pack) };
    }
    if (command.type === 'RecordFamilyDoctorContract') {
      const pack = this.catalog.resolve(state.region, state.scheme, command.data.from);
      return { ...command, institution: registered(profile, pack), ...(pack ? { contractFee: contractFeeRule(pack) } : {}) };
    }
    return command;
  }

  /** The clauses of the pack in force for the person's region on the command's date (and of its framework). */
  private clauses(command: EnrollmentCommand, state: EnrollmentState): EnrollmentClauses {
    const { region, scheme } = command.type === 'Enrol' ? command.data : state;
    if (!region || !scheme) return enrollmentClauses(undefined);
    const date = commandDate(command);
    const pack =
      command.type === 'DesignateFirstContactInstitution'
        ? this.packInYear(state, command.data.year)
        : date
          ? this.catalog.resolve(region, scheme, date)
          : undefined;
    return enrollmentClauses(pack, pack?.framework ? this.catalog.byId(pack.framework) : undefined);
  }

  /** The pack of the person's region and scheme in force at some point of the year. */
  private packInYear(state: EnrollmentState, year: number): CityPack | undefined {
    return (
      this.catalog.resolve(state.region!, state.scheme!, `${year}-01-01`) ??
      this.catalog.resolve(state.region!, state.scheme!, `${year}-12-31`)
    );
  }
}

/** The date a command's facts take effect, where it has one. */
function commandDate(command: EnrollmentCommand): string | undefined {
  switch (command.type) {
    case 'Enrol':
      return command.data.enrolledOn;
    case 'ChangeRetiredStatus':
      return command.data.processedOn;
    case 'ChangeContributionBase':
      return command.data.effectiveFrom;
    case 'AdmitInpatient':
      return command.data.admittedOn;
    case 'DischargeInpatient':
      return command.data.dischargedOn;
    case 'RegisterOffSiteResidence':
    case 'RecordFamilyDoctorContract':
      return command.data.from;
    case 'RecordReferral':
      return command.data.referredOn;
    default:
      return undefined;
  }
}

/** The field dating what each command records as having happened (not a plan, such as an enrolment from next year). */
const HAPPENED_ON: HappenedOn<EnrollmentCommand> = {
  ChangeRetiredStatus: 'processedOn',
  AdmitInpatient: 'admittedOn',
  DischargeInpatient: 'dischargedOn',
  RecordReferral: 'referredOn',
};

function registered(profile: InstitutionProfile, pack: CityPack | undefined): RegisteredInstitution {
  const { tier } = pack ? tierOf(pack, profile) : { tier: profile.level };
  return {
    code: profile.code,
    region: profile.region,
    designations: profile.designations,
    tier,
    ...(profile.pharmacy !== undefined ? { pharmacy: profile.pharmacy } : {}),
  };
}

/** The pack's contract-fee rule (安医保〔2019〕75号 附件), when it has one. */
function contractFeeRule(pack: CityPack): ContractFeeRule | undefined {
  const rule = pack.institution?.contractFee as
    { value: { fundPaysUpToPerPersonYear: string }; clause: string; document: string } | undefined;
  return rule ? { perPersonYear: rule.value.fundPaysUpToPerPersonYear, clause: `${rule.document} ${rule.clause}` } : undefined;
}

export const EnrollmentCommandHandlers = [ExecuteEnrollmentHandler];
