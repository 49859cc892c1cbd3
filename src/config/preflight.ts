import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readKeyFile } from '../auth/api-keys';
import { readyMaxLagFrom } from '../health/health.controller';
import { shutdownGraceMs } from '../lifecycle/graceful-shutdown';
import { DEFAULT_THRESHOLDS_FILE, loadMonitoringThresholds } from '../monitoring/thresholds.loader';
import { defaultPacksDir, PolicyCatalog, PolicyLoadError } from '../policy/catalog';
import { ConfigError, LedgerConfig, loadConfig } from './config';
import { loadInputLimits } from './input-limits';
import { READ_MODELS_FILE_ADVICE } from '../event-store/errors';
import { parseJsonStrict } from '../kernel/json-duplicate-keys';

type Env = Record<string, string | undefined>;

/** A configuration fault: one line naming the variable (or file), the field and the rule. */
export type ConfigProblem = string;

/**
 * Everything the service reads at start, validated before anything is written or printed
 * (issue 13 item 6): environment, the database path, key file, policy parameters and packs,
 * input limits, monitoring thresholds. Returns every problem found, one line each.
 */
export function preflight(env: Env = process.env): { config?: LedgerConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const attempt = <T>(check: () => T, variable = ''): T | undefined => {
    try {
      return check();
    } catch (e) {
      problems.push(e instanceof ConfigError ? e.message : `configuration ${variable}: ${(e as Error).message}`.replace('  ', ' '));
      return undefined;
    }
  };
  const config = attempt(() => loadConfig(env));
  attempt(() => shutdownGraceMs(env));
  attempt(() => readyMaxLagFrom(env as NodeJS.ProcessEnv), 'LEDGER_READY_MAX_LAG');
  if (!config) return { problems };
  // With EventStoreDB, the read models live in the LEDGER_DB file (unless LEDGER_READ_DB is set).
  problems.push(...ledgerDbProblems(config.ledgerDb));
  if (config.readModelsDb !== config.ledgerDb)
    problems.push(...ledgerDbProblems(config.readModelsDb, 'LEDGER_READ_DB', READ_MODELS_FILE_ADVICE));
  problems.push(...keyFileProblems(config.apiKeysFile));
  problems.push(...policyProblems(config.policyParamsFile));
  attempt(() => loadInputLimits(config.inputLimitsFile));
  const thresholds = env.MONITORING_THRESHOLDS || undefined;
  attempt(() => loadMonitoringThresholds(thresholds), `MONITORING_THRESHOLDS=${JSON.stringify(thresholds ?? DEFAULT_THRESHOLDS_FILE)}`);
  return { config: problems.length === 0 ? config : undefined, problems };
}

/** A database path must be a file (or absent) in a directory we can create or write. */
function ledgerDbProblems(ledgerDb: string, variable = 'LEDGER_DB', ifNotSqlite?: string): ConfigProblem[] {
  if (ledgerDb === ':memory:') return [];
  const at = (rule: string) => `configuration ${variable}=${JSON.stringify(ledgerDb)}: ${rule}`;
  const st = fs.statSync(ledgerDb, { throwIfNoEntry: false });
  if (st?.isDirectory()) return [at('is a directory; must be a database file path')];
  if (st && !st.isFile()) return [at('must be a regular file')];
  let dir = path.dirname(path.resolve(ledgerDb));
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  if (!fs.statSync(dir).isDirectory()) return [at(`${dir} is not a directory`)];
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (st) fs.accessSync(ledgerDb, fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    return [at(`${st ? ledgerDb : dir} is not writable`)];
  }
  return st && st.size > 0 ? sqliteProblems(ledgerDb, (rule) => at(ifNotSqlite ? `${rule}; ${ifNotSqlite}` : rule)) : [];
}

/** An existing file must be a SQLite database (read-only look: the header and the schema). */
function sqliteProblems(file: string, at: (rule: string) => string): ConfigProblem[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('schema_version', { simple: true });
    return [];
  } catch (e) {
    return [at(`is not a SQLite database (${(e as Error).message})`)];
  } finally {
    db?.close();
  }
}

function keyFileProblems(file: string): ConfigProblem[] {
  const at = (rule: string) => `configuration LEDGER_API_KEYS_FILE=${JSON.stringify(file)}: ${rule}`;
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (st?.isDirectory()) return [at('is a directory; must be a JSON file')];
  try {
    readKeyFile(file);
    return [];
  } catch (e) {
    return [at((e as Error).message.replace(`${file}`, 'key file'))];
  }
}

/** Relative to the working directory when inside it, else absolute. */
function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** The pack file of each pack id, so that a refused pack names its file. */
function packFiles(dir: string): Map<string, string> {
  const byId = new Map<string, string>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      const id = (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { id?: unknown }).id;
      if (typeof id === 'string') byId.set(id, shortPath(path.join(dir, f)));
    } catch {
      // An unreadable pack is reported by the catalogue itself, naming the file.
    }
  }
  return byId;
}

/** Deployment parameters and every pack they resolve: one line per violation, with file, field and clause. */
export function policyProblems(file: string, packsDir: string = defaultPacksDir()): ConfigProblem[] {
  const at = (rule: string) => `configuration LEDGER_POLICY_PARAMS=${JSON.stringify(file)}: ${rule}`;
  let params: unknown;
  try {
    params = parseJsonStrict(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return [at('file not found')];
    if (err.code === 'EISDIR') return [at('is a directory; must be a JSON file')];
    return [at(`not valid JSON (${err.message})`)];
  }
  try {
    PolicyCatalog.load(params, { packsDir });
    return [];
  } catch (e) {
    if (!(e instanceof PolicyLoadError)) return [at(`policy packs cannot be loaded: ${(e as Error).message}`)];
    const packFile = packFiles(packsDir).get(e.packId) ?? e.packId;
    return e.violations.map((v) => at(`pack ${e.packId} (${packFile}): ${v}`));
  }
}
