/** Issue 11 item 3: amount ceilings are configurable, validated at start, each with its reason. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from './config';
import { AMOUNT_KINDS, loadInputLimits, parseInputLimits } from './input-limits';

const shipped = () => JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/input-limits.json'), 'utf8'));

it('the shipped file gives every kind a positive ceiling and a reason', () => {
  const limits = loadInputLimits();
  for (const kind of AMOUNT_KINDS) {
    expect(Number(limits[kind].max)).toBeGreaterThan(0);
    expect(limits[kind].reason.length).toBeGreaterThan(20);
  }
  expect(limits.visitLine.max).toBe('1000000.00');
});

it.each([
  ['a missing kind', (d: any) => delete d.amountCeilings.visitLine, /visitLine/],
  ['an unknown kind', (d: any) => (d.amountCeilings.bogus = { max: '1.00', reason: 'x' }), /bogus/],
  ['a number instead of a decimal string', (d: any) => (d.amountCeilings.accountTransfer.max = 1000), /accountTransfer/],
  ['three decimals', (d: any) => (d.amountCeilings.capitationClaim.max = '1.001'), /capitationClaim/],
  ['zero', (d: any) => (d.amountCeilings.contributionBase.max = '0.00'), /contributionBase/],
  ['no reason', (d: any) => (d.amountCeilings.perVisitAverage.reason = ' '), /perVisitAverage.*reason/],
])('refuses %s with a ConfigError naming the kind', (_label, spoil, named) => {
  const doc = shipped();
  spoil(doc);
  expect(() => parseInputLimits(doc)).toThrow(ConfigError);
  expect(() => parseInputLimits(doc)).toThrow(named);
});

it('a file that is not JSON stops the start naming LEDGER_INPUT_LIMITS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'limits-'));
  try {
    const file = path.join(dir, 'limits.json');
    fs.writeFileSync(file, '{not json');
    expect(() => loadInputLimits(file)).toThrow(/LEDGER_INPUT_LIMITS/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('names the kind, the rule and the value in one line (zod schema, issue 14 item 5)', () => {
  const doc = shipped();
  doc.amountCeilings.accountTransfer.max = 1000;
  expect(() => parseInputLimits(doc)).toThrow(
    'configuration LEDGER_INPUT_LIMITS amountCeilings.accountTransfer="1000": max must be a positive decimal string',
  );
  const bogus = shipped();
  bogus.amountCeilings.visitLines = { max: '1.00', reason: 'typo' };
  expect(() => parseInputLimits(bogus)).toThrow('configuration LEDGER_INPUT_LIMITS=undefined: unknown kinds visitLines');
  expect(() => parseInputLimits({})).toThrow('configuration LEDGER_INPUT_LIMITS=undefined: must have amountCeilings');
});
