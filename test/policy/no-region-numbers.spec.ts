/**
 * The engine reads every region's figure from a pack: no figure a pack carries appears as a
 * literal in src/policy's code (comments aside).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalog, REPO_ROOT } from './helpers';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function figures(value: unknown): string[] {
  if (typeof value === 'number') return value >= 10 ? [String(value)] : [];
  if (typeof value === 'string') return /^\d+\.\d+$/.test(value) || (/^\d+$/.test(value) && Number(value) >= 10) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(figures);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(figures);
  return [];
}

test('src/policy holds no region figure outside the packs', () => {
  const packFigures = [...new Set(catalog().packs().flatMap((p) => figures(p)))];
  expect(packFigures).toEqual(expect.arrayContaining(['1500', '2000', '0.55', '320', '400', '265', '0.065', '30', '50']));
  const files = sourceFiles(path.join(REPO_ROOT, 'src/policy'));
  expect(files.length).toBeGreaterThan(5);
  const hits: string[] = [];
  for (const file of files) {
    // Document numbers such as 焦医保〔2024〕32号 are citations, not figures.
    const code = stripComments(fs.readFileSync(file, 'utf8'))
      .replace(/〔\d{4}〕\d+号/g, '〔〕号')
      .replace(/_/g, '');
    for (const f of packFigures) {
      const re = new RegExp(`(?<![\\w.])${f.replace('.', '\\.')}(?![\\w.])`);
      if (re.test(code)) hits.push(`${path.relative(REPO_ROOT, file)}: ${f}`);
    }
  }
  expect(hits).toEqual([]);
});
