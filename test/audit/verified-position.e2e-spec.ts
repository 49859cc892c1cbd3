import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { CHAIN_VERIFIER, ChainStatus, ChainVerifier } from '../../src/audit/seals/chain-verifier.service';
import { ChainFold } from '../../src/audit/seals/seal';
import { loadSealConfig } from '../../src/audit/seals/seal-config';
import { writeStory } from './story';

/**
 * Issue 10: the chain verifier keeps its verified position and every stream's last link in
 * the read-model file, so a restart verifies only what is new, after one point read per
 * stream; a store tampered while the service was down is verified in full again.
 */
describe('LEDGER_VERIFY_AT_START', () => {
  it("'checkpoint' (the default) or 'full'; anything else is refused naming the variable", () => {
    expect(loadSealConfig({}).verifyAtStart).toBeUndefined();
    expect(loadSealConfig({ LEDGER_VERIFY_AT_START: 'checkpoint' }).verifyAtStart).toBeUndefined();
    expect(loadSealConfig({ LEDGER_VERIFY_AT_START: 'full' }).verifyAtStart).toBe('full');
    expect(() => loadSealConfig({ LEDGER_VERIFY_AT_START: 'yes' })).toThrow(/LEDGER_VERIFY_AT_START="yes": must be 'checkpoint' or 'full'/);
  });
});

describe('chain verifier: the verified position survives a restart', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-verified-'));
  const file = path.join(dir, 'ledger.db');
  const saved = { ...process.env };
  let folded: jest.SpyInstance;

  beforeAll(() => {
    // No timers: each start verifies once (onApplicationBootstrap); the test asks for the rest.
    process.env.LEDGER_SEAL_INTERVAL_MS = '0';
    process.env.LEDGER_VERIFY_INTERVAL_MS = '0';
    folded = jest.spyOn(ChainFold.prototype, 'add');
  });
  afterAll(() => {
    process.env = saved;
    folded.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the service on the file, waits for its first verification; the events it folded (hashed) doing so. */
  async function start(): Promise<{ ledger: LedgerClient; status: ChainStatus; eventsFolded: number }> {
    folded.mockClear();
    const ledger = await startLedger({ path: file });
    const status = await ledger.app.get<ChainVerifier>(CHAIN_VERIFIER).verifyNow({ againstSeal: true });
    return { ledger, status, eventsFolded: folded.mock.calls.length };
  }
  const eventCount = () => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('first start verifies the whole log; a restart folds nothing already verified, then only what is new', async () => {
    const first = await start();
    await writeStory(first.ledger);
    await first.ledger.post('/audit/seals', {});
    const verified = await first.ledger.app.get<ChainVerifier>(CHAIN_VERIFIER).verifyNow({ againstSeal: true });
    await first.ledger.close();
    expect(verified).toMatchObject({ state: 'intact', verifiedThrough: expect.any(Number) });

    const second = await start();
    expect(second.status).toMatchObject({
      state: 'intact',
      verifiedThrough: verified.verifiedThrough,
      notYetSealed: verified.notYetSealed,
      lastSeal: verified.lastSeal,
    });
    expect(second.eventsFolded).toBe(0);
    await second.ledger.must('/institutions', {
      code: 'NY-H9',
      name: '南阳市第九人民医院',
      category: 'county_general',
      level: 'level2',
      location: 'county',
      region: 'nanyang',
      designations: ['employee'],
    });
    const after = await second.ledger.app.get<ChainVerifier>(CHAIN_VERIFIER).verifyNow({ againstSeal: false });
    expect(after.state).toBe('intact');
    expect(after.notYetSealed).toBe(verified.notYetSealed + 1);
    await second.ledger.close();

    const third = await start();
    expect(third.status).toMatchObject({ state: 'intact', verifiedThrough: after.verifiedThrough, notYetSealed: after.notYetSealed });
    expect(third.eventsFolded).toBe(0);
    await third.ledger.close();
  }, 90_000);

  it('an older event edited while the service was down is not re-read at start; GET /audit/verify and LEDGER_VERIFY_AT_START=full name it', async () => {
    const db = new Database(file);
    const row = db
      .prepare(
        "SELECT position, stream_id, revision, data FROM events WHERE stream_id LIKE 'person-%' AND type = 'VisitSettled' ORDER BY position LIMIT 1",
      )
      .get() as { position: number; stream_id: string; revision: number; data: string };
    const tampered = row.data.replace(/"(\d+)\.(\d\d)"/, '"9$1.$2"');
    expect(tampered).not.toBe(row.data);
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(tampered, row.position);
    try {
      const resumed = await start();
      expect(resumed.eventsFolded).toBe(0);
      expect(resumed.status.state).toBe('intact'); // the gap: only each stream's last link is re-checked
      const verify = await resumed.ledger.get('/audit/verify', resumed.ledger.auditorKey);
      expect(verify.body).toMatchObject({
        verdict: 'broken',
        chain: { broken: [{ streamId: row.stream_id, revision: row.revision, reason: 'hash_mismatch' }] },
      });
      await resumed.ledger.close();
      process.env.LEDGER_VERIFY_AT_START = 'full';
      const full = await start();
      expect(full.eventsFolded).toBe(eventCount());
      expect(full.status).toMatchObject({
        state: 'broken',
        broken: { streamId: row.stream_id, revision: row.revision, reason: 'hash_mismatch' },
      });
      await full.ledger.close();
    } finally {
      delete process.env.LEDGER_VERIFY_AT_START;
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data, row.position);
      db.close();
    }
  }, 60_000);

  it('a head rewritten while the service was down: the checkpoint is dropped, the whole log verified, the link named', async () => {
    const db = new Database(file);
    const head = db
      .prepare("SELECT position, stream_id, revision, data FROM events WHERE stream_id LIKE 'person-%' ORDER BY revision DESC LIMIT 1")
      .get() as { position: number; stream_id: string; revision: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(head.data.replace(/"(\d+)\.(\d\d)"/, '"9$1.$2"'), head.position);
    db.close();
    const restarted = await start();
    expect(restarted.eventsFolded).toBe(eventCount());
    expect(restarted.status).toMatchObject({
      state: 'broken',
      broken: { streamId: head.stream_id, revision: head.revision, reason: 'hash_mismatch' },
    });
    await restarted.ledger.close();
  }, 60_000);
});
