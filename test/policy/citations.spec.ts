/**
 * Issue 14 item 2: every `clause` is a clause. Each citation a refusal, a reason code or a
 * pack carries is "<document> <clause>", a named ledger rule, or a deployment parameter;
 * never a bare word ('enrollment'), an interface name, or a file outside the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packFor } from '../../src/modules/accounts/commands/accounts.command';
import type { PersonState } from '../../src/modules/person-stream';
import { PolicyCatalog } from '../../src/policy/catalog';
import { citationProblem, cite, ledgerRule } from '../../src/policy/citation';
import { REASON_CODES } from '../../src/policy/reason-codes';
import { deploymentParams, REPO_ROOT } from './helpers';

const shipped = PolicyCatalog.load(deploymentParams());

/** Every `{ value, clause, document }` node of a pack, with its path. */
function citedNodes(value: unknown, at = ''): Array<{ path: string; clause: string; document: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => citedNodes(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  if ('value' in o && typeof o.clause === 'string' && typeof o.document === 'string')
    return [{ path: at, clause: o.clause, document: o.document }];
  return Object.entries(o).flatMap(([k, v]) => citedNodes(v, at ? `${at}.${k}` : k));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

describe('citationProblem', () => {
  test.each([
    '宛政办〔2022〕42号 第五条（二）',
    '焦医保〔2024〕32号 四（一）3（1）',
    '安医保〔2019〕75号 附件',
    '宛政办〔2022〕42号 第十条, 第十九条（一）',
    '宛政办〔2022〕42号 第三条; 安医保〔2019〕75号 二（一）',
    'ledger rule duplicate-settlement',
    'config/deployment-policy.json packs.nanyang-employee-2022.reversalWindowDays',
  ])('accepts %s', (text) => expect(citationProblem(text)).toBeUndefined());

  test.each([
    'enrollment',
    'policy catalogue',
    'national interface 2207',
    'DOMAIN.md §2 national settlement identities',
    '焦医保〔2024〕32号 (silent on accounts)',
    'ledger rule: seals (tamper evidence)',
    'ledger registry: one stream per institution',
    '宛政办〔2022〕42号',
    '宛政办〔2022〕42号 第九条; enrollment',
  ])('refuses %s', (text) => expect(citationProblem(text)).toMatch(/^not "<document> <clause>"/));
});

test('every reason code cites a clause or a ledger rule', () => {
  const problems = Object.entries(REASON_CODES).flatMap(([code, info]) => {
    const p = citationProblem(info.typicalClause);
    return p ? [`${code}: ${p}`] : [];
  });
  expect(problems).toEqual([]);
});

test('every citation of every shipped pack is a clause of its document, or a deployment parameter marked as such', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const pack of shipped.packs()) {
    for (const node of citedNodes(pack)) {
      checked++;
      const p = citationProblem(cite(node));
      if (p) problems.push(`${pack.id} ${node.path}: ${p}`);
    }
    for (const extra of [pack.effective.clause, pack.kind === 'framework' ? pack.bounds.appliesTo.clause : undefined]) {
      if (extra !== undefined && citationProblem(`${pack.document} ${extra}`)) problems.push(`${pack.id}: ${extra}`);
    }
  }
  expect(checked).toBeGreaterThan(100);
  expect(problems).toEqual([]);
});

test('every clause written as a literal in a refusal outside the engine is a citation', () => {
  // The engine (src/policy/engine) is checked by its own suite; everything else is scanned here.
  // A clause given as an expression (cite(rule), ledgerRule(...), a pack lookup) is checked by the
  // domain tests of its module; a literal is checked here.
  const files = sourceFiles(path.join(REPO_ROOT, 'src')).filter((f) => !f.includes(`${path.sep}policy${path.sep}engine${path.sep}`));
  const refusal = /new PolicyRefusal\(\s*[^,]+,\s*/g;
  const literal = /^(['"`])((?:(?!\1)[^\\$])*)\1/;
  let calls = 0;
  const problems: string[] = [];
  for (const file of files) {
    const code = fs.readFileSync(file, 'utf8');
    for (const m of code.matchAll(refusal)) {
      calls++;
      const clause = literal.exec(code.slice(m.index! + m[0].length));
      const p = clause ? citationProblem(clause[2]) : undefined;
      if (p) problems.push(`${path.relative(REPO_ROOT, file)}: ${p}`);
    }
  }
  expect(calls).toBeGreaterThan(50);
  expect(problems).toEqual([]);
});

describe('no pack in force', () => {
  const state = (region: string, scheme: 'employee' | 'resident') => ({ enrollment: { region, scheme } }) as unknown as PersonState;
  const refusal = (region: string, scheme: 'employee' | 'resident', date: string) => {
    try {
      packFor(shipped, state(region, scheme), date);
    } catch (e) {
      return e as { code: string; clause: string };
    }
    throw new Error('a pack was in force');
  };

  test("a Nanyang visit before 2022-07-01 cites the document's effective-date clause (宛政办〔2022〕42号 第二十五条)", () => {
    expect(refusal('nanyang', 'employee', '2022-06-30')).toMatchObject({
      code: 'NO_POLICY_IN_FORCE',
      clause: '宛政办〔2022〕42号 第二十五条',
    });
    expect(packFor(shipped, state('nanyang', 'employee'), '2022-07-01').id).toBe('nanyang-employee-2022');
    expect(refusal('jiaozuo', 'employee', '2024-07-31').clause).toBe('焦医保〔2024〕32号 六（三）');
  });

  test('after the last pack, or where a region has none, the refusal names the ledger rule', () => {
    expect(refusal('anyang', 'resident', '2021-01-01').clause).toBe(ledgerRule('no-policy-in-force'));
    expect(refusal('zhengzhou', 'employee', '2023-01-01').clause).toBe(ledgerRule('no-policy-in-force'));
  });
});
