/**
 * Which of the ledger's SQLite files is damaged. SQLite's "database disk image is malformed"
 * does not name the file; when a start fails on it, the service asks each file itself
 * (`PRAGMA quick_check`, read-only: O(file size), so only on that failure path, never per request).
 */
import Database from 'better-sqlite3';
import { errorMessage } from '../errors';

/** One of the ledger's files, what it holds and what the operator does if it is damaged. */
export interface LedgerFile {
  file: string;
  holds: string;
  advice: string;
}

/** Findings quoted per file: the first few say where; a badly damaged file lists hundreds. */
const FINDINGS_QUOTED = 3;

/** What `PRAGMA quick_check` finds wrong in `file` (opened read-only), or undefined when it finds nothing. */
export function quickCheckProblem(file: string): string | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const findings = (db.pragma('quick_check') as Array<{ quick_check: string }>)
      .flatMap((row) => row.quick_check.split('\n'))
      .map((line) => line.trim())
      // One line per finding, without the "*** in database main ***" heading SQLite puts above them.
      .filter((line) => line !== '' && line !== 'ok' && !line.startsWith('*** in database'));
    if (findings.length === 0) return undefined;
    const more = findings.length > FINDINGS_QUOTED ? `; and ${findings.length - FINDINGS_QUOTED} more` : '';
    return `${findings.slice(0, FINDINGS_QUOTED).join('; ')}${more}`;
  } catch (error) {
    return errorMessage(error);
  } finally {
    db?.close();
  }
}

/**
 * A line per damaged file (the file, what it holds, quick_check's findings, the advice); if
 * quick_check finds every file whole, one line saying so beside SQLite's own words.
 */
export function damagedFileLines(files: readonly LedgerFile[], sqliteMessage: string): string[] {
  const lines = files.flatMap(({ file, holds, advice }) => {
    const problem = quickCheckProblem(file);
    return problem === undefined ? [] : [`${holds} ${file} is damaged (PRAGMA quick_check: ${problem}); ${advice}`];
  });
  if (lines.length > 0) return lines;
  const names = files.map((f) => f.file).join(', ');
  return [
    `SQLite reported a damaged file (${sqliteMessage}) but PRAGMA quick_check finds ${names} whole; check the disk, then start again`,
  ];
}
