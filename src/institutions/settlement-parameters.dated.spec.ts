/**
 * Issue 14 item 1: an institution decision takes its figures from the pack in force for the
 * institution's region and the period the decision concerns, records that pack's version,
 * and replays with it. Two dated Jiaozuo packs (2024: 95/5; a 2025 successor: 90/10 with
 * new bases) and a second region with its own figures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { PolicyCatalog } from '../policy/catalog';
import { ExecuteInstitutionHandler, ExecuteInstitutionCommand } from './commands/institution.command';
import type { InstitutionCommand } from './institution.decide';
import { replayInstitution } from './institution-replay';
import type { InstitutionProfile } from './institution.types';
import { categoriesOf, decisionInputs, periodOfCommand } from './settlement-parameters';

const ROOT = path.resolve(__dirname, '../..');
const PACKS = path.join(ROOT, 'src/policy/packs');
const params = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/deployment-policy.json'), 'utf8'));
const readPack = (file: string) => JSON.parse(fs.readFileSync(path.join(PACKS, file), 'utf8'));

/** The shipped packs, Jiaozuo's 2024 pack ending 2024-12-31, a 2025 successor, and a Xinxiang pack. */
function datedCatalog(): PolicyCatalog {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dated-packs-'));
  for (const f of fs.readdirSync(PACKS).filter((f) => f.endsWith('.json') && !f.startsWith('jiaozuo-'))) {
    fs.copyFileSync(path.join(PACKS, f), path.join(dir, f));
  }
  const y2024 = readPack('jiaozuo-employee-2024.json');
  y2024.effective.to = '2024-12-31';
  const y2025 = readPack('jiaozuo-employee-2024.json');
  y2025.id = 'jiaozuo-employee-2025';
  y2025.effective = { ...y2025.effective, from: '2025-01-01' };
  y2025.institution.monthlySettlement.value = { ...y2025.institution.monthlySettlement.value, advanceShare: '0.9', heldShare: '0.1' };
  y2025.institution.perVisitAverageBase.value.year = 2025;
  y2025.institution.perVisitAverageBase.value.byCategory.city_level3_general = '270';
  y2025.institution.growthCap.value.year = 2025;
  y2025.institution.categories.value = y2025.institution.categories.value.filter((c: string) => c !== 'other_specialty');
  const xinxiang = readPack('jiaozuo-employee-2024.json');
  xinxiang.id = 'xinxiang-employee-2024';
  xinxiang.region = 'xinxiang';
  xinxiang.institution.perVisitAverageBase.value.byCategory.city_level3_general = '250';
  for (const pack of [y2024, y2025, xinxiang]) fs.writeFileSync(path.join(dir, `${pack.id}.json`), JSON.stringify(pack));
  // The Jiaozuo document gives no deductible, rates or caps: the deployment supplies them per pack.
  const deployment = structuredClone(params);
  for (const id of [y2025.id, xinxiang.id]) deployment.packs[id] = deployment.packs[y2024.id];
  try {
    return PolicyCatalog.load(deployment, { packsDir: dir });
  } finally {
    // The catalogue reads the packs as it loads; the folder is not needed after.
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const catalog = datedCatalog();
const versionOf = (id: string) => catalog.byId(id)!.version;
const profile = (code: string, region: string): InstitutionProfile => ({
  code,
  name: code,
  category: 'city_level3_general',
  level: 'level3',
  location: 'city',
  region,
  designations: ['employee'],
});
const jiaozuo = { profile: profile('JZ-D', 'jiaozuo') };

describe('the pack in force for the institution region and the period', () => {
  test.each<[string, InstitutionCommand, string]>([
    ['a month of 2024', { type: 'DeclareMonth', data: { month: '2024-12' } as never }, 'jiaozuo-employee-2024'],
    ['a month of 2025', { type: 'PayAdvance', data: { month: '2025-01' } }, 'jiaozuo-employee-2025'],
    ['the year 2024', { type: 'SetCostBase', data: { year: 2024 } }, 'jiaozuo-employee-2024'],
    ['the year 2025', { type: 'SettlePeriod', data: { year: 2025 } }, 'jiaozuo-employee-2025'],
    [
      'a month before the first pack: the first, whose date the refusal cites',
      { type: 'PayAdvance', data: { month: '2024-07' } },
      'jiaozuo-employee-2024',
    ],
    ['a year after the last: the last', { type: 'SetCostBase', data: { year: 2031 } }, 'jiaozuo-employee-2025'],
  ])('%s', (_what, command, packId) => {
    const [p] = decisionInputs(catalog, command, jiaozuo, '2026-12-02');
    expect(p.jiaozuo.packVersion).toBe(versionOf(packId));
  });

  test("an institution of another region gets its region's figures, not Jiaozuo's", () => {
    const command: InstitutionCommand = { type: 'SetCostBase', data: { year: 2024 } };
    const [x] = decisionInputs(catalog, command, { profile: profile('XX-1', 'xinxiang') }, '2026-12-02');
    const [j] = decisionInputs(catalog, command, jiaozuo, '2026-12-02');
    expect(x.jiaozuo.packVersion).toBe(versionOf('xinxiang-employee-2024'));
    expect(x.jiaozuo.years['2024'].categoryBases.city_level3_general.value).toBe('250');
    expect(j.jiaozuo.years['2024'].categoryBases.city_level3_general.value).toBe('265');
  });

  test('a registry command reads the categories its region declares on the day it is made', () => {
    expect(categoriesOf(catalog, 'jiaozuo', '2024-10-01')!.value).toContain('other_specialty');
    expect(categoriesOf(catalog, 'jiaozuo', '2025-02-01')!.value).not.toContain('other_specialty');
    const register = (today: string) =>
      decisionInputs(catalog, { type: 'RegisterInstitution', data: { ...jiaozuo.profile, category: 'other_specialty' } }, {}, today)[1];
    expect(register('2024-10-01')!.value).toContain('other_specialty');
    expect(register('2025-02-01')!.value).not.toContain('other_specialty');
  });

  test('the period of a command: its month, its year, else the day (also for a malformed month the decider refuses)', () => {
    expect(periodOfCommand({ data: { month: '2024-02' } }, '2026-12-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodOfCommand({ data: { year: 2025 } }, '2026-12-02')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(periodOfCommand({ data: { month: '2024-13' } }, '2026-12-02')).toEqual({ from: '2026-12-02', to: '2026-12-02' });
    expect(periodOfCommand({ data: { code: 'X' } }, '2026-12-02')).toEqual({ from: '2026-12-02', to: '2026-12-02' });
  });
});

describe('through the command handler: each month paid under its own pack, recorded and replayed', () => {
  let store: SqliteEventStore;
  let handler: ExecuteInstitutionHandler;
  let today = '2025-02-05';
  const clock = { now: () => new Date(`${today}T02:00:00.000Z`) };
  let n = 0;
  const ids = { next: () => `id-${++n}` };
  const run = (command: InstitutionCommand) =>
    handler.execute(new ExecuteInstitutionCommand('JZ-D', command, { commandId: `cmd-${++n}`, actor: 'agency' }));

  beforeAll(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    handler = new ExecuteInstitutionHandler(store, clock, ids, catalog);
  });
  afterAll(async () => store.close());

  test('December 2024 is advanced 95 %, January 2025 90 %; each event names its pack; replay finds nothing', async () => {
    await run({ type: 'RegisterInstitution', data: jiaozuo.profile });
    const advances: unknown[] = [];
    for (const month of ['2024-12', '2025-01']) {
      today = `${month === '2024-12' ? '2025-01' : '2025-02'}-05`;
      await run({ type: 'DeclareMonth', data: { month, visits: 1000, totalCost: '300000', fundDue: '100000', declaredOn: today } });
      await run({ type: 'ApproveMonth', data: { month, approvedAmount: '100000' } });
      advances.push((await run({ type: 'PayAdvance', data: { month } })).events[0].data);
    }
    expect(advances).toEqual([
      expect.objectContaining({ month: '2024-12', amount: '95000.00', held: '5000.00', packVersion: versionOf('jiaozuo-employee-2024') }),
      expect.objectContaining({ month: '2025-01', amount: '90000.00', held: '10000.00', packVersion: versionOf('jiaozuo-employee-2025') }),
    ]);
    const stored: RecordedEvent[] = await store.readStream('institution-JZ-D');
    expect(replayInstitution('JZ-D', stored, catalog).findings).toEqual([]);
  });
});
