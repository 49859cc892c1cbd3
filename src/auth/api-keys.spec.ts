import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiKeyRing, hashKey, issueKey, readKeyFile } from './api-keys';

describe('API keys', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
  const file = path.join(dir, 'keys.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores only the hash of an issued key, never the key', () => {
    const { key, keyId } = issueKey(file, 'institution', new Date('2023-01-01T00:00:00Z'), 'NY-L2');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(key);
    expect(readKeyFile(file)).toEqual([
      expect.objectContaining({ keyId, role: 'institution', institutionCode: 'NY-L2', sha256: hashKey(key) }),
    ]);
  });

  it('authenticates by hash, and sees keys issued after it was loaded (file re-read when it changes)', () => {
    let now = 1_000_000;
    const ring = new ApiKeyRing(readKeyFile(file), file, () => now);
    const later = issueKey(file, 'auditor', new Date('2023-01-02T00:00:00Z'));
    // Make sure the modification time differs even on coarse file systems.
    const t = new Date(Date.now() + 5000);
    fs.utimesSync(file, t, t);
    expect(ring.authenticate('lk_nope_nope')).toBeUndefined();
    now += 1500; // past the once-a-second check
    expect(ring.authenticate(later.key)).toEqual({ role: 'auditor', keyId: later.keyId, institutionCode: undefined });
  });

  it('refuses a malformed key file with the field named', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify([{ keyId: 'abcd', role: 'root', sha256: '0'.repeat(64) }]));
    expect(() => readKeyFile(bad)).toThrow(/\[0\]\.role: must be one of agency, institution, auditor/);
  });
});

describe('the key file schema (zod, issue 14 item 5): the file, the field and the rule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-schema-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const good = {
    keyId: 'abcd1234',
    role: 'institution',
    institutionCode: 'NY-L2',
    sha256: 'a'.repeat(64),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const refused = (content: unknown) => {
    const file = path.join(dir, 'keys.json');
    fs.writeFileSync(file, JSON.stringify(content));
    try {
      readKeyFile(file);
    } catch (e) {
      return (e as Error).message.replace(file, 'FILE');
    }
    return 'accepted';
  };

  it.each([
    [{ not: 'a list' }, 'FILE: expected a JSON array of keys'],
    [[good, 'x'], 'FILE[1]: not an object'],
    [[{ ...good, keyId: 'ABC' }], 'FILE[0].keyId: must be 4-32 lowercase letters or digits'],
    [[{ ...good, sha256: 'xyz' }], 'FILE[0].sha256: must be 64 hex digits'],
    [[{ ...good, institutionCode: undefined }], 'FILE[0].institutionCode: required for role institution'],
    [[{ ...good, expiresAt: 'soon' }], 'FILE[0].expiresAt: must be an ISO date-time'],
    [[{ ...good, revokedAt: 5 }], 'FILE[0].revokedAt: must be an ISO date-time'],
  ])('%j → %s', (content, message) => expect(refused(content)).toBe(message));

  it('reads a valid file as stored, without fields it does not know', () => {
    const file = path.join(dir, 'ok.json');
    fs.writeFileSync(file, JSON.stringify([{ ...good, expiresAt: '2027-01-01T00:00:00.000Z', extra: 1 }]));
    expect(readKeyFile(file)).toEqual([{ ...good, expiresAt: '2027-01-01T00:00:00.000Z' }]);
  });
});
