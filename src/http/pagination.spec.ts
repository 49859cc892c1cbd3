import { decodeCursor, encodeCursor, pageOf } from './pagination';

describe('the list convention', () => {
  test('a cursor round-trips its key, string or integer', () => {
    expect(decodeCursor(encodeCursor(1234))).toBe(1234);
    expect(decodeCursor(encodeCursor('P-0001'))).toBe('P-0001');
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  test('a cursor the API did not make is refused naming cursor', () => {
    expect(() => decodeCursor('bm90LWpzb24')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('{"k":1.5}').toString('base64url'))).toThrow(/cursor/);
  });

  test('the extra row only says that another page exists', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(pageOf(rows, 2, (r) => r.id)).toEqual({ items: [{ id: 1 }, { id: 2 }], nextCursor: encodeCursor(2) });
    expect(pageOf(rows, 3, (r) => r.id)).toEqual({ items: rows, nextCursor: null });
  });
});
