/**
 * Issue 13 item 10: every command in the README works when copied in order. Every fenced
 * `sh` block of README.md runs, in document order, in ONE bash (so variables, arrays and
 * functions carry from block to block, as in a reader's terminal), from the repository root,
 * against the built service as a child process on a temp store. Only the substitutions in
 * SUBSTITUTIONS below are made; a block that cannot run here carries a skip marker with its
 * reason in the README itself, right above the block. README_TEST_LOG=FILE appends what each
 * block printed to FILE (the temp store itself is removed at the end).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildService, RunningService, startService } from '../crash/support/service';
import { readmeBlocks } from './readme-blocks';

jest.setTimeout(900_000);

const ROOT = path.resolve(__dirname, '../..');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-readme-'));
const DATA = path.join(TMP, 'data');

/** The documented substitutions: what the README says, what the test runs instead, and why. */
const SUBSTITUTIONS: ReadonlyArray<{ readme: string; here: string; why: string }> = [
  { readme: './data/', here: `${DATA}/`, why: 'every file the README writes goes to a temp directory, not into the checkout' },
  {
    readme: 'LEDGER_DB unset (default ./data/ledger.db)',
    here: `LEDGER_DB=${DATA}/ledger.db`,
    why: 'the documented default, in the temp directory',
  },
  { readme: 'npm ci && ', here: '(nothing)', why: 'the test runs inside an installed checkout' },
  {
    readme: '[LEDGER_DB=FILE] npm start (a block of its own)',
    here: 'the built service started as a child process on FILE (else LEDGER_DB); a running one is stopped first',
    why: 'npm start runs in the foreground of its own terminal',
  },
  { readme: 'http://localhost:3000, localhost:3000', here: 'the URL of the child process started last', why: 'a free port, not 3000' },
];

/** What a block prints must show the README's expected figures (its `# →` comments and the sample outputs). */
const EXPECTED: Record<string, Array<string | RegExp>> = {
  'API keys and roles #1': [/key [0-9a-f]{8} \(institution for NY-L2\)/, /revoked at \d{4}-\d\d-\d\dT/, /\trevoked\n?/],
  'Using the API #1': ['"fund":"93.50"', '"cash":"106.50"', '第五条'],
  'Hospitals: the national settlement interface (2201 → 2204 → 2206 → 2207 → 2208) #1': [
    /^MD\w+$/m,
    '"infcode":0',
    '"setlinfo"',
    '"fund_pay_type":"310100"',
  ],
  'Historical import with reconciliation #1': [
    '377 lines — 377 imported, 0 already present, 0 rejected',
    'Reconciliation: 4 of 115 settlements differ from the policy in force',
  ],
  'Audit and the read side #1': [
    '0 differences',
    /all hold \(0 differences, chains intact\)/,
    /rebuilt the read models and monitoring indicators of .*sample-2023\.db/,
  ],
  'Seals: tails, and a server started on a tampered store #1': [/intact/i],
  'Disputes and corrections #1': [/"alleged":\{[^}]*"fund":"110.50"/, '"owedTo":"person"', '"amount":"17.00"', '0 differences'],
  'Demo #1': [/seeded .*demo\.db: 9 institutions, 34 persons/],
  'Demo #3': [
    '"status":"ready"',
    '"personId":"NY-X01"',
    'institution-NY-H3:examinationShare:2023-11',
    '"indicator":"institutionsOnOneDay"',
  ],
  'Monitoring and early warning #1': ['"institutionCode":"NY-H3"'],
  'Monitoring and early warning #2': ['institution-NY-H3:examinationShare:2023-11', 'NY-P03'],
  "An institution's year (Jiaozuo, 焦医保〔2024〕32号) with the CLI #1": [
    '265.00',
    '8550000.00',
    '42333750.00',
    '2250000.00',
    '44333437.50',
    /findings\s+\[\]/,
    '"intact":true',
  ],
  "An institution's year (Jiaozuo, 焦医保〔2024〕32号) with the CLI #2": [
    '"amount":"7885000.00"',
    '"payable":"41675225.00"',
    '"finalPayment":"43674912.50"',
    '"type":"InstitutionFundRecovered"',
    '"amount":"658525.00"',
    /net:\s*'-658525.00'/,
    /findings\s+\[\]/,
  ],
  'Backup and restore (embedded store) #1': [/INTACT/, /restored into .*restored\.db/],
};

/** The blocks the README marks as skipped; a new skip must be added here too, so none goes unnoticed. */
const SKIPPED = ['Quick start #2', 'EventStoreDB #1', 'EventStoreDB #2'];

const START = /^(?:npm ci && )?((?:[A-Z_]+=\S+\s+)*)npm start\s*(?:#.*)?$/;

/** A block that only starts the service: the env assignments before `npm start`, else undefined. */
export function startCommand(code: string): Record<string, string> | undefined {
  const lines = code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (lines.length !== 1) return undefined;
  const m = START.exec(lines[0].trim());
  if (!m) return undefined;
  return Object.fromEntries(
    m[1]
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => kv.split('=', 2) as [string, string]),
  );
}

const substitute = (code: string, url: string | undefined): string => {
  let out = code.replaceAll('./data/', `${DATA}/`).replaceAll('npm ci && ', '');
  if (url) out = out.replaceAll('http://localhost:3000', url).replaceAll('localhost:3000', url);
  return out;
};

/** One bash for the whole README, fed block by block; output collected per block. */
class Shell {
  private readonly bash: ChildProcessWithoutNullStreams;
  private output = '';
  private exited: number | null = null;
  private waiting?: { marker: string; resolve: (out: string) => void; reject: (e: Error) => void };

  constructor(env: NodeJS.ProcessEnv) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd: ROOT, env });
    const take = (d: Buffer) => {
      this.output += String(d);
      const w = this.waiting;
      const at = w ? this.output.indexOf(w.marker) : -1;
      if (w && at >= 0) {
        const out = this.output.slice(0, at);
        this.output = '';
        this.waiting = undefined;
        w.resolve(out);
      }
    };
    this.bash.stdout.on('data', take);
    this.bash.stderr.on('data', take);
    this.bash.on('exit', (code) => {
      this.exited = code ?? 1;
      this.waiting?.reject(new Error(`bash exited with ${this.exited}; output:\n${this.output}`));
    });
    this.bash.stdin.write('set -euo pipefail\n');
  }

  /** Runs one block as one compound command (stdin closed, stderr with stdout); a failing command ends the shell and the test. */
  run(code: string, index: number): Promise<string> {
    if (this.exited !== null) return Promise.reject(new Error('bash has exited'));
    const marker = `<<readme-block-done-${index}>>`;
    return new Promise((resolve, reject) => {
      this.waiting = { marker, resolve, reject };
      this.bash.stdin.write(`{\n${code}\n} </dev/null 2>&1\necho '${marker}'\n`);
    });
  }

  close(): void {
    if (this.exited === null) this.bash.kill('SIGKILL');
  }
}

describe('the README, every sh block run in order', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = readmeBlocks(readme);
  let service: RunningService | undefined;
  let shell: Shell | undefined;
  afterAll(async () => {
    shell?.close();
    await service?.kill();
    fs.rmSync(TMP, { recursive: true, force: true });
  });

  it('marks every skipped block with a reason, and only the known ones', () => {
    console.log(`substitutions:\n${SUBSTITUTIONS.map((s) => `  ${s.readme} → ${s.here} (${s.why})`).join('\n')}`);
    const skipped = blocks.filter((b) => b.skip !== undefined);
    console.log(
      `README blocks: ${blocks.length}, run ${blocks.length - skipped.length}, skipped:\n${skipped.map((b) => `  ${b.name} (line ${b.line}): ${b.skip}`).join('\n')}`,
    );
    for (const b of skipped) expect([b.name, b.skip!.length >= 10]).toEqual([b.name, true]);
    expect(skipped.map((b) => b.name)).toEqual(SKIPPED);
    expect(Object.keys(EXPECTED).filter((name) => !blocks.some((b) => b.name === name))).toEqual([]);
  });

  it('has no elided value (…, lk_…) in a command it runs, only in comments', () => {
    const elided = blocks.filter((b) => b.skip === undefined && /…/.test(withoutComments(b.code))).map((b) => b.name);
    expect(elided).toEqual([]);
  });

  it('runs every other block from the repository root and shows the expected figures', async () => {
    fs.mkdirSync(DATA, { recursive: true });
    const entry = buildService();
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(LEDGER_|EVENTSTORE_|PORT$|MONITORING_|LOG_LEVEL$)/.test(k)),
    );
    env.LEDGER_DB = `${DATA}/ledger.db`;
    shell = new Shell(env);
    const outputs = new Map<string, string>();
    for (const [index, block] of blocks.entries()) {
      if (block.skip !== undefined) continue;
      const start = startCommand(block.code);
      if (start) {
        await service?.kill();
        const db = substitute(start.LEDGER_DB ?? './data/ledger.db', undefined);
        service = await startService(entry, { ...start, LEDGER_DB: db });
        await waitReady(service.url);
        continue;
      }
      const code = substitute(block.code, service?.url);
      const out = await shell.run(code, index).catch((e: Error) => {
        throw new Error(`README block "${block.name}" (line ${block.line}) failed: ${e.message}`);
      });
      outputs.set(block.name, out);
      if (process.env.README_TEST_LOG) fs.appendFileSync(process.env.README_TEST_LOG, `\n=== ${block.name} (line ${block.line})\n${out}`);
    }
    const missing = Object.entries(EXPECTED).flatMap(([name, expected]) => {
      const out = outputs.get(name) ?? '';
      const absent = expected.filter((e) => (typeof e === 'string' ? !out.includes(e) : !e.test(out)));
      return absent.length ? [`${name}: printed none of ${absent.map(String).join(', ')}; it printed:\n${out.slice(-2000)}`] : [];
    });
    expect(missing).toEqual([]);
    // The last monitoring command closed the demo's institution alert.
    const key = /AUDITOR_KEY=(\S+)/.exec(await shell.run('echo "AUDITOR_KEY=$AUDITOR_KEY"', -1))![1];
    const after = await fetch(`${service!.url}/monitoring/alerts?institution=NY-H3&status=all`, { headers: { 'x-api-key': key } });
    const alerts = ((await after.json()) as { items: Array<{ alertId: string; open: boolean }> }).items;
    expect(alerts.find((a) => a.alertId === 'institution-NY-H3:examinationShare:2023-11')?.open).toBe(false);
  });
});

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/health/ready did not answer 200 within 30 s`);
}

/** A block's commands without its comments (a `#` at a line's start or after a space). */
function withoutComments(code: string): string {
  return code.replace(/(^|\s)#.*$/gm, '$1');
}
