/**
 * Issue 17: the level table a pack pools at (levelAccess) and the tier of an institution
 * (tierOf), called directly: the engine keeps the table per frozen pack, so only the first
 * visit of a run computes it.
 */
import { cityPack } from '../../../test/policy/helpers';
import type { CityPack } from '../pack.types';
import { levelAccess, tierOf } from './level-access';

const anyang = (): CityPack => ({ ...cityPack('anyang-resident-2020') });

describe('levelAccess (安医保〔2019〕75号 三（三）、五; 人社部发〔2011〕59号 二)', () => {
  it('lists each level with the rules that list it and the conditions they attach', () => {
    const table = levelAccess(anyang());
    expect([...table.keys()].sort()).toEqual(['level1', 'level2', 'level3', 'township', 'unrated', 'village']);
    expect(table.get('village')!.rules.map((r) => r.clause)).toEqual(['三（三）']);
    expect([...table.get('village')!.conditions.keys()]).toEqual([]);
    expect(table.get('level2')!.rules.map((r) => `${r.document} ${r.clause}`)).toEqual([
      '安医保〔2019〕75号 五',
      '人社部发〔2011〕59号 二',
    ]);
    expect([...table.get('level2')!.conditions.entries()].map(([k, r]) => [k, r.clause])).toEqual([
      ['countyDesignated', '五'],
      ['referral', '二'],
    ]);
    expect([...table.get('level1')!.conditions.keys()]).toEqual(['countyDesignated']);
  });

  it('the table of a frozen pack is kept; an unfrozen copy is computed again', () => {
    const frozen = cityPack('anyang-resident-2020');
    expect(levelAccess(frozen)).toBe(levelAccess(frozen));
    const copy = anyang();
    expect(levelAccess(copy)).not.toBe(levelAccess(copy));
  });
});

describe('tierOf (issue 16.4)', () => {
  it('a mapped registry category gives its tier; an unmapped one, or none, the grade level', () => {
    const p = anyang();
    expect(tierOf(p, { level: 'level1', category: 'township_health_centre' })).toEqual({ tier: 'township', byCategory: true });
    expect(tierOf(p, { level: 'level1', category: 'no_such_category' })).toEqual({ tier: 'level1', byCategory: false });
    expect(tierOf(p, { level: 'level2' })).toEqual({ tier: 'level2', byCategory: false });
    const unmapped: CityPack = { ...p, benefit: { ...p.benefit, tierByCategory: undefined } };
    expect(tierOf(unmapped, { level: 'level1', category: 'township_health_centre' })).toEqual({ tier: 'level1', byCategory: false });
  });
});

describe('a condition attached by two rules', () => {
  it('cites the first rule that attaches it', () => {
    const p = anyang();
    const [primary, county, referral] = p.benefit.levelAccess;
    const both: CityPack = {
      ...p,
      benefit: {
        ...p.benefit,
        levelAccess: [primary, county, { ...referral, value: { ...referral.value, requires: ['countyDesignated', 'referral'] } }],
      },
    };
    expect(levelAccess(both).get('level2')!.conditions.get('countyDesignated')!.clause).toBe('五');
  });
});
