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
    expect(readKeyFile(file)).toEqual([expect.objectContaining({ keyId, role: 'institution', institutionCode: 'NY-L2', sha256: hashKey(key) })]);
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
