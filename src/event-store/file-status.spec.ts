import { combinedFileStatus, FileStatusTracker } from './file-status';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

it('stays ok on errors that say nothing of the file; damaged from the first damaged-file error on, counting them', () => {
  const file = new FileStatusTracker('restore it');
  file.saw(sqliteError('SQLITE_BUSY', 'database is locked'));
  file.saw(sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed'));
  file.saw(new Error('no code'));
  expect(file.status()).toEqual({ state: 'ok' });

  file.saw(sqliteError('SQLITE_CORRUPT', 'database disk image is malformed'), new Date('2026-12-04T01:00:00Z'));
  file.saw(sqliteError('SQLITE_CORRUPT_INDEX', 'database disk image is malformed (index)'), new Date('2026-12-04T02:00:00Z'));
  file.saw(sqliteError('SQLITE_BUSY', 'database is locked'), new Date('2026-12-04T03:00:00Z'));
  expect(file.status()).toEqual({
    state: 'damaged',
    since: '2026-12-04T01:00:00.000Z',
    lastError: 'database disk image is malformed (index)',
    errors: 2,
    advice: 'restore it',
  });
});

it("keeps SQLite's words of an error from another realm (not instanceof Error here), without its name", () => {
  const file = new FileStatusTracker('restore it');
  // better-sqlite3 builds its errors with the Error of the realm that loaded it first (under jest, another test file's).
  const foreign = {
    name: 'SqliteError',
    code: 'SQLITE_CORRUPT',
    message: 'database disk image is malformed',
    toString: () => 'SqliteError: database disk image is malformed',
  };
  expect(foreign instanceof Error).toBe(false);
  file.saw(foreign);
  expect(file.status()).toMatchObject({ state: 'damaged', lastError: 'database disk image is malformed' });
});

describe('combinedFileStatus: the log as the store and the read-side worker found it', () => {
  const damaged = (since: string, lastError: string, errors: number) => ({
    state: 'damaged' as const,
    since,
    lastError,
    errors,
    advice: 'restore it',
  });

  it('ok when every connection found it ok; nothing known when none reports', () => {
    expect(combinedFileStatus([{ state: 'ok' }, undefined])).toEqual({ state: 'ok' });
    expect(combinedFileStatus([undefined, undefined])).toBeUndefined();
  });

  it('damaged when only the worker found it damaged (its catch-up read a page no command touched)', () => {
    const worker = damaged('2026-12-04T02:00:00.000Z', 'database disk image is malformed', 1);
    expect(combinedFileStatus([{ state: 'ok' }, worker])).toEqual(worker);
  });

  it("both damaged: the earliest since, the errors added up, the store's error and advice", () => {
    expect(
      combinedFileStatus([
        damaged('2026-12-04T03:00:00.000Z', 'database disk image is malformed (store)', 2),
        damaged('2026-12-04T01:00:00.000Z', 'database disk image is malformed (worker)', 5),
      ]),
    ).toEqual(damaged('2026-12-04T01:00:00.000Z', 'database disk image is malformed (store)', 7));
  });
});
