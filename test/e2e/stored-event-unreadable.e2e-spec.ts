/**
 * A stored event of a person that is no longer JSON (a damaged file, a row edited by hand):
 * a settlement on that person is a 500 naming the row (STORED_EVENT_UNREADABLE, its stream and
 * position), not a bare "internal error", logged once; nothing is written, and other persons
 * settle as before. The auditor's replay and explain of that person name the same row, and
 * /audit/verify (what the message says to run) finds it as a broken link.
 */
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { nanyangEmployee } from '../support/fixtures';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';

let h: LedgerHarness;
const visit = (settlementId: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode: 'NY-L2',
  occurredAt: '2023-06-30T11:40:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', amount: '300.00', inCatalogue: true }],
  account: { source: 'none' },
});
const settle = (personId: string, settlementId: string) =>
  h.http
    .post(`/persons/${personId}/visits`)
    .set('x-api-key', h.keys.institution('NY-L2'))
    .set('Idempotency-Key', `unreadable-${settlementId}`)
    .send(visit(settlementId));

beforeAll(async () => {
  // One person cached at a time: a command on B evicts A, so A's next command reads its stream from the file.
  h = await startLedger({ env: { LEDGER_PERSON_CACHE_SIZE: '1' } });
  await registerInstitutions(h);
  for (const id of ['PA', 'PB'])
    expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee(id))).status).toBe(201);
});
afterAll(() => h.close());

it('a settlement on a person with a damaged stored event is a 500 naming the row; nothing is written, another person still settles', async () => {
  expect((await settle('PA', 'S-A1')).status).toBe(201);
  expect((await settle('PB', 'S-B1')).status).toBe(201); // evicts PA

  // Behind the ledger's back, on a connection of its own: PA's settlement no longer parses.
  const other = new Database(path.join(h.dir, 'ledger.db'));
  let damaged: { position: number; revision: number };
  try {
    damaged = other
      .prepare("SELECT position, revision FROM events WHERE stream_id = 'person-PA' AND type = 'VisitSettled'")
      .get() as typeof damaged;
    other.prepare("UPDATE events SET data = '{not json' WHERE position = ?").run(damaged.position);
  } finally {
    other.close();
  }

  const before = rowsOf(h);
  const reads = jest.spyOn(h.store, 'readStream');
  const logged = jest.spyOn(Logger.prototype, 'error');
  try {
    const refused = await settle('PA', 'S-A2');
    expect(refused.status).toBe(500);
    expect(refused.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'STORED_EVENT_UNREADABLE',
      message: `stored event at position ${damaged.position} (stream person-PA) cannot be read; the fault is the ledger's, not the request's: nothing was written; report it to the ledger's operators`,
      streamId: 'person-PA',
      position: damaged.position,
    });
    // The refusal came from reading PA's stream in the file, not from a cached state.
    expect(reads.mock.calls.some(([streamId]) => streamId === 'person-PA')).toBe(true);
    // The operator's log line has what the caller is not told: the revision, the part and the command to run.
    const lines = logged.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes('StoredEventUnreadable: stored event at position'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`revision ${damaged.revision}) is unreadable: its data is not valid JSON; run \`npm run audit -- verify\``);
  } finally {
    reads.mockRestore();
    logged.mockRestore();
  }
  expect(rowsOf(h)).toBe(before);

  // The auditor's reads of that stream name the same row.
  const unreadable = { code: 'STORED_EVENT_UNREADABLE', streamId: 'person-PA', position: damaged.position };
  const replay = await h.http.post('/audit/replay').set('x-api-key', h.keys.auditor).send({ personId: 'PA', year: 2023 });
  expect([replay.status, replay.body]).toEqual([500, expect.objectContaining(unreadable)]);
  const explain = await h.http.get('/persons/PA/settlements/S-A1/explain').set('x-api-key', h.keys.auditor);
  expect([explain.status, explain.body]).toEqual([500, expect.objectContaining(unreadable)]);
  // What the message says to run finds it: a broken link at that row, not a failed check.
  const verify = await h.http.get('/audit/verify').set('x-api-key', h.keys.auditor);
  expect(verify.status).toBe(200);
  expect(verify.body.chain.broken).toEqual([
    expect.objectContaining({ streamId: 'person-PA', position: damaged.position, reason: 'hash_mismatch' }),
  ]);

  expect((await settle('PB', 'S-B2')).status).toBe(201);
  expect(rowsOf(h)).toBeGreaterThan(before);
});

function rowsOf(harness: LedgerHarness): number {
  const db = new Database(path.join(harness.dir, 'ledger.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
