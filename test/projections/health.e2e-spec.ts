/** /health, /health/live and /health/ready on a healthy ledger, and readiness lost to lag. */
import request from 'supertest';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import type { ReadSideRunner } from '../../src/projections/read-side-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { readyMaxLagFrom } from '../../src/health/health.controller';

describe('health: liveness, readiness, read-side state', () => {
  let ledger: LedgerClient;
  const http = () => request(ledger.app.getHttpServer());
  const runner = () => ledger.app.get<ReadSideRunner>(PROJECTION_RUNNER);

  beforeAll(async () => {
    process.env.LEDGER_READY_MAX_LAG = '0';
    ledger = await startLedger({ start: '2023-03-01T09:00:00+08:00' });
    await ledger.must('/persons', {
      personId: 'H1',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '6000.00',
    });
    await runner().caughtUp();
  });
  afterAll(async () => {
    delete process.env.LEDGER_READY_MAX_LAG;
    await ledger.close();
  });

  it('all running: /health ok with every projection running, /health/ready 200, /health/live 200', async () => {
    const health = await http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual(expect.objectContaining({ status: 'ok', projections: expect.objectContaining({ lag: 0, running: true }) }));
    expect(health.body.readModels.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
      ['persons', 'running'],
      ['accounts', 'running'],
      ['institution-months', 'running'],
      ['institutions', 'running'],
      ['disputes', 'running'],
      ['monitoring', 'running'],
    ]);
    expect((await http().get('/health/ready')).status).toBe(200);
    expect((await http().get('/health/live')).body).toEqual({ status: 'live' });
  });

  it('read models further behind than the bound: not ready (503, with the reason), still live', async () => {
    await runner().stop();
    await ledger.must('/persons', {
      personId: 'H2',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '6000.00',
    });
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual(
      expect.objectContaining({
        status: 'not_ready',
        reasons: expect.arrayContaining([expect.stringMatching(/^read models \d+ events behind \(bound 0\)$/)]),
      }),
    );
    expect((await http().get('/health/live')).status).toBe(200);
    await runner().start();
    await runner().caughtUp();
    expect((await http().get('/health/ready')).status).toBe(200);
  });
});

describe('LEDGER_READY_MAX_LAG', () => {
  it('defaults to 1000, takes a whole number, and refuses anything else naming the variable', () => {
    expect(readyMaxLagFrom({})).toBe(1000);
    expect(readyMaxLagFrom({ LEDGER_READY_MAX_LAG: '250' })).toBe(250);
    for (const bad of ['-1', '1.5', 'lots'])
      expect(() => readyMaxLagFrom({ LEDGER_READY_MAX_LAG: bad })).toThrow(/^LEDGER_READY_MAX_LAG must be a whole number/);
  });
});
