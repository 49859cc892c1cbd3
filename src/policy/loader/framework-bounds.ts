/**
 * Framework membership and bounds: which frameworks a city pack falls under, and how it
 * breaks their bounds. Each violation names the bound and its clause.
 */
import { Dec } from '../../kernel/money';
import { cite } from '../citation';
import { levelAccess } from '../engine/level-access';
import { PRIMARY_LEVELS, SCHEME_CATEGORIES, type CityPack, type FrameworkPack } from '../pack.types';

/**
 * A framework's territory: its scheme, and either every region (a national framework) or
 * the regions it lists, its own region and any region named `<its region>-…` (e.g.
 * gansu-lanzhou under gansu), so a pack cannot leave it by a spelling the list lacks.
 */
export function inTerritory(framework: FrameworkPack, pack: CityPack): boolean {
  const { scheme, regions } = framework.bounds.appliesTo;
  if (scheme !== pack.scheme) return false;
  if (regions === undefined) return true;
  return regions.includes(pack.region) || pack.region === framework.region || pack.region.startsWith(`${framework.region}-`);
}

/** A framework's bounds apply to the packs that declare it and to every pack in its territory. */
export function appliesTo(framework: FrameworkPack, pack: CityPack): boolean {
  return pack.framework === framework.id || inTerritory(framework, pack);
}

/** Membership is declared: a pack in a framework's territory must name it in `framework`. */
export function membershipViolations(pack: CityPack, framework: FrameworkPack): string[] {
  if (pack.framework === framework.id || !inTerritory(framework, pack)) return [];
  const scope = framework.bounds.appliesTo.clause ? `${framework.document} ${framework.bounds.appliesTo.clause}` : framework.document;
  return [`framework: must be "${framework.id}": region ${pack.region} (${pack.scheme}) is in its territory (${scope})`];
}

/** The violations of one city pack against one framework, each naming the bound and clause. */
export function frameworkViolations(pack: CityPack, framework: FrameworkPack): string[] {
  const out: string[] = [];
  const b = framework.bounds;
  const categories = SCHEME_CATEGORIES[pack.scheme];
  const levels = new Map([...levelAccess(pack)].map(([level, a]) => [level, new Set(a.conditions.keys())]));
  const rates = pack.benefit.rates.value;
  const deductible = pack.benefit.deductible.value;

  if (framework.scheme !== pack.scheme) out.push(`framework ${framework.id} is for the ${framework.scheme} scheme, not ${pack.scheme}`);
  if (pack.effective.from < framework.effective.from) {
    out.push(`starts ${pack.effective.from}, before its framework ${framework.id} is in force (${framework.effective.from})`);
  }
  if (b.deductible) {
    if (!b.deductible.modes.value.includes(deductible.mode)) {
      out.push(
        `deductible mode ${deductible.mode} is not allowed: the bound allows ${b.deductible.modes.value.join(', ')} (${cite(b.deductible.modes)})`,
      );
    }
    const annualMax = b.deductible.annualMax;
    if (annualMax && deductible.mode === 'annual' && new Dec(deductible.amount).greaterThan(annualMax.value)) {
      out.push(`annual deductible ${deductible.amount} exceeds the bound ${annualMax.value} (${cite(annualMax)})`);
    }
  }
  if (b.annualCapMax) {
    for (const cat of categories) {
      const cap = pack.benefit.annualCaps.value[cat];
      if (cap !== undefined && new Dec(cap).greaterThan(b.annualCapMax.value)) {
        out.push(`annual cap ${cap} exceeds the bound ${b.annualCapMax.value} (${cite(b.annualCapMax)}) for ${cat}`);
      }
    }
  }
  if (b.rateTargets) {
    const { targets, tolerance } = b.rateTargets.value;
    for (const cat of categories) {
      const target = targets[cat];
      if (target === undefined) continue;
      for (const level of levels.keys()) {
        const r = rates[cat]?.[level];
        if (r !== undefined && new Dec(r).minus(target).abs().greaterThan(tolerance)) {
          out.push(`rate ${r} for ${cat} at ${level} is outside the bound ${target} ± ${tolerance} (${cite(b.rateTargets)})`);
        }
      }
    }
  }
  if (b.ratesDifferByLevel) {
    for (const cat of categories) {
      const distinct = new Set(
        [...levels.keys()]
          .map((l) => rates[cat]?.[l])
          .filter((r) => r !== undefined)
          .map((r) => new Dec(r as string).toString()),
      );
      if (levels.size > 1 && distinct.size < 2) {
        out.push(`rates for ${cat} do not differ by institution level, which the bound requires (${cite(b.ratesDifferByLevel)})`);
      }
    }
  }
  if (b.primaryRateFloor) {
    for (const cat of categories) {
      for (const level of PRIMARY_LEVELS) {
        const r = rates[cat]?.[level];
        if (levels.has(level) && r !== undefined && new Dec(r).lessThan(b.primaryRateFloor.value)) {
          out.push(
            `rate ${r} for ${cat} at primary level ${level} is under the floor ${b.primaryRateFloor.value} (${cite(b.primaryRateFloor)})`,
          );
        }
      }
    }
  }
  if (b.nonPrimaryRequiresReferral) {
    for (const [level, conditions] of levels) {
      if (!PRIMARY_LEVELS.includes(level) && !conditions.has('referral')) {
        out.push(`non-primary level ${level} is paid without a referral, which the bound forbids (${cite(b.nonPrimaryRequiresReferral)})`);
      }
    }
  }
  const shares = b.accountCreditShares;
  const credits = pack.account?.credits;
  if (shares && credits) {
    if (credits.in_service && !new Dec(credits.in_service.value.share).equals(shares.value.in_service)) {
      out.push(
        `in-service account credit share ${credits.in_service.value.share} differs from the bound ${shares.value.in_service} (${cite(shares)})`,
      );
    }
    if (
      credits.retired &&
      new Dec(credits.retired.value.share).minus(shares.value.retired).abs().greaterThan(shares.value.retiredTolerance)
    ) {
      out.push(
        `retired account credit share ${credits.retired.value.share} is outside the bound ${shares.value.retired} ± ${shares.value.retiredTolerance} (${cite(shares)})`,
      );
    }
  }
  return out;
}
