/** The benefit rules of a city pack: shape, citations, and internal completeness. */
import type { InstitutionLevel, Scheme } from '../engine/types';
import { ALL_LEVELS, EXCLUDED_COST_KINDS, MED_TYPES, SCHEME_CATEGORIES, type Cited } from '../pack.types';
import { checkAccount } from './account-body';
import { Checker, type Json } from './checker';
import { checkInstitution } from './institution-body';

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

export function checkCityBody(c: Checker, p: Json): void {
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
  c.cited(b.reversalWindowDays, 'benefit.reversalWindowDays', (v, path) => c.positiveInt(v, path));
  if (b.settlementWindowDays !== undefined)
    c.cited(b.settlementWindowDays, 'benefit.settlementWindowDays', (v, path) => c.positiveInt(v, path));
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
        if ((deductible.byLevel as Json)[level] === undefined)
          c.fail(`benefit.deductible.value.byLevel.${level}`, 'is missing for a covered level');
      }
    }
  }

  if (p.account !== null) checkAccount(c, p.account);
  if (p.institution !== undefined) checkInstitution(c, p.institution);
}
