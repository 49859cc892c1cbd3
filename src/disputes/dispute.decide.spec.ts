import { openDispute, rejectDispute, upholdDispute } from './dispute.decide';
import type { DisputeOpened } from './dispute.events';
import { foldDispute } from './dispute.state';

const opened: DisputeOpened['data'] = {
  disputeId: 'D1',
  openedAt: '2024-03-01T02:00:00.000Z',
  openedBy: { role: 'agency' },
  subject: { kind: 'settlements', personId: 'P1', settlementIds: ['S1'] },
  grounds: { code: 'WRONG_CATEGORY', text: 'retired since January' },
  analysis: { changes: [], totals: { fund: '0.00', account: '0.00', cash: '0.00' } },
};
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e as { code: string; clause: string };
  }
  throw new Error('expected a refusal');
};

describe('dispute decider (issue 15 item 1)', () => {
  it('opens once; resolves once, rejected or upheld; a resolution is final (422 DISPUTE_ALREADY_RESOLVED)', () => {
    const open = openDispute(foldDispute([]), opened);
    expect(open).toEqual([{ type: 'DisputeOpened', data: opened }]);
    expect(refusal(() => openDispute(foldDispute(open), opened)).code).toBe('DISPUTE_EXISTS');
    const upheld = upholdDispute(foldDispute(open), { disputeId: 'D1', resolvedAt: 'x', correctionId: 'C1', by: { role: 'agency' } });
    const state = foldDispute([...open, ...upheld]);
    expect(state).toMatchObject({ status: 'upheld', resolution: { correctionId: 'C1' } });
    const refused = refusal(() => rejectDispute(state, { disputeId: 'D1', resolvedAt: 'y', reason: 'no', by: { role: 'agency' } }));
    expect(refused).toMatchObject({ code: 'DISPUTE_ALREADY_RESOLVED', clause: 'ledger rule dispute-resolved-once' });
    const rejected = foldDispute([
      ...open,
      ...rejectDispute(foldDispute(open), { disputeId: 'D1', resolvedAt: 'y', reason: 'no', by: { role: 'agency' } }),
    ]);
    expect(rejected).toMatchObject({ status: 'rejected', resolution: { reason: 'no' } });
    expect(
      refusal(() => upholdDispute(rejected, { disputeId: 'D1', resolvedAt: 'z', correctionId: 'C2', by: { role: 'agency' } })).code,
    ).toBe('DISPUTE_ALREADY_RESOLVED');
  });

  it('a dispute never opened cannot be resolved', () => {
    expect(
      refusal(() => rejectDispute(foldDispute([]), { disputeId: 'D1', resolvedAt: 'y', reason: 'no', by: { role: 'agency' } })).code,
    ).toBe('DISPUTE_ALREADY_RESOLVED');
  });
});
