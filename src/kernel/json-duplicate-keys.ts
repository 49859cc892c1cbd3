/**
 * A JSON object that names a key twice (`{"amount":"10.00","amount":"1000.00"}`) is
 * ambiguous: JSON.parse keeps the last value silently, another parser (a proxy, a gateway's
 * filter, the hospital's own log) may keep the first. A ledger that pays what it parsed must
 * not pay one of two readings, so such a text is refused (RFC 8259 §4: names SHOULD be
 * unique): request bodies (src/http/json-body.ts), import lines, and the files an operator edits.
 */

/** Where a key is repeated: its path in the document (`lines[0].amount`) and the key. */
export interface DuplicateKey {
  path: string;
  key: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A container being read: an object's keys so far and the key whose value is read, or an array's index. */
type Frame = { keys: Set<string>; key: string | undefined; expectKey: boolean } | { index: number };

/** The end of the string whose opening quote is at `start` (the index of its closing quote). */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  // A quote is escaped when an odd number of backslashes precede it.
  while (end > 0) {
    let slashes = 0;
    for (let i = end - 1; text.charCodeAt(i) === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

function pathOf(frames: Frame[]): string {
  let path = '';
  for (const f of frames.slice(0, -1)) {
    if ('index' in f) path += `[${f.index}]`;
    else path += path === '' ? String(f.key) : `.${String(f.key)}`;
  }
  return path;
}

/**
 * The first repeated key of a JSON text, or undefined. The text is scanned once, strings
 * skipped by their quotes; keys with escapes are compared decoded (`"a"` and `"\u0061"` are
 * one key). A text that is not JSON gives undefined here: the parser's own error names it.
 */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top !== undefined && 'keys' in top && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? decodeKey(raw) : raw;
        if (key === undefined) return undefined;
        if (top.keys.has(key)) return { path: pathOf(frames), key };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) frames.push({ keys: new Set(), key: undefined, expectKey: true });
    else if (c === 0x5b /* [ */) frames.push({ index: 0 });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) frames.pop();
    else if (c === 0x2c /* , */ && top !== undefined) {
      if ('index' in top) top.index++;
      else top.expectKey = true;
    }
  }
  return undefined;
}

function decodeKey(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** The 400's words for a repeated key: the field (the object's path and the key) and the rule. */
export function duplicateKeyMessage(d: DuplicateKey): { field: string; rule: string; message: string } {
  const field = d.path === '' ? d.key : `${d.path}.${d.key}`;
  const rule = 'noDuplicateKeys';
  return { field, rule, message: `${field}: is given more than once (each key once per JSON object)` };
}

/**
 * JSON.parse for the files an operator edits (policy packs, deployment parameters, limits,
 * thresholds): a key given twice is an error naming it, where JSON.parse would keep the last
 * of two values silently (a rate entered twice, the first one forgotten).
 */
export function parseJsonStrict(text: string): unknown {
  const duplicate = firstDuplicateKey(text);
  if (duplicate) throw new SyntaxError(duplicateKeyMessage(duplicate).message);
  return JSON.parse(text);
}
