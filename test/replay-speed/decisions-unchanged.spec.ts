/**
 * Issue 10 item 5: the speed-ups of the engine change no decision. decisions-16fe9bb.jsonl
 * holds decisions made by the engine before them (commit 16fe9bb), one per kind of
 * settlement in the demo ledger (each pack, category, account source, reason and flag
 * seen there), with their inputs; today's engine must give the same canonical JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { AdjudicationInput } from '../../src/policy/engine/types';
import { canonicalJson } from '../../src/policy/canonical-json';
import { PolicyCatalog } from '../../src/policy/catalog';

interface Recorded {
  policyVersion: string;
  input: AdjudicationInput;
  decision: unknown;
}

const recorded: Recorded[] = fs
  .readFileSync(path.join(__dirname, 'decisions-16fe9bb.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Recorded);
const catalog = PolicyCatalog.load(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8')));

describe('decisions made before the speed-ups are made again byte for byte (issue 10 item 5)', () => {
  it('covers several packs, refusals and flags', () => {
    expect(new Set(recorded.map((r) => r.policyVersion)).size).toBeGreaterThan(2);
    expect(recorded.some((r) => (r.decision as { reasons: unknown[] }).reasons.length > 0)).toBe(true);
    expect(recorded.some((r) => (r.decision as { flags: unknown[] }).flags.length > 0)).toBe(true);
  });

  it.each(recorded.map((r, i) => [i, r] as const))('decision %i', (_i, r) => {
    const pack = catalog.byVersion(r.policyVersion);
    expect(pack).toBeDefined();
    expect(canonicalJson(adjudicate(r.input, pack!))).toBe(canonicalJson(r.decision));
  });
});
