/** Issue 12 item 1: the pure mapping of the national interface (code tables, totals, answers). */
import { codeFor, lookup } from '../../src/national/code-tables';
import { batchTotals, beijingTime, checkTotals, negate, setlDetail } from '../../src/national/national.mapping';
import { InvalidInput, PolicyRefusal } from '../../src/kernel/errors';
import type { Decision } from '../../src/policy/engine/types';

const lines = [
  { feedetl_sn: '1', med_list_codg: 'A', det_item_fee_sumamt: '200.00', chrgitm_lv: '02' },
  { feedetl_sn: '2', med_list_codg: 'B', det_item_fee_sumamt: '50.05', chrgitm_lv: '03' },
];
const data = (extra: object = {}) => ({
  psn_no: 'P',
  mdtrt_cert_type: '02',
  med_type: '11',
  mdtrt_id: 'M',
  chrg_bchno: 'CB',
  insutype: '310',
  acct_used_flag: '0',
  medfee_sumamt: '250.05',
  ...extra,
});

describe('code tables', () => {
  it('accept psn_type in two and four digits, to the same category', () => {
    expect([lookup('psn_type', 'psn_type', '12').category, lookup('psn_type', 'psn_type', '1201').category]).toEqual([
      'retired',
      'retired',
    ]);
    expect(lookup('psn_type', 'psn_type', '1404').category).toBe('student');
  });
  it('map hosp_lv 01–11 onto the levels and med_type onto the visit kinds', () => {
    expect(['01', '04', '05', '07', '08', '10', '11'].map((c) => lookup('hosp_lv', 'hosp_lv', c).level)).toEqual([
      'level3',
      'level3',
      'level2',
      'level2',
      'level1',
      'level1',
      'unrated',
    ]);
    expect(['11', '13', '14'].map((c) => lookup('med_type', 'med_type', c).medType)).toEqual(['ordinary', 'emergency', 'chronic']);
  });
  it('refuse an unknown code with a 400 naming the field and the table', () => {
    const e = (() => {
      try {
        lookup('insutype', 'input.data.insutype', '320');
      } catch (err) {
        return err;
      }
    })() as InvalidInput;
    expect(e).toBeInstanceOf(InvalidInput);
    expect([e.field, e.rule]).toEqual(['input.data.insutype', 'codeTable:insutype']);
    expect(() => lookup('insutype', 'x', 'constructor')).toThrow(InvalidInput);
  });
  it('answer fund_pay_type by scheme', () => {
    expect([codeFor('fund_pay_type', 'scheme', 'employee'), codeFor('fund_pay_type', 'scheme', 'resident')]).toEqual(['310100', '390100']);
  });
});

describe('totals against the uploaded lines', () => {
  it('add the lines up under the 2207 names', () => {
    expect(batchTotals(lines)).toEqual({
      medfee_sumamt: '250.05',
      fulamt_ownpay_amt: '50.05',
      overlmt_selfpay: '0.00',
      preselfpay_amt: '0.00',
      inscp_scp_amt: '200.00',
    });
  });
  it('accept agreeing totals, however written', () => {
    expect(() => checkTotals(data({ fulamt_ownpay_amt: '50.05', inscp_scp_amt: '200', overlmt_selfpay: '0' }), lines)).not.toThrow();
  });
  it.each([
    ['medfee_sumamt', '250.00', '250.05'],
    ['fulamt_ownpay_amt', '0.00', '50.05'],
    ['inscp_scp_amt', '250.05', '200.00'],
    ['overlmt_selfpay', '1.00', '0.00'],
    ['preselfpay_amt', '2.00', '0.00'],
  ])('refuse %s %s against the lines’ %s, naming both', (field, given, fromLines) => {
    let caught: unknown;
    try {
      checkTotals(data({ [field]: given }), lines);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PolicyRefusal);
    const r = caught as PolicyRefusal;
    expect(r.code).toBe('FEE_TOTALS_MISMATCH');
    expect(r.message).toContain(given);
    expect(r.message).toContain(fromLines);
    expect(r.details).toEqual(expect.objectContaining({ field, given, lines: fromLines }));
  });
});

describe('answers', () => {
  const decision = (fund: string): Decision =>
    ({
      policy: { packId: 'p', version: '1', region: 'nanyang', scheme: 'employee' },
      category: 'in_service',
      amounts: { fund, deductible: '30.00', rate: '0.55', capRemainingBefore: '1500.00' },
      national: { inscp_scp_amt: '200.00' },
      trace: [{ step: 'rate', clause: '第五条（二）', inputs: {}, result: {} }],
    }) as unknown as Decision;
  it('one setldetail row when the fund pays, none when it does not', () => {
    expect(setlDetail(decision('93.50'))).toEqual([
      {
        fund_pay_type: '310100',
        fund_pay_type_name: '职工基本医疗保险统筹基金',
        inscp_scp_amt: '200.00',
        crt_payb_lmt_amt: '1500.00',
        fund_payamt: '93.50',
        setl_proc_info: 'deductible 30.00; rate 0.55; cap remaining 1500.00 (第五条（二）)',
      },
    ]);
    expect(setlDetail(decision('0.00'))).toEqual([]);
  });
  it('negate without a negative zero; Beijing time of an instant', () => {
    expect([negate('93.50'), negate('0.00')]).toEqual(['-93.50', '0.00']);
    expect(beijingTime('2023-03-01T01:30:00Z')).toBe('2023-03-01 09:30:00');
  });
});
