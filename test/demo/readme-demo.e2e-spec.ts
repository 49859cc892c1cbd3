/**
 * Issue 13 item 10: the README's demo commands work when copied in order. The fenced `sh`
 * blocks of the README's "Demo" section, then those of "Monitoring and early warning"
 * (which use the demo's ids), run with bash from the repository root against a service
 * child process on a temp file. Substituted: the demo file path and the service URL only.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildService, RunningService, startService } from '../crash/support/service';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');

/** The fenced sh blocks of one `## ` section of the README. */
export function shBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe("the README's demo, run as written", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-readme-demo-'));
  const db = path.join(dir, 'demo.db');
  const envFile = path.join(dir, 'env.sh');
  let service: RunningService | undefined;
  afterAll(async () => {
    await service?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bash = (script: string): string =>
    execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LEDGER_DB: '', LEDGER_API_KEYS_FILE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });

  it('seeds, issues keys, and every curl of the Demo and Monitoring sections answers 2xx with the demo data', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const [setup, ...demoCalls] = shBlocks(readme, 'Demo');
    const monitoring = shBlocks(readme, 'Monitoring and early warning');
    expect(setup).toContain('npm run seed:demo');
    expect(demoCalls.length).toBeGreaterThan(0);
    expect(monitoring.length).toBe(2);

    const seeded = bash(`${setup.replaceAll('./data/demo.db', db)}\nexport -p > ${envFile}`);
    expect(seeded).toMatch(/seeded .*demo\.db: 9 institutions, 34 persons/);
    const env = fs.readFileSync(envFile, 'utf8');
    expect(env).toMatch(/AUDITOR_KEY="[^"]{20,}"/);

    service = await startService(buildService(), { LEDGER_DB: db });
    const run = (block: string) => bash(`source ${envFile}\n${block.replaceAll('http://localhost:3000', service!.url)}`);
    for (let i = 0; i < 100 && !(await fetch(`${service.url}/health/ready`)).ok; i++) await new Promise((r) => setTimeout(r, 100));

    const demo = demoCalls.map(run).join('\n');
    expect(demo).toContain('"status":"ready"');
    expect(demo).toContain('"personId":"NY-X01"');
    expect(demo).toContain('institution-NY-H3:examinationShare:2023-11');
    expect(demo).toContain('"indicator":"institutionsOnOneDay"');

    const answers = monitoring.map(run);
    expect(answers[0]).toContain('"institutionCode":"NY-H3"');
    expect(answers[1]).toContain('institution-NY-H3:examinationShare:2023-11');
    expect(answers[1]).toContain('NY-P03');
    // The last command closed the demo's institution alert.
    const after = await fetch(`${service.url}/monitoring/alerts?institution=NY-H3&status=all`, { headers: { 'x-api-key': /AUDITOR_KEY="([^"]+)"/.exec(env)![1] } });
    const closed = ((await after.json()) as { items: Array<{ alertId: string; open: boolean }> }).items.find((a) => a.alertId === 'institution-NY-H3:examinationShare:2023-11');
    expect(closed?.open).toBe(false);
  });
});
