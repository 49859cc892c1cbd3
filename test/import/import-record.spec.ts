/** Issue 12 item 2: the pure parts of the import — a line to a command, and reconciliation. */
import { lineKey, parseLine } from '../../src/import/import-record';
import { reconcile } from '../../src/import/reconcile';
import type { Decision } from '../../src/policy/engine/types';

const SETL = {
  rec_type: 'setl',
  psn_no: 'P1',
  setl_id: 'S1',
  mdtrt_id: 'M1',
  fixmedins_code: 'NY-H2',
  begntime: '2023-03-01 09:00:00',
  setl_time: '2023-03-01 09:30:00',
  med_type: '13',
  acct_used_flag: '1',
  medfee_sumamt: '250.00',
  fulamt_ownpay_amt: '50.00',
  fund_pay_sumamt: '93.50',
  acct_pay: '20.00',
  psn_cash_pay: '136.50',
};

describe('parseLine', () => {
  it('maps a settlement to the ledger request: in-scope and self-pay lines, the historical figures kept', () => {
    const p = parseLine(SETL);
    expect(p.ok).toBe(true);
    if (!p.ok || p.command.kind !== 'settlement') throw new Error('not a settlement');
    expect(p.command.request).toEqual(
      expect.objectContaining({
        settlementId: 'S1',
        institutionCode: 'NY-H2',
        account: { source: 'own' },
        historical: { setl_id: 'S1', fund_pay_sumamt: '93.50', acct_pay: '20.00', psn_cash_pay: '136.50', source: 'historical import' },
      }),
    );
    expect(p.command.request.visit).toEqual(
      expect.objectContaining({
        occurredAt: '2023-03-01T09:00:00+08:00',
        medType: 'emergency',
        lines: [
          { code: 'HIST-INSCP', amount: '200.00', inCatalogue: true },
          { code: 'HIST-OWNPAY', amount: '50.00', inCatalogue: false },
        ],
      }),
    );
  });
  it('keys a line by its content: the same line twice, one key; another line, another key', () => {
    expect(lineKey({ ...SETL })).toBe(lineKey(SETL));
    expect(lineKey({ ...SETL, setl_id: 'S2' })).not.toBe(lineKey(SETL));
  });
  it('names every bad field with its rule', () => {
    const p = parseLine({ ...SETL, insu: 'x', med_type: '99', fund_pay_sumamt: 93.5 });
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.errors.map((e) => [e.field, e.rule])).toEqual(
      expect.arrayContaining([
        ['med_type', 'codeTable:med_type'],
        ['fund_pay_sumamt', 'isMoneyString'],
        ['insu', 'whitelistValidation'],
      ]),
    );
  });
  it('refuses an unknown rec_type and a row whose payers do not add up to its total', () => {
    expect(parseLine({ rec_type: 'xx' })).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'rec_type', rule: 'isIn' })] });
    expect(parseLine({ ...SETL, psn_cash_pay: '1.00' })).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'medfee_sumamt', rule: 'equalsFundPlusAccountPlusCash' })],
    });
  });
  it('treats empty CSV cells as absent', () => {
    const p = parseLine({
      rec_type: 'psn_insu',
      psn_no: 'P1',
      insutype: '390',
      psn_type: '15',
      insu_admdvs: '410500',
      begndate: '2020-01-01',
      clct_base: '',
    });
    expect(p.ok && p.command.kind === 'enrollment' && p.command.command.data).toEqual(
      expect.objectContaining({ scheme: 'resident', category: 'resident', region: 'anyang' }),
    );
  });
});

describe('reconcile', () => {
  const decision = (amounts: Record<string, string>, trace: Array<{ step: string; clause: string; result?: object }> = []): Decision =>
    ({
      policy: { version: 'v1' },
      amounts: {
        policyScope: '200.00',
        deductible: '30.00',
        rate: '0.55',
        fundBeforeCap: '93.50',
        capRemainingBefore: '1500.00',
        fund: '93.50',
        account: '0.00',
        cash: '106.50',
        ...amounts,
      },
      trace: [
        { step: 'deductible', clause: 'D', inputs: {}, result: {} },
        { step: 'rate', clause: 'R', inputs: {}, result: {} },
        { step: 'fund', clause: 'F', inputs: {}, result: {} },
        { step: 'account', clause: 'A', inputs: {}, result: {} },
        ...trace.map((t) => ({ inputs: {}, result: {}, ...t })),
      ],
    }) as unknown as Decision;
  const hist = (fund: string, account: string, cash: string) => ({
    setl_id: 'S',
    fund_pay_sumamt: fund,
    acct_pay: account,
    psn_cash_pay: cash,
    source: 't',
  });

  it('finds nothing when history agrees', () => {
    expect(reconcile(decision({}), hist('93.50', '0.00', '106.50'), 'P', 1)).toBeUndefined();
  });
  it('names the deductible when the fund fits the policy rate with another whole deductible', () => {
    expect(reconcile(decision({}), hist('110.00', '0.00', '90.00'), 'P', 1)).toEqual(
      expect.objectContaining({ step: 'deductible', clause: 'D', difference: { fund: '-16.50', account: '0.00', cash: '16.50' } }),
    );
  });
  it('names the rate when the fund is a whole rate of the same base', () => {
    expect(reconcile(decision({}), hist('102.00', '0.00', '98.00'), 'P', 1)).toEqual(
      expect.objectContaining({ step: 'rate', clause: 'R' }),
    );
  });
  it('names the cap when the policy capped the fund and history paid more', () => {
    expect(
      reconcile(decision({ fund: '10.00', capRemainingBefore: '10.00', cash: '190.00' }), hist('93.50', '0.00', '106.50'), 'P', 1),
    ).toEqual(expect.objectContaining({ step: 'fund', clause: 'F' }));
  });
  it('names the failed eligibility step when the policy pays nothing', () => {
    const d = decision({ fund: '0.00', cash: '200.00' }, [{ step: 'eligibility.designated', clause: 'E', result: { ok: false } }]);
    expect(reconcile(d, hist('93.50', '0.00', '106.50'), 'P', 1)).toEqual(
      expect.objectContaining({ step: 'eligibility.designated', clause: 'E' }),
    );
  });
  it('names the account step when only the account and cash differ', () => {
    expect(reconcile(decision({ account: '50.00', cash: '56.50' }), hist('93.50', '0.00', '106.50'), 'P', 1)).toEqual(
      expect.objectContaining({ step: 'account', clause: 'A' }),
    );
  });
});
