import type { RecordedEvent } from '../event-store/event-store.port';
import { currentSchemaVersion, upcast } from '../event-store/upcasting';
import { foldPerson } from './person-stream';
import './person-upcasters';
import { defaultCatalog } from '../../test/support/policy';
import { replayPersonYear } from '../audit/replay';
import type { InstitutionFacts } from '../policy/engine/types';
import { decideClaims } from './claims/claims.decide';
import type { PersonEnrolled } from './enrollment/enrollment.events';

describe('person stream upcasting', () => {
  const v1: RecordedEvent = {
    id: 'e1',
    type: 'PersonEnrolled',
    streamId: 'person-P1',
    revision: 0,
    position: 1,
    data: {
      personId: 'P1',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '6000.00',
    },
    metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00.000Z' },
  };

  it('PersonEnrolled is written at schema version 2', () => {
    expect(currentSchemaVersion('PersonEnrolled')).toBe(2);
  });

  it('a v1 PersonEnrolled (no relatives) reads as v2 with no relatives, and folds', () => {
    const up = upcast(v1);
    expect(up.metadata.schemaVersion).toBe(2);
    expect(up.metadata.upcastFrom).toBe(1);
    expect((up.data as any).relatives).toEqual([]);
    expect(v1.data).not.toHaveProperty('relatives'); // the stored event is untouched
    expect(foldPerson([up]).enrollment.relatives).toEqual([]);
  });

  it('a current event passes through unchanged', () => {
    const v2 = {
      ...v1,
      data: { ...(v1.data as object), relatives: [{ personId: 'P2', relation: 'spouse' }] },
      metadata: { ...v1.metadata, schemaVersion: 2 },
    };
    expect(upcast(v2)).toBe(v2);
  });
});

describe('VisitSettled v3 (issue 14): decisions recorded before it replay with 0 differences', () => {
  const catalog = defaultCatalog();
  const enrolled: PersonEnrolled = {
    type: 'PersonEnrolled',
    data: {
      personId: 'P1',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '6000.00',
      relatives: [],
    },
  };
  const institution: InstitutionFacts = { code: 'NY-L2', level: 'level2', region: 'nanyang', designated: true };

  /** The person's stream after one settled visit, as the engine writes it today. */
  function stream(): Array<{ type: string; data: any }> {
    const [settled] = decideClaims(
      {
        type: 'SettleVisit',
        data: {
          settlementId: 'S1',
          visit: {
            visitId: 'V1',
            occurredAt: '2023-03-01T10:00:00+08:00',
            settledAt: '2023-03-01T11:00:00+08:00',
            institution,
            medType: 'ordinary',
            lines: [{ code: 'L1', amount: '200.00', inCatalogue: true }],
          },
          institution,
          account: { source: 'none', balance: '0.00' },
        },
        pack: catalog.resolve('nanyang', 'employee', '2023-03-01')!,
      },
      foldPerson([{ ...enrolled, revision: 0 }]),
    );
    return [enrolled, settled];
  }

  /** The settlement as a store written before issue 14 holds it: schema v2, the old national citation, no capRemainingAfter. */
  function asWrittenBeforeIssue14(events: Array<{ type: string; data: any }>, schemaVersion = 2): RecordedEvent[] {
    return events.map((e, revision) => {
      let data = e.data;
      if (e.type === 'VisitSettled') {
        const trace = data.decision.trace.map((t: any) =>
          t.step === 'national' ? { ...t, clause: 'DOMAIN.md §2 national settlement identities' } : t,
        );
        const { capRemainingAfter: _after, ...amounts } = data.decision.amounts;
        data = { ...data, decision: { ...data.decision, trace, amounts } };
      }
      const version = e.type === 'VisitSettled' ? schemaVersion : currentSchemaVersion(e.type);
      return {
        ...e,
        data,
        id: `e${revision}`,
        streamId: 'person-P1',
        revision,
        position: revision + 1,
        metadata: { schemaVersion: version, recordedAt: '2023-03-01T11:00:00+08:00' },
      };
    });
  }

  it('the national trace step now cites a named ledger rule', () => {
    const national = stream()[1].data.decision.trace.find((t: any) => t.step === 'national');
    expect(national.clause).toBe('ledger rule national-settlement-identities');
  });

  it('a v2 event with the old citation is read with the new one (the stored event untouched)', () => {
    const [, v2] = asWrittenBeforeIssue14(stream());
    const up = upcast(v2);
    expect(currentSchemaVersion('VisitSettled')).toBe(3);
    expect((up.data as any).decision.trace.find((t: any) => t.step === 'national').clause).toBe(
      'ledger rule national-settlement-identities',
    );
    expect((v2.data as any).decision.trace.find((t: any) => t.step === 'national').clause).toBe(
      'DOMAIN.md §2 national settlement identities',
    );
  });

  it('the amounts state the cap left after the visit: Nanyang in-service cap 1500.00, fund (200 − 30) × 55% = 93.50, 1406.50 left', () => {
    const { amounts } = stream()[1].data.decision;
    expect([amounts.capAnnual, amounts.capRemainingBefore, amounts.fund, amounts.capRemainingAfter]).toEqual([
      '1500.00',
      '1500.00',
      '93.50',
      '1406.50',
    ]);
  });

  it('a v2 event without capRemainingAfter is read with it, computed from its own figures', () => {
    const [, v2] = asWrittenBeforeIssue14(stream());
    expect((v2.data as any).decision.amounts).not.toHaveProperty('capRemainingAfter');
    const amounts = (v2.data as any).decision.amounts;
    const up = upcast({
      ...v2,
      data: {
        ...(v2.data as object),
        decision: { ...(v2.data as any).decision, amounts: { ...amounts, capRemainingBefore: '100.00', fund: '60.05' } },
      },
    });
    expect((up.data as any).decision.amounts.capRemainingAfter).toBe('39.95');
  });

  it('a pack without personal-account rules was cited "<document> (no personal-account rules)"; it reads as the ledger rule', () => {
    const jiaozuo = catalog.resolve('jiaozuo', 'employee', '2024-09-02')!;
    const person = foldPerson([
      { type: 'PersonEnrolled', revision: 0, data: { ...enrolled.data, region: 'jiaozuo', enrolledOn: '2024-01-01' } },
    ]);
    const jz = { code: 'JZ-L2', level: 'level2' as const, region: 'jiaozuo', designated: true };
    const visit = {
      visitId: 'V9',
      occurredAt: '2024-09-02T10:00:00+08:00',
      settledAt: '2024-09-02T11:00:00+08:00',
      institution: jz,
      medType: 'ordinary' as const,
      lines: [{ code: 'L1', amount: '200.00', inCatalogue: true }],
    };
    const [settled] = decideClaims(
      {
        type: 'SettleVisit',
        data: { settlementId: 'S9', visit, institution: jz, account: { source: 'own', balance: '50.00' } },
        pack: jiaozuo,
      },
      person,
    );
    const now = JSON.stringify((settled.data as { decision: unknown }).decision);
    expect(now).toContain('"ledger rule no-personal-account-rules"');
    const before = JSON.parse(now.replaceAll('ledger rule no-personal-account-rules', `${jiaozuo.document} (no personal-account rules)`));
    const stored = {
      type: 'VisitSettled',
      id: 'e9',
      streamId: 'person-P9',
      revision: 1,
      position: 2,
      data: { ...settled.data, decision: before },
      metadata: { schemaVersion: 2 },
    } as RecordedEvent;
    expect(JSON.stringify((upcast(stored).data as any).decision)).toBe(now);
  });

  it('replay of the old store finds 0 differences; without the upcaster it would find the citation and the missing figure', () => {
    const report = replayPersonYear('P1', asWrittenBeforeIssue14(stream()), 2023, catalog);
    expect(report.settlementsChecked).toBe(1);
    expect(report.differences).toEqual([]);
    // Stored as if already current, the old string is not rewritten and replay sees it.
    const unconverted = replayPersonYear('P1', asWrittenBeforeIssue14(stream(), 3), 2023, catalog);
    expect(unconverted.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: expect.stringMatching(/^decision\.trace.*clause$/),
          recorded: 'DOMAIN.md §2 national settlement identities',
        }),
        expect.objectContaining({ path: 'decision.amounts.capRemainingAfter', recorded: null, recomputed: '1406.50' }),
      ]),
    );
    expect(unconverted.differences).toHaveLength(2);
  });
});
