/**
 * A read models' file whose pages are damaged (a disk, a hand edit): SQLite answers
 * SQLITE_CORRUPT, "database disk image is malformed". A read of the damaged table is a 500
 * STORE_FILE_DAMAGED, not a bare "internal error", and the operator's log line says what to
 * do; settlements still land (they write the log, not the read models); the read side stops
 * (503), saying the file is damaged and that moving it aside rebuilds it; and so it does. A file that does not open at all is
 * refused naming the file and the advice.
 */
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { READ_MODELS_FILE_ADVICE } from '../../src/event-store/errors';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import type { ReadSide } from '../../src/projections/read-side';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { nanyangEmployee } from '../support/fixtures';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'damaged-read-models-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const visit = (settlementId: string, day: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: `2023-06-${day}T09:00:00+08:00`,
  medType: 'ordinary',
  lines: [{ code: 'A01', amount: '300.00', inCatalogue: true }],
  account: { source: 'none' },
});
const settle = (h: LedgerHarness, settlementId: string, day: string) =>
  h.http.post('/persons/PA/visits').set('x-api-key', h.keys.institution('NY-L2')).send(visit(settlementId, day));
const readSide = (h: LedgerHarness) => h.app.get<ReadSide>(PROJECTION_RUNNER);

/** Overwrites the root page of `table` with bytes SQLite cannot read as a b-tree page (the file closed, its WAL folded in). */
function damageTable(file: string, table: string): void {
  const db = new Database(file);
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(table) as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  expect(rootpage).toBeGreaterThan(1); // the schema page stays: the file opens
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}

it('a damaged table is a 500 STORE_FILE_DAMAGED on read and stops the read side naming the file; settlements land; moving the file aside rebuilds it', async () => {
  let h = await startLedger({ dir });
  await registerInstitutions(h);
  expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('PA'))).status).toBe(201);
  expect((await settle(h, 'S-1', '01')).status).toBe(201);
  await readSide(h).caughtUp();
  const before = (await h.http.get('/persons/PA/years/2023').set('x-api-key', h.keys.auditor)).body.result;
  expect(before.settlements.map((x: { settlementId: string }) => x.settlementId)).toEqual(['S-1']);
  await h.close();

  const readModels = path.join(dir, 'ledger.read.db');
  damageTable(readModels, 'rm_person_year');
  h = await startLedger({ dir });
  const logged = jest.spyOn(Logger.prototype, 'error');
  try {
    const read = await h.http.get('/persons/PA/years/2023').set('x-api-key', h.keys.auditor);
    expect([read.status, read.body]).toEqual([
      500,
      {
        statusCode: 500,
        error: 'Internal Server Error',
        code: 'STORE_FILE_DAMAGED',
        message:
          "a database file of the ledger is damaged; the fault is the ledger's, not the request's: nothing was written; report it to the ledger's operators",
      },
    ]);
    const lines = logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('SQLite reports a damaged file'));
    expect(lines).toEqual([expect.stringContaining('database disk image is malformed')]);
    expect(lines[0]).toContain(READ_MODELS_FILE_ADVICE);
  } catch (error) {
    await h.close();
    throw error;
  } finally {
    logged.mockRestore();
  }

  try {
    // The log takes the settlement; the read side stops at the damaged file, saying why and what mends it.
    expect((await settle(h, 'S-2', '02')).status).toBe(201);
    const stopped = `database disk image is malformed: the read models' file is damaged; ${READ_MODELS_FILE_ADVICE}`;
    await expect(readSide(h).caughtUp()).rejects.toThrow(stopped);
    const health = await h.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.projections).toEqual(expect.objectContaining({ running: false, error: stopped }));
  } finally {
    await h.close();
  }

  // What the fault says to do: the read models come back from the log, both settlements in them.
  fs.renameSync(readModels, `${readModels}.damaged`);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${readModels}${suffix}`, { force: true });
  h = await startLedger({ dir });
  try {
    await readSide(h).caughtUp();
    const rebuilt = await h.http.get('/persons/PA/years/2023').set('x-api-key', h.keys.auditor);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.result.settlements.map((x: { settlementId: string }) => x.settlementId)).toEqual(['S-1', 'S-2']);
    expect(rebuilt.body.result.settlements[0]).toEqual(before.settlements[0]);
    expect((await h.http.get('/health')).status).toBe(200);
  } finally {
    await h.close();
  }
});

it('a read models file or a log file that does not open names the file, what it holds and what to do', () => {
  const junk = (name: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.alloc(8192, 0x5a));
    return file;
  };
  const readModels = junk('junk.read.db');
  expect(() => SqliteReadModelStore.open(readModels)).toThrow(
    `the read models' file ${readModels} is damaged (file is not a database); ${READ_MODELS_FILE_ADVICE}`,
  );
  const log = junk('junk.db');
  expect(() => new SqliteEventStore({ path: log })).toThrow(
    new RegExp(`^the ledger's log ${log.replace(/[.]/g, '\\.')} is damaged \\(file is not a database\\); the events are the ledger`),
  );
  // Both files left as they were.
  for (const file of [readModels, log]) expect(fs.readFileSync(file)).toEqual(Buffer.alloc(8192, 0x5a));
});
