/**
 * `npm run restore -- --from FILE [--to LEDGER_DB]` (issue 13 item 4)
 * Verifies the backup (integrity, hash chains) before using it, refuses to replace a store
 * that any process has open (the running service holds it), then copies the backup into
 * place (SQLite backup API into a temporary file, then an atomic rename; the old WAL and
 * shared-memory files are removed). Start the service afterwards: its read models resume
 * from the checkpoints copied with the backup.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { parseCommandLine } from '../src/config/command-line';
import { BackupError, describe, inspectLedger, ledgerFile } from './backup';

/**
 * Whether another connection has the file open. In WAL mode every open connection holds a
 * shared lock on the shared-memory file for its whole life, so an exclusive lock fails
 * (SQLITE_BUSY) while the service (or anything else) has the store open, even when idle.
 */
export function inUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') return true;
    throw e;
  } finally {
    db.close();
  }
}

export async function restoreLedger(from: string, to: string): Promise<string> {
  const contents = await inspectLedger(from);
  if (contents.verdict !== 'intact') throw new BackupError(`${from} does not verify; nothing restored\n${describe(contents)}`);
  if (inUse(to)) throw new BackupError(`${to} is open in another process (is the service running?); stop it first, nothing restored`);
  const tmp = `${to}.restoring`;
  fs.rmSync(tmp, { force: true });
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(tmp);
  } finally {
    source.close();
  }
  // The old WAL belongs to the old file: left behind, SQLite would replay it over the restored one.
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${to}${suffix}`, { force: true });
  fs.renameSync(tmp, to);
  return describe(contents);
}

const USAGE = 'npm run restore -- --from FILE [--to LEDGER_DB]';

async function main(args: string[]): Promise<number> {
  const { values } = parseCommandLine('restore', USAGE, {
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, db: { type: 'string' } },
  });
  const from = values.from;
  if (!from) {
    console.error(`usage: ${USAGE}`);
    return 1;
  }
  const to = values.to ?? ledgerFile(values.db);
  console.log(await restoreLedger(from, to));
  console.log(`restored into ${to}; start the service to catch the read models up`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`restore: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
