/**
 * Issue 10 item 5: cite() prints each rule once and hands out the same string after. The
 * text must always be the rule's own "<document> <clause>", also after the rule changes.
 */
import { cite, type Cited } from '../../src/policy/citation';

describe('citations printed once per rule (issue 10 item 5)', () => {
  it('prints "<document> <clause>", the same text every time', () => {
    const rule: Cited<number> = { value: 1, document: '宛政办〔2022〕42号', clause: '第五条（三）' };
    expect(cite(rule)).toBe('宛政办〔2022〕42号 第五条（三）');
    expect(cite(rule)).toBe('宛政办〔2022〕42号 第五条（三）');
  });

  it('prints a rule anew when its clause or document changed', () => {
    const rule = { document: '安医保〔2019〕75号', clause: '三（三）' };
    expect(cite(rule)).toBe('安医保〔2019〕75号 三（三）');
    rule.clause = '五';
    expect(cite(rule)).toBe('安医保〔2019〕75号 五');
    rule.document = '焦医保〔2024〕32号';
    expect(cite(rule)).toBe('焦医保〔2024〕32号 五');
  });

  it('keeps rules apart, even with the same fields', () => {
    const a = { document: 'A〔2020〕1号', clause: '一' };
    const b = { document: 'B〔2020〕2号', clause: '二' };
    expect([cite(a), cite(b), cite({ ...a })]).toEqual(['A〔2020〕1号 一', 'B〔2020〕2号 二', 'A〔2020〕1号 一']);
  });
});
