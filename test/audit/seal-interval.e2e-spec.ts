import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { CHAIN_VERIFIER, ChainVerifier } from '../../src/audit/seals/chain-verifier.service';
import { loadSealConfig } from '../../src/audit/seals/seal-config';
import { eventHash } from '../../src/audit/tamper-chain';
import { ConfigError } from '../../src/config/config';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { shutdownGraceMs } from '../../src/lifecycle/graceful-shutdown';
import { NANYANG_COUNTY_LEVEL2 } from '../support/fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('settings of seals and shutdown', () => {
  it('default, zero, and a refusal naming the variable', () => {
    expect(loadSealConfig({})).toEqual({ sealIntervalMs: 300_000, verifyIntervalMs: 30_000, verifyOnThreadFrom: 2_000 });
    expect(loadSealConfig({ LEDGER_SEAL_INTERVAL_MS: '0', LEDGER_VERIFY_INTERVAL_MS: '250', LEDGER_VERIFY_THREAD_FROM: '0' })).toEqual({
      sealIntervalMs: 0,
      verifyIntervalMs: 250,
      verifyOnThreadFrom: 0,
    });
    expect(() => loadSealConfig({ LEDGER_SEAL_INTERVAL_MS: '5m' })).toThrow(
      /LEDGER_SEAL_INTERVAL_MS="5m": must be a whole number of milliseconds/,
    );
    expect(() => loadSealConfig({ LEDGER_VERIFY_INTERVAL_MS: '-1' })).toThrow(ConfigError);
    expect(() => loadSealConfig({ LEDGER_VERIFY_THREAD_FROM: '2k' })).toThrow(
      /LEDGER_VERIFY_THREAD_FROM="2k": must be a whole number of events/,
    );
    expect(shutdownGraceMs({})).toBe(10_000);
    expect(shutdownGraceMs({ LEDGER_SHUTDOWN_GRACE_MS: '2500' })).toBe(2500);
    expect(() => shutdownGraceMs({ LEDGER_SHUTDOWN_GRACE_MS: '1e4' })).toThrow(/LEDGER_SHUTDOWN_GRACE_MS/);
  });
});

/** The service seals itself on its interval, only when something changed, and never over a tampered tail. */
describe('seals on an interval (LEDGER_SEAL_INTERVAL_MS)', () => {
  let ledger: LedgerClient;
  let db: SqliteEventStore['db'];
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.LEDGER_SEAL_INTERVAL_MS = '150';
    process.env.LEDGER_VERIFY_INTERVAL_MS = '100';
    ledger = await startLedger({ path: ':memory:' });
    db = (ledger.store as SqliteEventStore).db;
  });
  afterAll(async () => {
    process.env = saved;
    await ledger?.close();
  });

  const seals = () =>
    db.prepare("SELECT revision, data FROM events WHERE stream_id = 'seals' ORDER BY revision").all() as Array<{
      revision: number;
      data: string;
    }>;
  const until = async (what: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await sleep(25);
    }
  };

  it('seals what changed, and nothing when nothing changed', async () => {
    await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
    await until(() => seals().some((s) => JSON.parse(s.data).changed.some(([id]: [string]) => id === 'institution-NY-H2')));
    const count = seals().length;
    await sleep(600); // four intervals with nothing new
    expect(seals()).toHaveLength(count);
    const verifier = ledger.app.get<ChainVerifier>(CHAIN_VERIFIER);
    expect(verifier.status()).toMatchObject({ state: 'intact', notYetSealed: 0, lastSeal: { revision: count - 1 } });
  });

  it('a tail rewritten after a seal: the next tick finds it, reports it and seals nothing', async () => {
    const row = db.prepare("SELECT * FROM events WHERE stream_id = 'institution-NY-H2' ORDER BY revision DESC LIMIT 1").get() as {
      position: number;
      revision: number;
      type: string;
      data: string;
      metadata: string;
    };
    const data = { ...JSON.parse(row.data), name: 'forged' };
    const metadata = JSON.parse(row.metadata);
    db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?').run(
      JSON.stringify(data),
      JSON.stringify({
        ...metadata,
        hash: eventHash({ streamId: 'institution-NY-H2', revision: row.revision, type: row.type, data, metadata }),
      }),
      row.position,
    );
    const verifier = ledger.app.get<ChainVerifier>(CHAIN_VERIFIER);
    await until(() => verifier.status().state === 'broken');
    expect(verifier.status().sealFindings).toEqual([expect.objectContaining({ streamId: 'institution-NY-H2', reason: 'rewritten' })]);
    const count = seals().length;
    await ledger.must('/institutions', {
      code: 'NY-C01',
      name: '社区卫生服务中心',
      category: 'community_health_centre',
      level: 'level1',
      location: 'city',
      region: 'nanyang',
      designations: ['employee'],
    });
    await sleep(600);
    expect(seals()).toHaveLength(count);
  });
});
