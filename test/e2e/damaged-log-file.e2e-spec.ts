/**
 * A log whose pages are damaged where the service reads at start (the index of streams, read
 * for the policy archive's stream): SQLite answers "database disk image is malformed" and
 * names no file. `npm start` stops in one line naming the damaged file, what quick_check
 * found, and what to do (restore from a backup: nothing rebuilds the log), without a stack
 * trace and without writing to the file. Before, Nest printed the bare SQLite error with its
 * stack and exited.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOG_FILE_ADVICE } from '../../src/event-store/errors';
import { nanyangEmployee } from '../support/fixtures';
import { registerInstitutions, startLedger } from '../support/ledger-app';

const ROOT = path.resolve(__dirname, '../..');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'damaged-log-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Overwrites the root page of the index `name` with bytes SQLite cannot read as a b-tree page (the file closed, its WAL folded in). */
function damageIndex(file: string, name: string): void {
  const db = new Database(file);
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

it('npm start on a log with a damaged page: one line naming the file, the finding and the advice; the file left as it was', async () => {
  const h = await startLedger({ dir });
  try {
    await registerInstitutions(h);
    expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('PA'))).status).toBe(201);
  } finally {
    await h.close();
  }
  const log = path.join(dir, 'ledger.db');
  // The unique index on (stream_id, revision): every read of a stream goes through it.
  const db = new Database(log, { readonly: true });
  const streamIndex = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NULL ORDER BY name LIMIT 1")
    .pluck()
    .get() as string;
  db.close();
  damageIndex(log, streamIndex);
  const before = sha256(log);

  const run = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(ROOT, 'src/main.ts')], {
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      PORT: '39872',
      LOG_LEVEL: 'log',
      LEDGER_DB: log,
      LEDGER_API_KEYS_FILE: path.join(dir, 'keys.json'),
    },
    cwd: dir,
    encoding: 'utf8',
    timeout: 90_000,
  });

  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines).toEqual([
    expect.stringMatching(
      new RegExp(`^cannot start: the ledger's log ${escape(log)} is damaged \\(PRAGMA quick_check: .*${streamIndex}.*\\); `),
    ),
  ]);
  expect(lines[0].endsWith(LOG_FILE_ADVICE)).toBe(true);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(sha256(log)).toBe(before);
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
