import { hasLoneSurrogate } from './well-formed-text';

describe('well-formed text', () => {
  it('a surrogate alone, either half, or the halves reversed, is not text', () => {
    for (const text of ['\ud800', 'a\udfffb', '南阳\udc00', '\udc00\ud800', '\ud83d']) expect(hasLoneSurrogate(text)).toBe(true);
  });

  it('a pair (a character beyond the BMP), Chinese and control characters are', () => {
    for (const text of ['', 'abc', '南阳市第二人民医院', '\u{1F600}', '𠀀 (CJK Ext. B)', 'tab\tnul\u0000'])
      expect(hasLoneSurrogate(text)).toBe(false);
  });
});
