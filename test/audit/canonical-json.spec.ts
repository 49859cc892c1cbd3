import fc from 'fast-check';
import { canonicalJson, inCanonicalOrder } from '../../src/policy/canonical-json';
import { referenceCanonicalJson } from './support/canonical-json.reference';

/** Keys that stress the order rules: array indices (and the first non-index, 2^32 - 1), near-digits, unicode, surrogates. */
const key = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.constantFrom(
    '0',
    '1',
    '2',
    '10',
    '01',
    '-1',
    '1.5',
    '4294967294',
    '4294967295',
    '4294967296',
    'toString',
    '__proto__',
    'a',
    'B',
    'é',
    '𝄞',
    'fund',
    'cash',
    '',
  ),
  fc.nat().map(String),
);

/** Arbitrary JSON-ish values as code builds them: any key order, undefined members and items, -0, 1e21, NaN, holes. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constantFrom(null, undefined, true, false, 0, -0, 1e21, 1e-7, -1e21, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, 0.1, 5e-324),
    fc.double(),
    fc.integer(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.sparseArray(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 6 }),
    fc.constant({}),
    fc.constant([]),
  ),
})).node;

/** The same value with every object's keys in canonical order (as read back from a canonical text). */
const reparsed = (v: unknown): unknown => JSON.parse(referenceCanonicalJson(v));

describe('canonicalJson: byte-identical to the original definition', () => {
  it('for arbitrary values in any key order', () => {
    fc.assert(
      fc.property(value, (v) => canonicalJson(v) === referenceCanonicalJson(v)),
      { numRuns: 5000 },
    );
  });

  it('for arbitrary values whose keys are already in canonical order (the path that copies nothing)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = referenceCanonicalJson(v);
        return text === undefined ? canonicalJson(v) === undefined : canonicalJson(JSON.parse(text)) === text;
      }),
      { numRuns: 3000 },
    );
  });

  it('for nested arrays, empty objects, unicode, 1e21 and -0, index keys', () => {
    const cases: unknown[] = [
      { b: [[], [{}], [[1e21, -0]]], a: {} },
      { z: 'é', é: '𝄞', Z: '\u2028', '\ud800': 'lone surrogate' },
      { b: 1, 10: 2, 2: 3, '4294967295': 4, '4294967294': 5, a: 6 },
      { '4294967296': 1, '10000000000': 2 },
      [undefined, , null, () => 1, Symbol('s')], // eslint-disable-line no-sparse-arrays
      { a: undefined, b: () => 1, c: Symbol('s') },
      { d: new Date(0), m: new Map([[1, 2]]) },
      Object.assign(Object.create(null), { b: 1, a: 2 }),
      { toJSON: () => 'x', a: 1 },
      Object.assign([1, 2], { toJSON: () => 'arr' }),
      JSON.parse('{"__proto__":{"a":1},"b":2}'),
      JSON.parse('{"a":1,"__proto__":3}'),
    ];
    for (const c of cases) expect(canonicalJson(c)).toBe(referenceCanonicalJson(c));
  });

  it('leaves a value already in canonical order untouched, and copies only what is out of order', () => {
    const sorted = reparsed({ decision: { amounts: { fund: '1.00', cash: '2.00' } }, trace: [{ z: 1, a: 2 }] }) as Record<string, unknown>;
    expect(inCanonicalOrder(sorted)).toBe(sorted);
    const mixed = { a: sorted.decision, b: { y: 1, x: 2 } };
    const ordered = inCanonicalOrder(mixed) as Record<string, unknown>;
    expect(ordered).not.toBe(mixed);
    expect(ordered.a).toBe(sorted.decision);
    expect(Object.keys(ordered.b as object)).toEqual(['x', 'y']);
  });
});
