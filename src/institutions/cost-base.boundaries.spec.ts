/**
 * Issue 17: the own-history cost base's input checks and recorded inputs (焦医保〔2024〕32号 四（一）1).
 */
import { determineCostBase } from './cost-base';
import { CategorisedProfile } from './institution.types';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());

const specialty: CategorisedProfile = {
  code: 'H1',
  name: 'h',
  category: 'other_specialty',
  level: 'level2',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
};
const history = [
  { year: 2021, average: '100.00' },
  { year: 2022, average: '200.00' },
  { year: 2023, average: '300.00' },
];

describe('own history (四（一）1)', () => {
  it('weights 1:2:7 → (100 + 400 + 2100) / 10 = 260.00, recording each year in order and the province figure when given', () => {
    const d = determineCostBase(specialty, { year: 2024, history: [...history].reverse(), provinceAverage: '250' }, P);
    expect(d).toMatchObject({ base: '260.00', method: 'weighted_history' });
    expect(d.inputs).toEqual({
      category: 'other_specialty',
      average_2021: '100.00',
      average_2022: '200.00',
      average_2023: '300.00',
      ownBase: '260.00',
      provinceAverage: '250.00',
    });
    expect(Object.keys(d.inputs).slice(1, 4)).toEqual(['average_2021', 'average_2022', 'average_2023']);
  });

  it('a year given twice is invalid input naming history', () => {
    expect(() => determineCostBase(specialty, { year: 2024, history: [...history, { year: 2023, average: '1.00' }] }, P)).toThrow(
      'history: year 2023 appears twice',
    );
  });

  it('markedly above the province without its figure is invalid input; with it, the province figure is the base', () => {
    expect(() => determineCostBase(specialty, { year: 2024, history, markedlyAboveProvince: true }, P)).toThrow(
      'provinceAverage: required when markedlyAboveProvince is true',
    );
    const d = determineCostBase(specialty, { year: 2024, history, markedlyAboveProvince: true, provinceAverage: '250' }, P);
    expect(d).toMatchObject({ base: '250.00', method: 'province' });
    expect(d.inputs).toMatchObject({ provinceAverage: '250.00', markedlyAboveProvince: true });
  });

  it('no covid-low mark and no sole-in-category flag are recorded only when set', () => {
    const d = determineCostBase(specialty, { year: 2024, history }, P);
    expect(Object.keys(d.inputs).filter((k) => k.startsWith('covidLow') || k === 'soleInCategory')).toEqual([]);
  });
});
