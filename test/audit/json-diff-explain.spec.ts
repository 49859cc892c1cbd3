import { jsonDiff } from '../../src/audit/json-diff';
import { parseCitations } from '../../src/audit/explain';

describe('jsonDiff', () => {
  it('names each differing leaf by its path, objects by key and arrays by index', () => {
    expect(jsonDiff({ a: { b: '1.00', c: [1, 2] }, d: 'x' }, { a: { b: '2.00', c: [1, 3, 4] }, d: 'x' }, 'decision')).toEqual([
      { path: 'decision.a.b', recorded: '1.00', recomputed: '2.00' },
      { path: 'decision.a.c[1]', recorded: 2, recomputed: 3 },
      { path: 'decision.a.c[2]', recorded: null, recomputed: 4 },
    ]);
  });
  it('ignores key order (canonical JSON) and reports nothing for equal values', () => {
    expect(jsonDiff({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([]);
  });
  it('reports a missing key as null on that side', () => {
    expect(jsonDiff({ a: 1 }, { a: 1, b: 'new' })).toEqual([{ path: 'b', recorded: null, recomputed: 'new' }]);
  });
});

describe('parseCitations', () => {
  it('splits a trace clause into document and clause pairs', () => {
    expect(parseCitations('宛政办〔2022〕42号 第五条（三）; 宛政办〔2022〕42号 第六条')).toEqual([
      { document: '宛政办〔2022〕42号', clause: '第五条（三）' },
      { document: '宛政办〔2022〕42号', clause: '第六条' },
    ]);
    expect(parseCitations('ledger rule national-settlement-identities')).toEqual([
      { document: 'ledger rule', clause: 'national-settlement-identities' },
    ]);
    expect(parseCitations('ledger rule duplicate-settlement; 宛政办〔2022〕42号 第六条')).toEqual([
      { document: 'ledger rule', clause: 'duplicate-settlement' },
      { document: '宛政办〔2022〕42号', clause: '第六条' },
    ]);
  });
});
