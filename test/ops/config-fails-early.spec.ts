import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { policyProblems, preflight } from '../../src/config/preflight';
import { defaultPacksDir } from '../../src/policy/catalog';

const ROOT = path.resolve(__dirname, '../..');
const DEPLOYMENT = path.join(ROOT, 'config/deployment-policy.json');

/** The real service process with `env`; it must stop before listening. */
function start(env: Record<string, string>, cwd: string) {
  return spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(ROOT, 'src/main.ts')], {
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), PORT: '39871', LOG_LEVEL: 'log', ...env },
    cwd,
    encoding: 'utf8',
    timeout: 90_000,
  });
}

/** Every file under dir (recursively), to prove a failed start wrote nothing. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('configuration fails early, in one line, before anything is written or printed (issue 13 item 6)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function expectOneLineRefusal(run: ReturnType<typeof start>, line: RegExp): void {
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('a store that cannot be opened after preflight: one line, no agency key issued or printed', () => {
    // EventStoreDB on a port where nothing listens, with a short start-up wait: the store never opens.
    const cwd = fs.mkdtempSync(path.join(dir, 'no-store-'));
    const run = start(
      {
        LEDGER_DB: path.join(cwd, 'data/ledger.db'),
        LEDGER_API_KEYS_FILE: path.join(cwd, 'keys.json'),
        EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
        EVENTSTORE_STARTUP_TIMEOUT_MS: '300',
      },
      cwd,
    );
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).not.toContain('API key');
    expect(fs.existsSync(path.join(cwd, 'keys.json'))).toBe(false);
    // Said in one line, last, without Nest's stack trace (the retries before it are the log's JSON lines).
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('cannot start:'))).toEqual([lines[lines.length - 1]]);
    expect(lines[lines.length - 1]).toMatch(/^cannot start: EventStoreDB unreachable after 300 ms/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('LEDGER_DB naming a directory: one line, no key file written, no key printed', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'dbdir-'));
    fs.mkdirSync(path.join(cwd, 'store'));
    const run = start({ LEDGER_DB: path.join(cwd, 'store'), LEDGER_API_KEYS_FILE: '' }, cwd);
    expectOneLineRefusal(run, /^cannot start: configuration LEDGER_DB=".*store": is a directory; must be a database file path$/);
    expect(filesUnder(cwd)).toEqual(['store']);
    expect(run.stderr).not.toContain('API key');
  }, 120_000);

  it('a missing LEDGER_POLICY_PARAMS file: one line naming the variable and the file, nothing written', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'params-'));
    const run = start({ LEDGER_DB: path.join(cwd, 'data/ledger.db'), LEDGER_POLICY_PARAMS: path.join(cwd, 'nope.json') }, cwd);
    expectOneLineRefusal(run, /^cannot start: configuration LEDGER_POLICY_PARAMS=".*nope\.json": file not found$/);
    expect(filesUnder(cwd)).toEqual([]);
  }, 120_000);

  it('a pack value out of range: one line naming the variable, the pack file and the field', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'pack-'));
    const params = JSON.parse(fs.readFileSync(DEPLOYMENT, 'utf8'));
    params.packs['jiaozuo-employee-2024'].rates.value.in_service.level2 = '1.5';
    fs.writeFileSync(path.join(cwd, 'params.json'), JSON.stringify(params));
    const run = start({ LEDGER_DB: path.join(cwd, 'data/ledger.db'), LEDGER_POLICY_PARAMS: path.join(cwd, 'params.json') }, cwd);
    expectOneLineRefusal(
      run,
      /^cannot start: configuration LEDGER_POLICY_PARAMS=".*params\.json": pack jiaozuo-employee-2024 \(.*src\/policy\/packs\/jiaozuo-employee-2024\.json\): benefit\.rates\.value\.in_service\.level2: must be a rate string between 0 and 1, got "1\.5"$/,
    );
    expect(filesUnder(cwd)).toEqual(['params.json']);
  }, 120_000);

  it('a pack outside its framework bound: one line per violation, each naming the bound and its clause', () => {
    const packs = fs.mkdtempSync(path.join(dir, 'packs-'));
    for (const f of fs.readdirSync(defaultPacksDir())) fs.copyFileSync(path.join(defaultPacksDir(), f), path.join(packs, f));
    const jiaozuo = JSON.parse(fs.readFileSync(path.join(packs, 'jiaozuo-employee-2024.json'), 'utf8'));
    jiaozuo.framework = 'gansu-employee-framework-2021';
    fs.writeFileSync(path.join(packs, 'jiaozuo-employee-2024.json'), JSON.stringify(jiaozuo));
    const problems = policyProblems(DEPLOYMENT, packs);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    for (const p of problems)
      expect(p).toMatch(
        /^configuration LEDGER_POLICY_PARAMS=".*deployment-policy\.json": pack jiaozuo-employee-2024 \(.*jiaozuo-employee-2024\.json\): /,
      );
    expect(problems).toContainEqual(
      expect.stringMatching(/deductible mode per_visit is not allowed: the bound allows annual \(甘政办发〔2021〕111号 第七条\)$/),
    );
  });

  it('several bad variables: every one reported, one line each', () => {
    const { config, problems } = preflight({ PORT: 'x', LEDGER_SHUTDOWN_GRACE_MS: '-1', LEDGER_READY_MAX_LAG: 'lots' });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      'configuration PORT="x": must be an integer from 1 to 65535',
      expect.stringMatching(/^configuration LEDGER_SHUTDOWN_GRACE_MS="-1": /),
      expect.stringMatching(/^configuration LEDGER_READY_MAX_LAG: LEDGER_READY_MAX_LAG must be a whole number/),
    ]);
  });

  it('a malformed key file and a bad thresholds file are refused by name before start', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'keys-'));
    fs.writeFileSync(path.join(cwd, 'keys.json'), '{"not":"a list"}');
    fs.writeFileSync(path.join(cwd, 'thresholds.json'), 'nope');
    const { problems } = preflight({
      LEDGER_DB: path.join(cwd, 'l.db'),
      LEDGER_API_KEYS_FILE: path.join(cwd, 'keys.json'),
      MONITORING_THRESHOLDS: path.join(cwd, 'thresholds.json'),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^configuration LEDGER_API_KEYS_FILE=".*keys\.json": key file: expected a JSON array of keys$/),
      expect.stringMatching(/^configuration MONITORING_THRESHOLDS=".*thresholds\.json": /),
    ]);
  });

  it('a key given twice in a pack, the deployment parameters, the thresholds, the input limits or the key file is refused naming it (JSON.parse kept the last)', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'twice-'));
    // The deployment parameters: a level-2 rate entered twice.
    const params = fs.readFileSync(DEPLOYMENT, 'utf8').replace(/"level2":\s*"([0-9.]+)"/, '"level2": "0.99", "level2": "$1"');
    fs.writeFileSync(path.join(cwd, 'params.json'), params);
    expect(policyProblems(path.join(cwd, 'params.json'))).toEqual([
      expect.stringMatching(
        /^configuration LEDGER_POLICY_PARAMS=".*params\.json": not valid JSON \(packs\.jiaozuo-employee-2024\.deductible\.value\.byLevel\.level2: is given more than once/,
      ),
    ]);
    // A pack file: its id twice.
    const packs = fs.mkdtempSync(path.join(dir, 'packs-twice-'));
    for (const f of fs.readdirSync(defaultPacksDir())) fs.copyFileSync(path.join(defaultPacksDir(), f), path.join(packs, f));
    const pack = path.join(packs, 'nanyang-employee-2022.json');
    fs.writeFileSync(pack, fs.readFileSync(pack, 'utf8').replace(/^\{/, '{"id": "nanyang-employee-1999",'));
    expect(policyProblems(DEPLOYMENT, packs)).toEqual([
      expect.stringMatching(/nanyang-employee-2022\.json.*not valid JSON: id: is given more than once/),
    ]);
    // The thresholds and the input limits.
    const thresholds = fs.readFileSync(path.join(ROOT, 'config/monitoring-thresholds.json'), 'utf8').replace(/^\{/, '{"description": "x",');
    fs.writeFileSync(path.join(cwd, 'thresholds.json'), thresholds);
    const limits = fs
      .readFileSync(path.join(ROOT, 'config/input-limits.json'), 'utf8')
      .replace('"visitLine": {', '"visitLine": {"max": "1.00",');
    fs.writeFileSync(path.join(cwd, 'limits.json'), limits);
    // The key file: a hand edit revoking a key gave revokedAt twice.
    const keys = [{ id: 'k1', role: 'agency', sha256: 'a'.repeat(64), createdAt: '2024-01-01T00:00:00.000Z' }];
    const keysText = JSON.stringify(keys).replace('}]', ',"revokedAt":"2024-02-01T00:00:00.000Z","revokedAt":"2099-01-01T00:00:00.000Z"}]');
    fs.writeFileSync(path.join(cwd, 'keys.json'), keysText);
    const { problems } = preflight({
      LEDGER_DB: path.join(cwd, 'l.db'),
      MONITORING_THRESHOLDS: path.join(cwd, 'thresholds.json'),
      LEDGER_INPUT_LIMITS: path.join(cwd, 'limits.json'),
      LEDGER_API_KEYS_FILE: path.join(cwd, 'keys.json'),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^configuration MONITORING_THRESHOLDS=".*thresholds\.json": .*description: is given more than once/),
        expect.stringMatching(/^configuration LEDGER_INPUT_LIMITS.*amountCeilings\.visitLine\.max: is given more than once/),
        expect.stringMatching(
          /^configuration LEDGER_API_KEYS_FILE=".*keys\.json": key file: not valid JSON: 0\.revokedAt: is given more than once/,
        ),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('LEDGER_DB naming a file that is not a SQLite database is refused, and the file left as it was', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'notdb-'));
    const file = path.join(cwd, 'ledger.db');
    fs.writeFileSync(file, 'this is not a database, but a text file of some length '.repeat(20));
    const before = fs.readFileSync(file);
    expect(preflight({ LEDGER_DB: file }).problems).toEqual([
      expect.stringMatching(/^configuration LEDGER_DB=".*ledger\.db": is not a SQLite database \(/),
    ]);
    expect(fs.readFileSync(file)).toEqual(before);
    expect(fs.readdirSync(cwd)).toEqual(['ledger.db']);
  });

  it('LEDGER_READ_DB is checked as LEDGER_DB is: a directory or a file that is not SQLite is refused, naming the variable', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'readdb-'));
    fs.mkdirSync(path.join(cwd, 'reads'));
    expect(preflight({ LEDGER_DB: path.join(cwd, 'ledger.db'), LEDGER_READ_DB: path.join(cwd, 'reads') }).problems).toEqual([
      expect.stringMatching(/^configuration LEDGER_READ_DB=".*reads": is a directory; must be a database file path$/),
    ]);
    fs.writeFileSync(path.join(cwd, 'ledger.read.db'), 'not a database, a text file of some length '.repeat(20));
    expect(preflight({ LEDGER_DB: path.join(cwd, 'ledger.db') }).problems).toEqual([
      expect.stringMatching(
        /^configuration LEDGER_READ_DB=".*ledger\.read\.db": is not a SQLite database \(.*\); the read models are rebuilt from the log: with the service stopped, move the file aside and start it again$/,
      ),
    ]);
  });

  it('a valid configuration passes', () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'ok-'));
    expect(preflight({ LEDGER_DB: path.join(cwd, 'data/ledger.db') }).problems).toEqual([]);
    const existing = path.join(cwd, 'existing.db');
    const db = new Database(existing);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(preflight({ LEDGER_DB: existing }).problems).toEqual([]);
  });
});
