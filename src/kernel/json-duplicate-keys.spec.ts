import fc from 'fast-check';
import { duplicateKeyMessage, firstDuplicateKey } from './json-duplicate-keys';

describe('firstDuplicateKey', () => {
  it('finds a key repeated in the body, in a nested object, and in an object inside an array', () => {
    expect(firstDuplicateKey('{"amount":"1.00","amount":"100.00"}')).toEqual({ path: '', key: 'amount' });
    expect(firstDuplicateKey('{"account":{"source":"own","source":"relative"}}')).toEqual({ path: 'account', key: 'source' });
    expect(firstDuplicateKey('{"lines":[{"code":"A"},{"code":"B","amount":"1","amount":"2"}]}')).toEqual({
      path: 'lines.1',
      key: 'amount',
    });
  });

  it('finds a repeat among many keys too (past the short list, in the set)', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    expect(firstDuplicateKey(`{${keys.join(',')}}`)).toBeUndefined();
    expect(firstDuplicateKey(`{${keys.join(',')},"k30":0}`)).toEqual({ path: '', key: 'k30' });
    expect(firstDuplicateKey(`{"a":[1,{${keys.join(',')},"k3":0}]}`)).toEqual({ path: 'a.1', key: 'k3' });
  });

  it('compares keys decoded: an escaped spelling of the same key is the same key', () => {
    expect(firstDuplicateKey('{"amount":"1","\\u0061mount":"2"}')).toEqual({ path: '', key: 'amount' });
  });

  it('does not take strings, escaped quotes or keys of sibling objects for repeats', () => {
    expect(firstDuplicateKey('{"a":"\\"a\\":1","b":"x\\\\","c":{"a":1},"d":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(firstDuplicateKey('["a","a",{"a":1}]')).toBeUndefined();
    expect(firstDuplicateKey('"{\\"a\\":1,\\"a\\":2}"')).toBeUndefined();
  });

  it('leaves text that is not JSON to the parser', () => {
    expect(firstDuplicateKey('{"a":1,')).toBeUndefined();
    expect(firstDuplicateKey('')).toBeUndefined();
  });

  it('names the field and the rule', () => {
    expect(duplicateKeyMessage({ path: 'lines.1', key: 'amount' })).toEqual({
      field: 'lines.1.amount',
      rule: 'noDuplicateKeys',
      message: 'lines.1.amount: is given more than once (each key once per JSON object)',
    });
  });

  it('JSON.stringify output never has a repeat; the same text with one member copied always has it', () => {
    const objects = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 });
    fc.assert(
      fc.property(objects, fc.nat(), (o, pick) => {
        const text = JSON.stringify(o);
        expect(firstDuplicateKey(text)).toBeUndefined();
        const key = Object.keys(o)[pick % Object.keys(o).length];
        const copied = `${text.slice(0, -1)},${JSON.stringify(key)}:null}`;
        expect(firstDuplicateKey(copied)).toEqual({ path: '', key });
      }),
      { numRuns: 500 },
    );
  });
});
