/**
 * Every region's figure is read from a pack: no figure a pack carries appears as a literal
 * in the code of src/policy, src/modules or src/institutions (comments aside; issue 14 item 1
 * widened the scan from the engine to the modules and the institution side).
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

/**
 * What is not a policy figure although it is a number: dates, Swagger examples, HTTP status
 * codes, field-length limits, ports, and percent conversion (× 100).
 */
function stripNonFigures(code: string): string {
  return code
    .replace(/\d{4}-\d{2}(-\d{2})?/g, 'DATE')
    .replace(/example: (?:'[^']*'|"[^"]*"|[\d.]+)/g, 'example: X')
    .replace(/@(HttpCode|MaxLength|MinLength|ArrayMaxSize|Max|Min)\(\d+\)/g, '@$1(N)')
    .replace(/status(Code)?\s*(>=|===|<|:)\s*\d{3}/g, 'status')
    .replace(/localhost:\d+/g, 'localhost')
    .replace(/\bPAGE = [\d_]+/g, 'PAGE = N')
    .replace(/\.times\(100\)/g, '.times(PERCENT)');
}

function figures(value: unknown): string[] {
  if (typeof value === 'number') return value >= 10 ? [String(value)] : [];
  if (typeof value === 'string') return /^\d+\.\d+$/.test(value) || (/^\d+$/.test(value) && Number(value) >= 10) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(figures);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(figures);
  return [];
}

test.each(['src/policy', 'src/modules', 'src/institutions'])('%s holds no region figure outside the packs', (dir) => {
  const packFigures = [
    ...new Set(
      catalog()
        .packs()
        .flatMap((p) => figures(p)),
    ),
  ];
  expect(packFigures).toEqual(expect.arrayContaining(['1500', '2000', '0.55', '320', '400', '265', '0.065', '30', '50']));
  const files = sourceFiles(path.join(REPO_ROOT, dir));
  expect(files.length).toBeGreaterThan(5);
  const hits: string[] = [];
  for (const file of files) {
    // Document numbers such as 焦医保〔2024〕32号 are citations, not figures.
    const code = stripNonFigures(stripComments(fs.readFileSync(file, 'utf8')))
      .replace(/〔\d{4}〕\d+号/g, '〔〕号')
      .replace(/_/g, '');
    for (const f of packFigures) {
      const re = new RegExp(`(?<![\\w.])${f.replace('.', '\\.')}(?![\\w.])`);
      if (re.test(code)) hits.push(`${path.relative(REPO_ROOT, file)}: ${f}`);
    }
  }
  expect(hits).toEqual([]);
});
