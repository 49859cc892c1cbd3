/**
 * `npm run check:citations -- --docs DIR`: every clause a policy pack cites is found in the
 * text of the document it names, and every figure a cited rule carries appears inside that
 * clause (as the number or as a percentage); so is every clause a reason code names. A
 * deployment parameter must say so (source 'deployment', cited to the deployment file); a
 * ledger rule (`document: "ledger rule"`, a kebab-case name) is the ledger's own and is not
 * looked up; anything else that is not "<document number> <clause>" (a bare word) fails.
 * DIR holds the documents and their index (README.md with a `| file | document number | …`
 * table). Kept out of `npm test` because the documents live outside the repository; CI
 * passes their folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Dec } from '../../src/kernel/money';
import { PolicyCatalog } from '../../src/policy/catalog';
import { citationProblem, cite, DEPLOYMENT_DOCUMENT, LEDGER_RULE } from '../../src/policy/citation';
import { REASON_CODES } from '../../src/policy/reason-codes';
import { figureInScope, findClause, normaliseSeed } from './clause-match';

const REPO_ROOT = path.resolve(__dirname, '../..');
const PACKS_DIR = path.join(REPO_ROOT, 'src/policy/packs');

/** Figures that are our reading of words, not digits in the text; each says why. */
const READINGS: Record<string, string> = {
  'jiaozuo-employee-2024 benefit.prescriptionDays 30': '慢性病…不得超过一个月: one month read as 30 days',
  'gansu-employee-framework-2021 bounds.rateTargets 0.1': '左右 (about) read as ±10 points',
  'gansu-employee-framework-2021 bounds.accountCreditShares 0.005': '2%左右 read as ±0.5 points',
  'national-resident-floor-2011 bounds.firstContactPerYear 1': '参保人只能选择一家: one (written 一家)',
};

interface CitedNode {
  path: string;
  node: { value: unknown; clause: string; document: string; source?: string };
}

export interface CitationReport {
  documents: string[];
  checked: number;
  problems: string[];
}

/** Document number → its text, from the index table of DIR/README.md. */
export function readDocuments(docsDir: string): Map<string, string> {
  const readme = fs.readFileSync(path.join(docsDir, 'README.md'), 'utf8');
  const map = new Map<string, string>();
  for (const m of readme.matchAll(/^\|\s*(\S+\.txt)\s*\|\s*([^|]+?)\s*\|/gm))
    map.set(m[2], fs.readFileSync(path.join(docsDir, m[1]), 'utf8'));
  return map;
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

const percentOf = (f: string): string => `${new Dec(f).times(100).toString()}%`;

/** The problems of one cited value (none when the clause and its figures are found). */
function checkNode(
  documents: Map<string, string>,
  pack: { id: string; deploymentParameters?: readonly string[] },
  cited: CitedNode,
): string[] {
  const { path: at, node } = cited;
  const name = `${pack.id} ${at} → ${node.document} ${node.clause}`;
  if (node.source === 'deployment') {
    // Not in any document: it must say so and point to the deployment file.
    const parameter = node.clause.replace(`packs.${pack.id}.`, '');
    if (node.document !== DEPLOYMENT_DOCUMENT) return [`${name}: a deployment value must name ${DEPLOYMENT_DOCUMENT}`];
    return pack.deploymentParameters?.includes(parameter) ? [] : [`${name}: not listed in the pack's deploymentParameters`];
  }
  if (node.document === LEDGER_RULE) return citationProblem(cite(node)) ? [`${name}: a ledger rule needs a kebab-case name`] : [];
  const form = citationProblem(cite(node));
  if (form) return [`${name}: ${form}`];
  const text = documents.get(node.document);
  if (text === undefined) return [`${name}: no such document in the index`];
  const match = findClause(text, node.clause);
  if (!match.found) return [`${name}: clause not found (${match.problem})`];
  return numbersIn(node.value)
    .filter((n) => !new Dec(n).isZero() && !READINGS[`${pack.id} ${at} ${n}`])
    .filter((n) => !figureInScope(match.scope!, new Dec(n).toString(), percentOf))
    .map((n) => `${name}: the figure ${n} is not in that clause`);
}

/** Each document-form part of a reason code's typical clause ("宛政办〔2022〕42号 第十条, 第十九条（一）") is found in its document. */
function checkReasonCodes(documents: Map<string, string>): string[] {
  return Object.entries(REASON_CODES).flatMap(([code, info]) => {
    const form = citationProblem(info.typicalClause);
    if (form) return [`reason ${code}: ${form}`];
    return info.typicalClause
      .split('; ')
      .filter((part) => !part.startsWith(LEDGER_RULE))
      .flatMap((part) => {
        const [document, clauses] = [part.slice(0, part.indexOf(' ')), part.slice(part.indexOf(' ') + 1)];
        const text = documents.get(document);
        if (text === undefined) return [`reason ${code} → ${part}: no such document in the index`];
        return clauses.split(', ').flatMap((clause) => {
          const match = findClause(text, clause);
          return match.found ? [] : [`reason ${code} → ${document} ${clause}: clause not found (${match.problem})`];
        });
      });
  });
}

/** `ids`: the packs to check (default: every pack file in src/policy/packs). */
export function checkCitations(docsDir: string, catalog: PolicyCatalog, ids?: string[]): CitationReport {
  const documents = readDocuments(docsDir);
  const packFiles =
    ids ??
    fs
      .readdirSync(PACKS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
  const packs = catalog.packs().filter((p) => packFiles.includes(p.id));
  const problems: string[] = [];
  for (const missing of packFiles.filter((id) => !packs.some((p) => p.id === id)))
    problems.push(`${missing}: pack file not loaded by the catalogue`);
  let checked = 0;
  for (const pack of packs) {
    const text = documents.get(pack.document);
    if (text === undefined || !normaliseSeed(text).includes(pack.document))
      problems.push(`${pack.id}: its document ${pack.document} is not in the index or does not name itself`);
    for (const cited of citedNodes(pack)) {
      checked++;
      problems.push(...checkNode(documents, pack as { id: string; deploymentParameters?: readonly string[] }, cited));
    }
    for (const clause of [pack.effective.clause, pack.kind === 'framework' ? pack.bounds.appliesTo.clause : undefined]) {
      if (clause === undefined || text === undefined) continue;
      checked++;
      const match = findClause(text, clause);
      if (!match.found) problems.push(`${pack.id} → ${pack.document} ${clause}: clause not found (${match.problem})`);
    }
  }
  if (ids === undefined) problems.push(...checkReasonCodes(documents));
  return { documents: [...documents.keys()], checked, problems };
}

function main(): void {
  const { values } = parseArgs({ options: { docs: { type: 'string' } } });
  if (!values.docs || !fs.existsSync(path.join(values.docs, 'README.md'))) {
    console.error('usage: npm run check:citations -- --docs DIR   (DIR: the policy documents with their README.md index)');
    process.exit(2);
  }
  const params = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config/deployment-policy.json'), 'utf8'));
  const report = checkCitations(values.docs, PolicyCatalog.load(params));
  for (const p of report.problems) console.error(`✗ ${p}`);
  console.log(`${report.checked} citations in ${report.documents.length} documents checked: ${report.problems.length} problem(s)`);
  process.exit(report.problems.length === 0 ? 0 : 1);
}

if (require.main === module) main();
