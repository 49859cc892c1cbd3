import * as fs from 'node:fs';
import request from 'supertest';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAudit } from '../../scripts/audit';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { CHAIN_VERIFIER, ChainVerifier } from '../../src/audit/seals/chain-verifier.service';
import { eventHash, verifyChain } from '../../src/audit/tamper-chain';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { writeStory } from './story';

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Seals (issue 11 item 7): tampering with the SQLite file by raw SQL, as an intruder would. */
describe('seals: a truncated or rewritten tail before the seal is named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-seals-'));
  const file = path.join(dir, 'ledger.db');
  const exported = path.join(dir, 'seals.json');
  const STREAM = 'person-NY-A1';
  let ledger: LedgerClient;
  let db: SqliteEventStore['db'];
  let verifier: ChainVerifier;

  beforeAll(async () => {
    ledger = await startLedger({ path: file });
    await writeStory(ledger);
    db = (ledger.store as SqliteEventStore).db;
    verifier = ledger.app.get<ChainVerifier>(CHAIN_VERIFIER);
  }, 60_000);
  afterAll(async () => {
    await ledger?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lastOf = (streamId: string) =>
    db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').get(streamId) as Row;
  const restore = (row: Row) =>
    db
      .prepare(
        'INSERT OR REPLACE INTO events (position, stream_id, revision, event_id, type, data, metadata) VALUES (@position, @stream_id, @revision, @event_id, @type, @data, @metadata)',
      )
      .run(row);
  const cli = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runAudit([...args, '--db', file], (s) => lines.push(s));
    return { code, text: lines.join('\n') };
  };
  const sealCount = () => (db.prepare("SELECT COUNT(*) AS n FROM events WHERE stream_id = 'seals'").get() as { n: number }).n;

  it('a clean store holds: the seal commits to every stream, nothing is "not yet sealed"', async () => {
    const head = (db.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number }).p;
    const res = await ledger.post('/audit/seals', {});
    expect(res.status).toBe(201);
    const streams = (db.prepare("SELECT COUNT(DISTINCT stream_id) AS n FROM events WHERE stream_id <> 'seals'").get() as { n: number }).n;
    expect(res.body.seal).toMatchObject({ revision: 0, streams, throughPosition: head });
    const verify = await ledger.get('/audit/verify', ledger.auditorKey);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({
      verdict: 'intact',
      chain: { intact: true, broken: [] },
      seal: { holds: true, findings: [], root: res.body.seal.root },
      notYetSealed: 0,
    });
    expect(verifier.status()).toMatchObject({ state: 'intact', notYetSealed: 0, lastSeal: { root: res.body.seal.root } });
    expect(await cli('verify')).toMatchObject({ code: 0 });
  });

  it('a second seal with nothing new writes nothing', async () => {
    const before = sealCount();
    const res = await ledger.post('/audit/seals', {});
    expect(res.status).toBe(201);
    expect(res.body.seal).toBeNull();
    expect(sealCount()).toBe(before);
  });

  it('seal events leave the read side and person activity alone', async () => {
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    const year = await ledger.get('/persons/NY-A1/years/2023', ledger.auditorKey);
    expect(year.status).toBe(200);
    expect(year.body.result.fundPaid).toBe('472.50');
    expect((await ledger.get('/health')).status).toBe(200);
  });

  it('events after the latest seal are counted as not yet sealed', async () => {
    const throughPosition = (await ledger.get('/audit/verify')).body.seal.throughPosition;
    ledger.clock.set('2023-03-01T09:00:00+08:00');
    await ledger.must('/persons/NY-A1/account/credits', { month: '2023-03' });
    const after = (
      db.prepare("SELECT COUNT(*) AS n FROM events WHERE position > ? AND stream_id <> 'seals'").get(throughPosition) as { n: number }
    ).n;
    expect(after).toBeGreaterThan(0);
    const verify = await ledger.get('/audit/verify');
    expect(verify.body).toMatchObject({ verdict: 'intact', notYetSealed: after });
    expect(await verifier.verifyNow({ againstSeal: false })).toMatchObject({ state: 'intact', notYetSealed: after });
    expect((await cli('verify')).text).toContain(`${after} event(s) after the latest seal: not yet sealed`);
    // Sealed by the CLI this time (another process): the service picks the seal up.
    expect(await cli('seal')).toMatchObject({ code: 0, text: expect.stringContaining('as seal #1') });
    expect(await verifier.verifyNow({ againstSeal: true })).toMatchObject({ state: 'intact', notYetSealed: 0, lastSeal: { revision: 1 } });
  });

  it('deleting the last event of a person stream: the chain cannot see it, the seal names it', async () => {
    const last = lastOf(STREAM);
    db.prepare('DELETE FROM events WHERE position = ?').run(last.position);
    try {
      expect(verifyChain(STREAM, await ledger.store.readStream(STREAM)).intact).toBe(true);
      const verify = await ledger.get('/audit/verify');
      expect(verify.body.verdict).toBe('broken');
      expect(verify.body.chain.intact).toBe(true);
      expect(verify.body.seal.findings).toEqual([
        {
          streamId: STREAM,
          reason: 'truncated',
          expected: { revision: last.revision, hash: JSON.parse(last.metadata).hash },
          found: { revision: last.revision - 1, hash: expect.any(String) },
        },
      ]);
      const out = await cli('verify');
      expect(out.code).toBe(2);
      expect(out.text).toContain(`${STREAM}: truncated: expected revision ${last.revision}`);
      expect(await verifier.verifyNow({ againstSeal: true })).toMatchObject({
        state: 'broken',
        sealFindings: [expect.objectContaining({ streamId: STREAM, reason: 'truncated' })],
      });
      // Sealing a tampered store would vouch for it: refused, nothing written.
      const before = sealCount();
      const refused = await ledger.post('/audit/seals', {});
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('LEDGER_CHAIN_BROKEN');
      expect(sealCount()).toBe(before);
      expect(await cli('seal')).toMatchObject({ code: 2 });
      expect(sealCount()).toBe(before);
    } finally {
      restore(last);
    }
    expect(await verifier.verifyNow({ againstSeal: true })).toMatchObject({ state: 'intact' });
  });

  it("rewriting a tail event's data and its hash: the chain holds, the seal names it", async () => {
    const last = lastOf(STREAM);
    const data = { ...JSON.parse(last.data), forged: true };
    const metadata = JSON.parse(last.metadata);
    const hash = eventHash({ streamId: STREAM, revision: last.revision, type: last.type, data, metadata });
    db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?').run(
      JSON.stringify(data),
      JSON.stringify({ ...metadata, hash }),
      last.position,
    );
    try {
      const verify = await ledger.get('/audit/verify');
      expect(verify.body).toMatchObject({ verdict: 'broken', chain: { intact: true } });
      expect(verify.body.seal.findings).toEqual([
        {
          streamId: STREAM,
          reason: 'rewritten',
          expected: { revision: last.revision, hash: metadata.hash },
          found: { revision: last.revision, hash },
        },
      ]);
      expect((await cli('verify')).text).toContain(
        `${STREAM}: rewritten: expected revision ${last.revision} hash ${metadata.hash}, found revision ${last.revision} hash ${hash}`,
      );
    } finally {
      restore(last);
    }
  });

  it('a tamperer who also deletes the seals: only an exported seal list still names it', async () => {
    expect(await cli('seals', '--export', exported)).toMatchObject({ code: 0, text: expect.stringContaining('2 seal(s) exported') });
    const seals = db.prepare("SELECT * FROM events WHERE stream_id = 'seals' ORDER BY revision").all() as Row[];
    const last = lastOf(STREAM);
    db.prepare("DELETE FROM events WHERE stream_id = 'seals' OR position = ?").run(last.position);
    try {
      expect(await cli('verify')).toMatchObject({ code: 0, text: expect.stringContaining('no seal yet') });
      const against = await cli('verify', '--against', exported);
      expect(against.code).toBe(2);
      expect(against.text).toContain(`${STREAM}: truncated`);
      expect(against.text).toContain('seals@0: stream_missing');
    } finally {
      [...seals, last].forEach(restore);
    }
    expect(await cli('verify', '--against', exported)).toMatchObject({ code: 0 });
  });

  it('a service started on a tampered store reports the broken link once its first pass is done', async () => {
    const row = db
      .prepare("SELECT * FROM events WHERE stream_id = ? AND type = 'VisitSettled' ORDER BY revision LIMIT 1")
      .get(STREAM) as Row;
    await ledger.close();
    const raw = new SqliteEventStore({ path: file });
    raw.db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('148.50', '948.50'), row.position);
    await raw.close();
    // An older event edited while the service was down: only a full pass at start finds it
    // (the default resumes from the stored checkpoint: test/audit/verified-position.e2e-spec.ts).
    process.env.LEDGER_VERIFY_AT_START = 'full';
    try {
      ledger = await startLedger({ path: file });
    } finally {
      delete process.env.LEDGER_VERIFY_AT_START;
    }
    db = (ledger.store as SqliteEventStore).db;
    const status = await ledger.app.get<ChainVerifier>(CHAIN_VERIFIER).verifyNow({ againstSeal: false });
    expect(status).toMatchObject({
      state: 'broken',
      broken: { streamId: STREAM, revision: row.revision, position: row.position, reason: 'hash_mismatch' },
    });
    // Operators see it without running a replay: /health degraded, readiness refused.
    const health = await request(ledger.app.getHttpServer()).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'degraded',
      chain: { state: 'broken', broken: { streamId: STREAM, position: row.position } },
    });
    const ready = await request(ledger.app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual(expect.arrayContaining([expect.stringContaining('hash chain')]));
  });
});
