import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Principal, Role } from '../http/roles';

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
}

const ROLES: Role[] = ['agency', 'institution', 'auditor'];

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): { key: string; keyId: string } {
  const keyId = randomBytes(4).toString('hex');
  return { key: `lk_${keyId}_${randomBytes(24).toString('base64url')}`, keyId };
}

export function readKeyFile(file: string): StoredKey[] {
  if (!fs.existsSync(file)) return [];
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of keys`);
  return parsed.map((k, i) => {
    if (!k || typeof k !== 'object') throw new Error(`${file}[${i}]: not an object`);
    const { keyId, role, institutionCode, sha256, createdAt } = k as Record<string, unknown>;
    if (typeof keyId !== 'string' || !/^[0-9a-z]{4,32}$/.test(keyId)) throw new Error(`${file}[${i}].keyId: must be 4-32 lowercase letters or digits`);
    if (!ROLES.includes(role as Role)) throw new Error(`${file}[${i}].role: must be one of ${ROLES.join(', ')}`);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`${file}[${i}].sha256: must be 64 hex digits`);
    if (role === 'institution' && typeof institutionCode !== 'string') throw new Error(`${file}[${i}].institutionCode: required for role institution`);
    return { keyId, role: role as Role, institutionCode: institutionCode as string | undefined, sha256, createdAt: String(createdAt ?? '') };
  });
}

export function appendKey(file: string, entry: StoredKey): void {
  const keys = readKeyFile(file);
  keys.push(entry);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(keys, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Creates a key, stores its hash, and returns the key (shown once, never stored). */
export function issueKey(file: string, role: Role, now: Date, institutionCode?: string): { key: string; keyId: string } {
  const { key, keyId } = generateKey();
  appendKey(file, { keyId, role, institutionCode, sha256: hashKey(key), createdAt: now.toISOString() });
  return { key, keyId };
}

export class ApiKeyRing {
  private byHash: Map<string, StoredKey>;
  private seenMtimeMs = -1;
  private checkedAt = 0;

  /**
   * With `file`, keys issued (or removed) while the service runs take effect without a
   * restart: the file is re-read when its modification time changes, checked at most
   * once a second.
   */
  constructor(keys: StoredKey[], private readonly file?: string, private readonly now: () => number = Date.now) {
    this.byHash = new Map(keys.map((k) => [k.sha256, k]));
    if (file && fs.existsSync(file)) this.seenMtimeMs = fs.statSync(file).mtimeMs;
  }

  static fromFile(file: string): ApiKeyRing {
    return new ApiKeyRing(readKeyFile(file), file);
  }

  get size(): number {
    return this.byHash.size;
  }

  private refresh(): void {
    if (!this.file || this.now() - this.checkedAt < 1000) return;
    this.checkedAt = this.now();
    const mtime = fs.existsSync(this.file) ? fs.statSync(this.file).mtimeMs : -1;
    if (mtime === this.seenMtimeMs) return;
    try {
      this.byHash = new Map(readKeyFile(this.file).map((k) => [k.sha256, k]));
      this.seenMtimeMs = mtime;
    } catch {
      // A half-written or broken file keeps the keys we had; the next check tries again.
    }
  }

  /** Looks a presented key up by its hash (constant-time compare of the hashes). */
  authenticate(presented: string): Principal | undefined {
    this.refresh();
    const h = hashKey(presented);
    const stored = this.byHash.get(h);
    if (!stored || !timingSafeEqual(Buffer.from(stored.sha256, 'hex'), Buffer.from(h, 'hex'))) return undefined;
    return { role: stored.role, keyId: stored.keyId, institutionCode: stored.institutionCode };
  }
}

export const API_KEY_RING = Symbol('API_KEY_RING');
