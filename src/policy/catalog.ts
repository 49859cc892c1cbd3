/**
 * The set of policy packs the service knows: read from src/policy/packs/*.json, resolved
 * with the deployment parameters the application passes in (config/deployment-policy.json),
 * validated as a whole. Lookups by region+scheme+date, by id and by version (content hash).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalDate } from '../kernel/dates';
import type { Scheme } from './engine/types';
import { ledgerRule } from './citation';
import { parseJsonStrict } from '../kernel/json-duplicate-keys';
import { loadPacks, PolicyLoadError } from './loader';
import type { CityPack, FrameworkPack, PolicyPack } from './pack.types';

export type { CityPack, FrameworkPack, PolicyPack } from './pack.types';
export { PolicyLoadError } from './loader';

/**
 * Packs live beside this file under ts-node/ts-jest (src/policy/packs). `tsc` does not copy
 * JSON into dist/, so from dist/policy fall back to the source tree.
 */
export function defaultPacksDir(): string {
  const candidates = [path.join(__dirname, 'packs'), path.resolve(__dirname, '../../src/policy/packs')];
  const found = candidates.find((dir) => fs.existsSync(dir));
  if (!found) throw new PolicyLoadError('(catalog)', [`no packs folder found; looked in ${candidates.join(', ')}`]);
  return found;
}

export function readPackFiles(dir: string): unknown[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      try {
        return parseJsonStrict(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new PolicyLoadError(f, [`not valid JSON: ${(e as Error).message}`]);
      }
    });
}

export class PolicyCatalog {
  private readonly byIdMap: Map<string, PolicyPack>;
  private readonly byVersionMap: Map<string, PolicyPack>;

  private constructor(
    private readonly all: readonly PolicyPack[],
    /** Earlier versions kept in the policy archive: found by version, never in force. */
    archived: readonly PolicyPack[] = [],
  ) {
    this.byIdMap = new Map(all.map((p) => [p.id, p]));
    this.byVersionMap = new Map([...archived, ...all].map((p) => [p.version, p]));
  }

  /** The same catalogue, also knowing archived versions (src/policy/policy-archive.ts) by version. */
  withArchived(archived: readonly PolicyPack[]): PolicyCatalog {
    return new PolicyCatalog(this.all, archived);
  }

  /** Reads the pack files and resolves them; throws PolicyLoadError naming the pack, bound and clause. */
  static load(deploymentParams: unknown, options: { packsDir?: string; extraPacks?: unknown[] } = {}): PolicyCatalog {
    const raws = [...readPackFiles(options.packsDir ?? defaultPacksDir()), ...(options.extraPacks ?? [])];
    return new PolicyCatalog(loadPacks(raws, deploymentParams));
  }

  /** `load` of the deployment parameters file (LEDGER_POLICY_PARAMS), each key once per object. */
  static loadParamsFile(file: string, options: { packsDir?: string; extraPacks?: unknown[] } = {}): PolicyCatalog {
    return PolicyCatalog.load(parseJsonStrict(fs.readFileSync(file, 'utf8')), options);
  }

  packs(): PolicyPack[] {
    return [...this.all];
  }

  cityPacks(): CityPack[] {
    return this.all.filter((p): p is CityPack => p.kind === 'city');
  }

  frameworks(): FrameworkPack[] {
    return this.all.filter((p): p is FrameworkPack => p.kind === 'framework');
  }

  /** The city pack in force for region+scheme on that (Asia/Shanghai) date. */
  resolve(region: string, scheme: Scheme, date: LocalDate): CityPack | undefined {
    return this.cityPacks().find(
      (p) =>
        p.region === region && p.scheme === scheme && p.effective.from <= date && (p.effective.to === undefined || date <= p.effective.to),
    );
  }

  /**
   * Why no pack is in force for region+scheme on a date: the effective-date clause of the
   * region's next pack when the date is before it (宛政办〔2022〕42号 第二十五条 for Nanyang
   * before 2022-07-01); otherwise (no pack yet for a later year, or none at all) a ledger rule.
   */
  notInForceClause(region: string | undefined, scheme: string | undefined, date: LocalDate): string {
    const packs = this.cityPacks().filter((p) => p.region === region && p.scheme === scheme);
    const next = packs.filter((p) => date < p.effective.from).sort((a, b) => a.effective.from.localeCompare(b.effective.from))[0];
    return next?.effective.clause ? `${next.document} ${next.effective.clause}` : ledgerRule('no-policy-in-force');
  }

  /** A pack by its content hash: one in force, or an archived earlier version. */
  byVersion(version: string): PolicyPack | undefined {
    return this.byVersionMap.get(version);
  }

  byId(id: string): PolicyPack | undefined {
    return this.byIdMap.get(id);
  }
}
