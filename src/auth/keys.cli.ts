/**
 * `npm run keys -- add --role institution --institution H41130001 [--expires 2027-01-01 | --ttl 30d]`
 * `npm run keys -- list` (no secrets: id, role, institution, created, expires, revoked)
 * `npm run keys -- revoke <keyId>` (the running service refuses the key within a second)
 * Only key hashes are stored; a new key is printed once.
 */
import { parseCommandLine } from '../config/command-line';
import { ConfigError, loadConfig } from '../config/config';
import type { Role } from '../http/roles';
import { issueKey, parseExpiry, readKeyFile, revokeKey, StoredKey } from './api-keys';

const USAGE =
  'usage: keys add --role agency|institution|auditor [--institution CODE] [--expires YYYY-MM-DD | --ttl 30d] | keys list | keys revoke KEY_ID';

const OPTIONS = {
  role: { type: 'string' },
  institution: { type: 'string' },
  expires: { type: 'string' },
  ttl: { type: 'string' },
} as const;

type Options = Partial<Record<keyof typeof OPTIONS, string>>;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

function add(file: string, options: Options): void {
  const role = options.role as Role | undefined;
  if (!role || !['agency', 'institution', 'auditor'].includes(role)) fail('--role must be agency, institution or auditor');
  const institution = options.institution;
  if (role === 'institution' && !institution) fail('--institution CODE is required for role institution');
  const now = new Date();
  const expiresAt = parseExpiry(now, options.expires, options.ttl);
  const { key, keyId } = issueKey(file, role, now, institution, expiresAt);
  console.log(
    `key ${keyId} (${role}${institution ? ` for ${institution}` : ''}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}) stored as a hash in ${file}`,
  );
  console.log(`API key (shown once): ${key}`);
}

function status(k: StoredKey, now: number): string {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && Date.parse(k.expiresAt) <= now) return 'expired';
  return 'active';
}

function list(file: string): void {
  const now = Date.now();
  console.log(['id', 'role', 'institution', 'created', 'expires', 'revoked', 'status'].join('\t'));
  for (const k of readKeyFile(file)) {
    console.log(
      [k.keyId, k.role, k.institutionCode ?? '-', k.createdAt, k.expiresAt ?? '-', k.revokedAt ?? '-', status(k, now)].join('\t'),
    );
  }
}

function main(): void {
  const { values: options, positionals: words } = parseCommandLine('keys', USAGE, {
    args: process.argv.slice(2),
    options: OPTIONS,
    allowPositionals: true,
  });
  const [command, ...positionals] = words;
  const config = loadConfig();
  if (command === 'add') return add(config.apiKeysFile, options);
  if (command === 'list') return list(config.apiKeysFile);
  if (command === 'revoke') {
    const id = positionals[0];
    if (!id) fail(USAGE);
    const k = revokeKey(config.apiKeysFile, id, new Date());
    console.log(
      `key ${k.keyId} (${k.role}${k.institutionCode ? ` for ${k.institutionCode}` : ''}) revoked at ${k.revokedAt}; the running service refuses it within a second`,
    );
    return;
  }
  fail(USAGE);
}

try {
  main();
} catch (e) {
  // One line, no stack: a bad argument or key file is an operator error, not a crash.
  fail(e instanceof ConfigError ? `cannot run: ${e.message}` : `keys: ${(e as Error).message}`, 1);
}
