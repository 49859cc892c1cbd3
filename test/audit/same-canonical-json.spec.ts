import fc from 'fast-check';
import { sameCanonicalJson } from '../../src/audit/replay';
import { canonicalJson } from '../../src/policy/canonical-json';

/** JSON-like values with undefined members and items and shuffled key order, as decisions built in code may have. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer({ min: -3, max: 3 }),
    fc.double({ noDefaultInfinity: false }),
    fc.constantFrom('', 'a', 'b', '0.10', '0.1'),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'fund', 'cash'), tie('node'), { maxKeys: 4 }),
  ),
})).node;

/** The same value with object keys in reverse insertion order. */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  return v;
}

describe('sameCanonicalJson: the replay comparison without serialising', () => {
  it('agrees with comparing canonicalJson strings, for any two values', () => {
    fc.assert(
      fc.property(value, value, (a, b) => sameCanonicalJson(a, b) === (canonicalJson(a) === canonicalJson(b))),
      { numRuns: 2000 },
    );
  });

  it('a value equals itself with its keys in another order, and differs once one leaf changes', () => {
    fc.assert(fc.property(value, (a) => sameCanonicalJson(a, reordered(a))));
    expect(
      sameCanonicalJson(
        { fund: '93.50', cash: '106.50', trace: [1, undefined] },
        { trace: [1, null], cash: '106.50', fund: '93.50', note: undefined },
      ),
    ).toBe(true);
    expect(sameCanonicalJson({ fund: '93.50', lines: [{ amount: '1.00' }] }, { fund: '93.50', lines: [{ amount: '1.0' }] })).toBe(false);
    expect(sameCanonicalJson({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameCanonicalJson({ a: 1 }, { a: 1, b: null })).toBe(false);
  });

  it('reads only own members: a member the other lacks is not found on its prototype', () => {
    // b["__proto__"] is Object.prototype, which has no enumerable member: it must not stand in for a's own "__proto__".
    expect(sameCanonicalJson(JSON.parse('{"__proto__":{}}'), { x: 1 })).toBe(false);
    expect(sameCanonicalJson({ x: 1 }, JSON.parse('{"__proto__":{}}'))).toBe(false);
    expect(sameCanonicalJson(JSON.parse('{"__proto__":{}}'), JSON.parse('{"__proto__":{}}'))).toBe(true);
    expect(sameCanonicalJson({ toString: 'x' }, { toString: 'x' })).toBe(true);
    expect(sameCanonicalJson({ toString: 'x', y: 1 }, { y: 1, z: 2 })).toBe(false);
  });

  it('an object with a prototype is compared by its own members only', () => {
    class Figures {
      constructor(readonly fund: string) {}
    }
    // An enumerable member on the prototype is not the object's (JSON.stringify leaves it out too).
    (Figures.prototype as unknown as Record<string, unknown>).cash = '1.00';
    expect(sameCanonicalJson(new Figures('93.50'), { fund: '93.50' })).toBe(true);
    expect(sameCanonicalJson({ fund: '93.50' }, new Figures('93.50'))).toBe(true);
    expect(sameCanonicalJson(new Figures('93.50'), { fund: '93.50', cash: '1.00' })).toBe(false);
  });
});
