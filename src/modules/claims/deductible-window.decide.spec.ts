/**
 * Issue 16.3 — 宛政办〔2022〕42号 第五条（一）: "24小时内同一医院多次就诊的只记一次起付标准".
 * One deductible per 24 hours at one hospital, whatever the natural year and whatever the
 * settlement order; exactly 24 hours apart is not within. Level 2 in Nanyang: deductible 30.00,
 * in-service rate 55%: a 200.00 visit pays (200 − 30) × 55% = 93.50 when charged, 200 × 55% = 110.00 when waived.
 */
import { defaultCatalog } from '../../../test/support/policy';
import { preIssue16Pack } from '../../../test/policy/pre-issue-16';
import { replayPersonYear } from '../../audit/replay';
import type { RecordedEvent } from '../../event-store/event-store.port';
import { currentSchemaVersion } from '../../event-store/upcasting';
import type { PolicyPack } from '../../policy/catalog';
import type { Decision, InstitutionFacts } from '../../policy/engine/types';
import type { PersonEnrolled } from '../enrollment/enrollment.events';
import { foldPerson } from '../person-stream';
import { decideClaims, SettleVisitCommand } from './claims.decide';
import type { VisitSettled } from './claims.events';

const current = defaultCatalog();
const nanyang = (date: string): PolicyPack => current.resolve('nanyang', 'employee', date)!;
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
const H1: InstitutionFacts = { code: 'NY-L2', level: 'level2', region: 'nanyang', designated: true };
const H2: InstitutionFacts = { ...H1, code: 'NY-L2-B' };

function settle(id: string, occurredAt: string, institution = H1, pack = nanyang(occurredAt.slice(0, 10))): SettleVisitCommand {
  return {
    type: 'SettleVisit',
    data: {
      settlementId: id,
      visit: {
        visitId: `V-${id}`,
        occurredAt,
        settledAt: '2024-01-05T12:00:00+08:00',
        institution,
        medType: 'ordinary',
        lines: [{ code: 'L1', amount: '200.00', inCatalogue: true }],
      },
      institution,
      account: { source: 'none', balance: '0.00' },
    },
    pack,
  };
}

/** Settles in the order given; returns the events and each settlement's decision. */
function run(commands: SettleVisitCommand[]) {
  const events: Array<{ type: string; data: unknown }> = [enrolled];
  const decisions: Record<string, Decision> = {};
  for (const c of commands) {
    const [e] = decideClaims(c, foldPerson(events.map((x, revision) => ({ ...x, revision }))));
    decisions[c.data.settlementId] = (e as VisitSettled).data.decision;
    events.push(e);
  }
  return { events, decisions };
}
const paid = (d: Decision) => [d.amounts.deductible, d.amounts.fund];

describe('issue 16.3: one deductible per 24 hours at one hospital (宛政办〔2022〕42号 第五条（一）)', () => {
  it("New Year's Eve: 2023-12-31 20:00 charged 30.00; 2024-01-01 09:00 at the same hospital is waived (13 h later, another year)", () => {
    const { decisions } = run([settle('A', '2023-12-31T20:00:00+08:00'), settle('B', '2024-01-01T09:00:00+08:00')]);
    expect(paid(decisions.A)).toEqual(['30.00', '93.50']);
    expect(paid(decisions.B)).toEqual(['0.00', '110.00']);
    expect(decisions.B.flags[0]).toMatchObject({ code: 'DEDUCTIBLE_WAIVED_24H', clause: '宛政办〔2022〕42号 第五条（一）' });
  });

  it('out of order: 20:00 settled first pays 30.00; 10:00 the same day at the same hospital, settled later, is waived', () => {
    const { decisions } = run([settle('LATE', '2023-03-01T20:00:00+08:00'), settle('EARLY', '2023-03-01T10:00:00+08:00')]);
    expect(paid(decisions.LATE)).toEqual(['30.00', '93.50']);
    expect(paid(decisions.EARLY)).toEqual(['0.00', '110.00']);
  });

  it('out of order across New Year: 2024-01-01 09:00 settled first; 2023-12-31 20:00 settled later is waived', () => {
    const { decisions } = run([settle('B', '2024-01-01T09:00:00+08:00'), settle('A', '2023-12-31T20:00:00+08:00')]);
    expect(paid(decisions.B)).toEqual(['30.00', '93.50']);
    expect(paid(decisions.A)).toEqual(['0.00', '110.00']);
  });

  it.each([
    ['23:59:59 later', '2023-03-02T08:59:59+08:00', ['0.00', '110.00']],
    ['exactly 24 hours later (not within)', '2023-03-02T09:00:00+08:00', ['30.00', '93.50']],
  ])('forwards, %s', (_label, at, expected) => {
    const { decisions } = run([settle('A', '2023-03-01T09:00:00+08:00'), settle('B', at)]);
    expect(paid(decisions.B)).toEqual(expected);
  });

  it.each([
    ['23:59:59 earlier', '2023-02-28T09:00:01+08:00', ['0.00', '110.00']],
    ['exactly 24 hours earlier (not within)', '2023-02-28T09:00:00+08:00', ['30.00', '93.50']],
  ])('backwards (settled after the later visit), %s', (_label, at, expected) => {
    const { decisions } = run([settle('A', '2023-03-01T09:00:00+08:00'), settle('B', at)]);
    expect(paid(decisions.B)).toEqual(expected);
  });

  it("the pack's note states the reading; the window counts from the charged visit: 09:00 charged, 05:00 next day waived, 10:00 next day (25 h) charged", () => {
    const rule = (nanyang('2023-03-01') as { benefit: { deductible: { value: unknown; note?: string } } }).benefit.deductible;
    expect(rule.value).toMatchObject({ windowHours: 24, window: 'either_side' });
    expect(rule.note).toMatch(/whatever the natural year/);
    expect(rule.note).toMatch(/whatever the settlement order/);
    expect(rule.note).toMatch(/Exactly 24 hours apart is not 'within 24 hours'/);
    const { decisions } = run([
      settle('A', '2023-03-01T09:00:00+08:00'),
      settle('B', '2023-03-02T05:00:00+08:00'),
      settle('C', '2023-03-02T10:00:00+08:00'),
    ]);
    expect([paid(decisions.A), paid(decisions.B), paid(decisions.C)]).toEqual([
      ['30.00', '93.50'],
      ['0.00', '110.00'],
      ['30.00', '93.50'],
    ]);
  });

  it('another hospital within 24 hours pays its own deductible; a reversed charge does not waive', () => {
    expect(paid(run([settle('A', '2023-03-01T09:00:00+08:00'), settle('B', '2023-03-01T11:00:00+08:00', H2)]).decisions.B)).toEqual([
      '30.00',
      '93.50',
    ]);
    const { events } = run([settle('A', '2023-03-01T09:00:00+08:00')]);
    events.push({
      type: 'SettlementReversed',
      data: {
        settlementId: 'A',
        reversedAt: '2023-03-01T10:00:00+08:00',
        reason: 'x',
        fundRestored: '93.50',
        accountRestored: '0.00',
        relativeAccountRestored: '0.00',
        clause: 'c',
      },
    });
    const [e] = decideClaims(settle('B', '2023-03-01T11:00:00+08:00'), foldPerson(events.map((x, revision) => ({ ...x, revision }))));
    expect(paid((e as VisitSettled).data.decision)).toEqual(['30.00', '93.50']);
  });

  it('the recorded year-to-date carries the window and the charges around the visit, whatever their year', () => {
    const { events } = run([settle('A', '2023-12-31T20:00:00+08:00'), settle('B', '2024-01-01T09:00:00+08:00')]);
    expect((events[2] as VisitSettled).data.yearToDate).toEqual({
      year: 2024,
      fundPaid: '0.00',
      deductibleMet: '0.00',
      deductibleCharges: [{ institutionCode: 'NY-L2', at: '2023-12-31T20:00:00+08:00', visitId: 'V-A' }],
      deductibleWindow: { around: '2024-01-01T09:00:00+08:00', hours: 24 },
    });
  });

  describe('settlements recorded under the pack before issue 16 keep their old decisions on replay', () => {
    const before = preIssue16Pack('nanyang-employee-2022');
    const packs = current.withArchived([before]);
    const recorded = (events: Array<{ type: string; data: unknown }>): RecordedEvent[] =>
      events.map((e, revision) => ({
        ...e,
        id: `e${revision}`,
        metadata: { schemaVersion: currentSchemaVersion(e.type), recordedAt: '2024-01-05T12:00:00+08:00' },
        streamId: 'person-P1',
        revision,
        position: revision + 1,
      }));

    it('old pack: out of order, both visits paid the deductible (backwards-only window, natural year)', () => {
      const { decisions } = run([
        settle('LATE', '2023-03-01T20:00:00+08:00', H1, before),
        settle('EARLY', '2023-03-01T10:00:00+08:00', H1, before),
      ]);
      expect(paid(decisions.EARLY)).toEqual(['30.00', '93.50']);
      expect(before.version).not.toBe(nanyang('2023-03-01').version);
    });

    it('replay finds 0 differences for old-pack and new-pack settlements in one stream', () => {
      const { events } = run([
        settle('LATE', '2023-03-01T20:00:00+08:00', H1, before),
        settle('EARLY', '2023-03-01T10:00:00+08:00', H1, before),
        settle('N1', '2023-12-31T20:00:00+08:00'),
        settle('N2', '2023-12-31T10:00:00+08:00'),
      ]);
      const report = replayPersonYear('P1', recorded(events), 2023, packs);
      expect(report.settlementsChecked).toBe(4);
      expect(report.differences).toEqual([]);
    });
  });
});
