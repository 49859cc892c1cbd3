/**
 * Issue 10 item 5: the fund step prints "<caps>; <category switch>" once per pair of rules and
 * reuses the text. Each test uses rules no other test has printed (fresh objects), so the
 * first printing is what is checked, and then the reuse, and then a rule changed after it
 * was printed. (With shared rules, a test would only see the reused text.)
 */
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { CityPack } from '../../src/policy/pack.types';
import { cityPack, input } from '../policy/helpers';

/** The Nanyang pack with its own copies of the cap and category-switch rules. */
function freshNanyang(): CityPack {
  const pack = cityPack('nanyang-employee-2022');
  const benefit = { ...pack.benefit, annualCaps: { ...pack.benefit.annualCaps }, categorySwitch: { ...pack.benefit.categorySwitch! } };
  return { ...pack, benefit };
}
const fundClause = (pack: CityPack, fundPaid = '0.00') =>
  adjudicate(input({ pack, at: '2023-03-10T09:00:00+08:00', ytd: { fundPaid } }), pack).trace.find((t) => t.step === 'fund')!.clause;

const BOTH = '宛政办〔2022〕42号 第五条（三）; 宛政办〔2022〕42号 第六条';

it('the first printing of a fresh pair is the two citations joined', () => {
  expect(fundClause(freshNanyang())).toBe(BOTH);
});

it('printed again (the reused text), and on a refusal at the cap, the same text', () => {
  const pack = freshNanyang();
  expect(fundClause(pack)).toBe(BOTH);
  expect(fundClause(pack, '1450.00')).toBe(BOTH);
  const d = adjudicate(input({ pack, at: '2023-03-10T09:00:00+08:00', ytd: { fundPaid: '1450.00' } }), pack);
  expect(d.reasons.map((r) => r.clause)).toEqual([BOTH]);
});

it('a rule changed after the pair was printed is printed anew', () => {
  const pack = freshNanyang();
  expect(fundClause(pack)).toBe(BOTH);
  (pack.benefit.categorySwitch as { clause: string }).clause = '第七条';
  expect(fundClause(pack)).toBe('宛政办〔2022〕42号 第五条（三）; 宛政办〔2022〕42号 第七条');
  (pack.benefit.annualCaps as { clause: string }).clause = '第四条';
  expect(fundClause(pack)).toBe('宛政办〔2022〕42号 第四条; 宛政办〔2022〕42号 第七条');
});
