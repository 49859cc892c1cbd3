import type { Cited, CityPack, LevelAccessRule, LevelCondition } from '../pack.types';
import type { InstitutionLevel } from './types';

export interface LevelAccess {
  /** The rules that list the level (for their clauses). */
  rules: Array<Cited<LevelAccessRule>>;
  /** Every condition any of those rules attaches, with the rule that attaches it. */
  conditions: Map<LevelCondition, Cited<LevelAccessRule>>;
}

const computed = new WeakMap<CityPack, Map<InstitutionLevel, LevelAccess>>();

/** Levels a pack pays at: a level is covered when some rule lists it, and must meet every condition attached to it. */
export function levelAccess(pack: CityPack): Map<InstitutionLevel, LevelAccess> {
  const known = computed.get(pack);
  if (known) return known;
  const out = new Map<InstitutionLevel, LevelAccess>();
  for (const rule of pack.benefit.levelAccess) {
    for (const level of rule.value.levels) {
      const entry: LevelAccess = out.get(level) ?? { rules: [], conditions: new Map() };
      entry.rules.push(rule);
      for (const condition of rule.value.requires ?? []) if (!entry.conditions.has(condition)) entry.conditions.set(condition, rule);
      out.set(level, entry);
    }
  }
  // Loaded packs are frozen, so the derived table can be kept with the pack.
  if (Object.isFrozen(pack)) computed.set(pack, out);
  return out;
}

/** The level a pack pools an institution at: its category's tier where the pack maps categories (issue 16.4), else its grade level. */
export function tierOf(
  pack: CityPack,
  institution: { level: InstitutionLevel; category?: string },
): { tier: InstitutionLevel; byCategory: boolean } {
  // Stryker disable next-line ConditionalExpression: equivalent because no pack maps the category `undefined`
  const mapped = institution.category !== undefined ? pack.benefit.tierByCategory?.value[institution.category] : undefined;
  return mapped !== undefined ? { tier: mapped, byCategory: true } : { tier: institution.level, byCategory: false };
}
