/**
 * Step 0: the facts fit this pack (pack keys `region`, `scheme`, `effective`). A mismatch
 * is the caller's mistake (InvalidInput, HTTP 400), never a business refusal.
 */
import { instantMs, shanghaiDateOfMs, yearOf } from '../../../kernel/dates';
import { InvalidInput } from '../../../kernel/errors';
import type { Dec } from '../../../kernel/money';
import type { CityPack, PolicyPack } from '../../pack.types';
import type { AdjudicationInput } from '../types';
import { nonNegative, within } from './context';

export interface CheckedFacts {
  pack: CityPack;
  visitDate: string;
  year: number;
  /** The visit's instants, parsed once (instantMs) for every step that needs them. */
  occurredMs: number;
  settledMs: number;
  fundPaidBefore: Dec;
  deductibleMetBefore: Dec;
}

export function checkFacts(input: AdjudicationInput, pack: PolicyPack): CheckedFacts {
  if (pack.kind !== 'city') throw new InvalidInput('pack', `framework pack ${pack.id} bounds city packs; it cannot adjudicate a visit`);
  const { visit, person, yearToDate: ytd } = input;
  const occurredMs = instantMs(visit.occurredAt);
  const settledMs = instantMs(visit.settledAt);
  const visitDate = shanghaiDateOfMs(occurredMs);
  const year = yearOf(visitDate);
  if (person.scheme !== pack.scheme || person.region !== pack.region) {
    throw new InvalidInput('pack', `pack ${pack.id} is for ${pack.region}/${pack.scheme}, the person is ${person.region}/${person.scheme}`);
  }
  if (!within(visitDate, pack.effective)) throw new InvalidInput('pack', `pack ${pack.id} is not in force on ${visitDate}`);
  if (ytd.year !== year) throw new InvalidInput('yearToDate.year', `is ${ytd.year}, the visit is in ${year}`);
  if (settledMs < occurredMs) throw new InvalidInput('visit.settledAt', 'is before the visit');
  if (visit.lines.length === 0) throw new InvalidInput('visit.lines', 'a visit needs at least one bill line');
  const fundPaidBefore = nonNegative(ytd.fundPaid, 'yearToDate.fundPaid');
  const deductibleMetBefore = nonNegative(ytd.deductibleMet, 'yearToDate.deductibleMet');
  return { pack, visitDate, year, occurredMs, settledMs, fundPaidBefore, deductibleMetBefore };
}
