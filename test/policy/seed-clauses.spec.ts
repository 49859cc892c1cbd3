/**
 * Every clause a pack cites is found in the seed text of the document it names, and every
 * figure a cited rule carries appears inside that clause (as the number or as a percentage).
 * Seeds are read from <repo>/../shared/seeds (CI checks shared/ out beside the repo).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Dec } from '../../src/kernel/money';
import { DEPLOYMENT_DOCUMENT } from '../../src/policy/loader';
import { figureInScope, findClause, normaliseSeed } from './clause-match';
import { catalog, PACKS_DIR, SEEDS_DIR } from './helpers';

function seedIndex(): Map<string, string> {
  const readme = fs.readFileSync(path.join(SEEDS_DIR, 'README.md'), 'utf8');
  const map = new Map<string, string>();
  for (const m of readme.matchAll(/^\|\s*(\S+\.txt)\s*\|\s*([^|]+?)\s*\|/gm)) map.set(m[2], fs.readFileSync(path.join(SEEDS_DIR, m[1]), 'utf8'));
  return map;
}

interface CitedNode {
  path: string;
  node: { value: unknown; clause: string; document: string; source?: string };
}

function citedNodes(value: unknown, at = ''): CitedNode[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => citedNodes(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  if ('value' in o && typeof o.clause === 'string' && typeof o.document === 'string') return [{ path: at, node: o as CitedNode['node'] }];
  return Object.entries(o).flatMap(([k, v]) => citedNodes(v, at ? `${at}.${k}` : k));
}

function numbersIn(value: unknown): string[] {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string') return /^\d+(\.\d+)?$/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

/** Figures that are our reading of words, not digits in the text; each says why. */
const READINGS: Record<string, string> = {
  'jiaozuo-employee-2024 benefit.prescriptionDays 30': '慢性病…不得超过一个月: one month read as 30 days',
  'gansu-employee-framework-2021 bounds.rateTargets 0.1': '左右 (about) read as ±10 points',
  'gansu-employee-framework-2021 bounds.accountCreditShares 0.005': '2%左右 read as ±0.5 points',
  'national-resident-floor-2011 bounds.firstContactPerYear 1': '参保人只能选择一家: one (written 一家)',
};

const percentOf = (f: string): string => `${new Dec(f).times(100).toString()}%`;
const seeds = seedIndex();
const packs = catalog()
  .packs()
  .filter((p) => fs.existsSync(path.join(PACKS_DIR, `${p.id}.json`)));

describe('clause citations against the seed texts', () => {
  test('the seed index maps the five documents', () => {
    expect([...seeds.keys()].sort()).toEqual(['人社部发〔2011〕59号', '宛政办〔2022〕42号', '安医保〔2019〕75号', '焦医保〔2024〕32号', '甘政办发〔2021〕111号'].sort());
  });

  test('every pack in src/policy/packs is checked', () => {
    expect(packs.map((p) => p.id).sort()).toEqual(
      fs.readdirSync(PACKS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort(),
    );
  });

  test.each(packs.map((p) => [p.id, p] as const))('%s: each pack names its own document as in the seeds', (_id, pack) => {
    expect(seeds.has(pack.document)).toBe(true);
    expect(normaliseSeed(seeds.get(pack.document)!)).toContain(pack.document);
  });

  const rows = packs.flatMap((p) => citedNodes(p).map((c) => [`${p.id} ${c.path} → ${c.node.document} ${c.node.clause}`, p, c] as const));

  test.each(rows)('%s', (_name, pack, { path: at, node }) => {
    const packId = pack.id;
    if (node.source === 'deployment') {
      // Not in any document: it must say so and point to the deployment file.
      expect(node.document).toBe(DEPLOYMENT_DOCUMENT);
      const name = node.clause.replace(`packs.${packId}.`, '');
      expect(pack.deploymentParameters).toContain(name);
      return;
    }
    const seed = seeds.get(node.document);
    expect(seed).toBeDefined();
    const match = findClause(seed!, node.clause);
    expect(match.problem ?? 'found').toBe('found');
    for (const n of numbersIn(node.value)) {
      if (new Dec(n).isZero()) continue;
      const key = `${packId} ${at} ${n}`;
      if (READINGS[key]) continue;
      const inScope = figureInScope(match.scope!, new Dec(n).toString(), percentOf);
      expect({ figure: key, inScope }).toEqual({ figure: key, inScope: true });
    }
  });
});

describe('the clause matcher itself', () => {
  const nanyang = () => seeds.get('宛政办〔2022〕42号')!;
  const jiaozuo = () => seeds.get('焦医保〔2024〕32号')!;
  test.each([
    ['第五条（一）', true],
    ['第八条（二）', true], // written with ASCII parentheses in the text
    ['第五条（四）', false], // 第五条 has items (一) to (三)
    ['第六条（一）', false], // 第六条 has no items
    ['第二十六条', false],
    ['五（一）', false], // Nanyang has articles, not sections
  ])('宛政办 %s found: %s', (clause, found) => {
    expect(findClause(nanyang(), clause).found).toBe(found);
  });
  test.each([
    ['四（一）3（1）', true],
    ['四（一）3（3）', false],
    ['二（二）', true],
    ['三（一）', false], // 三 has no items
    ['七', false],
  ])('焦医保 %s found: %s', (clause, found) => {
    expect(findClause(jiaozuo(), clause).found).toBe(found);
  });
  test.each([
    ['第五条（三）', '1500', true],
    ['第五条（三）', '1600', false],
    ['第五条（三）', '150', false], // digits inside 1500 do not count
    ['第五条（二）', '0.55', true], // as 55%
    ['第五条（二）', '0.5', true], // as 50%
    ['第五条（二）', '0.45', false],
    ['第五条（一）', '0.55', false], // 55% is in （二）, not （一）
  ])('宛政办 %s contains the figure %s: %s', (clause, figure, expected) => {
    expect(figureInScope(findClause(nanyang(), clause).scope!, figure, percentOf)).toBe(expected);
  });
  test('the scope of an item stops at its next sibling', () => {
    const scope = findClause(nanyang(), '第五条（一）').scope!;
    expect(scope).toContain('30元/次');
    expect(scope).not.toContain('支付比例为');
  });
});
