import { cityPack } from '../../test/policy/helpers';
import { derivePack } from './derived-pack';

describe('derivePack (issue 15: a policy parameter corrected for a period)', () => {
  const base = cityPack('nanyang-employee-2022');
  const override = {
    basePolicyVersion: base.version,
    path: 'benefit.annualCaps',
    value: { in_service: '1500', retired: '2500' },
    document: '宛政办〔2022〕42号',
    clause: '第五条（三）',
  };

  it('replaces one cited value, under a new version derived from the base, the same every time', () => {
    const a = derivePack(base, override);
    const b = derivePack(base, override);
    expect(((a as typeof base).benefit.annualCaps.value as Record<string, string>).retired).toBe('2500');
    expect(a.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.version).not.toBe(base.version);
    expect(a.version).toBe(b.version);
    expect((base.benefit.annualCaps.value as Record<string, string>).retired).toBe('2000');
  });

  it('refuses a path that is not a cited key, a value of another shape, or another base version', () => {
    expect(() => derivePack(base, { ...override, path: 'benefit.annualCaps.value' })).toThrow(/path/);
    expect(() => derivePack(base, { ...override, path: 'benefit.nothing' })).toThrow(/path/);
    expect(() => derivePack(base, { ...override, value: '2500' })).toThrow(/value/);
    expect(() => derivePack(base, { ...override, basePolicyVersion: 'sha256:0' })).toThrow(/basePolicyVersion/);
  });
});
