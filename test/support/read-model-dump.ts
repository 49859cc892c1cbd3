import type Database from 'better-sqlite3';

/** Every read-model and monitoring table (`rm_*`, `mon_*`), rows in a stable order: two read sides compare equal only if every row does. */
export function dumpReadSideTables(db: Database.Database): Record<string, unknown[]> {
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'rm_%' OR name LIKE 'mon_%') ORDER BY name")
      .all() as Array<{ name: string }>
  ).map((t) => t.name);
  const byEveryColumn = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as unknown[]).map((_, i) => i + 1).join(', ');
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${byEveryColumn(t)}`).all()]));
}
