/**
 * `npm run backup -- --to FILE [--db LEDGER_DB]` (issue 13 item 4)
 * Takes a consistent copy of the embedded store while the service serves, with SQLite's
 * online backup API, then verifies the copy (integrity check, every stream's hash chain,
 * event count, head position) and prints what it holds. Exit 0 when the copy verifies,
 * 2 when it does not, 1 on a usage or file error. The copy holds every commit acknowledged
 * before the backup started (and possibly some after). Read models live in a file of their
 * own (`ledger.read.db`) and are not backed up: they are rebuilt from the log after a restore.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyLedger } from '../src/audit/seals/ledger-verification';
import { parseCommandLine } from '../src/config/command-line';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';

export interface LedgerContents {
  file: string;
  integrity: string;
  verdict: 'intact' | 'broken';
  events: number;
  headPosition: number;
  streams: number;
  persons: number;
  institutions: number;
  seals: number;
  /** Read-model checkpoints found in the events file itself (a ledger from before read models had their own file). */
  projections: Record<string, number>;
  brokenChains: string[];
}

export class BackupError extends Error {}

const count = (db: Database.Database, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Verifies a ledger file without changing it beyond what opening the store does, and says what it holds. */
export async function inspectLedger(file: string): Promise<LedgerContents> {
  if (!fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let facts: Omit<LedgerContents, 'verdict' | 'events' | 'headPosition' | 'brokenChains'>;
  try {
    const integrity = (db.pragma('quick_check', { simple: true }) as string) ?? 'unknown';
    if (!hasTable(db, 'events')) throw new BackupError(`${file}: not a ledger (no events table)`);
    facts = {
      file,
      integrity,
      streams: count(db, 'SELECT COUNT(DISTINCT stream_id) AS n FROM events'),
      persons: count(db, "SELECT COUNT(DISTINCT stream_id) AS n FROM events WHERE stream_id LIKE 'person-%'"),
      institutions: count(db, "SELECT COUNT(DISTINCT stream_id) AS n FROM events WHERE stream_id LIKE 'institution-%'"),
      seals: count(db, "SELECT COUNT(*) AS n FROM events WHERE stream_id LIKE '%seal%'"),
      projections: hasTable(db, 'rm_checkpoint')
        ? Object.fromEntries(
            (db.prepare('SELECT name, position FROM rm_checkpoint ORDER BY name').all() as Array<{ name: string; position: number }>).map(
              (r) => [r.name, r.position],
            ),
          )
        : {},
    };
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${file}: not a readable SQLite ledger (${(e as Error).message})`);
  } finally {
    db.close();
  }
  const store = new SqliteEventStore({ path: file });
  try {
    const report = await verifyLedger(store);
    const brokenChains = report.chain.broken.map((b) => `${b.streamId}@${b.revision}: ${b.reason}`);
    return {
      ...facts,
      verdict: facts.integrity === 'ok' ? report.verdict : 'broken',
      events: report.eventsRead,
      headPosition: report.headPosition,
      brokenChains,
    };
  } finally {
    await store.close();
  }
}

/**
 * Copies `from` into `to` with SQLite's online backup: each step copies every remaining
 * page, so the copy is one read snapshot; a commit by another connection between steps
 * restarts the copy (SQLite does this), so it never mixes two states.
 */
export async function backupLedger(from: string, to: string): Promise<void> {
  if (!fs.existsSync(from)) throw new BackupError(`${from}: no such ledger file`);
  if (fs.existsSync(to)) throw new BackupError(`${to} already exists; choose a new file (a backup never overwrites)`);
  fs.mkdirSync(path.dirname(path.resolve(to)), { recursive: true });
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(to, { progress: ({ remainingPages }) => Math.max(remainingPages, 100) });
  } catch (e) {
    fs.rmSync(to, { force: true });
    throw new BackupError(`backup of ${from} failed: ${(e as Error).message}`);
  } finally {
    source.close();
  }
}

export function describe(c: LedgerContents): string {
  const lines = [
    `${c.file}: ${c.verdict.toUpperCase()} (SQLite integrity ${c.integrity})`,
    `  ${c.events} events through position ${c.headPosition} in ${c.streams} streams (${c.persons} persons, ${c.institutions} institutions, ${c.seals} seal events)`,
    Object.keys(c.projections).length
      ? `  read models in the events file at: ${Object.entries(c.projections)
          .map(([n, p]) => `${n} ${p}`)
          .join(', ')} (left there; the service keeps them in their own file, rebuilt from the log)`
      : '  read models: not in the backup (their own file; rebuilt from the log on start)',
  ];
  for (const b of c.brokenChains) lines.push(`  hash chain BROKEN: ${b}`);
  return lines.join('\n');
}

/** The ledger file: --db, else LEDGER_DB, else ./data/ledger.db (as the service). */
export function ledgerFile(db: string | undefined): string {
  return db ?? (process.env.LEDGER_DB || './data/ledger.db');
}

const USAGE = 'npm run backup -- --to FILE [--db LEDGER_DB]';

async function main(args: string[]): Promise<number> {
  const { values } = parseCommandLine('backup', USAGE, { args, options: { to: { type: 'string' }, db: { type: 'string' } } });
  const to = values.to;
  if (!to) {
    console.error(`usage: ${USAGE}`);
    return 1;
  }
  const from = ledgerFile(values.db);
  const started = Date.now();
  await backupLedger(from, to);
  const contents = await inspectLedger(to);
  console.log(`backup of ${from} written in ${Date.now() - started} ms`);
  console.log(describe(contents));
  return contents.verdict === 'intact' ? 0 : 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`backup: ${e instanceof BackupError ? e.message : (e as Error).message}`);
      process.exit(1);
    },
  );
}
