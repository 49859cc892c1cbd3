/** The bounds a framework pack sets for the city packs under it. */
import { Checker, type Json, SLUG } from './checker';

export function checkFrameworkBody(c: Checker, p: Json): void {
  if (!c.object(p.bounds, 'bounds')) return;
  const b = p.bounds;
  if (c.object(b.appliesTo, 'bounds.appliesTo')) {
    c.oneOf(b.appliesTo.scheme, ['employee', 'resident'] as const, 'bounds.appliesTo.scheme');
    if (
      b.appliesTo.regions !== undefined &&
      (!Array.isArray(b.appliesTo.regions) || !b.appliesTo.regions.every((r) => typeof r === 'string' && SLUG.test(r)))
    ) {
      c.fail('bounds.appliesTo.regions', 'must be a list of region slugs');
    }
    if (b.appliesTo.clause !== undefined) c.string(b.appliesTo.clause, 'bounds.appliesTo.clause');
  }
  if (b.deductible !== undefined && c.object(b.deductible, 'bounds.deductible')) {
    c.cited(b.deductible.modes, 'bounds.deductible.modes', (v, path) =>
      c.listOf(v, ['none', 'per_visit', 'annual', 'fixed_copay'] as const, path),
    );
    if (b.deductible.annualMax !== undefined) c.cited(b.deductible.annualMax, 'bounds.deductible.annualMax', (v, path) => c.money(v, path));
  }
  if (b.annualCapMax !== undefined) c.cited(b.annualCapMax, 'bounds.annualCapMax', (v, path) => c.money(v, path));
  if (b.rateTargets !== undefined)
    c.cited(b.rateTargets, 'bounds.rateTargets', (v, path) => {
      if (!c.object(v, path)) return;
      if (c.object(v.targets, `${path}.targets`)) for (const [cat, r] of Object.entries(v.targets)) c.rate(r, `${path}.targets.${cat}`);
      c.rate(v.tolerance, `${path}.tolerance`);
    });
  if (b.ratesDifferByLevel !== undefined) c.cited(b.ratesDifferByLevel, 'bounds.ratesDifferByLevel', () => undefined);
  if (b.primaryRateFloor !== undefined) c.cited(b.primaryRateFloor, 'bounds.primaryRateFloor', (v, path) => c.rate(v, path));
  if (b.nonPrimaryRequiresReferral !== undefined)
    c.cited(b.nonPrimaryRequiresReferral, 'bounds.nonPrimaryRequiresReferral', () => undefined);
  if (b.accountCreditShares !== undefined)
    c.cited(b.accountCreditShares, 'bounds.accountCreditShares', (v, path) => {
      if (!c.object(v, path)) return;
      c.rate(v.in_service, `${path}.in_service`);
      c.rate(v.retired, `${path}.retired`);
      c.rate(v.retiredTolerance, `${path}.retiredTolerance`);
    });
  if (b.firstContactPerYear !== undefined)
    c.cited(b.firstContactPerYear, 'bounds.firstContactPerYear', (v, path) => c.positiveInt(v, path));
}
