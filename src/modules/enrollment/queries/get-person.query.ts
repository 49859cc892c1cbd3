import { Query, QueryHandler, IQueryHandler } from '@nestjs/cqrs';
import { PersonStreamWriter } from '../../person-writer.service';

export interface PersonView {
  personId: string;
  revision: number;
  enrollment: Record<string, unknown>;
  account: { balance: string; credits: string; debits: string; closed: boolean };
  settlements: unknown[];
}

/** A person as the stream says now (strongly consistent: folded from the stream itself). */
export class GetPersonQuery extends Query<PersonView> {
  constructor(readonly personId: string) {
    super();
  }
}

@QueryHandler(GetPersonQuery)
export class GetPersonHandler implements IQueryHandler<GetPersonQuery, PersonView> {
  constructor(private readonly writer: PersonStreamWriter) {}

  async execute({ personId }: GetPersonQuery): Promise<PersonView> {
    // The state only: no stored decision trace is read (a command-loaded entry serves it).
    const { state } = await this.writer.loadForDecision(personId);
    const e = state.enrollment;
    return {
      personId,
      revision: state.revision,
      enrollment: {
        enrolled: e.enrolled,
        scheme: e.scheme,
        region: e.region,
        enrollments: e.enrollments,
        categoryTimeline: e.categoryTimeline,
        contributionBases: e.contributionBases,
        relatives: e.relatives,
        inpatientStays: e.inpatientStays,
        offSiteRegistrations: e.offSiteRegistrations,
        referrals: e.referrals,
        firstContactInstitutions: e.firstContactInstitutions,
        familyDoctorContracts: e.familyDoctorContracts,
        ended: e.ended,
      },
      account: {
        balance: state.account.balance,
        credits: state.account.credits,
        debits: state.account.debits,
        closed: state.account.closed,
      },
      settlements: state.claims.settlements,
    };
  }
}

export const EnrollmentQueryHandlers = [GetPersonHandler];
