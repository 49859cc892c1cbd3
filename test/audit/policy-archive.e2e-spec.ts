/**
 * Decisions stay replayable after the deployment parameters change: every pack version
 * the service serves is archived as an event, verified on read, and found by replay.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { ApiKeyRing, issueKey, readKeyFile } from '../../src/auth/api-keys';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { RecordedEvent } from '../../src/event-store/event-store.port';
import { archivedPacks, ArchivedPackCorrupt, POLICY_ARCHIVE_STREAM } from '../../src/policy/policy-archive';
import { runAudit } from '../../scripts/audit';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-archive-'));
const paramsFile = path.join(dir, 'deployment-policy.json');
const defaults = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8'));
const env = {
  LEDGER_DB: path.join(dir, 'ledger.db'),
  LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
  LEDGER_POLICY_PARAMS: paramsFile,
  LOG_LEVEL: 'error',
};
const key = issueKey(env.LEDGER_API_KEYS_FILE, 'agency', new Date('2023-06-30T00:00:00Z')).key;

async function withService<T>(pension: string, run: (http: ReturnType<typeof request>) => Promise<T>): Promise<T> {
  const params = structuredClone(defaults);
  params.packs['nanyang-employee-2022'].averageMonthlyPension.value = pension;
  fs.writeFileSync(paramsFile, JSON.stringify(params));
  const app = await createApp(loadConfig(env), { keys: new ApiKeyRing(readKeyFile(env.LEDGER_API_KEYS_FILE)) });
  await app.listen(0, '127.0.0.1');
  try {
    return await run(request((await app.getUrl()).replace('[::1]', '127.0.0.1')));
  } finally {
    await app.close();
  }
}

const settle = (http: ReturnType<typeof request>, id: string, occurredAt: string) =>
  http
    .post('/persons/P1/visits')
    .set('x-api-key', key)
    .send({
      settlementId: id,
      visitId: `V-${id}`,
      institutionCode: 'NY-L2',
      occurredAt,
      settledAt: occurredAt,
      medType: 'ordinary',
      lines: [{ code: 'A', amount: '200.00', inCatalogue: true }],
    });

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('a year settled under two parameter sets replays with 0 differences (HTTP and CLI)', async () => {
  const v1 = await withService('3000.00', async (http) => {
    await http
      .post('/institutions')
      .set('x-api-key', key)
      .send({
        code: 'NY-L2',
        name: 'x',
        category: 'other_specialty',
        level: 'level2',
        location: 'city',
        region: 'nanyang',
        designations: ['employee'],
      })
      .expect(201);
    await http
      .post('/persons')
      .set('x-api-key', key)
      .send({
        personId: 'P1',
        scheme: 'employee',
        category: 'in_service',
        region: 'nanyang',
        enrolledOn: '2023-01-01',
        contributionBase: '6000.00',
      })
      .expect(201);
    return (await settle(http, 'S1', '2023-03-01T09:00:00+08:00').expect(201)).body.decision.policy.version as string;
  });
  const v2 = await withService('3200.00', async (http) => {
    const version = (await settle(http, 'S2', '2023-04-01T09:00:00+08:00').expect(201)).body.decision.policy.version as string;
    const replay = await http.post('/audit/replay').set('x-api-key', key).send({ personId: 'P1', year: 2023 });
    expect(replay.status).toBe(200);
    expect(JSON.stringify(replay.body)).not.toContain('no pack with this version');
    expect(replay.body).toEqual(expect.objectContaining({ settlementsChecked: 2, verdict: '0 differences', differences: [] }));
    return version;
  });
  expect(v2).not.toBe(v1); // the parameter is part of the version

  const lines: string[] = [];
  const before = process.env.LEDGER_POLICY_PARAMS;
  process.env.LEDGER_POLICY_PARAMS = paramsFile;
  const code = await runAudit(['replay', '--person', 'P1', '--year', '2023', '--db', env.LEDGER_DB], (l: string) => lines.push(l)).finally(
    () => {
      if (before === undefined) delete process.env.LEDGER_POLICY_PARAMS;
      else process.env.LEDGER_POLICY_PARAMS = before;
    },
  );
  expect(lines.join('\n')).toContain('0 differences');
  expect(code).toBe(0);
});

it('an archived pack that no longer hashes to its version is refused', () => {
  const pack = { id: 'x', version: 'sha256:00', kind: 'city' } as never;
  const forged = [
    { type: 'PolicyPackArchived', revision: 0, data: { packId: 'x', version: 'sha256:00', pack } },
  ] as unknown as RecordedEvent[];
  expect(() => archivedPacks(forged)).toThrow(ArchivedPackCorrupt);
  expect(POLICY_ARCHIVE_STREAM).toBe('policy-archive');
});
