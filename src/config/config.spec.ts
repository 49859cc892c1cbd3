import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ConfigError, loadConfig, PERSON_CACHE_DEFAULT } from './config';

describe('configuration from the environment, validated at start', () => {
  it('defaults: port 3000, ./data/ledger.db, embedded store, synchronous FULL, fastify', () => {
    const c = loadConfig({});
    expect(c).toEqual(
      expect.objectContaining({
        port: 3000,
        ledgerDb: './data/ledger.db',
        eventstoreConnectionString: undefined,
        sqliteSynchronous: 'FULL',
        httpAdapter: 'fastify',
      }),
    );
    expect(c.apiKeysFile).toBe(path.resolve('./data/api-keys.json'));
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '70000'],
    ['EVENTSTORE_CONNECTION_STRING', 'http://localhost:2113'],
    ['LEDGER_SQLITE_SYNCHRONOUS', 'OFF'],
    ['LEDGER_HTTP_ADAPTER', 'koa'],
    ['LEDGER_DB', 'data/'],
    ['LEDGER_PERSON_CACHE_SIZE', '0'],
    ['LEDGER_PERSON_CACHE_SIZE', '1.5'],
    ['LEDGER_PERSON_CACHE_SIZE', 'many'],
    ['LEDGER_PERSON_CACHE_SIZE', '20000000'],
  ])('%s=%s is refused with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^configuration ${name}=`));
  });

  it('accepts an esdb:// connection string and NORMAL', () => {
    const c = loadConfig({
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL',
      PORT: '8080',
    });
    expect(c).toEqual(
      expect.objectContaining({ port: 8080, eventstoreConnectionString: 'esdb://localhost:2113?tls=false', sqliteSynchronous: 'NORMAL' }),
    );
  });

  it('LEDGER_PERSON_CACHE_SIZE: a positive integer, default PERSON_CACHE_DEFAULT', () => {
    expect(loadConfig({}).personCacheSize).toBe(PERSON_CACHE_DEFAULT);
    expect(loadConfig({ LEDGER_PERSON_CACHE_SIZE: '120000' }).personCacheSize).toBe(120_000);
  });

  it('LEDGER_READ_SIDE: worker by default on a file, inline on :memory: and EventStoreDB; worker refused where no file is shared', () => {
    expect(loadConfig({}).readSide).toBe('worker');
    expect(loadConfig({ LEDGER_READ_SIDE: 'inline' }).readSide).toBe('inline');
    expect(loadConfig({ LEDGER_DB: ':memory:' }).readSide).toBe('inline');
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).readSide).toBe('inline');
    expect(() => loadConfig({ LEDGER_READ_SIDE: 'thread' })).toThrow(
      /^configuration LEDGER_READ_SIDE="thread": must be one of worker, inline$/,
    );
    expect(() => loadConfig({ LEDGER_DB: ':memory:', LEDGER_READ_SIDE: 'worker' })).toThrow(
      /^configuration LEDGER_READ_SIDE="worker": worker needs the embedded store on a file/,
    );
  });

  it('LEDGER_SQLITE_WRITER: a writer thread by default on a file, inline on :memory: and EventStoreDB; thread refused where there is no file', () => {
    expect(loadConfig({}).sqliteWriter).toBe('thread');
    expect(loadConfig({ LEDGER_SQLITE_WRITER: 'inline' }).sqliteWriter).toBe('inline');
    expect(loadConfig({ LEDGER_DB: ':memory:' }).sqliteWriter).toBe('inline');
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).sqliteWriter).toBe('inline');
    expect(() => loadConfig({ LEDGER_SQLITE_WRITER: 'worker' })).toThrow(
      /^configuration LEDGER_SQLITE_WRITER="worker": must be one of thread, inline$/,
    );
    expect(() => loadConfig({ LEDGER_DB: ':memory:', LEDGER_SQLITE_WRITER: 'thread' })).toThrow(
      /^configuration LEDGER_SQLITE_WRITER="thread": thread needs the embedded store on a file/,
    );
  });

  it("LEDGER_READ_DB: the read models' file, beside LEDGER_DB by default; never the events file itself", () => {
    expect(loadConfig({}).readModelsDb).toBe('./data/ledger.read.db');
    expect(loadConfig({ LEDGER_DB: '/srv/ledger/main.sqlite' }).readModelsDb).toBe('/srv/ledger/main.sqlite.read.db');
    expect(loadConfig({ LEDGER_READ_DB: '/fast/read.db' }).readModelsDb).toBe('/fast/read.db');
    expect(loadConfig({ LEDGER_DB: ':memory:' }).readModelsDb).toBe(':memory:');
    // With EventStoreDB the LEDGER_DB file holds only read models, as before.
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).readModelsDb).toBe('./data/ledger.db');
    expect(() => loadConfig({ LEDGER_READ_DB: 'data/ledger.db' })).toThrow(
      /^configuration LEDGER_READ_DB="data\/ledger\.db": must be another file than LEDGER_DB$/,
    );
  });

  it('the process stops with exit 1 and names the bad variable', () => {
    const main = path.resolve(__dirname, '../main.ts');
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', main], {
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot start: configuration PORT="not-a-port": must be an integer from 1 to 65535');
  });
});
