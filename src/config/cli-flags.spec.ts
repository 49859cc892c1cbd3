/**
 * Issue 14 item 5: every command-line tool parses its flags with util.parseArgs (strict), so a
 * misspelt flag is one clear line naming it and exit code 2, before anything is opened or written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const TOOLS: Array<[tool: string, file: string, args: string[]]> = [
  ['import', 'scripts/import.ts', ['--file', 'x.jsonl', '--bogus']],
  ['backup', 'scripts/backup.ts', ['--to', 'x.db', '--bogus']],
  ['restore', 'scripts/restore.ts', ['--from', 'x.db', '--bogus']],
  ['seed:demo', 'scripts/seed-demo.ts', ['--bogus']],
  ['projections:rebuild', 'scripts/projections-rebuild.ts', ['--bogus']],
  ['audit', 'scripts/audit.ts', ['replay', '--all', '--year', '2023', '--bogus']],
  ['institutions', 'src/institutions/cli.ts', ['get', 'NY-H3', '--bogus']],
];

describe('a misspelt flag', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-flags-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(TOOLS)('%s: one line naming it, exit 2, nothing written', (tool, file, args) => {
    const db = path.join(dir, `${tool.replace(':', '-')}.db`);
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, file), ...args], {
      cwd: ROOT,
      env: { ...process.env, LEDGER_DB: db, LEDGER_API_KEY: 'lk_x_y', LEDGER_URL: 'http://127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    const firstLine = `${r.stderr}${r.stdout}`.trim().split('\n')[0];
    expect(firstLine).toMatch(new RegExp(`^${tool}: Unknown option '--bogus'; usage: `));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(tool.replace(':', '-')))).toEqual([]);
  });
});
