import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { damagedFileLines, LedgerFile } from './damaged-files';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'damaged-files-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small SQLite file with one table of a few pages; `damaged` overwrites the table's root page. */
function sqliteFile(name: string, damaged = false): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)');
  const insert = db.prepare('INSERT INTO t (text) VALUES (?)');
  for (let i = 0; i < 50; i++) insert.run('x'.repeat(500));
  const rootpage = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 't'").pluck().get() as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  if (damaged) {
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
    fs.closeSync(fd);
  }
  return file;
}

const files = (log: string, readModels: string): LedgerFile[] => [
  { file: log, holds: 'the log', advice: 'restore it' },
  { file: readModels, holds: 'the read models', advice: 'rebuild them' },
];

it('names only the damaged file, with what quick_check found and its advice', () => {
  const readModels = sqliteFile('read.db', true);
  const lines = damagedFileLines(files(sqliteFile('log.db'), readModels), 'database disk image is malformed');
  // A table's root page damaged: quick_check itself stops on it, and its error is the finding.
  expect(lines).toEqual([`the read models ${readModels} is damaged (PRAGMA quick_check: database disk image is malformed); rebuild them`]);
});

it('names each damaged file when both are', () => {
  const lines = damagedFileLines(files(sqliteFile('log.db', true), sqliteFile('read.db', true)), 'database disk image is malformed');
  expect(lines.map((l) => l.split(' is damaged')[0])).toEqual([
    `the log ${path.join(dir, 'log.db')}`,
    `the read models ${path.join(dir, 'read.db')}`,
  ]);
});

it('a file that is no database is named with SQLite words for it', () => {
  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, 'not a database, but long enough to have a header: '.repeat(40));
  expect(damagedFileLines(files(junk, sqliteFile('read.db')), 'file is not a database')).toEqual([
    `the log ${junk} is damaged (PRAGMA quick_check: file is not a database); restore it`,
  ]);
});

it('when quick_check finds every file whole, says so beside SQLite words', () => {
  const log = sqliteFile('log.db');
  const readModels = sqliteFile('read.db');
  expect(damagedFileLines(files(log, readModels), 'database disk image is malformed')).toEqual([
    `SQLite reported a damaged file (database disk image is malformed) but PRAGMA quick_check finds ${log}, ${readModels} whole; check the disk, then start again`,
  ]);
});

it('a badly damaged file: the first three findings quoted, the rest counted, on one line', () => {
  const file = path.join(dir, 'log.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT); CREATE INDEX t_k ON t (k)');
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  for (let i = 0; i < 2000; i++) insert.run(`k${i}${'x'.repeat(100)}`);
  const leaves = db.prepare("SELECT pageno FROM dbstat WHERE name = 't_k' AND pagetype = 'leaf'").pluck().all() as number[];
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  for (const page of leaves) fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  fs.closeSync(fd);

  const [line, ...others] = damagedFileLines(files(file, sqliteFile('read.db')), 'database disk image is malformed');
  expect(others).toEqual([]);
  // One finding per damaged leaf and the index's entry count: three quoted, the others counted.
  expect(line).toMatch(
    new RegExp(
      `^the log .*log\\.db is damaged \\(PRAGMA quick_check: (Tree \\d+ page \\d+: [^;]+; ){2}Tree \\d+ page \\d+: [^;]+; and ${leaves.length + 1 - 3} more\\); restore it$`,
    ),
  );
});
