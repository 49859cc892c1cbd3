/** The category-and-rate timeline: category periods cut at pack boundaries, with the rates, cap and citations in force. */
import { addDays, LocalDate } from '../../kernel/dates';
import { fmt, money } from '../../kernel/money';
import type { CityPack } from '../../policy/pack.types';
import type { InstitutionLevel, PersonCategory } from '../../policy/engine/types';
import { CategoryChange, PackSource, packsOf, PersonProfile } from './person-profile';

export interface RateSegment {
  from: LocalDate;
  /** Inclusive; open when absent. */
  to?: LocalDate;
  category: PersonCategory;
  /** How this category began: enrollment, a retirement processed on `processedOn` (effective next month), or a correction. */
  cause: CategoryChange['cause'];
  processedOn?: LocalDate;
  /** The correction that set this category, when `cause` is 'correction'. */
  correctionId?: string;
  causePosition: number;
  packId: string | null;
  packVersion: string | null;
  /** Rates by institution level from the pack in force, with their citation. */
  rates: Partial<Record<InstitutionLevel, string>> | null;
  ratesCitation: string | null;
  cap: string | null;
  capCitation: string | null;
  /** The rule that dates a category change (宛政办〔2022〕42号 第六条: from the next month), where the pack has one. */
  switchCitation: string | null;
}

/** Category periods × pack periods: which rates and cap applied when, and why they changed. */
export function rateTimeline(packs: PackSource, profile: PersonProfile): RateSegment[] {
  const segments: RateSegment[] = [];
  const tl = profile.categoryTimeline;
  const personPacks = packsOf(packs, profile);
  for (let i = 0; i < tl.length; i++) {
    const from = tl[i].from;
    const nextFrom = i + 1 < tl.length ? tl[i + 1].from : undefined;
    let to = nextFrom !== undefined ? addDays(nextFrom, -1) : undefined;
    if (profile.endedOn !== undefined && (to === undefined || profile.endedOn < to)) to = profile.endedOn;
    if (to !== undefined && from > to) continue;
    const base = {
      category: tl[i].category,
      cause: tl[i].cause,
      causePosition: tl[i].position,
      ...(tl[i].processedOn ? { processedOn: tl[i].processedOn } : {}),
      ...(tl[i].correctionId ? { correctionId: tl[i].correctionId } : {}),
    };
    // Cut the category period at each pack boundary.
    const cuts: Array<{ from: LocalDate; to?: LocalDate; pack?: CityPack }> = [];
    let cursor: LocalDate | undefined = from;
    for (const p of personPacks) {
      if (cursor === undefined) break;
      if (p.effective.to !== undefined && p.effective.to < cursor) continue;
      if (to !== undefined && p.effective.from > to) break;
      if (p.effective.from > cursor) {
        cuts.push({ from: cursor, to: addDays(p.effective.from, -1) });
        cursor = p.effective.from;
      }
      const end = p.effective.to !== undefined && (to === undefined || p.effective.to < to) ? p.effective.to : to;
      cuts.push({ from: cursor, to: end, pack: p });
      cursor = end === undefined ? undefined : addDays(end, 1);
    }
    if (cursor !== undefined && (to === undefined || cursor <= to)) cuts.push({ from: cursor, to });
    for (const c of cuts) {
      const rates = c.pack?.benefit.rates.value[tl[i].category];
      const cap = c.pack?.benefit.annualCaps.value[tl[i].category];
      segments.push({
        from: c.from,
        ...(c.to !== undefined ? { to: c.to } : {}),
        ...base,
        packId: c.pack?.id ?? null,
        packVersion: c.pack?.version ?? null,
        rates: rates ?? null,
        ratesCitation: c.pack ? `${c.pack.benefit.rates.document} ${c.pack.benefit.rates.clause}` : null,
        cap: cap !== undefined ? fmt(money(cap)) : null,
        capCitation: c.pack ? `${c.pack.benefit.annualCaps.document} ${c.pack.benefit.annualCaps.clause}` : null,
        switchCitation: c.pack?.benefit.categorySwitch
          ? `${c.pack.benefit.categorySwitch.document} ${c.pack.benefit.categorySwitch.clause}`
          : null,
      });
    }
  }
  return segments;
}
