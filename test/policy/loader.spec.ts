/** Loading refuses bad packs with a message naming the pack, the rule and the clause. */
import { PolicyCatalog, PolicyLoadError } from '../../src/policy/catalog';
import { canonicalJson, sha256Hex } from '../../src/policy/canonical-json';
import { resolvePack } from '../../src/policy/loader';
import { catalog, deploymentParams, gansuFixture, PACKS_DIR, readJson } from './helpers';

type Json = Record<string, any>;
const raw = (id: string): Json => readJson(`${PACKS_DIR}/${id}.json`);
const loadWith =
  (...extra: Json[]) =>
  () =>
    PolicyCatalog.load(deploymentParams(), { extraPacks: extra });

describe('PolicyCatalog.load', () => {
  test('loads the shipped packs with the shipped deployment parameters', () => {
    const ids = PolicyCatalog.load(deploymentParams())
      .packs()
      .map((p) => p.id)
      .sort();
    expect(ids).toEqual([
      'anyang-resident-2020',
      'gansu-employee-framework-2021',
      'jiaozuo-employee-2024',
      'nanyang-employee-2022',
      'national-resident-floor-2011',
    ]);
  });

  test('a Jiaozuo pack without deployment rates refuses to load, naming each missing parameter', () => {
    const params = deploymentParams() as Json;
    const partial = {
      packs: { ...params.packs, 'jiaozuo-employee-2024': { deductible: params.packs['jiaozuo-employee-2024'].deductible } },
    };
    // reversalWindowDays is missing too: every missing parameter is named, in pack order.
    expect(() => PolicyCatalog.load(partial)).toThrow(PolicyLoadError);
    expect(() => PolicyCatalog.load(partial)).toThrow(
      /pack jiaozuo-employee-2024: missing deployment parameters reversalWindowDays, rates, annualCaps — 焦医保〔2024〕32号 does not give them/,
    );
  });

  test('Nanyang without the 2021 average pension refuses to load, naming it', () => {
    const params = deploymentParams() as Json;
    const { averageMonthlyPension: _pension, ...rest } = params.packs['nanyang-employee-2022'];
    expect(() => PolicyCatalog.load({ packs: { ...params.packs, 'nanyang-employee-2022': rest } })).toThrow(
      /pack nanyang-employee-2022: missing deployment parameters averageMonthlyPension —/,
    );
  });

  test('the pension parameter has one name (issue 14 item 4): an old file with averageMonthlyPension2021 is refused naming the new key', () => {
    const params = deploymentParams() as Json;
    const { averageMonthlyPension, ...rest } = params.packs['nanyang-employee-2022'];
    const old = { packs: { ...params.packs, 'nanyang-employee-2022': { ...rest, averageMonthlyPension2021: averageMonthlyPension } } };
    expect(() => PolicyCatalog.load(old)).toThrow(
      'pack nanyang-employee-2022: config/deployment-policy.json packs["nanyang-employee-2022"].averageMonthlyPension2021 is now named averageMonthlyPension: rename the key',
    );
    expect(catalog().byId('nanyang-employee-2022')).toMatchObject({
      account: { credits: { averageMonthlyPension: { value: '3000.00', source: 'deployment' } } },
    });
  });

  test('the reversal window is a deployment parameter in every city pack, cited as such', () => {
    for (const p of catalog()
      .cityPacks()
      .filter((c) => c.document !== 'TEST FIXTURE (not a real document)')) {
      expect(p.benefit.reversalWindowDays).toMatchObject({
        value: 30,
        source: 'deployment',
        document: 'config/deployment-policy.json',
        clause: `packs.${p.id}.reversalWindowDays`,
      });
      expect(p.deploymentParameters).toContain('reversalWindowDays');
    }
  });

  test('deployment values are type-checked like the rest of the pack', () => {
    const params = deploymentParams() as Json;
    const bad = {
      packs: {
        ...params.packs,
        'jiaozuo-employee-2024': { ...params.packs['jiaozuo-employee-2024'], annualCaps: { value: { in_service: 1500, retired: '2000' } } },
      },
    };
    expect(() => PolicyCatalog.load(bad)).toThrow(
      'pack jiaozuo-employee-2024: benefit.annualCaps.value.in_service: must be a non-negative money string, got 1500',
    );
  });

  test.each<[string, (p: Json) => void, string]>([
    [
      'a rate above 1',
      (p) => (p.benefit.rates.value.in_service.level1 = '1.2'),
      'benefit.rates.value.in_service.level1: must be a rate string between 0 and 1, got "1.2"',
    ],
    [
      'money with sub-fen digits',
      (p) => (p.benefit.annualCaps.value.in_service = '1500.001'),
      'benefit.annualCaps.value.in_service: must be a non-negative money string',
    ],
    [
      'a money number instead of a string',
      (p) => (p.benefit.deductible.value.byLevel.level2 = 30),
      'benefit.deductible.value.byLevel.level2: must be a non-negative money string, got 30',
    ],
    ['a bad date', (p) => (p.effective.from = '2022-02-30'), 'effective.from: must be a date YYYY-MM-DD'],
    ['a missing clause', (p) => delete p.benefit.annualCaps.clause, 'benefit.annualCaps.clause: must be a non-empty string'],
    ['a missing document', (p) => delete p.benefit.rates.document, 'benefit.rates.document: must be a non-empty string'],
    [
      'an uncited exclusion',
      (p) => delete p.benefit.exclusions.costKinds.third_party,
      'benefit.exclusions.costKinds.third_party: must be a cited rule',
    ],
    [
      'a covered level without a rate',
      (p) => delete p.benefit.rates.value.retired.level3,
      'benefit.rates.value.retired.level3: is missing for a covered level',
    ],
    [
      'a category of the other scheme',
      (p) => (p.benefit.annualCaps.value.student = '400'),
      'benefit.annualCaps.value.student: must be one of in_service, retired',
    ],
    ['a given version', (p) => (p.version = 'v1'), 'version: is computed by the loader'],
    [
      'an unknown deductible window (issue 16.3)',
      (p) => (p.benefit.deductible.value.window = 'after'),
      'benefit.deductible.value.window: must be one of either_side, got "after"',
    ],
    [
      'a category mapped to an unknown tier (issue 16.4)',
      (p) => (p.benefit.tierByCategory = { value: { campus_clinic: 'primary' }, clause: 'c', document: 'd' }),
      'benefit.tierByCategory.value.campus_clinic: must be one of village',
    ],
    [
      'an uncited referral rule (issue 16.1)',
      (p) => (p.benefit.referralRecords = { value: { receiving: 'institution' } }),
      'benefit.referralRecords.clause: must be a non-empty string',
    ],
    [
      'a referral rule matching on something else',
      (p) => (p.benefit.referralRecords = { value: { receiving: 'anyone' }, clause: 'c', document: 'd' }),
      'benefit.referralRecords.value.receiving: must be one of institution',
    ],
    [
      'a consultation-fee rule that pays (issue 16.5)',
      (p) => (p.benefit.consultationFeeWithContract = { value: { paid: true }, clause: 'c', document: 'd' }),
      'benefit.consultationFeeWithContract.value.paid: must be false',
    ],
  ])('refuses %s, naming the path', (_name, mutate, message) => {
    const p = raw('nanyang-employee-2022');
    p.id = 'nanyang-employee-test';
    p.region = 'testregion';
    p.account.credits.averageMonthlyPension = { value: '3000', clause: 'test', document: 'test' };
    p.benefit.reversalWindowDays = { value: 30, clause: 'test', document: 'test' };
    mutate(p);
    expect(loadWith(p)).toThrow(message);
  });

  test('two packs of one region+scheme in force on the same day are refused', () => {
    const p = raw('nanyang-employee-2022');
    p.id = 'nanyang-employee-2024';
    p.effective = { from: '2024-01-01' };
    p.account.credits.averageMonthlyPension = { value: '3000', clause: 'test', document: 'test' };
    p.benefit.reversalWindowDays = { value: 30, clause: 'test', document: 'test' };
    expect(loadWith(p)).toThrow(
      /pack nanyang-employee-2024: in force 2024-01-01\.\., overlapping nanyang-employee-2022 \(2022-07-01\.\.\) for nanyang\/employee/,
    );
  });

  test('consecutive packs are resolved by date', () => {
    const p = raw('anyang-resident-2020');
    p.id = 'anyang-resident-2021';
    p.benefit.reversalWindowDays = { value: 30, clause: 'test', document: 'test' };
    p.effective = { from: '2021-01-01', to: '2021-12-31' };
    p.benefit.annualCaps.value = { resident: '340', student: '420' };
    const cat = PolicyCatalog.load(deploymentParams(), { extraPacks: [p] });
    expect(cat.resolve('anyang', 'resident', '2020-12-31')?.id).toBe('anyang-resident-2020');
    expect(cat.resolve('anyang', 'resident', '2021-01-01')?.id).toBe('anyang-resident-2021');
    expect(cat.resolve('anyang', 'employee', '2021-01-01')).toBeUndefined();
  });

  test('a duplicate id and an unknown framework are refused', () => {
    expect(loadWith(raw('anyang-resident-2020'))).toThrow('pack anyang-resident-2020: the id is used by two packs');
    const p = gansuFixture() as Json;
    p.framework = 'no-such-framework';
    expect(loadWith(p)).toThrow('framework no-such-framework is not a loaded framework pack');
  });

  test("a pack in a framework's territory must declare it (issue 14 item 1): gansu-lanzhou with no framework and cap 3000 is refused", () => {
    const p = gansuFixture() as Json;
    p.id = 'gansu-lanzhou-undeclared';
    p.region = 'gansu-lanzhou';
    delete p.framework;
    p.benefit.annualCaps.value.in_service = '3000';
    const load = loadWith(p);
    expect(load).toThrow(
      'pack gansu-lanzhou-undeclared: framework: must be "gansu-employee-framework-2021": region gansu-lanzhou (employee) is in its territory (甘政办发〔2021〕111号 第四条)',
    );
    expect(load).toThrow('annual cap 3000 exceeds the bound 2500 (甘政办发〔2021〕111号 第七条) for in_service');
  });

  test('a listed Gansu city without the framework field is refused even within the bounds', () => {
    const p = gansuFixture() as Json;
    delete p.framework;
    expect(loadWith(p)).toThrow('pack gansu-lanzhou-2023: framework: must be "gansu-employee-framework-2021"');
    expect(() => PolicyCatalog.load(deploymentParams(), { extraPacks: [gansuFixture()] })).not.toThrow();
  });

  test('a resident pack is checked against the national floor even when it names no framework', () => {
    const p = raw('anyang-resident-2020');
    p.id = 'xinyang-resident-2020';
    p.benefit.reversalWindowDays = { value: 30, clause: 'test', document: 'test' };
    p.region = 'xinyang';
    delete p.framework;
    p.benefit.rates.value.resident.village = '0.4';
    expect(loadWith(p)).toThrow(
      'pack xinyang-resident-2020: framework: must be "national-resident-floor-2011": region xinyang (resident) is in its territory (人社部发〔2011〕59号 六)',
    );
    expect(loadWith(p)).toThrow('rate 0.4 for resident at primary level village is under the floor 0.5 (人社部发〔2011〕59号 二)');
  });

  test('the version is the sha256 of the canonical resolved pack, deployment values included', () => {
    const a = catalog().byId('nanyang-employee-2022')!;
    const { version, ...body } = a;
    expect(version).toBe(`sha256:${sha256Hex(canonicalJson(body))}`);
    expect(PolicyCatalog.load(deploymentParams()).byId('nanyang-employee-2022')!.version).toBe(version);
    expect(catalog().byVersion(version)?.id).toBe('nanyang-employee-2022');
    const params = deploymentParams() as Json;
    const other = PolicyCatalog.load({
      packs: { ...params.packs, 'nanyang-employee-2022': { ...params.packs['nanyang-employee-2022'], averageMonthlyPension: '3100.00' } },
    });
    expect(other.byId('nanyang-employee-2022')!.version).not.toBe(version);
    expect(other.byId('anyang-resident-2020')!.version).toBe(catalog().byId('anyang-resident-2020')!.version);
  });

  test('a resolved pack is frozen plain JSON that round-trips', () => {
    const p = catalog().byId('jiaozuo-employee-2024')!;
    expect(Object.isFrozen(p)).toBe(true);
    expect(() => {
      (p as Json).region = 'x';
    }).toThrow(TypeError);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(resolvePack(JSON.parse(JSON.stringify(raw('anyang-resident-2020'))), deploymentParams()).version).toBe(
      catalog().byId('anyang-resident-2020')!.version,
    );
  });

  test('the catalog lists frameworks apart and resolve() never returns one', () => {
    expect(
      catalog()
        .frameworks()
        .map((f) => f.id)
        .sort(),
    ).toEqual(['gansu-employee-framework-2021', 'national-resident-floor-2011']);
    expect(catalog().resolve('gansu', 'employee', '2023-01-01')).toBeUndefined();
    expect(catalog().resolve('lanzhou', 'employee', '2023-01-01')?.id).toBe('gansu-lanzhou-2023');
  });
});
