/**
 * `npm run restore -- --from FILE [--to LEDGER_DB]` (issue 13 item 4)
 * Verifies the backup (integrity, hash chains) before using it, refuses to replace a store
 * that any process has open (the running service holds it), then copies the backup into
 * place (SQLite backup API into a temporary file, then an atomic rename; the old WAL and
 * shared-memory files are removed). The read models' file beside it (`ledger.read.db`, or
 * --read-db / LEDGER_READ_DB) is deleted: its checkpoints describe the log before the
 * restore. Start the service afterwards: it rebuilds the read models from the restored log.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { parseCommandLine } from '../src/config/command-line';
import { readModelsFileOf } from '../src/config/config';
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

export async function restoreLedger(from: string, to: string, readDb: string = readModelsFileOf(to)): Promise<string> {
  const contents = await inspectLedger(from);
  if (contents.verdict !== 'intact') throw new BackupError(`${from} does not verify; nothing restored\n${describe(contents)}`);
  for (const file of [to, readDb])
    if (inUse(file)) throw new BackupError(`${file} is open in another process (is the service running?); stop it first, nothing restored`);
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
  // Read models of the replaced log would be ahead of (or beside) the restored one: rebuilt on start instead.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${readDb}${suffix}`, { force: true });
  return describe(contents);
}

const USAGE = 'npm run restore -- --from FILE [--to LEDGER_DB] [--read-db FILE]';

async function main(args: string[]): Promise<number> {
  const { values } = parseCommandLine('restore', USAGE, {
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, db: { type: 'string' }, 'read-db': { type: 'string' } },
  });
  const from = values.from;
  if (!from) {
    console.error(`usage: ${USAGE}`);
    return 1;
  }
  const to = values.to ?? ledgerFile(values.db);
  // LEDGER_READ_DB belongs with LEDGER_DB: another target gets the read file beside it.
  const readDb = values['read-db'] ?? (values.to || values.db ? undefined : process.env.LEDGER_READ_DB || undefined);
  console.log(await restoreLedger(from, to, readDb));
  console.log(`restored into ${to}; start the service to rebuild the read models from it`);
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
