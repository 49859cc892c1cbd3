import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `npm start` builds first (prestart), and tsc never deletes what it no longer emits: after a
 * checkout where `src/projections/person-views.ts` became a folder, the old
 * `dist/projections/person-views.js` still won the module resolution over the new
 * `person-views/index.js`, and the accounts projection faulted on its first event
 * ("receivableLineOf is not a function"). The build starts from an empty dist/.
 */
describe('npm run build starts from an empty dist/', () => {
  const scripts = (
    JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;

  it('the prebuild step removes files a previous build left in dist/', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-prebuild-'));
    try {
      fs.mkdirSync(path.join(dir, 'dist', 'projections', 'person-views'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dist', 'projections', 'person-views.js'), 'module.exports = {};');
      fs.writeFileSync(path.join(dir, 'src.ts'), 'kept');
      execSync(scripts.prebuild, { cwd: dir, stdio: 'pipe' });
      expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
      expect(fs.readFileSync(path.join(dir, 'src.ts'), 'utf8')).toBe('kept');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs on a checkout that has never been built (no dist/ yet)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-prebuild-'));
    try {
      expect(() => execSync(scripts.prebuild, { cwd: dir, stdio: 'pipe' })).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm start builds through it (prestart runs the build script)', () => {
    expect(scripts.prestart).toBe('npm run build');
    expect(scripts.build).toContain('tsconfig.build.json');
  });
});
