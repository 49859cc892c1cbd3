import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { ApiKeyRing, issueKey, parseExpiry, readKeyFile } from '../../src/auth/api-keys';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';

const ROOT = path.resolve(__dirname, '../..');

/** The real `npm run keys` CLI against a key file. */
function keysCli(file: string, ...args: string[]) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/auth/keys.cli.ts'), ...args], {
    env: { ...process.env, LEDGER_API_KEYS_FILE: file },
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 60_000,
  });
}

describe('key lifecycle (issue 13 item 5)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-keys-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keys add --ttl / --expires store an expiry; keys list shows id, role, institution, dates and status, never a secret or hash', () => {
    const file = path.join(dir, 'list.json');
    const a = keysCli(file, 'add', '--role', 'institution', '--institution', 'NY-L1', '--ttl', '30d');
    const b = keysCli(file, 'add', '--role', 'auditor', '--expires', '2099-01-01');
    expect([a.status, b.status]).toEqual([0, 0]);
    const keyA = /API key \(shown once\): (\S+)/.exec(a.stdout)![1];
    const keyB = /API key \(shown once\): (\S+)/.exec(b.stdout)![1];
    const stored = readKeyFile(file);
    const ttlMs = Date.parse(stored[0].expiresAt!) - Date.parse(stored[0].createdAt);
    expect(ttlMs).toBe(30 * 86_400_000);
    expect(stored[1].expiresAt).toBe('2099-01-01T00:00:00.000Z');
    expect(keysCli(file, 'revoke', stored[0].keyId).status).toBe(0);
    const list = keysCli(file, 'list');
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toBe('id\trole\tinstitution\tcreated\texpires\trevoked\tstatus');
    expect(lines[1]).toMatch(new RegExp(`^${stored[0].keyId}\\tinstitution\\tNY-L1\\t\\S+\\t\\S+\\t20\\d\\d-\\S+\\trevoked$`));
    expect(lines[2]).toMatch(new RegExp(`^${stored[1].keyId}\\tauditor\\t-\\t\\S+\\t2099-01-01T00:00:00.000Z\\t-\\tactive$`));
    for (const secret of [keyA, keyB, stored[0].sha256, stored[1].sha256]) expect(list.stdout).not.toContain(secret);
  });

  it('refuses a bad expiry, an unknown key id, in one line without a stack', () => {
    const file = path.join(dir, 'bad.json');
    const past = keysCli(file, 'add', '--role', 'agency', '--expires', '2001-01-01');
    expect(past.status).toBe(1);
    expect(past.stderr.trim()).toBe('keys: --expires 2001-01-01 is not in the future');
    expect(keysCli(file, 'add', '--role', 'agency', '--ttl', 'soon').stderr).toContain(
      '--ttl must be a whole number followed by d, h or m',
    );
    const unknown = keysCli(file, 'revoke', 'ffffffff');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('no key with id ffffffff');
  });

  it('parseExpiry: --ttl in d, h, m; not both', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseExpiry(now, undefined, '12h')!.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(parseExpiry(now, undefined, '90m')!.toISOString()).toBe('2026-01-01T01:30:00.000Z');
    expect(parseExpiry(now)).toBeUndefined();
    expect(() => parseExpiry(now, '2027-01-01', '1d')).toThrow('not both');
  });

  it('an expired key is refused with 401 naming the key and when it expired', () => {
    const file = path.join(dir, 'expiry.json');
    let now = Date.parse('2026-06-01T00:00:00Z');
    const { key, keyId } = issueKey(file, 'auditor', new Date(now), undefined, new Date('2026-06-02T00:00:00Z'));
    const ring = new ApiKeyRing(readKeyFile(file), file, () => now);
    expect(ring.check(key)).toEqual({ principal: { role: 'auditor', keyId, institutionCode: undefined } });
    now = Date.parse('2026-06-02T00:00:00Z');
    expect(ring.check(key)).toEqual({ refused: `API key ${keyId} expired at 2026-06-02T00:00:00.000Z` });
  });

  it('the running service refuses a key revoked with `keys revoke` within a second (HTTP 401 with the reason)', async () => {
    const kdir = fs.mkdtempSync(path.join(dir, 'svc-'));
    const config = loadConfig({
      LEDGER_DB: path.join(kdir, 'ledger.db'),
      LEDGER_API_KEYS_FILE: path.join(kdir, 'keys.json'),
      LOG_LEVEL: 'error',
    });
    const { key, keyId } = issueKey(config.apiKeysFile, 'auditor', new Date());
    const app = await createApp(config, { keys: ApiKeyRing.fromFile(config.apiKeysFile) });
    await app.listen(0, '127.0.0.1');
    const http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    try {
      expect((await http.get('/policies').set('x-api-key', key)).status).toBe(200);
      expect(keysCli(config.apiKeysFile, 'revoke', keyId).status).toBe(0);
      const revokedAt = Date.now();
      let res = await http.get('/policies').set('x-api-key', key);
      while (res.status === 200 && Date.now() - revokedAt < 1000) {
        await new Promise((r) => setTimeout(r, 50));
        res = await http.get('/policies').set('x-api-key', key);
      }
      expect(Date.now() - revokedAt).toBeLessThan(1000);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(new RegExp(`^API key ${keyId} was revoked at `));
    } finally {
      await app.close();
    }
  }, 120_000);
});
