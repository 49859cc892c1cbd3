/**
 * Turns raw pack JSON plus the deployment parameters into resolved, validated, frozen
 * packs. Loading refuses (PolicyLoadError) on: a malformed shape, a missing citation, a
 * missing deployment parameter, a city pack outside the bounds of its framework, or two
 * packs of one region+scheme in force on the same day. No I/O here: the catalog reads files.
 */
import { isLocalDate } from '../kernel/dates';
import { Dec, MONEY_PATTERN, RATE_PATTERN } from '../kernel/money';
import { canonicalJson, deepFreeze, sha256Hex } from './canonical-json';
import { levelAccess } from './engine/level-access';
import type { InstitutionLevel, Scheme } from './engine/types';
import {
  ACCOUNT_PURPOSES,
  ALL_LEVELS,
  EXCLUDED_COST_KINDS,
  MED_TYPES,
  PRIMARY_LEVELS,
  SCHEME_CATEGORIES,
  type CityPack,
  type Cited,
  type FrameworkPack,
  type PolicyPack,
} from './pack.types';

export const DEPLOYMENT_DOCUMENT = 'config/deployment-policy.json';

export class PolicyLoadError extends Error {
  constructor(
    readonly packId: string,
    readonly violations: string[],
  ) {
    super(`pack ${packId}: ${violations.join('; ')}`);
    this.name = 'PolicyLoadError';
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Collects violations with their JSON path; the pack is refused if any were found. */
class Checker {
  readonly violations: string[] = [];
  fail(path: string, message: string): void {
    this.violations.push(path ? `${path}: ${message}` : message);
  }
  string(v: unknown, path: string): v is string {
    if (typeof v === 'string' && v.length > 0) return true;
    this.fail(path, 'must be a non-empty string');
    return false;
  }
  bool(v: unknown, path: string): v is boolean {
    if (typeof v === 'boolean') return true;
    this.fail(path, 'must be true or false');
    return false;
  }
  /** Non-negative money string ("30", "1500.00"). */
  money(v: unknown, path: string): v is string {
    if (typeof v === 'string' && MONEY_PATTERN.test(v) && !v.startsWith('-')) return true;
    this.fail(path, `must be a non-negative money string, got ${JSON.stringify(v)}`);
    return false;
  }
  /** Rate string in 0..1. */
  rate(v: unknown, path: string): v is string {
    if (typeof v === 'string' && RATE_PATTERN.test(v) && new Dec(v).lessThanOrEqualTo(1)) return true;
    this.fail(path, `must be a rate string between 0 and 1, got ${JSON.stringify(v)}`);
    return false;
  }
  positiveInt(v: unknown, path: string): v is number {
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return true;
    this.fail(path, `must be a positive integer, got ${JSON.stringify(v)}`);
    return false;
  }
  date(v: unknown, path: string): v is string {
    if (isLocalDate(v)) return true;
    this.fail(path, `must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
    return false;
  }
  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): v is T {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return true;
    this.fail(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    return false;
  }
  listOf<T extends string>(v: unknown, allowed: readonly T[], path: string, nonEmpty = true): v is T[] {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) {
      this.fail(path, nonEmpty ? 'must be a non-empty list' : 'must be a list');
      return false;
    }
    return v.every((x, i) => this.oneOf(x, allowed, `${path}[${i}]`));
  }
  /** A cited rule: `{ value, clause, document }` with the value checked by `check`. */
  cited(v: unknown, path: string, check: (value: unknown, path: string) => void): v is Cited<unknown> {
    if (!isObject(v)) {
      this.fail(path, 'must be a cited rule { value, clause, document }');
      return false;
    }
    this.string(v.clause, `${path}.clause`);
    this.string(v.document, `${path}.document`);
    if (v.source !== undefined) this.oneOf(v.source, ['document', 'deployment', 'reading'] as const, `${path}.source`);
    if (v.note !== undefined) this.string(v.note, `${path}.note`);
    if (!('value' in v)) {
      this.fail(path, 'has no value');
      return false;
    }
    check(v.value, `${path}.value`);
    return true;
  }
  object(v: unknown, path: string): v is Json {
    if (isObject(v)) return true;
    this.fail(path, 'must be an object');
    return false;
  }
}

export interface DeploymentParameters {
  packs?: Record<string, Record<string, unknown>>;
}

/**
 * Replaces `{ "deployment": name }` placeholders with cited values from the deployment
 * parameters. Throws naming every missing parameter: the document does not give them.
 */
function substituteDeployment(raw: Json, params: DeploymentParameters, used: string[]): Json {
  const id = String(raw.id);
  const supplied = params.packs?.[id] ?? {};
  const missing: string[] = [];
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'deployment' && typeof node.deployment === 'string') {
      const name = node.deployment;
      used.push(name);
      if (!(name in supplied)) {
        missing.push(name);
        return node;
      }
      const given = supplied[name];
      const hasValue = isObject(given) && 'value' in given;
      return {
        value: hasValue ? given.value : given,
        clause: `packs.${id}.${name}`,
        document: DEPLOYMENT_DOCUMENT,
        source: 'deployment',
        note:
          hasValue && typeof given.note === 'string'
            ? given.note
            : `Deployment parameter: ${String(raw.document)} does not give this value.`,
      };
    }
    const out: Json = {};
    for (const key of keys) out[key] = walk(node[key]);
    return out;
  };
  const resolved = walk(raw) as Json;
  if (missing.length > 0) {
    throw new PolicyLoadError(id, [
      `missing deployment parameters ${missing.join(', ')} — ${String(raw.document)} does not give them; supply each in ${DEPLOYMENT_DOCUMENT} under packs["${id}"]`,
    ]);
  }
  return resolved;
}

function checkHeader(c: Checker, p: Json): void {
  if (typeof p.id !== 'string' || !SLUG.test(p.id)) c.fail('id', 'must be a lower-case slug');
  c.string(p.document, 'document');
  c.string(p.title, 'title');
  c.oneOf(p.kind, ['city', 'framework'] as const, 'kind');
  if (typeof p.region !== 'string' || !SLUG.test(p.region)) c.fail('region', 'must be a lower-case slug');
  c.oneOf(p.scheme, ['employee', 'resident'] as const, 'scheme');
  if (c.object(p.effective, 'effective')) {
    c.date(p.effective.from, 'effective.from');
    if (p.effective.to !== undefined && c.date(p.effective.to, 'effective.to') && String(p.effective.to) < String(p.effective.from)) {
      c.fail('effective.to', 'is before effective.from');
    }
  }
  if (p.framework !== undefined) c.string(p.framework, 'framework');
  if (p.notes !== undefined && (!Array.isArray(p.notes) || !p.notes.every((n) => typeof n === 'string'))) c.fail('notes', 'must be a list of strings');
}

function checkLevelAmounts(c: Checker, v: unknown, path: string, kind: 'money' | 'rate'): void {
  if (!c.object(v, path)) return;
  for (const [level, amount] of Object.entries(v)) {
    if (c.oneOf(level, ALL_LEVELS, `${path}.${level}`)) {
      if (kind === 'money') c.money(amount, `${path}.${level}`);
      else c.rate(amount, `${path}.${level}`);
    }
  }
}

function checkDeductible(c: Checker, v: unknown, path: string): void {
  if (!c.object(v, path)) return;
  if (!c.oneOf(v.mode, ['none', 'per_visit', 'annual', 'fixed_copay'] as const, `${path}.mode`)) return;
  if (v.mode === 'per_visit') {
    checkLevelAmounts(c, v.byLevel, `${path}.byLevel`, 'money');
    c.positiveInt(v.windowHours, `${path}.windowHours`);
    if (v.window !== undefined) c.oneOf(v.window, ['either_side'] as const, `${path}.window`);
  } else if (v.mode === 'annual' || v.mode === 'fixed_copay') {
    c.money(v.amount, `${path}.amount`);
  }
}

function checkCityBody(c: Checker, p: Json): void {
  const scheme = p.scheme as Scheme;
  const categories = SCHEME_CATEGORIES[scheme] ?? [];
  if (!c.object(p.benefit, 'benefit')) return;
  const b = p.benefit;
  const isTrue = (v: unknown, path: string) => {
    if (v !== true) c.fail(path, 'must be true');
  };
  c.cited(b.enrolment, 'benefit.enrolment', isTrue);
  c.cited(b.inpatientExcluded, 'benefit.inpatientExcluded', (v, path) => c.bool(v, path));
  c.cited(b.designationRequired, 'benefit.designationRequired', isTrue);
  c.cited(b.pharmaciesCovered, 'benefit.pharmaciesCovered', (v, path) => c.bool(v, path));
  c.cited(b.medTypes, 'benefit.medTypes', (v, path) => c.listOf(v, MED_TYPES, path));
  const covered = new Set<InstitutionLevel>();
  if (!Array.isArray(b.levelAccess) || b.levelAccess.length === 0) c.fail('benefit.levelAccess', 'must be a non-empty list');
  else
    b.levelAccess.forEach((rule, i) =>
      c.cited(rule, `benefit.levelAccess[${i}]`, (v, path) => {
        if (!c.object(v, path)) return;
        if (c.listOf(v.levels, ALL_LEVELS, `${path}.levels`)) v.levels.forEach((l) => covered.add(l));
        if (v.requires !== undefined) c.listOf(v.requires, ['countyDesignated', 'referral'] as const, `${path}.requires`);
      }),
    );
  c.cited(b.offSite, 'benefit.offSite', (v, path) => {
    if (!c.object(v, path)) return;
    c.bool(v.covered, `${path}.covered`);
    c.bool(v.requiresRegistration, `${path}.requiresRegistration`);
    c.bool(v.requiresDirectSettlement, `${path}.requiresDirectSettlement`);
  });
  if (b.settlementWindowDays !== undefined) c.cited(b.settlementWindowDays, 'benefit.settlementWindowDays', (v, path) => c.positiveInt(v, path));
  if (c.object(b.exclusions, 'benefit.exclusions')) {
    c.cited(b.exclusions.notInCatalogue, 'benefit.exclusions.notInCatalogue', isTrue);
    if (c.object(b.exclusions.costKinds, 'benefit.exclusions.costKinds')) {
      const kinds = b.exclusions.costKinds;
      // Every non-medical cost kind must say which clause keeps it out of pooling.
      for (const kind of EXCLUDED_COST_KINDS) c.cited(kinds[kind], `benefit.exclusions.costKinds.${kind}`, isTrue);
    }
  }
  c.cited(b.deductible, 'benefit.deductible', (v, path) => checkDeductible(c, v, path));
  c.cited(b.rates, 'benefit.rates', (v, path) => {
    if (!c.object(v, path)) return;
    for (const [cat, levels] of Object.entries(v)) {
      if (c.oneOf(cat, categories, `${path}.${cat}`)) checkLevelAmounts(c, levels, `${path}.${cat}`, 'rate');
    }
  });
  c.cited(b.annualCaps, 'benefit.annualCaps', (v, path) => {
    if (!c.object(v, path)) return;
    for (const [cat, cap] of Object.entries(v)) if (c.oneOf(cat, categories, `${path}.${cat}`)) c.money(cap, `${path}.${cat}`);
  });
  if (b.categorySwitch !== undefined)
    c.cited(b.categorySwitch, 'benefit.categorySwitch', (v, path) => {
      if (!c.object(v, path)) return;
      c.oneOf(v.effective, ['next_month'] as const, `${path}.effective`);
      c.bool(v.capMerged, `${path}.capMerged`);
    });
  if (b.prescriptionDays !== undefined)
    c.cited(b.prescriptionDays, 'benefit.prescriptionDays', (v, path) => {
      if (!c.object(v, path)) return;
      for (const t of MED_TYPES) c.positiveInt(v[t], `${path}.${t}`);
    });

  if (b.referralRecords !== undefined)
    c.cited(b.referralRecords, 'benefit.referralRecords', (v, path) => {
      if (c.object(v, path)) c.oneOf(v.receiving, ['institution'] as const, `${path}.receiving`);
    });
  if (b.tierByCategory !== undefined)
    c.cited(b.tierByCategory, 'benefit.tierByCategory', (v, path) => {
      if (!c.object(v, path)) return;
      for (const [category, tier] of Object.entries(v)) c.oneOf(tier, ALL_LEVELS, `${path}.${category}`);
    });
  if (b.consultationFeeWithContract !== undefined)
    c.cited(b.consultationFeeWithContract, 'benefit.consultationFeeWithContract', (v, path) => {
      if (c.object(v, path) && v.paid !== false) c.fail(`${path}.paid`, 'must be false');
    });

  // Internal completeness: every covered level has a rate (and a per-visit deductible) for every category.
  if (c.violations.length === 0) {
    const rates = (b.rates as Cited<Json>).value as Record<string, Record<string, string>>;
    const caps = (b.annualCaps as Cited<Json>).value as Record<string, string>;
    const deductible = (b.deductible as Cited<Json>).value as Json;
    for (const cat of categories) {
      if (caps[cat] === undefined) c.fail(`benefit.annualCaps.value.${cat}`, 'is missing');
      for (const level of covered) {
        if (rates[cat]?.[level] === undefined) c.fail(`benefit.rates.value.${cat}.${level}`, 'is missing for a covered level');
      }
    }
    if (deductible.mode === 'per_visit') {
      for (const level of covered) {
        if ((deductible.byLevel as Json)[level] === undefined) c.fail(`benefit.deductible.value.byLevel.${level}`, 'is missing for a covered level');
      }
    }
  }

  if (p.account !== null) checkAccount(c, p.account);
  if (p.institution !== undefined && c.object(p.institution, 'institution')) {
    for (const [key, rule] of Object.entries(p.institution)) c.cited(rule, `institution.${key}`, () => undefined);
  }
}

function checkAccount(c: Checker, a: unknown): void {
  if (!c.object(a, 'account')) return;
  if (a.credits !== undefined && c.object(a.credits, 'account.credits')) {
    const cr = a.credits;
    if (cr.in_service !== undefined)
      c.cited(cr.in_service, 'account.credits.in_service', (v, path) => {
        if (!c.object(v, path)) return;
        c.oneOf(v.basis, ['contribution_base'] as const, `${path}.basis`);
        c.rate(v.share, `${path}.share`);
      });
    if (cr.retired !== undefined) {
      c.cited(cr.retired, 'account.credits.retired', (v, path) => {
        if (!c.object(v, path)) return;
        c.oneOf(v.basis, ['average_pension'] as const, `${path}.basis`);
        c.rate(v.share, `${path}.share`);
      });
      if (cr.averageMonthlyPension === undefined) c.fail('account.credits.averageMonthlyPension', 'is required for a retired credit');
    }
    if (cr.averageMonthlyPension !== undefined) c.cited(cr.averageMonthlyPension, 'account.credits.averageMonthlyPension', (v, path) => c.money(v, path));
  }
  if (a.noNewCredits !== undefined)
    c.cited(a.noNewCredits, 'account.noNewCredits', (v, path) => {
      if (c.object(v, path)) c.date(v.from, `${path}.from`);
    });
  c.cited(a.familyRelations, 'account.familyRelations', (v, path) =>
    c.listOf(v, ['spouse', 'parent', 'child', 'sibling', 'other'] as const, path, false),
  );
  if (c.object(a.mayPay, 'account.mayPay')) {
    const mayPay = a.mayPay;
    for (const purpose of ACCOUNT_PURPOSES) c.cited(mayPay[purpose], `account.mayPay.${purpose}`, (v, path) => c.bool(v, path));
  }
  c.cited(a.visitPayment, 'account.visitPayment', (v, path) => {
    if (!c.object(v, path)) return;
    c.oneOf(v.scope, ['policy_scope_self_pay', 'person_part_medical'] as const, `${path}.scope`);
    c.bool(v.designatedOnly, `${path}.designatedOnly`);
  });
  if (a.balance !== undefined) c.cited(a.balance, 'account.balance', () => undefined);
  if (a.categorySwitch !== undefined) c.cited(a.categorySwitch, 'account.categorySwitch', () => undefined);
}

function checkFrameworkBody(c: Checker, p: Json): void {
  if (!c.object(p.bounds, 'bounds')) return;
  const b = p.bounds;
  if (c.object(b.appliesTo, 'bounds.appliesTo')) {
    c.oneOf(b.appliesTo.scheme, ['employee', 'resident'] as const, 'bounds.appliesTo.scheme');
    if (b.appliesTo.regions !== undefined && (!Array.isArray(b.appliesTo.regions) || !b.appliesTo.regions.every((r) => typeof r === 'string' && SLUG.test(r)))) {
      c.fail('bounds.appliesTo.regions', 'must be a list of region slugs');
    }
  }
  if (b.deductible !== undefined && c.object(b.deductible, 'bounds.deductible')) {
    c.cited(b.deductible.modes, 'bounds.deductible.modes', (v, path) => c.listOf(v, ['none', 'per_visit', 'annual', 'fixed_copay'] as const, path));
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
  if (b.nonPrimaryRequiresReferral !== undefined) c.cited(b.nonPrimaryRequiresReferral, 'bounds.nonPrimaryRequiresReferral', () => undefined);
  if (b.accountCreditShares !== undefined)
    c.cited(b.accountCreditShares, 'bounds.accountCreditShares', (v, path) => {
      if (!c.object(v, path)) return;
      c.rate(v.in_service, `${path}.in_service`);
      c.rate(v.retired, `${path}.retired`);
      c.rate(v.retiredTolerance, `${path}.retiredTolerance`);
    });
  if (b.firstContactPerYear !== undefined) c.cited(b.firstContactPerYear, 'bounds.firstContactPerYear', (v, path) => c.positiveInt(v, path));
}

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

function readDeploymentParameters(input: unknown): DeploymentParameters {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw new PolicyLoadError('(deployment)', ['deployment parameters must be a JSON object']);
  if (input.packs === undefined) return {};
  if (!isObject(input.packs) || !Object.values(input.packs).every(isObject)) {
    throw new PolicyLoadError('(deployment)', ['deployment parameters: "packs" must map pack ids to objects']);
  }
  return { packs: input.packs as Record<string, Record<string, unknown>> };
}

const cite = (rule: Cited<unknown>): string => `${rule.document} ${rule.clause}`;

function appliesTo(framework: FrameworkPack, pack: CityPack): boolean {
  if (pack.framework === framework.id) return true;
  const { scheme, regions } = framework.bounds.appliesTo;
  return scheme === pack.scheme && (regions === undefined || regions.includes(pack.region));
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
      out.push(`deductible mode ${deductible.mode} is not allowed: the bound allows ${b.deductible.modes.value.join(', ')} (${cite(b.deductible.modes)})`);
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
      const distinct = new Set([...levels.keys()].map((l) => rates[cat]?.[l]).filter((r) => r !== undefined).map((r) => new Dec(r as string).toString()));
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
          out.push(`rate ${r} for ${cat} at primary level ${level} is under the floor ${b.primaryRateFloor.value} (${cite(b.primaryRateFloor)})`);
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
      out.push(`in-service account credit share ${credits.in_service.value.share} differs from the bound ${shares.value.in_service} (${cite(shares)})`);
    }
    if (credits.retired && new Dec(credits.retired.value.share).minus(shares.value.retired).abs().greaterThan(shares.value.retiredTolerance)) {
      out.push(`retired account credit share ${credits.retired.value.share} is outside the bound ${shares.value.retired} ± ${shares.value.retiredTolerance} (${cite(shares)})`);
    }
  }
  return out;
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
    for (const framework of frameworks) if (appliesTo(framework, pack)) violations.push(...frameworkViolations(pack, framework));
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

