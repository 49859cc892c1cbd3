import { CategorisedProfile, InstitutionProfile } from './institution.types';
import { determineCostBase } from './cost-base';
import { defaultCatalog } from '../../test/support/policy';
import { settlementParameters } from './settlement-parameters';

const P = settlementParameters(defaultCatalog());

const profile = (over: Partial<InstitutionProfile>): CategorisedProfile => ({
  code: 'H1',
  name: 'h',
  category: 'other_specialty',
  level: 'level2',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
  ...over,
});

describe('per-visit average cost bases (焦医保〔2024〕32号 四（一）1, 3（1）)', () => {
  it('takes the published 2024 base of each category', () => {
    const expected: Record<string, string> = {
      city_level3_general: '265.00',
      city_tcm: '215.00',
      city_maternal_child: '298.00',
      county_general: '204.00',
      county_tcm: '200.00',
      county_maternal_child: '140.00',
      community_health_centre: '123.00',
      township_health_centre: '82.00',
    };
    for (const [category, base] of Object.entries(expected)) {
      const d = determineCostBase(profile({ category: category as InstitutionProfile['category'] }), { year: 2024 }, P);
      expect([category, d.base, d.method, d.clause]).toEqual([category, base, 'category', '焦医保〔2024〕32号 四（一）3（1）']);
    }
  });

  it('maps unrated / level-1 general institutions by location (四（一）1 second paragraph)', () => {
    const city = determineCostBase(profile({ category: 'other_general', level: 'unrated', location: 'city' }), { year: 2024 }, P);
    expect(city).toMatchObject({ base: '123.00', method: 'unrated_mapping' });
    expect(city.clause).toContain('焦医保〔2024〕32号 四（一）1');
    const township = determineCostBase(profile({ category: 'other_general', level: 'level1', location: 'township' }), { year: 2024 }, P);
    expect(township).toMatchObject({ base: '82.00', method: 'unrated_mapping' });
    expect(() =>
      determineCostBase(profile({ category: 'other_general', level: 'unrated', location: 'county' }), { year: 2024 }, P),
    ).toThrow(expect.objectContaining({ code: 'UNRATED_LOCATION_NOT_MAPPED' }));
  });

  it('exempts village clinics and refuses a year with no published base', () => {
    expect(() =>
      determineCostBase(profile({ category: 'village_clinic', level: 'village', location: 'village' }), { year: 2024 }, P),
    ).toThrow(expect.objectContaining({ code: 'INSTITUTION_EXEMPT_FROM_COST_BASE' }));
    expect(() => determineCostBase(profile({ category: 'county_general' }), { year: 2025 }, P)).toThrow(
      expect.objectContaining({ code: 'NO_COST_BASE_PUBLISHED_FOR_YEAR' }),
    );
  });

  it('other specialty: weights 1:2:7 over the last three years, latest heaviest', () => {
    const d = determineCostBase(
      profile({}),
      {
        year: 2024,
        history: [
          { year: 2021, average: '150.00' },
          { year: 2022, average: '160.00' },
          { year: 2023, average: '200.00' },
        ],
      },
      P,
    );
    // (150×1 + 160×2 + 200×7) / 10 = 1870 / 10 = 187.00
    expect(d).toMatchObject({ base: '187.00', method: 'weighted_history', clause: '焦医保〔2024〕32号 四（一）1' });
    expect(d.inputs).toMatchObject({ average_2021: '150.00', average_2022: '160.00', average_2023: '200.00' });
  });

  it('1:2:7 rounds once to the fen', () => {
    const d = determineCostBase(
      profile({}),
      {
        year: 2024,
        history: [
          { year: 2021, average: '100.01' },
          { year: 2022, average: '100.02' },
          { year: 2023, average: '100.04' },
        ],
      },
      P,
    );
    // (100.01 + 200.04 + 700.28) / 10 = 100.033 → 100.03
    expect(d.base).toBe('100.03');
  });

  it('COVID-low year among the last three: mean of the three highest of the last five', () => {
    const history = [
      { year: 2019, average: '181.00' },
      { year: 2020, average: '120.00', covidLow: true },
      { year: 2021, average: '190.00' },
      { year: 2022, average: '130.00', covidLow: true },
      { year: 2023, average: '200.00' },
    ];
    const d = determineCostBase(profile({}), { year: 2024, history }, P);
    // (200 + 190 + 181) / 3 = 190.333… → 190.33
    expect(d).toMatchObject({ base: '190.33', method: 'best_of_history' });
    expect(d.trace[0].inputs.chosenYears).toBe('2019,2021,2023');
  });

  it('a COVID mark only before the last three years leaves the 1:2:7 rule in place', () => {
    const d = determineCostBase(
      profile({}),
      {
        year: 2024,
        history: [
          { year: 2020, average: '50.00', covidLow: true },
          { year: 2021, average: '150.00' },
          { year: 2022, average: '160.00' },
          { year: 2023, average: '200.00' },
        ],
      },
      P,
    );
    expect(d).toMatchObject({ base: '187.00', method: 'weighted_history' });
  });

  it('refuses incomplete history, naming the missing years', () => {
    expect(() =>
      determineCostBase(
        profile({}),
        {
          year: 2024,
          history: [
            { year: 2022, average: '1.00' },
            { year: 2023, average: '1.00' },
          ],
        },
        P,
      ),
    ).toThrow(expect.objectContaining({ code: 'COST_BASE_HISTORY_INCOMPLETE', details: { missing: [2021] } }));
    const covidShort = [
      { year: 2021, average: '1.00' },
      { year: 2022, average: '1.00', covidLow: true },
      { year: 2023, average: '1.00' },
    ];
    expect(() => determineCostBase(profile({}), { year: 2024, history: covidShort }, P)).toThrow(
      expect.objectContaining({ details: { missing: [2019, 2020] } }),
    );
  });

  it('uses the province figure when the agency finds the own figure markedly above it', () => {
    const history = [
      { year: 2021, average: '300.00' },
      { year: 2022, average: '300.00' },
      { year: 2023, average: '300.00' },
    ];
    const d = determineCostBase(profile({}), { year: 2024, history, provinceAverage: '210.50', markedlyAboveProvince: true }, P);
    expect(d).toMatchObject({ base: '210.50', method: 'province' });
    expect(d.inputs).toMatchObject({ ownBase: '300.00', provinceAverage: '210.50' });
    expect(() =>
      determineCostBase(profile({}), { year: 2024, history, provinceAverage: '300.00', markedlyAboveProvince: true }, P),
    ).toThrow(expect.objectContaining({ code: 'OWN_AVERAGE_NOT_ABOVE_PROVINCE' }));
  });

  it('the sole institution of a category uses the own-history method; others may not send history', () => {
    const history = [
      { year: 2021, average: '150.00' },
      { year: 2022, average: '160.00' },
      { year: 2023, average: '200.00' },
    ];
    expect(determineCostBase(profile({ category: 'city_maternal_child' }), { year: 2024, history, soleInCategory: true }, P).base).toBe(
      '187.00',
    );
    expect(() => determineCostBase(profile({ category: 'city_maternal_child' }), { year: 2024, history }, P)).toThrow(/history/);
  });
});
