import * as path from 'node:path';

/**
 * Configuration comes from the environment and is validated once at start: a bad value
 * stops the process with a message naming the variable and the rule.
 */
export interface LedgerConfig {
  port: number;
  /** SQLite file of the embedded store (with EventStoreDB: the read models' file unless LEDGER_READ_DB is set). */
  ledgerDb: string;
  /** SQLite file of the read models (LEDGER_READ_DB; default beside LEDGER_DB: `ledger.db` -> `ledger.read.db`). */
  readModelsDb: string;
  /**
   * Where the live read side runs: 'worker' (a worker thread, off the HTTP event loop; the
   * default for a file-backed embedded store) or 'inline' (on the main thread; the default,
   * and the only choice, with ':memory:' or EventStoreDB).
   */
  readSide: 'worker' | 'inline';
  /** When set, EventStoreDB is the event store. */
  eventstoreConnectionString?: string;
  /** FULL (default): an acknowledged append survives power loss. NORMAL: faster, may lose the last commits on a machine crash. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /**
   * Where the embedded store commits: 'thread' (a writer thread with its own connection: the
   * COMMIT's fsync off the HTTP event loop; the default on a file) or 'inline' (on the main
   * thread; what ':memory:' and EventStoreDB's read-model file use).
   */
  sqliteWriter: 'thread' | 'inline';
  /** JSON file of API-key hashes; default beside the database. */
  apiKeysFile: string;
  /** Deployment parameters for the policy packs (values the documents do not give). */
  policyParamsFile: string;
  httpAdapter: 'express' | 'fastify';
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Person streams kept parsed and folded in memory (LRU); see PERSON_CACHE_DEFAULT. */
  personCacheSize: number;
  /** Ceilings on request amounts, with a reason each (config/input-limits.json). */
  inputLimitsFile: string;
  /** GET /metrics without a key (default true; see README "Metrics"). */
  metricsPublic: boolean;
  /** LEDGER_VALIDATION_CROSS_CHECK=on: every accepted input validated both ways, a disagreement fails the request (src/http/validation-success-path.ts). */
  validationCrossCheck: boolean;
}

/**
 * Default size of the person-state cache: the persons settling in the same weeks, so that a
 * settlement reads only its stream's tail. Measured (issue 10; `npm run bench:person-cache-heap
 * -- --persons 1000`: heap after a full GC per person settled through the API, the read
 * side's in-memory part included): ~10.5 KB with enrollment + 1 settled visit and ~17 KB with
 * 4 as settlements leave the entry (each `VisitSettled` kept without its decision trace,
 * ~1.5 KB parsed instead of ~4.2 KB); ~14 / ~29 KB for an entry a query read whole. 50,000
 * persons is thus ~0.5 GB at 1 visit each and ~0.85 GB at 4, inside Node's default ~4 GB
 * heap; deployments with long histories per person or a smaller heap set
 * LEDGER_PERSON_CACHE_SIZE lower.
 */
export const PERSON_CACHE_DEFAULT = 50_000;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    rule: string,
    value: string | undefined,
  ) {
    super(`configuration ${variable}=${JSON.stringify(value)}: ${rule}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function positiveInteger(env: Env, name: string, max: number, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new ConfigError(name, `must be an integer from 1 to ${max}`, v);
  return Number(v);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}`, v);
  return v as T;
}

/** The read models' file beside an events file: `ledger.db` -> `ledger.read.db` (':memory:' stays in memory). */
export function readModelsFileOf(ledgerDb: string): string {
  if (ledgerDb === ':memory:') return ledgerDb;
  return ledgerDb.endsWith('.db') ? `${ledgerDb.slice(0, -'.db'.length)}.read.db` : `${ledgerDb}.read.db`;
}

/** LEDGER_READ_SIDE: a worker thread needs a file both threads can open (not ':memory:', not EventStoreDB). */
function readSideOf(env: Env, ledgerDb: string, esdb: string | undefined): 'worker' | 'inline' {
  const fileBacked = ledgerDb !== ':memory:' && !esdb;
  const mode = oneOf(env, 'LEDGER_READ_SIDE', ['worker', 'inline'] as const, fileBacked ? 'worker' : 'inline');
  if (mode === 'worker' && !fileBacked)
    throw new ConfigError('LEDGER_READ_SIDE', "worker needs the embedded store on a file (not ':memory:', not EventStoreDB)", 'worker');
  return mode;
}

/** LEDGER_SQLITE_WRITER: a writer thread opens the store's file on a connection of its own (no file with ':memory:', no SQLite store with EventStoreDB). */
function sqliteWriterOf(env: Env, ledgerDb: string, esdb: string | undefined): 'thread' | 'inline' {
  const fileBacked = ledgerDb !== ':memory:' && !esdb;
  const writer = oneOf(env, 'LEDGER_SQLITE_WRITER', ['thread', 'inline'] as const, fileBacked ? 'thread' : 'inline');
  if (writer === 'thread' && !fileBacked)
    throw new ConfigError('LEDGER_SQLITE_WRITER', "thread needs the embedded store on a file (not ':memory:', not EventStoreDB)", 'thread');
  return writer;
}

export function loadConfig(env: Env = process.env): LedgerConfig {
  const rawPort = env.PORT;
  let port = 3000;
  if (rawPort !== undefined && rawPort !== '') {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      throw new ConfigError('PORT', 'must be an integer from 1 to 65535', rawPort);
    }
    port = Number(rawPort);
  }
  const ledgerDb = env.LEDGER_DB && env.LEDGER_DB !== '' ? env.LEDGER_DB : './data/ledger.db';
  if (ledgerDb !== ':memory:' && ledgerDb.endsWith('/'))
    throw new ConfigError('LEDGER_DB', 'must be a file path, not a directory', ledgerDb);
  const esdb = env.EVENTSTORE_CONNECTION_STRING;
  if (esdb !== undefined && esdb !== '' && !/^(esdb|esdb\+discover|kurrentdb):\/\/\S+$/.test(esdb)) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must be an esdb:// or esdb+discover:// connection string', esdb);
  }
  const readSide = readSideOf(env, ledgerDb, esdb);
  const readModelsDb = env.LEDGER_READ_DB && env.LEDGER_READ_DB !== '' ? env.LEDGER_READ_DB : esdb ? ledgerDb : readModelsFileOf(ledgerDb);
  // Read models in the events file would make the read side's batches hold the appends' write lock.
  if (!esdb && ledgerDb !== ':memory:' && path.resolve(readModelsDb) === path.resolve(ledgerDb))
    throw new ConfigError('LEDGER_READ_DB', 'must be another file than LEDGER_DB', readModelsDb);
  const dbDir = ledgerDb === ':memory:' ? path.resolve('./data') : path.dirname(path.resolve(ledgerDb));
  return {
    port,
    ledgerDb,
    readModelsDb,
    readSide,
    eventstoreConnectionString: esdb === '' ? undefined : esdb,
    sqliteSynchronous: oneOf(env, 'LEDGER_SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
    sqliteWriter: sqliteWriterOf(env, ledgerDb, esdb),
    apiKeysFile: env.LEDGER_API_KEYS_FILE && env.LEDGER_API_KEYS_FILE !== '' ? env.LEDGER_API_KEYS_FILE : path.join(dbDir, 'api-keys.json'),
    policyParamsFile:
      env.LEDGER_POLICY_PARAMS && env.LEDGER_POLICY_PARAMS !== ''
        ? env.LEDGER_POLICY_PARAMS
        : path.resolve(__dirname, '../../config/deployment-policy.json'),
    // Fastify by measurement (npm run bench:http): 1.45–1.6× Express's requests/s on our endpoints.
    httpAdapter: oneOf(env, 'LEDGER_HTTP_ADAPTER', ['express', 'fastify'] as const, 'fastify'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log'),
    personCacheSize: positiveInteger(env, 'LEDGER_PERSON_CACHE_SIZE', 10_000_000, PERSON_CACHE_DEFAULT),
    metricsPublic: oneOf(env, 'LEDGER_METRICS_PUBLIC', ['true', 'false'] as const, 'true') === 'true',
    validationCrossCheck: oneOf(env, 'LEDGER_VALIDATION_CROSS_CHECK', ['on', 'off'] as const, 'off') === 'on',
    inputLimitsFile:
      env.LEDGER_INPUT_LIMITS && env.LEDGER_INPUT_LIMITS !== ''
        ? env.LEDGER_INPUT_LIMITS
        : path.resolve(__dirname, '../../config/input-limits.json'),
  };
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
