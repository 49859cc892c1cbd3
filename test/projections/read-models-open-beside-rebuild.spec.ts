/**
 * A service opening its read models while `projections:rebuild` holds the file in
 * rollback-journal mode (SqliteReadModelStore.openForRebuild). Switching the file back to WAL
 * needs it alone for a moment; when the rebuild is inside a batch (its RESERVED lock) SQLite
 * answers BUSY at once, without the busy wait, since waiting could deadlock. Before, the
 * opening failed with "database is locked" (seen in CI on a loaded machine in
 * rebuild-journal.e2e-spec); now it waits the batch out.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';

/** A connection on another thread that holds a write transaction open for `holdMs`, as a rebuild's batch does. */
function batchOnAnotherThread(file: string, holdMs: number): { locked: Promise<void>; done: Promise<void> } {
  const worker = new Worker(
    `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
     const { parentPort, workerData } = require('node:worker_threads');
     const db = new Database(workerData.file);
     db.exec('BEGIN IMMEDIATE');
     db.prepare('INSERT INTO t (v) VALUES (?)').run('x'.repeat(1000));
     parentPort.postMessage('locked');
     setTimeout(() => { db.exec('COMMIT'); db.close(); parentPort.postMessage('committed'); }, workerData.holdMs);`,
    { eval: true, workerData: { file, holdMs } },
  );
  const message = (want: string) =>
    new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => m === want && resolve());
      worker.on('error', reject);
    });
  return { locked: message('locked'), done: message('committed').then(() => worker.terminate().then(() => undefined)) };
}

describe("opening the read models beside a rebuild's open batch", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-rm-open-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('waits the batch out and opens in WAL mode, the batch committed', async () => {
    const file = path.join(dir, 'ledger.read.db');
    const setup = new Database(file);
    setup.pragma('journal_mode = TRUNCATE'); // as openForRebuild leaves it while it runs
    setup.exec('CREATE TABLE t (v TEXT)');
    setup.close();
    const batch = batchOnAnotherThread(file, 300);
    await batch.locked;
    const started = Date.now();
    const store = SqliteReadModelStore.open(file);
    try {
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      await batch.done;
      expect(store.db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    } finally {
      store.close();
    }
  });
});
