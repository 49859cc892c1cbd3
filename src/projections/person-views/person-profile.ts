/** A person's profile as the read side keeps it: scheme, region, enrollment and category timeline. */
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { LocalDate } from '../../kernel/dates';
import type { PersonCategoryCorrected } from '../../corrections/correction.events';
import type { PersonEnrolled, RetiredStatusChanged, EnrolmentEnded } from '../../modules/enrollment/enrollment.events';
import type { CityPack } from '../../policy/pack.types';
import type { PersonCategory, Scheme } from '../../policy/engine/types';

/** What the read side needs of the policy catalogue. */
export interface PackSource {
  cityPacks(): CityPack[];
}

export interface CategoryChange {
  from: LocalDate;
  category: PersonCategory;
  /** How the change came: enrollment, a retirement processed on a date (第六条: effective next month), or a correction (issue 15). */
  cause: 'enrollment' | 'retirement' | 'correction';
  correctionId?: string;
  processedOn?: LocalDate;
  position: number;
}

export interface PersonProfile {
  personId: string;
  scheme: Scheme;
  region: string;
  enrolledOn: LocalDate;
  endedOn?: LocalDate;
  categoryTimeline: CategoryChange[];
}

export function evolveProfile(
  profile: PersonProfile | undefined,
  event: Pick<RecordedEvent, 'type' | 'data' | 'position'>,
): PersonProfile | undefined {
  switch (event.type) {
    case 'PersonEnrolled': {
      const d = event.data as PersonEnrolled['data'];
      return {
        personId: d.personId,
        scheme: d.scheme,
        region: d.region,
        enrolledOn: d.enrolledOn,
        categoryTimeline: [{ from: d.enrolledOn, category: d.category, cause: 'enrollment', position: event.position }],
      };
    }
    case 'RetiredStatusChanged': {
      if (!profile) return profile;
      const d = event.data as RetiredStatusChanged['data'];
      return {
        ...profile,
        categoryTimeline: [
          ...profile.categoryTimeline,
          { from: d.effectiveFrom, category: d.to, cause: 'retirement', processedOn: d.processedOn, position: event.position },
        ],
      };
    }
    case 'PersonCategoryCorrected': {
      if (!profile) return profile;
      return {
        ...profile,
        categoryTimeline: correctedTimeline(profile.categoryTimeline, event.data as PersonCategoryCorrected['data'], event.position),
      };
    }
    case 'EnrolmentEnded': {
      if (!profile) return profile;
      return { ...profile, endedOn: (event.data as EnrolmentEnded['data']).endedOn };
    }
    default:
      return profile;
  }
}

/**
 * A category corrected from a date replaces every entry from that date on (they were wrong);
 * entries before it stand — the same rule as the enrollment state the deciders fold.
 */
function correctedTimeline(timeline: CategoryChange[], d: PersonCategoryCorrected['data'], position: number): CategoryChange[] {
  return [
    ...timeline.filter((c) => c.from < d.from),
    { from: d.from, category: d.category, cause: 'correction', correctionId: d.correctionId, position },
  ];
}

export function categoryOn(profile: PersonProfile, date: LocalDate): PersonCategory | undefined {
  let found: PersonCategory | undefined;
  for (const c of profile.categoryTimeline) if (c.from <= date) found = c.category;
  return found;
}

export function packsOf(packs: PackSource, profile: Pick<PersonProfile, 'region' | 'scheme'>): CityPack[] {
  return packs
    .cityPacks()
    .filter((p) => p.region === profile.region && p.scheme === profile.scheme)
    .sort((a, b) => (a.effective.from < b.effective.from ? -1 : a.effective.from > b.effective.from ? 1 : 0));
}

export function packOn(packs: PackSource, profile: Pick<PersonProfile, 'region' | 'scheme'>, date: LocalDate): CityPack | undefined {
  return packsOf(packs, profile).find((p) => p.effective.from <= date && (p.effective.to === undefined || date <= p.effective.to));
}
