/**
 * Issue 15 items 3–4: institution replay after corrections. A month correction is one
 * command (InstitutionMonthCorrected); its consequences are compared with what that command
 * decides again, never rebuilt as commands of their own; a level correction (written by a
 * person-side correction) is folded, not recomputed here.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { ANYANG_TOWNSHIP } from '../../test/support/fixtures';
import { defaultCatalog } from '../../test/support/policy';
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { foldInstitution, InstitutionEvent } from './institution.events';
import { replayInstitution } from './institution-replay';
import type { InstitutionProfile } from './institution.types';
import { settlementParameters } from './settlement-parameters';

const catalog = defaultCatalog();
const P = settlementParameters(catalog);
const PROFILE: InstitutionProfile = {
  code: 'JZ-R',
  name: '某县人民医院',
  category: 'county_general',
  level: 'level2',
  location: 'county',
  region: 'jiaozuo',
  designations: ['employee'],
};

function run(commands: InstitutionCommand[]): InstitutionEvent[] {
  const all: InstitutionEvent[] = [{ type: 'InstitutionRegistered', data: PROFILE }];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

const recorded = (events: Array<{ type: string; data: unknown }>): RecordedEvent[] =>
  events.map(
    (e, revision) =>
      ({
        ...e,
        id: `e${revision}`,
        streamId: 'institution-JZ-R',
        revision,
        position: revision + 1,
        metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00.000Z' },
      }) as RecordedEvent,
  );

/** December 2024 declared, approved at 1,000,000.00, advanced (950,000.00), then corrected to 900,000.00: advance 855,000.00, 95,000.00 recovered. */
const corrected = run([
  { type: 'DeclareMonth', data: { month: '2024-12', visits: 10000, totalCost: '2300000', fundDue: '1000000', declaredOn: '2025-01-08' } },
  { type: 'ApproveMonth', data: { month: '2024-12', approvedAmount: '1000000' } },
  { type: 'PayAdvance', data: { month: '2024-12' } },
  {
    type: 'CorrectMonth',
    data: {
      correctionId: 'COR-1',
      month: '2024-12',
      corrected: { visits: 10000, totalCost: '2300000', fundDue: '900000' },
      reason: 'audit',
      correctedOn: '2025-03-01',
    },
  },
]);

describe('institution replay after corrections', () => {
  it('a month correction replays with 0 findings and counts as one command', () => {
    expect(corrected.slice(-3).map((e) => e.type)).toEqual([
      'InstitutionMonthCorrected',
      'InstitutionAdvanceRecomputed',
      'InstitutionFundRecovered',
    ]);
    expect(corrected.at(-1)!.data).toMatchObject({ amount: '95000.00' });
    const report = replayInstitution('JZ-R', recorded(corrected), catalog, 2024);
    expect(report.findings).toEqual([]);
    expect(report.recomputed).toBe(corrected.length - 2);
  });

  it('a consequence with another amount, or one missing, is a difference', () => {
    const tampered = corrected.map((e) =>
      e.type === 'InstitutionFundRecovered' ? { ...e, data: { ...e.data, amount: '9500.00' } } : e,
    ) as InstitutionEvent[];
    expect(replayInstitution('JZ-R', recorded(tampered), catalog).findings).toEqual([
      expect.objectContaining({
        revision: corrected.length - 1,
        type: 'InstitutionFundRecovered',
        kind: 'differs',
        differences: [{ path: 'amount', recorded: '9500.00', recomputed: '95000.00' }],
      }),
    ]);
    const missing = corrected.slice(0, -1);
    expect(replayInstitution('JZ-R', recorded(missing), catalog).findings).toEqual([
      expect.objectContaining({
        type: 'InstitutionMonthCorrected',
        kind: 'differs',
        differences: [{ path: 'type', recorded: '(nothing)', recomputed: 'InstitutionFundRecovered' }],
      }),
    ]);
  });

  it('a level corrected by a person-side correction is folded, not reported as a command this stream cannot rebuild', () => {
    const levelCorrected = {
      type: 'InstitutionLevelCorrected',
      data: {
        correctionId: 'COR-L',
        institutionCode: 'JZ-R',
        level: 'level3',
        from: '2024-01-01',
        correctedAt: '2025-03-01T00:00:00.000Z',
      },
    };
    const report = replayInstitution('JZ-R', recorded([...corrected, levelCorrected]), catalog);
    expect(report.findings).toEqual([]);
  });
});

describe('institution replay of capitation months', () => {
  const capitation = (commands: InstitutionCommand[]): InstitutionEvent[] => {
    const all: InstitutionEvent[] = [{ type: 'InstitutionRegistered', data: ANYANG_TOWNSHIP as InstitutionProfile }];
    for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
    return all;
  };

  // Found by test/fuzz/accepted-writes: the month's `claimed` is the sum of both claims; rebuilt
  // from it, the command claimed the consultation fees twice and every such month was a finding.
  it('a month with consultation fees claimed replays with 0 findings (the command rebuilt from the general claim)', () => {
    const events = capitation([
      { type: 'AssignPersons', data: { year: 2020, count: 3000 } },
      { type: 'SettleCapitationMonth', data: { month: '2020-03', claimed: '250.00', consultationClaimed: '100.00' } },
    ]);
    expect(events.at(-1)!.data).toMatchObject({ claimed: '350.00', generalClaimed: '250.00', consultationClaimed: '100.00' });
    const report = replayInstitution(ANYANG_TOWNSHIP.code, recorded(events), catalog, 2020);
    expect(report.findings).toEqual([]);
    expect(report.recomputed).toBe(events.length);
  });

  it('a month whose recorded total claim was altered is a difference', () => {
    const events = capitation([
      { type: 'AssignPersons', data: { year: 2020, count: 3000 } },
      { type: 'SettleCapitationMonth', data: { month: '2020-03', claimed: '250.00', consultationClaimed: '100.00' } },
    ]).map((e) => (e.type === 'CapitationSettled' ? { ...e, data: { ...e.data, claimed: '300.00' } } : e)) as InstitutionEvent[];
    const findings = replayInstitution(ANYANG_TOWNSHIP.code, recorded(events), catalog, 2020).findings;
    expect(findings.flatMap((f) => f.differences.map((d) => d.path))).toContain('claimed');
  });
});
