/**
 * The clause matcher behind `npm run check:citations` (which checks every pack citation
 * against the full documents, outside `npm test`), tested on verbatim excerpts kept in
 * test/policy/fixtures/seed-excerpts so the suite runs on a bare clone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dec } from '../../src/kernel/money';
import { checkCitations } from '../../scripts/citations/check-citations';
import { figureInScope, findClause } from '../../scripts/citations/clause-match';
import { PolicyCatalog } from '../../src/policy/catalog';
import { catalog, deploymentParams, PACKS_DIR } from './helpers';

const EXCERPTS = path.join(__dirname, 'fixtures/seed-excerpts');
const nanyang = fs.readFileSync(path.join(EXCERPTS, 'wanzhengban-2022-42.txt'), 'utf8');
const jiaozuo = fs.readFileSync(path.join(EXCERPTS, 'jiaoyibao-2024-32.txt'), 'utf8');
const percentOf = (f: string): string => `${new Dec(f).times(100).toString()}%`;

describe('the clause matcher', () => {
  test.each([
    ['第五条（一）', true],
    ['第八条（二）', true], // written with ASCII parentheses in the text
    ['第五条（四）', false], // 第五条 has items (一) to (三)
    ['第六条（一）', false], // 第六条 has no items
    ['第二十六条', false],
    ['五（一）', false], // Nanyang has articles, not sections
  ])('宛政办 %s found: %s', (clause, found) => {
    expect(findClause(nanyang, clause).found).toBe(found);
  });

  test.each([
    ['四（一）3（1）', true],
    ['四（一）3（3）', false],
    ['二（二）', true],
    ['三（一）', false], // 三 has no items
    ['七', false],
  ])('焦医保 %s found: %s', (clause, found) => {
    expect(findClause(jiaozuo, clause).found).toBe(found);
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
    expect(figureInScope(findClause(nanyang, clause).scope!, figure, percentOf)).toBe(expected);
  });

  test('the scope of an item stops at its next sibling', () => {
    const scope = findClause(nanyang, '第五条（一）').scope!;
    expect(scope).toContain('30元/次');
    expect(scope).not.toContain('支付比例为');
  });
});

describe('checkCitations on a partial document folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citations-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.copyFileSync(path.join(EXCERPTS, 'wanzhengban-2022-42.txt'), path.join(dir, 'n.txt'));
  fs.writeFileSync(path.join(dir, 'README.md'), '| file | document number |\n|---|---|\n| n.txt | 宛政办〔2022〕42号 |\n');
  const report = checkCitations(dir, catalog());

  test('a document missing from the folder is named for each pack that cites it', () => {
    expect(report.documents).toEqual(['宛政办〔2022〕42号']);
    expect(report.problems.some((p) => p.startsWith('anyang-resident-2020') && p.includes('安医保〔2019〕75号'))).toBe(true);
  });

  test("the Nanyang benefit figures of 第五条 are found in the excerpt's clauses", () => {
    const fifth = report.problems.filter((p) => p.startsWith('nanyang-employee-2022') && p.includes('第五条'));
    expect(fifth).toEqual([]);
    expect(report.checked).toBeGreaterThan(20);
  });

  test('a clause beyond the excerpt is reported as not found', () => {
    expect(
      report.problems.some((p) => p.startsWith('nanyang-employee-2022') && p.includes('第十二条') && p.includes('clause not found')),
    ).toBe(true);
  });
});

describe('checkCitations: ledger rules, deployment parameters and bare words (issue 14 item 2)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citations-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.copyFileSync(path.join(EXCERPTS, 'wanzhengban-2022-42.txt'), path.join(dir, 'n.txt'));
  fs.writeFileSync(path.join(dir, 'README.md'), '| file | document number |\n|---|---|\n| n.txt | 宛政办〔2022〕42号 |\n');
  const p = JSON.parse(fs.readFileSync(path.join(PACKS_DIR, 'nanyang-employee-2022.json'), 'utf8'));
  p.id = 'nanyang-employee-2030';
  p.region = 'nanyang-test';
  p.effective = { from: '2030-01-01', clause: '第二十五条' };
  p.account.credits.averageMonthlyPension = { value: '3000', clause: '第八条（二）', document: '宛政办〔2022〕42号' };
  p.benefit.reversalWindowDays = { value: 30, clause: 'reversal-window', document: 'ledger rule' };
  p.benefit.enrolment = { value: true, clause: 'enrollment', document: 'policy catalogue' };
  const cat = PolicyCatalog.load(deploymentParams(), { extraPacks: [p] });

  test('a bare word fails; a ledger rule is accepted without a document lookup', () => {
    const problems = checkCitations(dir, cat, ['nanyang-employee-2030']).problems;
    expect(problems).toContainEqual(
      expect.stringMatching(/^nanyang-employee-2030 benefit\.enrolment → policy catalogue enrollment: not "<document> <clause>"/),
    );
    expect(problems.filter((x) => x.includes('reversalWindowDays'))).toEqual([]);
    p.benefit.reversalWindowDays.clause = 'Reversal Window';
    const bad = checkCitations(dir, PolicyCatalog.load(deploymentParams(), { extraPacks: [p] }), ['nanyang-employee-2030']).problems;
    expect(bad).toContainEqual(
      expect.stringContaining('benefit.reversalWindowDays → ledger rule Reversal Window: a ledger rule needs a kebab-case name'),
    );
  });

  test('a shipped deployment parameter is accepted as such; reason codes are looked up in their documents', () => {
    const report = checkCitations(dir, catalog());
    expect(report.problems.filter((x) => x.includes('reversalWindowDays') || x.includes('averageMonthlyPension'))).toEqual([]);
    expect(report.problems).toContainEqual(
      expect.stringMatching(/^reason NOT_ENROLLED → 安医保〔2019〕75号 二（一）: no such document in the index/),
    );
    expect(report.problems).toContainEqual(
      "reason NOT_ENROLLED → 宛政办〔2022〕42号 第三条: clause not found (no line starts with '第三条')",
    ); // beyond the excerpt
    expect(report.problems.filter((x) => x.startsWith('reason DEDUCTIBLE_WAIVED_24H'))).toEqual([]);
  });
});
