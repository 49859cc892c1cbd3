/**
 * Issue 17 (institution core): what the cost-base determination records for the auditor (its
 * trace steps, clauses and inputs) and the wording of its refusals (焦医保〔2024〕32号 四（一）).
 */
import { determineCostBase } from './cost-base';
import { CategorisedProfile } from './institution.types';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());
const DOC = '焦医保〔2024〕32号';

const profile = (over: Partial<CategorisedProfile> = {}): CategorisedProfile => ({
  code: 'H1',
  name: 'h',
  category: 'other_specialty',
  level: 'level2',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
  ...over,
});

/** The error `run` throws (fails the test if it returns). */
function thrown(run: () => unknown): any {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}

describe('published bases (四（一）3（1）): the trace entry and the refusals', () => {
  it('a category base records its category, location and the one cost_base step', () => {
    const d = determineCostBase(profile({ category: 'county_general', location: 'county' }), { year: 2024 }, P);
    const inputs = { category: 'county_general', baseCategory: 'county_general', location: 'county' };
    expect(d).toStrictEqual({
      year: 2024,
      base: '204.00',
      method: 'category',
      inputs,
      clause: `${DOC} 四（一）3（1）`,
      trace: [{ step: 'cost_base', clause: `${DOC} 四（一）3（1）`, inputs, result: { base: '204.00', method: 'category' } }],
    });
  });

  it('an unrated general institution cites the mapping and the base it maps to', () => {
    const d = determineCostBase(profile({ category: 'other_general', level: 'unrated', location: 'township' }), { year: 2024 }, P);
    expect(d.clause).toBe(`${DOC} 四（一）1; ${DOC} 四（一）3（1）`);
    expect(d.trace).toEqual([
      {
        step: 'cost_base',
        clause: d.clause,
        inputs: { category: 'other_general', baseCategory: 'township_health_centre', location: 'township' },
        result: { base: '82.00', method: 'unrated_mapping' },
      },
    ]);
  });

  it('refusals name the category, location or year', () => {
    expect(thrown(() => determineCostBase(profile({ category: 'other_general', location: 'county' }), { year: 2024 }, P))).toMatchObject({
      code: 'UNRATED_LOCATION_NOT_MAPPED',
      clause: `${DOC} 四（一）1`,
      message:
        "the document maps unrated general institutions only in urban districts (城区) or townships (乡镇); location 'county' is not mapped",
    });
    expect(
      thrown(() => determineCostBase(profile({ category: 'village_clinic', level: 'village', location: 'village' }), { year: 2024 }, P)),
    ).toMatchObject({
      code: 'INSTITUTION_EXEMPT_FROM_COST_BASE',
      clause: `${DOC} 四（一）1`,
      message: 'category village_clinic is exempt from per-visit average management',
    });
    expect(thrown(() => determineCostBase(profile({ category: 'campus_clinic', level: 'unrated' }), { year: 2024 }, P))).toMatchObject({
      code: 'NO_BASE_FOR_CATEGORY',
      clause: `${DOC} 四（一）1`,
      message: 'the document publishes no per-visit average base for category campus_clinic',
    });
    expect(thrown(() => determineCostBase(profile({ category: 'city_tcm' }), { year: 2025 }, P))).toMatchObject({
      code: 'NO_COST_BASE_PUBLISHED_FOR_YEAR',
      clause: `${DOC} 四（一）3`,
      message: 'no per-visit average base is published for 2025',
    });
  });

  it.each([
    ['history', { history: [] }],
    ['a province figure', { provinceAverage: '100' }],
    ['a markedly-above finding', { markedlyAboveProvince: true }],
  ])('a published-base category sending %s is invalid input naming history', (_, extra) => {
    expect(thrown(() => determineCostBase(profile({ category: 'city_tcm' }), { year: 2024, ...extra }, P))).toMatchObject({
      kind: 'invalid',
      field: 'history',
      rule: 'category city_tcm takes the published base; own history applies only to other specialty institutions or the sole institution of a category',
    });
  });
});

describe('own history (四（一）1): incomplete history, recorded inputs, trace', () => {
  it('no history at all: the three years of the 1:2:7 rule are missing, named in order', () => {
    expect(thrown(() => determineCostBase(profile(), { year: 2024 }, P))).toMatchObject({
      code: 'COST_BASE_HISTORY_INCOMPLETE',
      clause: `${DOC} 四（一）1`,
      message: 'the per-visit averages of 2021, 2022, 2023 are needed',
      details: { missing: [2021, 2022, 2023] },
    });
  });

  it('1:2:7: the trace names the weights and years; the sole institution of a category is recorded', () => {
    const history = [
      { year: 2021, average: '150.00' },
      { year: 2022, average: '160.00' },
      { year: 2023, average: '200.00' },
    ];
    const d = determineCostBase(profile({ category: 'city_tcm' }), { year: 2024, history, soleInCategory: true }, P);
    const recorded = { category: 'city_tcm', average_2021: '150.00', average_2022: '160.00', average_2023: '200.00', soleInCategory: true };
    expect(d.inputs).toEqual({ ...recorded, ownBase: '187.00' });
    expect(d.trace).toEqual([
      {
        step: 'own_history_weighted',
        clause: `${DOC} 四（一）1`,
        inputs: { ...recorded, weights: '1:2:7', years: '2021,2022,2023' },
        result: { ownBase: '187.00' },
      },
    ]);
  });

  it('best three of five: COVID-low years are recorded; of two equal averages the later year is chosen', () => {
    const history = [
      { year: 2019, average: '300.00' },
      { year: 2020, average: '100.00', covidLow: true },
      { year: 2021, average: '150.00' },
      { year: 2022, average: '150.00', covidLow: true },
      { year: 2023, average: '300.00' },
    ];
    const d = determineCostBase(profile(), { year: 2024, history }, P);
    // (300 + 300 + 150) / 3 = 250.00; the 150 of 2022 is taken over the 150 of 2021.
    const recorded = {
      category: 'other_specialty',
      average_2019: '300.00',
      average_2020: '100.00',
      covidLow_2020: true,
      average_2021: '150.00',
      average_2022: '150.00',
      covidLow_2022: true,
      average_2023: '300.00',
    };
    expect(d).toMatchObject({ base: '250.00', method: 'best_of_history', clause: `${DOC} 四（一）1` });
    expect(d.inputs).toEqual({ ...recorded, ownBase: '250.00' });
    expect(d.trace).toEqual([
      {
        step: 'own_history_best_of',
        clause: `${DOC} 四（一）1`,
        inputs: { ...recorded, best: 3, of: 5, chosenYears: '2019,2022,2023' },
        result: { ownBase: '250.00' },
      },
    ]);
  });

  it('the province figure: a trace step after the own figure; refused with both figures when not below it', () => {
    const history = [2021, 2022, 2023].map((year) => ({ year, average: '300.00' }));
    const d = determineCostBase(profile(), { year: 2024, history, provinceAverage: '299.99', markedlyAboveProvince: true }, P);
    expect(d).toMatchObject({ base: '299.99', method: 'province', clause: `${DOC} 四（一）1` });
    expect(d.trace.map((t) => t.step)).toEqual(['own_history_weighted', 'province_figure']);
    expect(d.trace[1]).toEqual({
      step: 'province_figure',
      clause: `${DOC} 四（一）1`,
      inputs: { ownBase: '300.00', provinceAverage: '299.99' },
      result: { base: '299.99' },
    });
    expect(
      thrown(() => determineCostBase(profile(), { year: 2024, history, provinceAverage: '300', markedlyAboveProvince: true }, P)),
    ).toMatchObject({
      code: 'OWN_AVERAGE_NOT_ABOVE_PROVINCE',
      clause: `${DOC} 四（一）1`,
      message: 'own figure 300.00 is not above the province figure 300.00',
    });
  });
});
