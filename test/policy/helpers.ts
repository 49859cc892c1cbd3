/** Builders shared by the policy specs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyCatalog } from '../../src/policy/catalog';
import type { CityPack } from '../../src/policy/pack.types';
import type {
  AccountRequest,
  AdjudicationInput,
  BillLine,
  InstitutionFacts,
  PersonCategory,
  PersonFacts,
  VisitFacts,
  YearToDate,
} from '../../src/policy/engine/types';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const PACKS_DIR = path.resolve(REPO_ROOT, 'src/policy/packs');

export function deploymentParams(): unknown {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config/deployment-policy.json'), 'utf8'));
}

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export const gansuFixture = (): Record<string, unknown> => readJson(path.join(__dirname, 'fixtures/gansu-lanzhou-2023.json'));

let cached: PolicyCatalog | undefined;
export function catalog(): PolicyCatalog {
  cached ??= PolicyCatalog.load(deploymentParams(), { extraPacks: [gansuFixture()] });
  return cached;
}

export function cityPack(id: string): CityPack {
  const p = catalog().byId(id);
  if (!p || p.kind !== 'city') throw new Error(`no city pack ${id}`);
  return p;
}

export function line(amount: string, extra: Partial<BillLine> = {}): BillLine {
  return { code: extra.code ?? `L${amount}`, amount, inCatalogue: true, ...extra };
}

export interface VisitSpec {
  pack: CityPack;
  at?: string;
  settledAt?: string;
  level?: InstitutionFacts['level'];
  institution?: Partial<InstitutionFacts>;
  lines?: BillLine[];
  visit?: Partial<VisitFacts>;
  category?: PersonCategory;
  person?: Partial<PersonFacts>;
  ytd?: Partial<YearToDate>;
  account?: AccountRequest;
}

/** A visit of an enrolled person at a designated institution of the pack's region. */
export function input(spec: VisitSpec): AdjudicationInput {
  const at = spec.at ?? `${spec.pack.effective.from}T10:00:00+08:00`;
  const date = at.slice(0, 10);
  const category = spec.category ?? (spec.pack.scheme === 'employee' ? 'in_service' : 'resident');
  return {
    visit: {
      visitId: `v-${at}`,
      occurredAt: at,
      settledAt: spec.settledAt ?? at,
      medType: 'ordinary',
      lines: spec.lines ?? [line('100')],
      ...spec.visit,
      institution: {
        code: 'H1',
        level: spec.level ?? 'level1',
        region: spec.pack.region,
        designated: true,
        ...spec.institution,
      },
    },
    person: {
      personId: 'p1',
      scheme: spec.pack.scheme,
      region: spec.pack.region,
      enrollments: [{ from: '2000-01-01' }],
      categoryTimeline: [{ from: '2000-01-01', category }],
      inpatientStays: [],
      offSiteRegistrations: [],
      firstContactInstitutions: {},
      ...spec.person,
    },
    yearToDate: { year: Number(date.slice(0, 4)), fundPaid: '0.00', deductibleMet: '0.00', deductibleCharges: [], ...spec.ytd },
    account: spec.account ?? { source: 'none', balance: '0.00' },
  };
}
