import type { LedgerClient } from '../../scripts/ledger-client';
import type { RecordedEvent } from '../../src/event-store/event-store.port';
import { replayPersonYear } from '../../src/audit/replay';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import type { PolicyPack } from '../../src/policy/pack.types';
import { adjustSettlement } from './adjustment-fixture';
import { CORRECTION, DISPUTE, PERSON, retiredSinceJanuary, startLedger } from './retired-since-january';

/** Appends new events to a copy of a recorded stream, as the store would number them. */
function appended(stream: RecordedEvent[], events: ReturnType<typeof adjustSettlement>): RecordedEvent[] {
  const last = stream[stream.length - 1];
  return [
    ...stream,
    ...events.map(
      (e, i) => ({ ...e, streamId: last.streamId, revision: last.revision + 1 + i, position: last.position + 1 + i }) as RecordedEvent,
    ),
  ];
}

const tamper = (stream: RecordedEvent[], settlementId: string, edit: (data: any) => void): RecordedEvent[] =>
  stream.map((e) => {
    if (e.type !== 'SettlementAdjusted' || (e.data as any).settlementId !== settlementId) return e;
    const data = JSON.parse(JSON.stringify(e.data));
    edit(data);
    return { ...e, data };
  });

/** Issue 15 item 3: replay and explain understand adjustments. */
describe('audit of adjustments (retired since January)', () => {
  let ledger: LedgerClient;
  let catalog: PolicyCatalog;
  let pack: PolicyPack;
  let stream: RecordedEvent[];

  beforeAll(async () => {
    ledger = await startLedger();
    ({ pack } = await retiredSinceJanuary(ledger));
    catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
    stream = await ledger.store.readStream(`person-${PERSON}`);
  }, 60_000);
  afterAll(async () => ledger?.close());

  it('replay recomputes both adjustments byte for byte: 0 differences', async () => {
    const res = await ledger.post('/audit/replay', { personId: PERSON, year: 2023 }, ledger.auditorKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      verdict: '0 differences',
      settlementsChecked: 2,
      adjustmentsChecked: 2,
      differences: [],
      chain: { intact: true },
    });
    expect(res.body.rebuilt.fundPaid).toBe('520.00');
  });

  it('a tampered adjusted decision is flagged like any other decision', () => {
    const report = replayPersonYear(
      PERSON,
      tamper(stream, 'S1', (d) => (d.decision.amounts.fund = '261.00')),
      2023,
      catalog,
    );
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ settlementId: 'S1', path: 'decision.amounts.fund', recorded: '261.00', recomputed: '260.00' }),
      ]),
    );
  });

  it('stated figures must agree with the decisions: a wrong delta or previous is flagged', () => {
    const wrongDelta = replayPersonYear(
      PERSON,
      tamper(stream, 'S2', (d) => (d.delta.fund = '50.00')),
      2023,
      catalog,
    );
    expect(wrongDelta.differences).toEqual([
      expect.objectContaining({ settlementId: 'S2', path: 'delta.fund', recorded: '50.00', recomputed: '40.00' }),
    ]);
    const wrongPrevious = replayPersonYear(
      PERSON,
      tamper(stream, 'S2', (d) => (d.previous.cash = '0.00')),
      2023,
      catalog,
    );
    expect(wrongPrevious.differences.map((d) => d.path)).toEqual(expect.arrayContaining(['previous.cash']));
  });

  it('a policy-parameter correction replays under the pack derived again from its override (retired cap 300: S2 fund 40.00)', () => {
    const override = {
      basePolicyVersion: pack.version,
      path: 'benefit.annualCaps',
      value: { in_service: '1500', retired: '300' },
      document: '宛政办〔2022〕42号',
      clause: '第五条（三）',
    };
    const events = adjustSettlement(
      stream,
      'S2',
      (input) => ({
        ...input,
        person: { ...input.person, categoryTimeline: [{ from: '2023-01-01', category: 'retired' }] },
        yearToDate: { ...input.yearToDate, fundPaid: '260.00' },
      }),
      pack,
      { correctionId: 'C-2', at: '2023-07-01T10:00:00+08:00', policyOverride: override },
    );
    const adjusted = (events[0].data as any).adjusted;
    expect(adjusted).toEqual({ fund: '40.00', account: '0.00', cash: '390.00' });
    const withOverride = appended(stream, events);
    const honest = replayPersonYear(PERSON, withOverride, 2023, catalog);
    expect([honest.verdict, honest.adjustmentsChecked]).toEqual(['0 differences', 3]);
    const forged = replayPersonYear(
      PERSON,
      tamper(withOverride, 'S2', (d) => d.policyOverride && (d.policyOverride.value.retired = '400')),
      2023,
      catalog,
    );
    expect(forged.differences.map((d) => d.path)).toEqual(expect.arrayContaining(['policyVersion']));
  });

  it('explain shows both decisions, the adjustment and why they differ (the category step and its clause)', async () => {
    const res = await ledger.get(`/persons/${PERSON}/settlements/S1/explain`, ledger.auditorKey);
    expect(res.status).toBe(200);
    const e = res.body;
    expect([e.amounts.fund, e.category]).toEqual(['220.00', 'in_service']);
    expect(e.net).toEqual({ fund: '260.00', account: '170.00', cash: '0.00' });
    expect(e.adjustments).toHaveLength(1);
    const a = e.adjustments[0];
    expect([a.correctionId, a.disputeId, a.delta, a.decision.category, a.decision.amounts.rate]).toEqual([
      CORRECTION,
      DISPUTE,
      { fund: '40.00', account: '-40.00', cash: '0.00' },
      'retired',
      '0.65',
    ]);
    expect(a.divergence.step).toBe('category');
    expect(a.divergence.citations[0].document).toBe('宛政办〔2022〕42号');
    expect(a.divergence.before.result).not.toEqual(a.divergence.after.result);
    expect(a.divergence.why).toContain('in_service');
    expect(a.divergence.why).toContain('retired');
    expect(a.decision.steps.length).toBeGreaterThan(3);
    const text = (await ledger.get(`/persons/${PERSON}/settlements/S1/explain?format=text`, ledger.auditorKey)).text;
    expect(text).toContain(`Correction 1: ${CORRECTION} (dispute ${DISPUTE})`);
    expect(text).toContain('In force now: fund 260.00, account 170.00, cash 0.00');
  });

  it('explain as of before the correction shows the settlement alone', async () => {
    const e = (await ledger.get(`/persons/${PERSON}/settlements/S1/explain?asOf=2023-05-31`, ledger.auditorKey)).body;
    expect([e.adjustments.length, e.net.fund]).toEqual([0, '220.00']);
  });
});
