/**
 * Backup under concurrent settlements, verified and restored (issue 13 item 4): the copy holds
 * every settlement acknowledged before the backup started, its chains verify, and a replay
 * of every person on the restored ledger finds 0 differences. Restore refuses a live store.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../scripts/audit';
import { backupLedger, inspectLedger } from '../../scripts/backup';
import { inUse, restoreLedger } from '../../scripts/restore';
import Database from 'better-sqlite3';
import { readModelsFileOf } from '../../src/config/config';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { ReadSide } from '../../src/projections/read-side';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

const PERSONS = 12;

const visit = (settlementId: string, day: number) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: `2023-03-${String(day).padStart(2, '0')}T09:00:00+08:00`,
  settledAt: `2023-03-${String(day).padStart(2, '0')}T09:00:00+08:00`,
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount: `${100 + day}.00`, inCatalogue: true, category: 'consultation' }],
});

describe('backup and restore (issue 13 item 4)', () => {
  let h: LedgerHarness;
  const ledgerDb = () => path.join(h.dir, 'ledger.db');
  beforeAll(async () => {
    h = await startLedger();
    await registerInstitutions(h);
    for (let p = 0; p < PERSONS; p++)
      expect(
        (
          await h.http
            .post('/persons')
            .set('x-api-key', h.keys.agency)
            .send(nanyangEmployee(`B${p}`))
        ).status,
      ).toBe(201);
  }, 120_000);
  afterAll(() => h.close());

  /** Settles visits for every person, one after another per person, all persons at once, until stopped. */
  function settleUntil(stop: () => boolean, acknowledged: string[], sent: string[] = []): Promise<void> {
    const person = async (p: number) => {
      for (let day = 1; day <= 28 && !stop(); day++) {
        const id = `S-${p}-${day}`;
        sent.push(id);
        const res = await h.http
          .post(`/persons/B${p}/visits`)
          .set('x-api-key', h.keys.agency)
          .set('Idempotency-Key', `idem-${id}`)
          .send(visit(id, day));
        if (res.status !== 201) throw new Error(`${id}: ${res.status} ${JSON.stringify(res.body)}`);
        acknowledged.push(id);
      }
    };
    return Promise.all(Array.from({ length: PERSONS }, (_, p) => person(p))).then(() => undefined);
  }

  it('a backup taken while settlements are being written holds every acknowledged one, verifies, restores and replays with 0 differences', async () => {
    const acknowledged: string[] = [];
    const sent: string[] = [];
    let done = false;
    const writing = settleUntil(() => done, acknowledged, sent);
    while (acknowledged.length < 30) await new Promise((r) => setTimeout(r, 5));
    const beforeBackup = [...acknowledged];
    const backup = path.join(h.dir, 'backups', 'ledger-backup.db');
    await backupLedger(ledgerDb(), backup);
    // Sent by the time the backup was done. Not "acknowledged": a settlement is durable (and in a
    // backup) a moment before its 201 reaches the client, longer with the store's writer thread.
    const sentByThen = new Set(sent);
    done = true;
    await writing;
    expect(acknowledged.length).toBeGreaterThan(beforeBackup.length); // settlements really ran around the backup

    const contents = await inspectLedger(backup);
    expect(contents).toEqual(expect.objectContaining({ verdict: 'intact', integrity: 'ok', persons: PERSONS, brokenChains: [] }));
    expect(contents.events).toBe(contents.headPosition);

    const restored = path.join(h.dir, 'restored', 'ledger.db');
    fs.mkdirSync(path.dirname(restored));
    // Read models of whatever ledger was there before: their checkpoints say nothing of the restored log.
    const staleReadModels = readModelsFileOf(restored);
    const stale = new Database(staleReadModels);
    stale.exec(
      "CREATE TABLE rm_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL); INSERT INTO rm_checkpoint VALUES ('persons', 999999)",
    );
    stale.close();
    await restoreLedger(backup, restored);
    expect(fs.existsSync(staleReadModels)).toBe(false);
    const store = new SqliteEventStore({ path: restored });
    try {
      const settled = new Set(
        (
          store.db.prepare("SELECT json_extract(data, '$.settlementId') AS id FROM events WHERE type = 'VisitSettled'").all() as Array<{
            id: string;
          }>
        ).map((r) => r.id),
      );
      for (const id of beforeBackup) expect(settled.has(id)).toBe(true);
      // A snapshot: nothing asked for after the backup was done.
      for (const id of settled) expect(sentByThen.has(id)).toBe(true);
      expect(await store.headPosition()).toBe(contents.headPosition);
    } finally {
      await store.close();
    }
    const out: string[] = [];
    expect(await runAudit(['replay', '--all', '--year', '2023', '--db', restored], (s) => out.push(s))).toBe(0);
    expect(out[out.length - 1]).toBe(`${PERSONS} person(s) replayed for 2023: all hold (0 differences, chains intact)`);

    // The service on the restored ledger (its read side in a worker, as npm start) rebuilds the read models from the log.
    const again = await startLedger({ dir: path.dirname(restored), env: { LEDGER_READ_SIDE: 'worker' } });
    try {
      await again.app.get<ReadSide>(PROJECTION_RUNNER).caughtUp();
      const year = await again.http.get('/persons/B0/years/2023').set('x-api-key', again.keys.agency);
      expect(year.body).toEqual(expect.objectContaining({ source: 'projection', throughPosition: contents.headPosition }));
      const folded = await again.http.get(`/persons/B0/years/2023?asOf=${contents.headPosition}`).set('x-api-key', again.keys.agency);
      expect(year.body.result).toEqual(folded.body.result);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('restore refuses a store the running service has open, and a backup that does not verify', async () => {
    expect(inUse(ledgerDb())).toBe(true);
    const backup = path.join(h.dir, 'backups', 'second.db');
    await backupLedger(ledgerDb(), backup);
    const headBefore = await h.store.headPosition();
    await expect(restoreLedger(backup, ledgerDb())).rejects.toThrow(/is open in another process \(is the service running\?\)/);
    expect(await h.store.headPosition()).toBe(headBefore);

    // A copy with one event's data changed: its hash chain breaks, and restore uses nothing.
    const tampered = path.join(h.dir, 'backups', 'tampered.db');
    fs.copyFileSync(backup, tampered);
    const store = new SqliteEventStore({ path: tampered });
    store.db
      .prepare(
        "UPDATE events SET data = json_set(data, '$.contributionBase', '9999.00') WHERE position = (SELECT MIN(position) FROM events WHERE type = 'PersonEnrolled')",
      )
      .run();
    await store.close();
    const target = path.join(h.dir, 'restored-tampered.db');
    await expect(restoreLedger(tampered, target)).rejects.toThrow(/does not verify; nothing restored/);
    expect(fs.existsSync(target)).toBe(false);
  }, 120_000);

  it('backup never overwrites an existing file', async () => {
    const existing = path.join(h.dir, 'backups', 'second.db');
    await expect(backupLedger(ledgerDb(), existing)).rejects.toThrow(/already exists/);
  });
});
