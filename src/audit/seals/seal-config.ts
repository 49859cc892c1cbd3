import { ConfigError } from '../../config/config';

/** How often the ledger seals itself and re-verifies new events (issue 11 item 7). */
export interface SealConfig {
  /** LEDGER_SEAL_INTERVAL_MS: a seal every so often (default 5 min; 0 = only on demand). */
  sealIntervalMs: number;
  /** LEDGER_VERIFY_INTERVAL_MS: chain check of new events (default 30 s; 0 = at start only). */
  verifyIntervalMs: number;
  /**
   * LEDGER_VERIFY_THREAD_FROM: a pass at least this many events behind the head reads and
   * hashes them on a thread of its own (an SQLite events file only; default 2,000, about
   * 50 ms of this thread's time; 0 = every pass). Shorter passes stay on this thread:
   * starting a thread costs more than they do.
   */
  verifyOnThreadFrom: number;
  /**
   * LEDGER_VERIFY_AT_START: 'checkpoint' (default; absent here) resumes from the stored
   * verified position after re-checking every stream's last link; 'full' re-verifies the
   * whole log at every start (also finds an older event edited while the service was down).
   */
  verifyAtStart?: 'full';
}

export const SEAL_CONFIG = Symbol('SEAL_CONFIG');

function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number, unit: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 2_147_483_647)
    throw new ConfigError(name, `must be a whole number of ${unit} from 0 to 2147483647`, raw);
  return Number(raw);
}

const milliseconds = (env: Record<string, string | undefined>, name: string, fallback: number): number =>
  wholeNumber(env, name, fallback, 'milliseconds');

export function loadSealConfig(env: Record<string, string | undefined> = process.env): SealConfig {
  return {
    sealIntervalMs: milliseconds(env, 'LEDGER_SEAL_INTERVAL_MS', 300_000),
    verifyIntervalMs: milliseconds(env, 'LEDGER_VERIFY_INTERVAL_MS', 30_000),
    verifyOnThreadFrom: wholeNumber(env, 'LEDGER_VERIFY_THREAD_FROM', 2_000, 'events'),
    ...verifyAtStart(env),
  };
}

function verifyAtStart(env: Record<string, string | undefined>): Pick<SealConfig, 'verifyAtStart'> {
  const raw = env.LEDGER_VERIFY_AT_START;
  if (raw === undefined || raw === '' || raw === 'checkpoint') return {};
  if (raw === 'full') return { verifyAtStart: 'full' };
  throw new ConfigError('LEDGER_VERIFY_AT_START', "must be 'checkpoint' or 'full'", raw);
}
