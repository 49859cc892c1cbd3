import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

describe('keys CLI flags (issue 14 item 5)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const keys = (...args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/auth/keys.cli.ts'), ...args], {
      env: { ...process.env, LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json') },
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 60_000,
    });

  it('a misspelt flag is one line naming it, exit 2, and no key is issued', () => {
    const r = keys('add', '--rol', 'agency');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^keys: Unknown option '--rol'; usage: keys add --role/)]);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'keys.json'))).toBe(false);
  });
});
