/**
 * A stored row whose data or metadata text is not JSON (a damaged file, a hand edit) is read
 * as StoredEventUnreadable naming its stream, revision and position, on every read path of
 * the SQLite adapter, instead of a bare SyntaxError that names nothing.
 */
import { isTransient, StoredEventUnreadable } from '../../src/event-store/errors';
import type { NewEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';

let ids = 0;
const settled = (i: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type: 'VisitSettled',
  data: { settlementId: `S-${i}`, decision: { trace: [{ step: 'x' }] } },
  metadata: { schemaVersion: 99, recordedAt: '2023-01-01T00:00:00Z' },
});

let store: SqliteEventStore;
beforeEach(async () => {
  store = new SqliteEventStore({ path: ':memory:' });
  // Positions 1, 2 on person-A (revisions 0, 1); 3 on person-B.
  await store.append('person-A', [settled(0), settled(1)], 'no_stream');
  await store.append('person-B', [settled(2)], 'no_stream');
});
afterEach(() => store.close());

const corrupt = (column: 'data' | 'metadata', position: number) =>
  store.db.prepare(`UPDATE events SET ${column} = '{not json' WHERE position = ?`).run(position);

/** The error `read` fails with (an assertion fails when it does not). */
async function failureOf(read: () => unknown): Promise<unknown> {
  try {
    await read();
  } catch (error) {
    return error;
  }
  throw new Error('the read did not fail');
}

const unreadableAt = (part: 'data' | 'metadata') =>
  expect.objectContaining({ kind: 'unreadable', streamId: 'person-A', revision: 1, position: 2, part });

describe('a row of data that is not JSON', () => {
  beforeEach(() => corrupt('data', 2));

  it.each([
    ['readStream forwards', () => store.readStream('person-A')],
    ['readStream forwards without traces', () => store.readStream('person-A', { withoutDecisionTraces: true })],
    ['readStream backwards', () => store.readStream('person-A', { direction: 'backwards' })],
    ['readAll', () => store.readAll()],
    ['readAll without traces', () => store.readAll({ withoutDecisionTraces: true })],
    ['readAll of types', () => store.readAll({ eventTypes: ['VisitSettled'] })],
  ])('%s throws StoredEventUnreadable naming the row', async (_, read) => {
    const error = await failureOf(read);
    expect(error).toBeInstanceOf(StoredEventUnreadable);
    expect(error).toEqual(unreadableAt('data'));
    const e = error as StoredEventUnreadable;
    expect(e.cause).toBeInstanceOf(SyntaxError);
    expect(e.message).toBe(
      'stored event at position 2 (stream person-A, revision 1) is unreadable: its data is not valid JSON; run `npm run audit -- verify`',
    );
    // Reading it again gives the same text: never retried as a store that is unavailable just now.
    expect(isTransient(e)).toBe(false);
  });

  it('withStoredText reads the rows and keeps parsing lazy; reading the damaged data throws, the others read', async () => {
    const events = await store.readAll({ withStoredText: true });
    expect(events.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(events[0].data).toEqual(expect.objectContaining({ settlementId: 'S-0' }));
    expect(events[2].data).toEqual(expect.objectContaining({ settlementId: 'S-2' }));
    const error = await failureOf(() => events[1].data);
    expect(error).toBeInstanceOf(StoredEventUnreadable);
    expect(error).toEqual(unreadableAt('data'));
    const [, second] = await store.readStream('person-A', { withStoredText: true });
    expect(await failureOf(() => second.data)).toEqual(unreadableAt('data'));
  });

  it('another stream still reads', async () => {
    expect((await store.readStream('person-B')).map((e) => e.position)).toEqual([3]);
    expect((await store.readAll({ afterPosition: 2 })).map((e) => e.position)).toEqual([3]);
  });
});

describe('a row of metadata that is not JSON', () => {
  beforeEach(() => corrupt('metadata', 2));

  it.each([
    ['readStream', () => store.readStream('person-A')],
    ['readStream without traces', () => store.readStream('person-A', { withoutDecisionTraces: true })],
    ['readAll', () => store.readAll()],
    ['readAll without traces', () => store.readAll({ withoutDecisionTraces: true })],
    ['readAll withStoredText', () => store.readAll({ withStoredText: true })],
    ['readStream withStoredText', () => store.readStream('person-A', { withStoredText: true })],
  ])('%s throws StoredEventUnreadable naming the row and its metadata', async (_, read) => {
    const error = await failureOf(read);
    expect(error).toBeInstanceOf(StoredEventUnreadable);
    expect(error).toEqual(unreadableAt('metadata'));
    expect((error as Error).message).toContain('its metadata is not valid JSON');
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
