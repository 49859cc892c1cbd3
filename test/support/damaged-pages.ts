import Database from 'better-sqlite3';
import * as fs from 'node:fs';

/**
 * Overwrites the middle leaf page of a log's events table with bytes SQLite cannot read as a
 * b-tree page (the file closed, its WAL folded in): the events on that page are unreadable,
 * the others are not. Expects a log of more than 4 leaf pages.
 */
export function damageMiddleLeafOfEvents(file: string): void {
  const db = new Database(file);
  const leaves = db
    .prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY path")
    .pluck()
    .all() as number[];
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  expect(leaves.length).toBeGreaterThan(4);
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (leaves[leaves.length >> 1] - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}
