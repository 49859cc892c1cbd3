/**
 * Pack key `categorySwitch` (else `rates`): the person's category on the visit date.
 * Typical clause: 宛政办〔2022〕42号 第六条 (a change takes effect from the next month; the
 * person timeline already carries that date).
 */
import { cite } from '../../citation';
import { SCHEME_CATEGORIES } from '../../pack.types';
import { InvalidInput } from '../../../kernel/errors';
import type { PersonCategory } from '../types';
import { traceStep, type Adjudication } from './context';

export interface CategoryOnVisitDate {
  category: PersonCategory;
  /** The timeline entry in force on the visit date; none = the person was not yet enrolled. */
  timelineEntry: { from: string; category: PersonCategory } | undefined;
  switchedThisYear: boolean;
}

export function categoryOnVisitDate(c: Adjudication): CategoryOnVisitDate {
  const { pack, benefit, visitDate, year } = c;
  const timeline = c.input.person.categoryTimeline;
  let timelineEntry: CategoryOnVisitDate['timelineEntry'];
  for (const e of timeline) if (e.from <= visitDate && (!timelineEntry || e.from >= timelineEntry.from)) timelineEntry = e;
  const category: PersonCategory = timelineEntry?.category ?? timeline[0]?.category ?? SCHEME_CATEGORIES[pack.scheme][0];
  if (!SCHEME_CATEGORIES[pack.scheme].includes(category))
    throw new InvalidInput('person.categoryTimeline', `category ${category} is not of the ${pack.scheme} scheme`);
  let switchedThisYear = false;
  for (let i = 1; i < timeline.length; i++) {
    const e = timeline[i];
    if (e.from >= `${year}-01-01` && e.from <= visitDate && e.category !== timeline[i - 1].category) switchedThisYear = true;
  }
  traceStep(
    c,
    'category',
    cite(benefit.categorySwitch ?? benefit.rates),
    { timelineEntryFrom: timelineEntry?.from ?? null, visitDate },
    { category, switchedThisYear },
  );
  return { category, timelineEntry, switchedThisYear };
}
