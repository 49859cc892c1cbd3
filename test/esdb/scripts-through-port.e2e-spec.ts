import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLedger } from '../../scripts/ledger-client';
import { runAudit } from '../../scripts/audit';
import { rebuild } from '../../scripts/projections-rebuild';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import type { ReadSideRunner } from '../../src/projections/read-side-runner';
import { PROJECTION_RUNNER } from '../../src/projections/tokens';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';
import { writeStory } from '../audit/story';

// Issue 13 item 7: `npm run audit` and `projections:rebuild` go through the event-store
// port, so with EVENTSTORE_CONNECTION_STRING set they read EventStoreDB (here its gRPC double).
describe('audit CLI and projections:rebuild against EventStoreDB', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-esdb-scripts-'));
  const readModels = path.join(dir, 'read-models.db');
  let double: EsdbGrpcTestDouble;
  const saved = process.env.EVENTSTORE_CONNECTION_STRING;

  beforeAll(async () => {
    double = await EsdbGrpcTestDouble.start({ systemEventEvery: 3 });
    const ledger = await startLedger({ path: readModels, store: new EsdbEventStore(double.connectionString) });
    await writeStory(ledger);
    await ledger.app.get<ReadSideRunner>(PROJECTION_RUNNER).caughtUp();
    await ledger.close();
    process.env.EVENTSTORE_CONNECTION_STRING = double.connectionString;
  }, 60_000);
  afterAll(async () => {
    if (saved === undefined) delete process.env.EVENTSTORE_CONNECTION_STRING;
    else process.env.EVENTSTORE_CONNECTION_STRING = saved;
    await double?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('audit replay reads the person from EventStoreDB (no SQLite event file exists)', async () => {
    const lines: string[] = [];
    const code = await runAudit(['replay', '--person', 'NY-A1', '--year', '2023', '--db', path.join(dir, 'no-such.db')], (s) =>
      lines.push(s),
    );
    expect(lines.join('\n')).toContain('0 differences');
    expect(lines.join('\n')).toContain('hash chain intact');
    expect(code).toBe(0);
    const all: string[] = [];
    expect(await runAudit(['replay', '--all', '--year', '2023', '--db', path.join(dir, 'no-such.db')], (s) => all.push(s))).toBe(0);
    expect(all[all.length - 1]).toBe('1 person(s) replayed for 2023: all hold (0 differences, chains intact)');
  });

  it('audit verify checks the chains in EventStoreDB', async () => {
    const lines: string[] = [];
    expect(await runAudit(['verify', '--db', path.join(dir, 'no-such.db')], (s) => lines.push(s))).toBe(0);
    expect(lines[0]).toMatch(/^ledger INTACT: \d+ events read/);
  });

  it('projections:rebuild rebuilds the read-model file from the EventStoreDB log', async () => {
    const db = new Database(readModels);
    db.exec('DELETE FROM rm_person_year');
    db.close();
    const result = await rebuild(readModels);
    expect(result.faults).toEqual([]);
    const reader = new EsdbEventStore(double.connectionString);
    expect(result.head).toBe(await reader.headPosition());
    await reader.close();
    const check = new Database(readModels, { readonly: true });
    try {
      expect(check.prepare("SELECT fund_paid FROM rm_person_year WHERE person_id = 'NY-A1' AND year = 2023").get()).toEqual({
        fund_paid: '472.50',
      });
    } finally {
      check.close();
    }
  });
});
