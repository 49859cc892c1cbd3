import fc from 'fast-check';
import { ChainFold, compareHeads, foldSeals, Heads, merkleRoot, sealData, SealRecord, StreamHead } from '../../src/audit/seals/seal';
import { chainLinkOf } from '../../src/audit/seals/chain-links';
import { sealBatch } from '../../src/audit/tamper-chain';
import type { RecordedEvent } from '../../src/event-store/event-store.port';

const head = (revision: number, hash: string): StreamHead => ({ revision, hash });
const hex = (c: string) => c.repeat(64);

/** Chained events of one stream, recorded at the given positions. */
function chained(streamId: string, positions: number[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  for (const position of positions) {
    const [e] = sealBatch(
      streamId,
      [
        {
          id: `${streamId}-${position}`,
          type: 'T',
          data: { position },
          metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00Z' },
        },
      ],
      out[out.length - 1],
    );
    out.push({ ...e, streamId, revision: out.length, position });
  }
  return out;
}

describe('seal: Merkle root over stream heads (issue 11 item 7)', () => {
  it('does not depend on the order heads were added; changes when any head changes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 9 }), fc.nat(), (ids, pick) => {
        const forwards: Heads = new Map(ids.map((id, i) => [id, head(i, hex('a'))]));
        const backwards: Heads = new Map([...ids].reverse().map((id) => [id, forwards.get(id)!]));
        expect(merkleRoot(backwards)).toBe(merkleRoot(forwards));
        const id = ids[pick % ids.length];
        const truncated = new Map(forwards).set(id, head(forwards.get(id)!.revision - 1, hex('a')));
        const rewritten = new Map(forwards).set(id, head(forwards.get(id)!.revision, hex('b')));
        const dropped = new Map(forwards);
        dropped.delete(id);
        for (const changed of [truncated, rewritten, dropped]) expect(merkleRoot(changed)).not.toBe(merkleRoot(forwards));
      }),
    );
  });

  it('names each kind of difference between sealed and found heads', () => {
    const sealed: Heads = new Map([
      ['a', head(3, hex('1'))],
      ['b', head(2, hex('2'))],
      ['c', head(1, hex('3'))],
      ['d', head(0, hex('4'))],
    ]);
    const found: Heads = new Map([
      ['a', head(2, hex('9'))],
      ['b', head(2, hex('8'))],
      ['c', head(2, hex('3'))],
      ['e', head(0, hex('5'))],
    ]);
    expect(compareHeads(sealed, found).map((f) => [f.streamId, f.reason])).toEqual([
      ['a', 'truncated'],
      ['b', 'rewritten'],
      ['c', 'extended'],
      ['d', 'stream_missing'],
      ['e', 'not_in_seal'],
    ]);
    expect(compareHeads(sealed, new Map(sealed))).toEqual([]);
  });

  it('seals store only changed heads; folding them gives every head; an edited seal no longer matches its root', () => {
    const first: Heads = new Map([
      ['a', head(0, hex('1'))],
      ['b', head(0, hex('2'))],
    ]);
    const second: Heads = new Map([
      ['a', head(1, hex('3'))],
      ['b', head(0, hex('2'))],
    ]);
    const s1: SealRecord = { ...sealData(new Map(), first, 2), revision: 0, position: 3, sealedAt: 't' };
    const s2: SealRecord = { ...sealData(first, second, 4), revision: 1, position: 5, sealedAt: 't' };
    expect(s2.changed).toEqual([['a', 1, hex('3')]]);
    expect(foldSeals([s1, s2])).toEqual({ heads: new Map(second), findings: [] });
    const edited = { ...s2, changed: [['a', 0, hex('1')] as [string, number, string]] };
    expect(foldSeals([s1, edited]).findings).toEqual([expect.objectContaining({ streamId: 'seals@1', reason: 'seal_root_mismatch' })]);
  });
});

describe('ChainFold: incremental chain verification in log order', () => {
  it('checks links across interleaved streams, fed in any split, and reports the same heads', () => {
    const a = chained('person-A', [1, 3, 4]);
    const b = chained('person-B', [2, 5]);
    const log = [...a, ...b].sort((x, y) => x.position - y.position);
    const whole = new ChainFold();
    log.forEach((e) => whole.add(chainLinkOf(e)));
    const split = new ChainFold();
    log.slice(0, 2).forEach((e) => split.add(chainLinkOf(e)));
    expect(split.verifiedThrough).toBe(2);
    log.slice(2).forEach((e) => split.add(chainLinkOf(e)));
    expect(whole.broken).toEqual([]);
    expect(split.heads).toEqual(whole.heads);
    expect(whole.heads.get('person-A')).toEqual({ revision: 2, hash: a[2].metadata.hash });
  });

  it('names a rewritten middle event and a deleted middle event, once per stream', () => {
    const a = chained('person-A', [1, 2, 3, 4]);
    const rewritten = new ChainFold();
    [a[0], { ...a[1], data: { position: 99 } }, a[2], a[3]].forEach((e) => rewritten.add(chainLinkOf(e)));
    expect(rewritten.broken).toEqual([
      expect.objectContaining({ streamId: 'person-A', revision: 1, position: 2, reason: 'hash_mismatch' }),
    ]);
    const gap = new ChainFold();
    [a[0], a[2], a[3]].forEach((e) => gap.add(chainLinkOf(e)));
    expect(gap.broken).toEqual([expect.objectContaining({ streamId: 'person-A', revision: 2, reason: 'revision_gap' })]);
  });

  it('cannot see a deleted LAST event (why seals exist)', () => {
    const a = chained('person-A', [1, 2, 3]);
    const fold = new ChainFold();
    a.slice(0, 2).forEach((e) => fold.add(chainLinkOf(e)));
    expect(fold.broken).toEqual([]);
  });
});
