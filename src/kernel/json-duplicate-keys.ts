/**
 * A JSON object that names a key twice (`{"amount":"10.00","amount":"1000.00"}`) is
 * ambiguous: JSON.parse keeps the last value silently, another parser (a proxy, a gateway's
 * filter, the hospital's own log) may keep the first. A ledger that pays what it parsed must
 * not pay one of two readings, so such a text is refused (RFC 8259 §4: names SHOULD be
 * unique): request bodies (src/http/json-body.ts), import lines, and the files an operator edits.
 */

/** Where a key is repeated: the path of its object in the document (`lines.0`) and the key. */
export interface DuplicateKey {
  path: string;
  key: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * A container being read, one shape for objects and arrays (the scan stays monomorphic): an
 * object's keys so far (a list while short, a set past SMALL so that a body of many keys
 * stays linear) and the key whose value is read; an array's index.
 */
interface Frame {
  isObject: boolean;
  keys: string[];
  keySet: Set<string> | undefined;
  key: string;
  expectKey: boolean;
  index: number;
}
const SMALL = 16;

/** Whether the object already has `key`; records it if not. */
function seenBefore(frame: Frame, key: string): boolean {
  if (frame.keySet !== undefined) {
    if (frame.keySet.has(key)) return true;
    frame.keySet.add(key);
    return false;
  }
  if (frame.keys.includes(key)) return true;
  frame.keys.push(key);
  if (frame.keys.length > SMALL) frame.keySet = new Set(frame.keys);
  return false;
}

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

/** The path of the innermost container, as the validation's 400s name fields (`lines.0`). */
function pathOf(frames: Frame[]): string {
  return frames
    .slice(0, -1)
    .map((f) => (f.isObject ? f.key : String(f.index)))
    .join('.');
}

const frame = (isObject: boolean): Frame => ({ isObject, keys: [], keySet: undefined, key: '', expectKey: isObject, index: 0 });

/**
 * The first repeated key of a JSON text, or undefined. The text is scanned once, strings
 * skipped by their quotes; keys with escapes are compared decoded (`"a"` and `"\u0061"` are
 * one key). A text that is not JSON gives undefined here: the parser's own error names it.
 */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = frames.length > 0 ? frames[frames.length - 1] : undefined;
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top !== undefined && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? decodeKey(raw) : raw;
        if (key === undefined) return undefined;
        if (seenBefore(top, key)) return { path: pathOf(frames), key };
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) frames.push(frame(true));
    else if (c === 0x5b /* [ */) frames.push(frame(false));
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) frames.pop();
    else if (c === 0x2c /* , */ && top !== undefined) {
      if (top.isObject) top.expectKey = true;
      else top.index++;
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

/** The 400's words for a repeated key: the field (the object's path and the key, `lines.0.amount`) and the rule. */
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
