import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth (undefined members dropped), so equal data
 * always hashes equal. The text is exactly JSON.stringify of a copy built with its keys
 * inserted in sorted order (the original definition, kept in test/audit/support as the
 * reference); subtrees already in that order are not copied, so a value read back from a
 * canonical text is serialised by one native JSON.stringify after one walk.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(inCanonicalOrder(value));
}

/** The value itself when JSON.stringify of it is already canonical, else a copy with keys in canonical order. */
export function inCanonicalOrder(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Array.isArray(value) ? arrayInOrder(value) : objectInOrder(value as Record<string, unknown>);
}

function arrayInOrder(items: unknown[]): unknown[] {
  if (Object.prototype.hasOwnProperty.call(items, 'toJSON')) return items.map(inCanonicalOrder);
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const ordered = inCanonicalOrder(item);
    if (copy) copy.push(ordered);
    else if (ordered !== item) copy = [...items.slice(0, i), ordered];
  }
  return copy ?? items;
}

function objectInOrder(object: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(object);
  if (!keepsItsShape(object, keys)) return sortedCopy(object, keys);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const v = object[keys[i]];
    const ordered = inCanonicalOrder(v);
    if (!copy && ordered !== v) copy = copyOfFirst(object, keys, i);
    if (copy && ordered !== undefined) copy[keys[i]] = ordered;
  }
  return copy ?? object;
}

/** A copy of the first `n` members (keys already in canonical order), undefined dropped. */
function copyOfFirst(object: Record<string, unknown>, keys: string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) if (object[keys[i]] !== undefined) out[keys[i]] = object[keys[i]];
  return out;
}

/**
 * Whether native JSON.stringify of the object emits what the sorted copy would: a plain
 * object (no prototype's toJSON, no class), no own toJSON, and its keys in the order the
 * copy enumerates them: array-index keys first ascending (the engine puts them there in
 * both), then the other keys sorted by UTF-16 code units. An own "__proto__" key (JSON.parse
 * makes one) is not kept: the copy's assignment sets a prototype instead, so it drops out.
 */
function keepsItsShape(object: object, keys: string[]): boolean {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === '__proto__') return false;
    if (i > 0 && !(keys[i - 1] < keys[i]) && !isArrayIndex(keys[i - 1])) return false;
  }
  return !Object.prototype.hasOwnProperty.call(object, 'toJSON');
}

/** The copy the original definition builds: sorted keys inserted in order, undefined dropped, children in canonical order. */
function sortedCopy(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(keys)) {
    const v = object[key];
    if (v !== undefined) out[key] = inCanonicalOrder(v);
  }
  return out;
}

/**
 * `[...keys].sort()`: the same order (UTF-16 code units; keys are distinct), by insertion
 * into a copy: objects here have a handful of keys, where this is about twice as fast as
 * the generic sort (issue 10, request path: ~30 out-of-order objects per settlement).
 */
function sortedKeys(keys: readonly string[]): string[] {
  const sorted = keys.slice();
  for (let i = 1; i < sorted.length; i++) {
    const key = sorted[i];
    let j = i - 1;
    for (; j >= 0 && sorted[j] > key; j--) sorted[j + 1] = sorted[j];
    sorted[j + 1] = key;
  }
  return sorted;
}

/** Array index per ECMA-262 (canonical integer string up to 2^32 - 2): such keys enumerate first, ascending. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) <= MAX_ARRAY_INDEX;
}

const MAX_ARRAY_INDEX = 0xfffffffe;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
