import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { Principal, Role } from '../http/roles';
import { parseJsonStrict } from '../kernel/json-duplicate-keys';

/**
 * API keys live in a JSON file of hashes (never the keys). A key is
 * `lk_<keyId>_<secret>`; only sha256(key) is stored, with its role and, for the
 * `institution` role, the institution code it may settle for.
 */
export interface StoredKey {
  keyId: string;
  role: Role;
  institutionCode?: string;
  sha256: string;
  createdAt: string;
  /** ISO instant after which the key is refused (401). */
  expiresAt?: string;
  /** ISO instant the key was revoked; a revoked key is refused (401). */
  revokedAt?: string;
}

/** Why a presented key is refused, for the 401 message (never the key itself). */
export type KeyCheck = { principal: Principal } | { refused: string };

const ROLES = ['agency', 'institution', 'auditor'] as const satisfies readonly Role[];

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): { key: string; keyId: string } {
  const keyId = randomBytes(4).toString('hex');
  return { key: `lk_${keyId}_${randomBytes(24).toString('base64url')}`, keyId };
}

const ISO_INSTANT = z
  .string({ error: 'must be an ISO date-time' })
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date-time')
  .optional();

/** One entry of the key file; unknown fields are dropped, institution keys must name their institution. */
const STORED_KEY = z
  .object(
    {
      keyId: z
        .string({ error: 'must be 4-32 lowercase letters or digits' })
        .regex(/^[0-9a-z]{4,32}$/, 'must be 4-32 lowercase letters or digits'),
      role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
      institutionCode: z.string({ error: 'must be a string' }).optional(),
      sha256: z.string({ error: 'must be 64 hex digits' }).regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
      createdAt: z.unknown().transform((v) => String(v ?? '')),
      expiresAt: ISO_INSTANT,
      revokedAt: ISO_INSTANT,
    },
    { error: 'not an object' },
  )
  .refine((k) => k.role !== 'institution' || k.institutionCode !== undefined, {
    path: ['institutionCode'],
    error: 'required for role institution',
  });

const KEY_FILE = z.array(STORED_KEY, { error: 'expected a JSON array of keys' });

/** `[0].role` for the path [0, 'role']. */
const fieldOf = (path: readonly PropertyKey[]): string => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');

export function readKeyFile(file: string): StoredKey[] {
  if (!fs.existsSync(file)) return [];
  const parsed = KEY_FILE.safeParse(parseKeyFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}${fieldOf(issue.path)}: ${issue.message}`);
  }
  return parsed.data.map(({ expiresAt, revokedAt, ...k }) => ({
    ...k,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(revokedAt !== undefined ? { revokedAt } : {}),
  }));
}

/** The file as JSON, each key once per object (a hand edit giving `revokedAt` twice keeps neither silently). */
function parseKeyFile(file: string): unknown {
  try {
    return parseJsonStrict(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

export function appendKey(file: string, entry: StoredKey): void {
  writeKeyFile(file, [...readKeyFile(file), entry]);
}

/** Replaces the key file atomically (temp file + rename), so a reader never sees half of it. */
export function writeKeyFile(file: string, keys: StoredKey[]): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(keys, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Creates a key, stores its hash, and returns the key (shown once, never stored). */
export function issueKey(file: string, role: Role, now: Date, institutionCode?: string, expiresAt?: Date): { key: string; keyId: string } {
  const { key, keyId } = generateKey();
  appendKey(file, {
    keyId,
    role,
    institutionCode,
    sha256: hashKey(key),
    createdAt: now.toISOString(),
    ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
  });
  return { key, keyId };
}

/** Marks a key revoked (kept in the file, so `keys list` still shows who it was). */
export function revokeKey(file: string, keyId: string, now: Date): StoredKey {
  const keys = readKeyFile(file);
  const found = keys.find((k) => k.keyId === keyId);
  if (!found) throw new Error(`no key with id ${keyId} in ${file}`);
  found.revokedAt ??= now.toISOString();
  writeKeyFile(file, keys);
  return found;
}

/** `--expires 2027-01-01` (a date or ISO instant) or `--ttl 30d|12h|90m`, relative to now. */
export function parseExpiry(now: Date, expires?: string, ttl?: string): Date | undefined {
  if (expires !== undefined && ttl !== undefined) throw new Error('give --expires or --ttl, not both');
  if (expires !== undefined) {
    const at = Date.parse(expires);
    if (!/^\d{4}-\d{2}-\d{2}/.test(expires) || Number.isNaN(at))
      throw new Error(`--expires must be a date like 2027-01-01 or an ISO date-time, got "${expires}"`);
    if (at <= now.getTime()) throw new Error(`--expires ${expires} is not in the future`);
    return new Date(at);
  }
  if (ttl !== undefined) {
    const m = /^([1-9]\d{0,5})([dhm])$/.exec(ttl);
    if (!m) throw new Error(`--ttl must be a whole number followed by d, h or m (e.g. 30d), got "${ttl}"`);
    const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() + Number(m[1]) * unitMs);
  }
  return undefined;
}

/** Modification time and size: a rewrite within the same millisecond still changes the size. */
function fileVersion(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? `${st.mtimeMs}:${st.size}` : 'absent';
}

/** How often the running service looks at the key file's modification time. */
export const KEY_FILE_CHECK_MS = 250;

export class ApiKeyRing {
  private byHash: Map<string, StoredKey>;
  private seenVersion = '';
  private checkedAt = 0;

  /**
   * With `file`, keys issued (or removed) while the service runs take effect without a
   * restart: the file is re-read when its modification time or size changes, checked at
   * most every KEY_FILE_CHECK_MS, so a revocation is honoured within a second.
   */
  constructor(
    keys: StoredKey[],
    private readonly file?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.byHash = new Map(keys.map((k) => [k.sha256, k]));
    if (file) this.seenVersion = fileVersion(file);
  }

  static fromFile(file: string): ApiKeyRing {
    return new ApiKeyRing(readKeyFile(file), file);
  }

  get size(): number {
    return this.byHash.size;
  }

  private refresh(): void {
    if (!this.file || this.now() - this.checkedAt < KEY_FILE_CHECK_MS) return;
    this.checkedAt = this.now();
    const version = fileVersion(this.file);
    if (version === this.seenVersion) return;
    try {
      this.byHash = new Map(readKeyFile(this.file).map((k) => [k.sha256, k]));
      this.seenVersion = version;
    } catch {
      // A half-written or broken file keeps the keys we had; the next check tries again.
    }
  }

  /** Looks a presented key up by its hash (constant-time compare of the hashes). */
  authenticate(presented: string): Principal | undefined {
    const checked = this.check(presented);
    return 'principal' in checked ? checked.principal : undefined;
  }

  /** The principal of a valid key, or why the key is refused (unknown, revoked, expired). */
  check(presented: string): KeyCheck {
    this.refresh();
    const h = hashKey(presented);
    const stored = this.byHash.get(h);
    if (!stored || !timingSafeEqual(Buffer.from(stored.sha256, 'hex'), Buffer.from(h, 'hex'))) return { refused: 'unknown API key' };
    if (stored.revokedAt) return { refused: `API key ${stored.keyId} was revoked at ${stored.revokedAt}` };
    if (stored.expiresAt && Date.parse(stored.expiresAt) <= this.now())
      return { refused: `API key ${stored.keyId} expired at ${stored.expiresAt}` };
    return { principal: { role: stored.role, keyId: stored.keyId, institutionCode: stored.institutionCode } };
  }
}

export const API_KEY_RING = Symbol('API_KEY_RING');
