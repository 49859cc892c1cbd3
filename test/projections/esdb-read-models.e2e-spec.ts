import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from '../../src/projections/tokens';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import { SqliteReadModelStore } from '../../src/projections/read-model-store';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';
import { writeStory } from '../audit/story';

// With EventStoreDB holding the events (here its gRPC test double), the read models live in
// a SQLite file of their own (LEDGER_DB), fed by the same checkpointed subscription.
describe('read models when EventStoreDB is the event store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-esdb-rm-'));
  const file = path.join(dir, 'read-models.db');
  let double: EsdbGrpcTestDouble;
  let ledger: LedgerClient;

  beforeAll(async () => {
    double = await EsdbGrpcTestDouble.start({ systemEventEvery: 3 });
    ledger = await startLedger({ path: file, store: new EsdbEventStore(double.connectionString) });
    await writeStory(ledger);
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
  }, 60_000);
  afterAll(async () => {
    await ledger?.close();
    await double?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the read models in the LEDGER_DB file, not in the event store', async () => {
    expect(ledger.app.get(READ_MODEL_STORE)).toBeInstanceOf(SqliteReadModelStore);
    const db = new Database(file, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map(
        (t) => t.name,
      );
      expect(tables).toEqual(expect.arrayContaining(['rm_checkpoint', 'rm_person_year', 'rm_account_line', 'rm_institution_month']));
      expect(tables).not.toContain('events');
    } finally {
      db.close();
    }
  });

  it('answers the same year, and the checkpoint reaches the head of the EventStoreDB log', async () => {
    const y = (await ledger.get('/persons/NY-A1/years/2023')).body;
    expect(y.result).toMatchObject({ fundPaid: '472.50', capInForce: '2000.00', capRemaining: '1527.50' });
    const lag = await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).lag();
    expect(lag.lag).toBe(0);
    expect(lag.checkpoint).toBe(await ledger.store.headPosition());
    const replay = await ledger.post('/audit/replay', { personId: 'NY-A1', year: 2023 });
    expect(replay.body).toMatchObject({ verdict: '0 differences', chain: { intact: true } });
  });
});
