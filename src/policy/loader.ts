/**
 * Turns raw pack JSON plus the deployment parameters into resolved, validated, frozen
 * packs. Loading refuses (PolicyLoadError) on: a malformed shape, a missing citation, a
 * missing deployment parameter, a city pack outside the bounds of its framework, or two
 * packs of one region+scheme in force on the same day. No I/O here: the catalog reads files.
 * Each concern lives in src/policy/loader/.
 */
import { canonicalJson, deepFreeze, sha256Hex } from './canonical-json';
import { checkCityBody } from './loader/city-body';
import { Checker, isObject, type Json } from './loader/checker';
import { readDeploymentParameters, substituteDeployment } from './loader/deployment';
import { PolicyLoadError } from './loader/errors';
import { checkFrameworkBody } from './loader/framework-body';
import { appliesTo, frameworkViolations, membershipViolations } from './loader/framework-bounds';
import { checkHeader } from './loader/header';
import type { CityPack, FrameworkPack, PolicyPack } from './pack.types';

export { PolicyLoadError } from './loader/errors';

/** Validates one raw pack, fills in deployment values and stamps its content hash. */
export function resolvePack(raw: unknown, deploymentParams: unknown): PolicyPack {
  if (!isObject(raw)) throw new PolicyLoadError('(unnamed)', ['a pack must be a JSON object']);
  const id = typeof raw.id === 'string' ? raw.id : '(unnamed)';
  const params = readDeploymentParameters(deploymentParams);
  const used: string[] = [];
  const substituted = substituteDeployment({ ...raw, id }, params, used);
  const c = new Checker();
  checkHeader(c, substituted);
  if (substituted.version !== undefined) c.fail('version', 'is computed by the loader and may not be given');
  if (substituted.deploymentParameters !== undefined) c.fail('deploymentParameters', 'is computed by the loader and may not be given');
  if (c.violations.length === 0) {
    if (substituted.kind === 'city') checkCityBody(c, substituted);
    else checkFrameworkBody(c, substituted);
  }
  if (c.violations.length > 0) throw new PolicyLoadError(id, c.violations);

  const { id: _id, ...rest } = substituted;
  const body: Json = { id, ...rest, deploymentParameters: [...used].sort() };
  const version = `sha256:${sha256Hex(canonicalJson(body))}`;
  return deepFreeze({ id, version, ...rest, deploymentParameters: body.deploymentParameters } as unknown as PolicyPack);
}

/** Loads and cross-checks a set of raw packs: the whole set loads or none does. */
export function loadPacks(raws: unknown[], deploymentParams: unknown): PolicyPack[] {
  const packs = raws.map((raw) => resolvePack(raw, deploymentParams));
  const byId = new Map<string, PolicyPack>();
  for (const p of packs) {
    if (byId.has(p.id)) throw new PolicyLoadError(p.id, ['the id is used by two packs']);
    byId.set(p.id, p);
  }
  const frameworks = packs.filter((p): p is FrameworkPack => p.kind === 'framework');
  const cities = packs.filter((p): p is CityPack => p.kind === 'city');
  for (const pack of cities) {
    const violations: string[] = [];
    if (pack.framework !== undefined) {
      const declared = byId.get(pack.framework);
      if (!declared || declared.kind !== 'framework') violations.push(`framework ${pack.framework} is not a loaded framework pack`);
    }
    for (const framework of frameworks) {
      violations.push(...membershipViolations(pack, framework));
      if (appliesTo(framework, pack)) violations.push(...frameworkViolations(pack, framework));
    }
    if (violations.length > 0) throw new PolicyLoadError(pack.id, violations);
  }
  for (let i = 0; i < cities.length; i++) {
    for (let j = i + 1; j < cities.length; j++) {
      const a = cities[i];
      const b = cities[j];
      if (a.region === b.region && a.scheme === b.scheme && overlaps(a.effective, b.effective)) {
        throw new PolicyLoadError(b.id, [
          `in force ${period(b.effective)}, overlapping ${a.id} (${period(a.effective)}) for ${a.region}/${a.scheme}: one day, one pack`,
        ]);
      }
    }
  }
  return packs;
}

function overlaps(a: { from: string; to?: string }, b: { from: string; to?: string }): boolean {
  return (a.to === undefined || b.from <= a.to) && (b.to === undefined || a.from <= b.to);
}

function period(p: { from: string; to?: string }): string {
  return `${p.from}..${p.to ?? ''}`;
}
