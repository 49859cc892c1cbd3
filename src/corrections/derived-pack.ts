/**
 * Issue 15 item 2: a policy parameter corrected for a period. The corrected pack is the
 * pack a settlement used with one cited value replaced; its version is the content hash of
 * the result (and of the version it was derived from), so a `SettlementAdjusted` made under
 * it names a version that replay can derive again, byte for byte, from the base pack and
 * the override it records. Pure.
 */
import { canonicalJson, deepFreeze, sha256Hex } from '../policy/canonical-json';
import { InvalidInput } from '../kernel/errors';
import type { PolicyPack } from '../policy/pack.types';

/** The corrected value of one cited pack key, e.g. `benefit.annualCaps`, with the clause that corrects it. */
export interface PolicyOverride {
  /** Version of the pack the override applies to. */
  basePolicyVersion: string;
  /** Dot path of a cited key: `{ value, document, clause }`. */
  path: string;
  value: unknown;
  document: string;
  clause: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The base pack with the override applied, under its own version. Refuses a path that is not a cited key. */
export function derivePack(base: PolicyPack, override: PolicyOverride): PolicyPack {
  if (override.basePolicyVersion !== base.version) {
    throw new InvalidInput('basePolicyVersion', `must be the version of pack ${base.id} (${base.version})`);
  }
  const copy = JSON.parse(JSON.stringify(base)) as Json;
  const keys = override.path.split('.');
  const parent = keys.slice(0, -1).reduce<unknown>((node, k) => (isObject(node) ? node[k] : undefined), copy);
  const last = keys[keys.length - 1];
  const cited = isObject(parent) ? parent[last] : undefined;
  if (!isObject(cited) || !('value' in cited) || typeof cited.clause !== 'string') {
    throw new InvalidInput('path', `must name a cited key of pack ${base.id} (an object with value, document and clause)`);
  }
  if (jsonKind(cited.value) !== jsonKind(override.value)) {
    throw new InvalidInput('value', `must have the shape of ${override.path} (${jsonKind(cited.value)})`);
  }
  (parent as Json)[last] = {
    value: override.value,
    document: override.document,
    clause: override.clause,
    note: `corrected from ${base.version}`,
  };
  delete copy.version;
  const body = { ...copy, correctedFrom: base.version };
  return deepFreeze({ ...body, version: `sha256:${sha256Hex(canonicalJson(body))}` } as unknown as PolicyPack);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}
