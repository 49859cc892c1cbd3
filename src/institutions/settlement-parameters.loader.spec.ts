import raw from './settlement-parameters.json';
import { InvalidSettlementParameters, loadSettlementParameters, SETTLEMENT_PARAMETERS } from './settlement-parameters.loader';

const copy = () => JSON.parse(JSON.stringify(raw));

describe('settlement parameters: every value cited and validated on load', () => {
  it('loads the shipped file with the documents’ figures', () => {
    const j = SETTLEMENT_PARAMETERS.jiaozuo;
    expect(j.years['2024'].categoryBases.city_level3_general).toEqual({ value: '265', document: '焦医保〔2024〕32号', clause: '四（一）3（1）' });
    expect(j.years['2024'].growthCap.value).toBe('0.065');
    expect([j.monthly.advanceShare.value, j.monthly.heldShare.value, j.monthly.declarationDueDay.value]).toEqual(['0.95', '0.05', 10]);
    expect([j.review.sampleSize.value, j.review.noCompensationFromShare.value]).toEqual([100, '0.6']);
    expect(j.ownHistory.weights.value).toEqual([1, 2, 7]);
    expect(SETTLEMENT_PARAMETERS.anyang.years['2020']).toMatchObject({ fundingPerPerson: { value: '90' }, consultationPerPerson: { value: '18' } });
  });

  const broken: Array<[string, (p: any) => void, RegExp]> = [
    ['a value without a clause', (p) => delete p.jiaozuo.years['2024'].growthCap.clause, /growthCap\.clause/],
    ['a missing category base', (p) => delete p.jiaozuo.years['2024'].categoryBases.city_tcm, /categoryBases\.city_tcm/],
    ['an unknown category', (p) => (p.jiaozuo.years['2024'].categoryBases.spa = { value: '1', document: 'd', clause: 'c' }), /unknown category/],
    ['a base that is a number', (p) => (p.jiaozuo.years['2024'].categoryBases.city_tcm.value = 215), /positive money/],
    ['95% + 5% not summing to one', (p) => (p.jiaozuo.monthly.heldShare.value = '0.06'), /must equal 1/],
    ['a review band above 1', (p) => (p.jiaozuo.review.noCompensationFromShare.value = '1.5'), /\(0, 1\]/],
    ['a due day no month has', (p) => (p.jiaozuo.monthly.declarationDueDay.value = 31), /1\.\.28/],
    ['consultation above funding', (p) => (p.anyang.years['2020'].consultationPerPerson.value = '91'), /fundingPerPerson/],
  ];
  it.each(broken)('rejects %s', (_name, breakIt, message) => {
    const p = copy();
    breakIt(p);
    expect(() => loadSettlementParameters(p)).toThrow(InvalidSettlementParameters);
    expect(() => loadSettlementParameters(p)).toThrow(message);
  });
});
