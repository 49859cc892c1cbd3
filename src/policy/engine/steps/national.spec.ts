/**
 * Issue 17: the national identities (DOMAIN.md §2) refuse figures that break them. The engine
 * never produces such figures, so these checks are called directly with broken ones.
 */
import { cityPack, input } from '../../../../test/policy/helpers';
import { Dec } from '../../../kernel/money';
import { newAdjudication } from './context';
import { AdjudicationInvariantError, nationalFields, SettlementFigures } from './national';

const pack = cityPack('nanyang-employee-2022');
const context = () =>
  newAdjudication(input({ pack, at: '2023-03-10T09:00:00+08:00' }), {
    pack,
    visitDate: '2023-03-10',
    year: 2023,
    occurredMs: Date.parse('2023-03-10T09:00:00+08:00'),
    settledMs: Date.parse('2023-03-10T09:00:00+08:00'),
  });
// A consistent visit: 100.00 in catalogue + 10.00 excluded, fund 60.00, account 30.00, cash 20.00.
const good = (): SettlementFigures => ({
  total: new Dec('110.00'),
  excluded: new Dec('10.00'),
  policyScope: new Dec('100.00'),
  deductible: new Dec('0.00'),
  fund: new Dec('60.00'),
  personPart: new Dec('50.00'),
  ownAccount: new Dec('30.00'),
  relativeAccount: new Dec('0.00'),
  cash: new Dec('20.00'),
});
const broken = (patch: Partial<Record<keyof SettlementFigures, string>>): SettlementFigures => ({
  ...good(),
  ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, new Dec(v!)])),
});

describe('the national settlement identities', () => {
  it('consistent figures give the national fields', () => {
    expect(nationalFields(context(), good())).toMatchObject({
      medfee_sumamt: '110.00',
      inscp_scp_amt: '100.00',
      psn_part_amt: '50.00',
      psn_cash_pay: '20.00',
    });
  });

  it.each<[string, Partial<Record<keyof SettlementFigures, string>>, string]>([
    ['a negative figure', { relativeAccount: '-0.01', cash: '20.01' }, 'relativeAccount is negative'],
    ['a fraction of a fen', { cash: '19.995', ownAccount: '30.005' }, 'ownAccount is not a whole number of fen'],
    ['total ≠ fund + person part', { total: '111.00', excluded: '11.00' }, 'medfee_sumamt ≠ fund_pay_sumamt + psn_part_amt'],
    ['person part ≠ account + relative + cash', { cash: '19.00' }, 'psn_part_amt ≠ acct_pay + acct_mulaid_pay + psn_cash_pay'],
    ['policy scope ≠ total − excluded', { excluded: '9.00' }, 'inscp_scp_amt ≠ medfee_sumamt − fulamt_ownpay_amt − 0 − 0'],
    ['deductible above the policy scope', { deductible: '100.01' }, 'deductible or fund exceeds the policy scope'],
  ])('%s is an invariant error naming the identity and the figures', (_name, patch, what) => {
    let error: unknown;
    try {
      nationalFields(context(), broken(patch));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdjudicationInvariantError);
    expect((error as Error).name).toBe('AdjudicationInvariantError');
    expect((error as Error).message).toBe(
      `adjudication invariant violated: ${what}: ${JSON.stringify(Object.fromEntries(Object.entries(broken(patch)).map(([k, x]) => [k, x.toString()])))}`,
    );
  });

  it('a fund above the policy scope (with the rest consistent) is refused', () => {
    const v = broken({ total: '110.00', policyScope: '100.00', fund: '100.01', personPart: '9.99', ownAccount: '0', cash: '9.99' });
    expect(() => nationalFields(context(), v)).toThrow('deductible or fund exceeds the policy scope');
  });

  it('zero written as −0 is not negative', () => {
    expect(() => nationalFields(context(), broken({ relativeAccount: '-0' }))).not.toThrow();
  });
});
