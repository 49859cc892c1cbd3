/**
 * Issue 14 item 1: the settlement figures have one home (the pack), validated when loaded;
 * categories are per region; decisions record their pack version and replay with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCatalog } from '../../test/support/policy';
import type { RecordedEvent } from '../event-store/event-store.port';
import { PolicyCatalog } from '../policy/catalog';
import { resolvePack } from '../policy/loader';
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { foldInstitution, InstitutionEvent } from './institution.events';
import { replayInstitution } from './institution-replay';
import type { InstitutionProfile } from './institution.types';
import { categoriesOf, settlementParameters } from './settlement-parameters';

const ROOT = path.resolve(__dirname, '../..');
const params = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/deployment-policy.json'), 'utf8'));
const rawJiaozuo = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'src/policy/packs/jiaozuo-employee-2024.json'), 'utf8'));
const catalog = defaultCatalog();
const P = settlementParameters(catalog);

describe('one home: the figures come from the packs', () => {
  test('焦医保〔2024〕32号 四: bases, growth cap, 95/5, review band, each cited to its clause', () => {
    const j = P.jiaozuo;
    expect(j.years['2024'].categoryBases.city_level3_general).toEqual({
      value: '265',
      document: '焦医保〔2024〕32号',
      clause: '四（一）3（1）',
    });
    expect(j.years['2024'].categoryBases.county_general.value).toBe('204');
    expect(j.years['2024'].growthCap).toEqual({ value: '0.065', document: '焦医保〔2024〕32号', clause: '四（一）3（2）' });
    expect([j.monthly.advanceShare.value, j.monthly.heldShare.value, j.monthly.declarationDueDay.value]).toEqual(['0.95', '0.05', 10]);
    expect([j.review.sampleSize.value, j.review.noCompensationFromShare.value]).toEqual([100, '0.6']);
    expect(j.ownHistory.weights.value).toEqual([1, 2, 7]);
    expect(j.effectiveFrom).toEqual({ value: '2024-08-01', document: '焦医保〔2024〕32号', clause: '六（三）' });
    expect(P.anyang.years['2020']).toMatchObject({
      fundingPerPerson: { value: '90', clause: '附件' },
      consultationPerPerson: { value: '18' },
    });
  });

  test.each<[string, (p: Record<string, any>) => void, string]>([
    [
      'advance + held ≠ 1',
      (p) => (p.institution.monthlySettlement.value.heldShare = '0.1'),
      'institution.monthlySettlement.value: advanceShare + heldShare must equal 1',
    ],
    [
      'a base that is a number',
      (p) => (p.institution.perVisitAverageBase.value.byCategory.city_tcm = 215),
      'institution.perVisitAverageBase.value.byCategory.city_tcm',
    ],
    [
      'a growth cap of another year',
      (p) => (p.institution.growthCap.value.year = 2025),
      "institution.growthCap.value.year: must be the base's year 2024",
    ],
    [
      'a declaration day some month lacks',
      (p) => (p.institution.monthlySettlement.value.declareByDay = 31),
      'institution.monthlySettlement.value.declareByDay: must be a day every month has (1..28)',
    ],
    [
      'an uncited rule',
      (p) => delete p.institution.overspendReview.clause,
      'institution.overspendReview.clause: must be a non-empty string',
    ],
  ])('a pack with %s is refused when it loads, naming the field', (_name, mutate, message) => {
    const p = rawJiaozuo();
    mutate(p);
    expect(() => resolvePack(p, params)).toThrow(`pack jiaozuo-employee-2024: ${message}`);
  });
});

describe('categories are per region', () => {
  const nanyangLevel2: InstitutionProfile = {
    code: 'NY-L2',
    name: 'Nanyang level 2',
    level: 'level2',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  };
  const register = (data: InstitutionProfile) =>
    decideInstitution({ type: 'RegisterInstitution', data }, foldInstitution([]), P, categoriesOf(catalog, data.region, '2024-09-01'));

  test("a Nanyang level-2 hospital registers without a category: Nanyang's pack declares none", () => {
    expect(categoriesOf(catalog, 'nanyang', '2024-09-01')).toBeUndefined();
    expect(register(nanyangLevel2)).toEqual([{ type: 'InstitutionRegistered', data: nanyangLevel2 }]);
  });

  test("a Jiaozuo institution must have one of Jiaozuo's categories, refused naming the field and the clause", () => {
    expect(categoriesOf(catalog, 'jiaozuo', '2024-09-01')).toMatchObject({ document: '焦医保〔2024〕32号', clause: '四（一）1' });
    const jiaozuo = { ...nanyangLevel2, code: 'JZ-1', region: 'jiaozuo' };
    expect(() => register(jiaozuo)).toThrow(
      expect.objectContaining({ field: 'category', message: expect.stringContaining('(焦医保〔2024〕32号 四（一）1)') }),
    );
    expect(() => register({ ...jiaozuo, category: 'campus_clinic' })).toThrow(expect.objectContaining({ field: 'category' }));
    expect(register({ ...jiaozuo, category: 'other_specialty' })).toHaveLength(1);
  });
});

describe('replay uses the pack version each decision recorded', () => {
  const profile: InstitutionProfile = {
    code: 'JZ-R',
    name: 'r',
    category: 'city_level3_general',
    level: 'level3',
    location: 'city',
    region: 'jiaozuo',
    designations: ['employee'],
  };
  const commands: InstitutionCommand[] = [
    { type: 'RegisterInstitution', data: profile },
    { type: 'DeclareMonth', data: { month: '2024-08', visits: 100, totalCost: '30000', fundDue: '12345.67', declaredOn: '2024-09-05' } },
    { type: 'ApproveMonth', data: { month: '2024-08', approvedAmount: '12345.67' } },
    { type: 'PayAdvance', data: { month: '2024-08', paidOn: '2024-09-30' } },
  ];
  const recorded = (events: InstitutionEvent[]): RecordedEvent[] =>
    events.map(
      (e, revision) =>
        ({
          ...e,
          id: `e${revision}`,
          streamId: 'institution-JZ-R',
          revision,
          position: revision + 1,
          metadata: { schemaVersion: 1, recordedAt: '2024-09-30T00:00:00.000Z' },
        }) as RecordedEvent,
    );
  const decideAll = (cat: PolicyCatalog, version?: string): InstitutionEvent[] => {
    const p = settlementParameters(cat, version ? { jiaozuo: version } : {});
    const all: InstitutionEvent[] = [];
    for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), p, categoriesOf(cat, 'jiaozuo', '2024-09-30')));
    return all;
  };
  // An earlier version of the Jiaozuo pack (a 90/10 split), kept only in the archive.
  const earlierRaw = rawJiaozuo();
  earlierRaw.institution.monthlySettlement.value = {
    ...earlierRaw.institution.monthlySettlement.value,
    advanceShare: '0.9',
    heldShare: '0.1',
  };
  const earlier = resolvePack(earlierRaw, params);
  const archived = catalog.withArchived([earlier]);

  test('decisions under the archived version replay with 0 differences; without the archive they are refused naming the version', () => {
    const events = decideAll(archived, earlier.version);
    expect(events[3].data).toMatchObject({ advanceShare: '0.9', packVersion: earlier.version });
    expect(replayInstitution('JZ-R', recorded(events), archived).findings).toEqual([]);
    const lost = replayInstitution('JZ-R', recorded(events), catalog).findings;
    expect(lost.map((f) => [f.type, f.kind])).toEqual([
      ['MonthDeclared', 'refused'],
      ['MonthApproved', 'refused'],
      ['AdvancePaid', 'refused'],
    ]);
    expect(lost[0].message).toContain(earlier.version);
  });

  test('events written before versions were recorded replay with the packs in force, 0 differences', () => {
    const old = decideAll(catalog).map((e) => {
      const { packVersion: _v, ...data } = e.data as { packVersion?: string };
      return { ...e, data } as InstitutionEvent;
    });
    expect(old.some((e) => 'packVersion' in (e.data as object))).toBe(false);
    const report = replayInstitution('JZ-R', recorded(old), catalog);
    expect(report.recomputed).toBe(4);
    expect(report.findings).toEqual([]);
  });

  test('a recorded figure that differs from its pack version is found', () => {
    const events = decideAll(catalog);
    (events[3].data as { amount: string }).amount = '1.00';
    expect(replayInstitution('JZ-R', recorded(events), catalog).findings).toEqual([
      expect.objectContaining({ type: 'AdvancePaid', kind: 'differs' }),
    ]);
  });
});
