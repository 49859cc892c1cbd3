/**
 * Issue 15 items 1, 2 and 5 over HTTP: a dispute's lifecycle with each role, corrections
 * with dry runs (the store's head position unchanged) and idempotent retries.
 *
 * The person (宛政办〔2022〕42号, Nanyang employees): enrolled in service 2023-01-01, base
 * 5000.00 → 100.00 credited for January (第八条（一）, 2%). Two visits of 300.00 at the level-2
 * NY-L2 (deductible 30, 第五条（一）; 55% in service, 65% retired, 第五条（二）):
 *   S-1 2023-03-02, own account: fund (300 − 30) × 55% = 148.50, account 100.00 (all of it), cash 51.50
 *   S-2 2023-08-10, no account:  fund 148.50, cash 151.50
 * The dispute: retired since 2023-01-01 → each fund 175.50 (+27.00), cash −27.00 (owed to the person).
 */
import { INSTITUTIONS, LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { CorrectionsReconciler } from '../../src/corrections/corrections.reconciler';
import { DisputesReconciler } from '../../src/disputes/disputes.reconciler';
import type { EventStore } from '../../src/event-store/event-store.port';

let h: LedgerHarness;
/** When set, appends to person streams fail (a crash between the correction's streams). */
let failPersonAppends = false;
/** When set, appends to dispute streams fail (a crash between the correction and DisputeUpheld). */
let failDisputeAppends = false;

const post = (path: string, body: unknown, key = h.keys.agency, idem?: string) => {
  const r = h.http.post(path).set('x-api-key', key);
  return (idem ? r.set('Idempotency-Key', idem) : r).send(body as object);
};
const get = (path: string, key = h.keys.agency) => h.http.get(path).set('x-api-key', key);
const personEvents = async (id: string) => (await h.store.readStream(`person-${id}`)).map((e) => ({ type: e.type, data: e.data as any }));
const RETIRED = { kind: 'person-category', personId: 'NY-D1', category: 'retired', from: '2023-01-01' };

beforeAll(async () => {
  h = await startLedger({
    now: '2023-01-01T09:00:00+08:00',
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.append = async (streamId, events, expected) => {
        if (failPersonAppends && streamId.startsWith('person-')) throw new Error('simulated crash before the person stream');
        if (failDisputeAppends && streamId.startsWith('dispute-')) throw new Error('simulated crash before DisputeUpheld');
        return store.append(streamId, events, expected);
      };
      return wrapped;
    },
  });
  await registerInstitutions(h, INSTITUTIONS);
  for (const personId of ['NY-D1', 'NY-D2']) {
    expect(
      (
        await post('/persons', {
          personId,
          scheme: 'employee',
          category: 'in_service',
          region: 'nanyang',
          enrolledOn: '2023-01-01',
          contributionBase: '5000.00',
          relatives: [],
        })
      ).status,
    ).toBe(201);
  }
  h.clock.set('2023-01-02T09:00:00+08:00');
  expect((await post('/persons/NY-D1/account/credits', { month: '2023-01' })).status).toBe(201);
  const visit = async (personId: string, settlementId: string, at: string, source: 'own' | 'none', institutionCode = 'NY-L2') => {
    h.clock.set(at);
    const res = await post(`/persons/${personId}/visits`, {
      settlementId,
      visitId: `V-${settlementId}`,
      institutionCode,
      occurredAt: at,
      settledAt: at,
      medType: 'ordinary',
      lines: [{ code: 'A01', amount: '300.00', inCatalogue: true }],
      account: { source },
    });
    expect(res.status).toBe(201);
    return res.body.decision.amounts;
  };
  expect(await visit('NY-D1', 'S-1', '2023-03-02T10:00:00+08:00', 'own')).toMatchObject({
    fund: '148.50',
    account: '100.00',
    cash: '51.50',
  });
  expect(await visit('NY-D1', 'S-2', '2023-08-10T10:00:00+08:00', 'none')).toMatchObject({ fund: '148.50', cash: '151.50' });
  await visit('NY-D2', 'S-3', '2023-05-10T10:00:00+08:00', 'none', 'NY-L3');
  h.clock.set('2024-03-01T10:00:00+08:00');
}, 60_000);
afterAll(() => h?.close());

describe('a dispute from opening to the corrected year', () => {
  let disputeId: string;

  it('the institution whose settlements they are opens it; the analysis re-adjudicates the alleged facts (+27.00 each, first parting at the category step)', async () => {
    const head = await h.store.headPosition();
    const res = await post(
      '/disputes',
      {
        subject: { kind: 'settlements', personId: 'NY-D1', settlementIds: ['S-1', 'S-2'] },
        grounds: { code: 'WRONG_CATEGORY', text: 'retired since January' },
        allegedFacts: RETIRED,
      },
      h.keys.institution('NY-L2'),
      'open-dispute-1',
    );
    expect(res.status).toBe(201);
    disputeId = res.body.disputeId;
    expect(res.body.dispute).toMatchObject({
      status: 'open',
      institutionCode: 'NY-L2',
      openedBy: { role: 'institution', institutionCode: 'NY-L2' },
    });
    expect(
      res.body.dispute.analysis.changes.map((c: any) => [
        c.settlementId,
        c.recorded.fund,
        c.alleged.fund,
        c.delta.fund,
        c.delta.cash,
        c.divergence.step,
      ]),
    ).toEqual([
      ['S-1', '148.50', '175.50', '27.00', '-27.00', 'category'],
      ['S-2', '148.50', '175.50', '27.00', '-27.00', 'category'],
    ]);
    expect(res.body.dispute.analysis.totals).toEqual({ fund: '54.00', account: '0.00', cash: '-54.00' });
    // One event only: the analysis wrote nothing on the person.
    expect(await h.store.headPosition()).toBe(head + 1);
    const again = await post(
      '/disputes',
      {
        subject: { kind: 'settlements', personId: 'NY-D1', settlementIds: ['S-1', 'S-2'] },
        grounds: { code: 'WRONG_CATEGORY', text: 'retired since January' },
        allegedFacts: RETIRED,
      },
      h.keys.institution('NY-L2'),
      'open-dispute-1',
    );
    expect([again.status, again.headers['idempotent-replayed'], again.body.disputeId]).toEqual([201, 'true', disputeId]);
    expect(await h.store.headPosition()).toBe(head + 1);
  });

  it('another institution may neither open a dispute on these settlements nor read this one (403); the auditor reads it', async () => {
    const head = await h.store.headPosition();
    expect(
      (
        await post(
          '/disputes',
          { subject: { kind: 'settlements', personId: 'NY-D1', settlementIds: ['S-1'] }, grounds: { code: 'OTHER', text: 'x' } },
          h.keys.institution('NY-L1'),
        )
      ).status,
    ).toBe(403);
    expect((await get(`/disputes/${disputeId}`, h.keys.institution('NY-L1'))).status).toBe(403);
    expect((await get(`/disputes/${disputeId}`, h.keys.institution('NY-L2'))).status).toBe(200);
    const read = await get(`/disputes/${disputeId}`, h.keys.auditor);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ disputeId, status: 'open', grounds: { code: 'WRONG_CATEGORY' }, allegedFacts: RETIRED });
    expect((await get('/disputes/DSP-none')).status).toBe(404);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('only the agency resolves: an institution key may not uphold (403)', async () => {
    expect((await post(`/disputes/${disputeId}/uphold`, {}, h.keys.institution('NY-L2'))).status).toBe(403);
  });

  it('uphold as a dry run: the same answer, nothing written', async () => {
    const head = await h.store.headPosition();
    const res = await post(`/disputes/${disputeId}/uphold?dryRun=true`, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      dryRun: true,
      created: false,
      correction: { dryRun: true, changed: true, totals: { fund: '54.00', account: '0.00', cash: '-54.00' } },
    });
    expect(res.body.correction.persons[0].events.map((e: any) => e.type)).toEqual([
      'PersonCategoryCorrected',
      'SettlementAdjusted',
      'ReceivableRecorded',
      'SettlementAdjusted',
      'ReceivableRecorded',
    ]);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('upheld: the correction is applied, linked to the dispute; the person is owed 27.00 twice; a retry writes nothing; a second resolution is refused', async () => {
    const res = await post(`/disputes/${disputeId}/uphold`, {}, h.keys.agency, 'uphold-1');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ dryRun: false, created: true, correction: { created: true, disputeId } });
    const correctionId = res.body.correctionId;
    const events = await personEvents('NY-D1');
    const adjusted = events.filter((e) => e.type === 'SettlementAdjusted').map((e) => e.data);
    expect(adjusted.map((a) => [a.settlementId, a.previous.fund, a.adjusted.fund, a.correctionId, a.disputeId])).toEqual([
      ['S-1', '148.50', '175.50', correctionId, disputeId],
      ['S-2', '148.50', '175.50', correctionId, disputeId],
    ]);
    // S-1's account stays 100.00 (the balance then was 100.00; payable 124.50): only cash moves.
    expect(adjusted[0].adjusted).toEqual({ fund: '175.50', account: '100.00', cash: '24.50' });
    expect(events.filter((e) => e.type === 'ReceivableRecorded').map((e) => [e.data.owedTo, e.data.amount])).toEqual([
      ['person', '27.00'],
      ['person', '27.00'],
    ]);
    const correction = await h.store.readStream(`correction-${correctionId}`);
    expect(correction.map((e) => e.type)).toEqual(['CorrectionApplied']);
    expect((await get(`/disputes/${disputeId}`)).body).toMatchObject({ status: 'upheld', resolution: { correctionId } });

    const head = await h.store.headPosition();
    const retry = await post(`/disputes/${disputeId}/uphold`, {}, h.keys.agency, 'uphold-1');
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body.correctionId]).toEqual([201, 'true', correctionId]);
    expect(await h.store.headPosition()).toBe(head);
    const second = await post(`/disputes/${disputeId}/uphold`, {}, h.keys.agency, 'uphold-2');
    expect([second.status, second.body.code]).toEqual([422, 'DISPUTE_ALREADY_RESOLVED']);
    const reject = await post(`/disputes/${disputeId}/reject`, { reason: 'too late' });
    expect([reject.status, reject.body.code]).toEqual([422, 'DISPUTE_ALREADY_RESOLVED']);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('the corrected year: a visit settled now is paid as retired; replay finds 0 differences', async () => {
    h.clock.set('2023-09-01T10:00:00+08:00');
    const res = await post('/persons/NY-D1/visits', {
      settlementId: 'S-4',
      visitId: 'V-S-4',
      institutionCode: 'NY-L2',
      occurredAt: '2023-09-01T10:00:00+08:00',
      settledAt: '2023-09-01T10:00:00+08:00',
      medType: 'ordinary',
      lines: [{ code: 'A01', amount: '300.00', inCatalogue: true }],
    });
    expect(res.status).toBe(201);
    expect(res.body.decision.amounts).toMatchObject({ rate: '0.65', fund: '175.50', capAnnual: '2000.00', capRemainingBefore: '1649.00' });
    h.clock.set('2024-03-01T10:00:00+08:00');
    const replay = await post('/audit/replay', { personId: 'NY-D1', year: 2023 }, h.keys.auditor);
    expect(replay.status).toBe(200);
    expect(replay.body.verdict).toBe('0 differences');
  });
});

describe('other roles and subjects', () => {
  it("the agency on a person's behalf, on an account movement; rejected with a reason, final", async () => {
    const opened = await post('/disputes', {
      subject: { kind: 'account-movement', personId: 'NY-D1', movementId: '2023-01' },
      grounds: { code: 'WRONG_ACCOUNT_MOVEMENT', text: 'the credit was short' },
      onBehalfOf: 'NY-D1',
    });
    expect(opened.status).toBe(201);
    expect(opened.body.dispute.openedBy).toMatchObject({ role: 'on-behalf', onBehalfOf: 'NY-D1' });
    const id = opened.body.disputeId;
    const rejected = await post(`/disputes/${id}/reject`, { reason: 'credited as the base says' });
    expect(rejected.status).toBe(201);
    expect(rejected.body.dispute).toMatchObject({ status: 'rejected', resolution: { reason: 'credited as the base says' } });
    expect((await post(`/disputes/${id}/reject`, { reason: 'again' })).body.code).toBe('DISPUTE_ALREADY_RESOLVED');
    expect((await post(`/disputes/${id}/uphold`, { correction: RETIRED })).status).toBe(422);
  });

  it('refuses: onBehalfOf another person (400), an institution key on behalf (400) or on an account (403), an unknown settlement (404), a bad grounds code, a settlement named twice, a month not yet begun (400)', async () => {
    const head = await h.store.headPosition();
    const settlements = { kind: 'settlements', personId: 'NY-D1', settlementIds: ['S-1'] };
    const r1 = await post('/disputes', { subject: settlements, grounds: { code: 'OTHER', text: 'x' }, onBehalfOf: 'NY-D2' });
    expect([r1.status, r1.body.errors?.[0]?.field ?? r1.body.message]).toEqual([400, expect.stringContaining('onBehalfOf')]);
    expect(
      (
        await post(
          '/disputes',
          { subject: settlements, grounds: { code: 'OTHER', text: 'x' }, onBehalfOf: 'NY-D1' },
          h.keys.institution('NY-L2'),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await post(
          '/disputes',
          { subject: { kind: 'account-movement', personId: 'NY-D1', movementId: '2023-01' }, grounds: { code: 'OTHER', text: 'x' } },
          h.keys.institution('NY-L2'),
        )
      ).status,
    ).toBe(403);
    expect(
      (await post('/disputes', { subject: { ...settlements, settlementIds: ['S-404'] }, grounds: { code: 'OTHER', text: 'x' } })).status,
    ).toBe(404);
    const bad = await post('/disputes', { subject: settlements, grounds: { code: 'NOPE', text: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('grounds.code');
    // Accepted before: a settlement named twice, and a month of 2099 (the clock is in March 2024).
    const twice = await post('/disputes', {
      subject: { ...settlements, settlementIds: ['S-1', 'S-1'] },
      grounds: { code: 'OTHER', text: 'x' },
    });
    expect([twice.status, twice.body.errors]).toEqual([
      400,
      [{ field: 'subject.settlementIds', rule: 'arrayUnique', message: 'settlementIds must name each settlement once' }],
    ]);
    for (const month of ['2024-04', '2099-01']) {
      const ahead = await post('/disputes', {
        subject: { kind: 'institution-month', institutionCode: 'NY-L2', month },
        grounds: { code: 'WRONG_INSTITUTION_MONTH', text: 'x' },
      });
      expect([ahead.status, ahead.body.errors?.[0]?.field]).toEqual([400, 'subject.month']);
    }
    expect(await h.store.headPosition()).toBe(head);
  });

  it("an institution disputes its own month, not another's", async () => {
    const own = await post(
      '/disputes',
      {
        subject: { kind: 'institution-month', institutionCode: 'NY-L2', month: '2023-08' },
        grounds: { code: 'WRONG_INSTITUTION_MONTH', text: 'a visit is missing' },
      },
      h.keys.institution('NY-L2'),
    );
    expect(own.status).toBe(201);
    expect(own.body.dispute.institutionCode).toBe('NY-L2');
    expect(
      (
        await post(
          '/disputes',
          { subject: { kind: 'institution-month', institutionCode: 'NY-L3', month: '2023-08' }, grounds: { code: 'OTHER', text: 'x' } },
          h.keys.institution('NY-L2'),
        )
      ).status,
    ).toBe(403);
    // Nothing alleged and no correction given: upholding needs one (400 naming the field), nothing written.
    const head = await h.store.headPosition();
    const uphold = await post(`/disputes/${own.body.disputeId}/uphold`, {});
    expect([uphold.status, uphold.body.errors?.[0]?.field ?? uphold.body.message]).toEqual([400, expect.stringContaining('correction')]);
    expect((await post('/corrections', { spec: RETIRED, disputeId: 'DSP-unknown' })).status).toBe(404);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('alleged facts that cannot be analysed are recorded with the reason, not refused', async () => {
    const res = await post('/disputes', {
      subject: { kind: 'settlements', personId: 'NY-D2', settlementIds: ['S-3'] },
      grounds: { code: 'WRONG_LINES', text: 'x' },
      allegedFacts: {
        kind: 'settlement-lines',
        personId: 'NY-D2',
        settlementId: 'S-404',
        lines: [{ code: 'A01', amount: '1.00', inCatalogue: true }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.dispute.analysis).toMatchObject({ changes: [], error: expect.stringContaining('S-404') });
  });
});

describe('POST /corrections', () => {
  it('agency only (403 for an institution), input checked (400 naming the field)', async () => {
    const head = await h.store.headPosition();
    expect((await post('/corrections', { spec: RETIRED }, h.keys.institution('NY-L2'))).status).toBe(403);
    const bad = await post('/corrections', {
      spec: { kind: 'institution-level', institutionCode: 'NY-L2', level: 'level9', from: '2023-01-01' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('spec.level');
    expect((await post('/corrections?dryRun=maybe', { spec: RETIRED })).status).toBe(400);
    // A field of another kind is refused, not ignored.
    const foreign = await post('/corrections', { spec: { ...RETIRED, lines: [{ code: 'A01', amount: '1.00', inCatalogue: true }] } });
    expect([foreign.status, foreign.body.errors?.[0]]).toEqual([
      400,
      expect.objectContaining({ field: 'spec.kind', rule: 'onlyFieldsOfKind' }),
    ]);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('a correction that changes nothing writes nothing and says so', async () => {
    const head = await h.store.headPosition();
    const res = await post('/corrections', {
      spec: { kind: 'institution-level', institutionCode: 'NY-L3', level: 'level3', from: '2023-01-01' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ changed: false, created: false, message: 'the correction changes nothing; nothing written' });
    expect(await h.store.headPosition()).toBe(head);
  });

  it('a policy parameter for a period not ended is refused (422 with reason code and clause)', async () => {
    const res = await post('/corrections', {
      spec: {
        kind: 'policy-parameter',
        packId: 'nanyang-employee-2022',
        path: 'benefit.annualCaps',
        value: { in_service: '1500', retired: '2500' },
        from: '2024-01-01',
        to: '2024-12-31',
        document: '宛政办〔2022〕42号',
        clause: '第五条（三）',
      },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'CORRECTION_PERIOD_NOT_ENDED', clause: 'ledger rule policy-correction-past-period-only' });
  });

  it('institution level: dry run writes nothing; applied, it touches every person there and later settlements use the level', async () => {
    const spec = { kind: 'institution-level', institutionCode: 'NY-L3', level: 'level2', from: '2023-01-01' };
    const head = await h.store.headPosition();
    // Under the key the real request will use, the dry run names the same correction.
    const dry = await post('/corrections?dryRun=true', { spec }, h.keys.agency, 'level-fix-1');
    expect(dry.status).toBe(201);
    expect(await h.store.headPosition()).toBe(head);
    // NY-D2's S-3: 300.00 at level 3 in service: (300 − 50) × 50% = 125.00; at level 2: (300 − 30) × 55% = 148.50.
    expect(dry.body.affected).toEqual([
      { personId: 'NY-D2', settlementId: 'S-3', changed: true, delta: { fund: '23.50', account: '0.00', cash: '-23.50' } },
    ]);
    const res = await post('/corrections', { spec }, h.keys.agency, 'level-fix-1');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...dry.body, dryRun: false, created: true, position: expect.any(Number) });
    expect((await h.store.readStream('institution-NY-L3')).map((e) => e.type)).toContain('InstitutionLevelCorrected');
    expect((await get('/institutions/NY-L3')).body.level ?? (await get('/institutions/NY-L3')).body.profile?.level).toBe('level2');
    const retry = await post('/corrections', { spec }, h.keys.agency, 'level-fix-1');
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body.correctionId]).toEqual([201, 'true', res.body.correctionId]);
    const reused = await post('/corrections', { spec: { ...spec, level: 'level1' } }, h.keys.agency, 'level-fix-1');
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('a crash between the correction and the person stream is finished by the reconciler', async () => {
    failPersonAppends = true;
    const res = await post(
      '/corrections',
      {
        spec: {
          kind: 'settlement-lines',
          personId: 'NY-D2',
          settlementId: 'S-3',
          lines: [{ code: 'A01', amount: '100.00', inCatalogue: true }],
        },
      },
      h.keys.agency,
      'lines-fix-1',
    );
    failPersonAppends = false;
    expect(res.status).toBe(500);
    const before = (await personEvents('NY-D2')).filter((e) => e.type === 'SettlementAdjusted').length;
    await h.app.get(CorrectionsReconciler).reconcile();
    const adjusted = (await personEvents('NY-D2')).filter((e) => e.type === 'SettlementAdjusted');
    expect(adjusted.length).toBe(before + 1);
    // S-3 at level 2 (corrected above): (100 − 30) × 55% = 38.50, from 148.50.
    expect(adjusted[adjusted.length - 1].data).toMatchObject({
      settlementId: 'S-3',
      previous: { fund: '148.50' },
      adjusted: { fund: '38.50' },
    });
    const head = await h.store.headPosition();
    await h.app.get(CorrectionsReconciler).reconcile();
    expect(await h.store.headPosition()).toBe(head);
  });

  it('policy parameter for an ended period: every person under the pack is checked; the fund is clawed back down to the corrected cap', async () => {
    // Caps read as 100 in service / 300 retired for 2023. NY-D1 (retired from 2023-01-01 since the
    // dispute) had 175.50 × 3: S-1 keeps 175.50, S-2 gets the 124.50 left, S-4 nothing;
    // NY-D2's S-3 (38.50) is under 100 and does not change.
    const spec = {
      kind: 'policy-parameter',
      packId: 'nanyang-employee-2022',
      path: 'benefit.annualCaps',
      value: { in_service: '100', retired: '300' },
      from: '2023-01-01',
      to: '2023-12-31',
      document: '宛政办〔2022〕42号',
      clause: '第五条（三）',
    };
    const res = await post('/corrections', { spec });
    expect(res.status).toBe(201);
    expect(res.body.correctedPolicyVersion).toMatch(/^sha256:/);
    expect(res.body.affected.map((a: any) => [a.personId, a.settlementId, a.changed, a.delta.fund])).toEqual([
      // Under the corrected pack with a zero delta (recorded so later corrections keep the corrected cap).
      ['NY-D1', 'S-1', true, '0.00'],
      ['NY-D1', 'S-2', true, '-51.00'],
      ['NY-D1', 'S-4', true, '-175.50'],
      ['NY-D2', 'S-3', true, '0.00'],
    ]);
    const events = (await personEvents('NY-D1')).filter((e) => e.data.correctionId === res.body.correctionId);
    expect(events.filter((e) => e.type === 'ReceivableRecorded').map((e) => [e.data.settlementId, e.data.owedTo, e.data.amount])).toEqual([
      ['S-2', 'fund', '51.00'],
      ['S-4', 'fund', '175.50'],
    ]);
    const adjusted = events.filter((e) => e.type === 'SettlementAdjusted')[1].data;
    expect(adjusted).toMatchObject({
      policyVersion: res.body.correctedPolicyVersion,
      policyOverride: { path: 'benefit.annualCaps', value: { in_service: '100', retired: '300' } },
      divergence: { step: 'fund' },
    });
  });
});

describe('a crash between the correction and DisputeUpheld', () => {
  it('the reconciler writes DisputeUpheld under the uphold key; the client retry then writes nothing', async () => {
    const opened = await post('/disputes', {
      subject: { kind: 'settlements', personId: 'NY-D2', settlementIds: ['S-3'] },
      grounds: { code: 'WRONG_LINES', text: 'A01 was 50.00' },
      allegedFacts: {
        kind: 'settlement-lines',
        personId: 'NY-D2',
        settlementId: 'S-3',
        lines: [{ code: 'A01', amount: '50.00', inCatalogue: true }],
      },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.disputeId;
    failDisputeAppends = true;
    const crashed = await post(`/disputes/${id}/uphold`, {}, h.keys.agency, 'uphold-crash');
    failDisputeAppends = false;
    expect(crashed.status).toBe(500);
    expect((await personEvents('NY-D2')).filter((e) => e.type === 'SettlementAdjusted' && e.data.disputeId === id)).toHaveLength(1);
    expect((await get(`/disputes/${id}`)).body.status).toBe('open');
    expect(await h.app.get(DisputesReconciler).reconcile()).toBe(1);
    const after = (await get(`/disputes/${id}`)).body;
    expect(after).toMatchObject({ status: 'upheld', resolution: { correctionId: expect.stringMatching(/^COR-/) } });
    const head = await h.store.headPosition();
    const retry = await post(`/disputes/${id}/uphold`, {}, h.keys.agency, 'uphold-crash');
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body.correctionId]).toEqual([
      201,
      'true',
      after.resolution.correctionId,
    ]);
    expect(await h.store.headPosition()).toBe(head);
    expect(await h.app.get(DisputesReconciler).reconcile()).toBe(0);
  });
});

it('every stream written (person, correction, dispute, institution) keeps its hash chain: the ledger verifies intact', async () => {
  const res = await get('/audit/verify', h.keys.auditor);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ verdict: 'intact', chain: { intact: true, broken: [] } });
});
