import { InvalidInput } from '../kernel/errors';
import { Dec, fmt, min, money, ZERO } from '../kernel/money';
import type { TraceEntry } from '../policy/engine/types';
import { cite, SettlementParameters } from './settlement-parameters';

/**
 * Anyang resident outpatient pooling: capitation under a total budget, settled monthly
 * within the limit (安医保〔2019〕75号 四, 四（一）, 四（二）). Pure.
 *
 * Reading taken (附件 + 三（二）): the capitation budget is the whole 90 yuan per person.
 * 三（二） puts the general consultation fee (and the family-doctor contract fee paid in its
 * place) inside outpatient-pooling coverage, and 四 pays institutions for the pooling costs
 * they advance, so the 18 yuan is not outside the budget: it is an earmark within it. We
 * enforce it as a sub-limit: consultation/contract fees ≤ 18 × persons, everything else
 * (drugs and treatment) ≤ (90 − 18) × persons; cumulative paid never exceeds the budget.
 */
export interface CapitationBudget {
  year: number;
  persons: number;
  fundingPerPerson: string;
  consultationPerPerson: string;
  budget: string;
  consultationBudget: string;
  generalBudget: string;
  clause: string;
}

export const CAPITATION_REASONS = { noFunding: 'NO_CAPITATION_FUNDING_FOR_YEAR' } as const;

export function capitationBudget(year: number, persons: number, params: SettlementParameters): CapitationBudget | undefined {
  const y = params.anyang.years[String(year)];
  if (!y) return undefined;
  if (!Number.isInteger(persons) || persons < 0) throw new InvalidInput('count', 'must be a non-negative integer');
  const perPerson = money(y.fundingPerPerson.value);
  const consultation = money(y.consultationPerPerson.value);
  const n = new Dec(persons);
  return {
    year,
    persons,
    fundingPerPerson: fmt(perPerson),
    consultationPerPerson: fmt(consultation),
    budget: fmt(perPerson.times(n)),
    consultationBudget: fmt(consultation.times(n)),
    generalBudget: fmt(perPerson.minus(consultation).times(n)),
    clause: `${cite(y.fundingPerPerson)}; ${y.fundingPerPerson.document} 四`,
  };
}

export interface CapitationClaim {
  /** Drugs and treatment (everything but consultation/contract fees). */
  claimed: string;
  /** General consultation fees or family-doctor contract fees. */
  consultationClaimed: string;
}

export interface CapitationPaidSoFar {
  generalPaid: string;
  consultationPaid: string;
}

export interface CapitationMonthResult {
  claimed: string;
  paid: string;
  generalClaimed: string;
  generalPaid: string;
  consultationClaimed: string;
  consultationPaid: string;
  cumulativePaid: string;
  remaining: string;
  trace: TraceEntry[];
}

export function settleCapitationMonth(budget: CapitationBudget, soFar: CapitationPaidSoFar, claim: CapitationClaim): CapitationMonthResult {
  const general = money(claim.claimed);
  const consultation = money(claim.consultationClaimed);
  if (general.isNegative() || consultation.isNegative()) throw new InvalidInput('claimed', 'must not be negative');
  const generalRoom = Dec.max(ZERO, money(budget.generalBudget).minus(money(soFar.generalPaid)));
  const consultationRoom = Dec.max(ZERO, money(budget.consultationBudget).minus(money(soFar.consultationPaid)));
  const generalPaid = min(general, generalRoom);
  const consultationPaid = min(consultation, consultationRoom);
  const paid = generalPaid.plus(consultationPaid);
  const cumulative = money(soFar.generalPaid).plus(money(soFar.consultationPaid)).plus(paid);
  const out = {
    claimed: fmt(general.plus(consultation)),
    paid: fmt(paid),
    generalClaimed: fmt(general),
    generalPaid: fmt(generalPaid),
    consultationClaimed: fmt(consultation),
    consultationPaid: fmt(consultationPaid),
    cumulativePaid: fmt(cumulative),
    remaining: fmt(money(budget.budget).minus(cumulative)),
  };
  return {
    ...out,
    trace: [
      {
        step: 'capitation_month',
        clause: budget.clause,
        inputs: {
          generalClaimed: out.generalClaimed,
          consultationClaimed: out.consultationClaimed,
          generalRoom: fmt(generalRoom),
          consultationRoom: fmt(consultationRoom),
        },
        result: {
          generalPaid: out.generalPaid,
          consultationPaid: out.consultationPaid,
          paid: out.paid,
          cumulativePaid: out.cumulativePaid,
          remaining: out.remaining,
        },
      },
    ],
  };
}
