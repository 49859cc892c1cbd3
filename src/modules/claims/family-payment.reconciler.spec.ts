import { initialPersonState, PersonState } from '../person-stream';
import { judgeFamilyPayment, PendingFamilyPayment, reconcilerSettings } from './family-payment.reconciler';
import type { SettlementSummary } from './claims.state';

const payment: PendingFamilyPayment = {
  holderId: 'H',
  beneficiaryId: 'B',
  settlementId: 'S1',
  paymentId: 'FAM-B-S1-1',
  recordedAt: '2023-03-10T01:00:00.000Z',
};
const recorded = Date.parse(payment.recordedAt);
const AFTER = 60_000;

function holder(outstanding: string): PersonState {
  const s = initialPersonState();
  return {
    ...s,
    account: { ...s.account, familyPayments: { [payment.paymentId]: { beneficiaryId: 'B', settlementId: 'S1', outstanding } } },
  };
}
function beneficiary(settlement?: Partial<SettlementSummary>): PersonState {
  const s = initialPersonState();
  const summary = {
    settlementId: 'S1',
    reversed: false,
    familyPayment: { holderId: 'H', paymentId: payment.paymentId, amount: '40.00' },
    ...settlement,
  } as SettlementSummary;
  return { ...s, claims: { settlements: settlement ? [summary] : [] } };
}

describe('judgeFamilyPayment: what a family payment should still hold (issue 11 item 6)', () => {
  it('no settlement: waits while young, refunds everything once past the threshold', () => {
    expect(judgeFamilyPayment(payment, holder('40.00'), beneficiary(), recorded + AFTER - 1, AFTER)).toEqual({ kind: 'wait' });
    expect(judgeFamilyPayment(payment, holder('40.00'), beneficiary(), recorded + AFTER, AFTER)).toEqual({
      kind: 'refund',
      keep: '0.00',
      reason: 'settlement_not_recorded',
    });
  });

  it('a landed settlement keeps its share, however old the payment', () => {
    expect(judgeFamilyPayment(payment, holder('40.00'), beneficiary({}), recorded + 10 * AFTER, AFTER)).toEqual({ kind: 'resolved' });
    expect(judgeFamilyPayment(payment, holder('55.00'), beneficiary({}), recorded, AFTER)).toEqual({
      kind: 'refund',
      keep: '40.00',
      reason: 'settlement_recomputed',
    });
  });

  it('a settlement that uses another payment (a retry paid afresh) does not keep this one', () => {
    const other = beneficiary({ familyPayment: { holderId: 'H', paymentId: 'FAM-B-S1-2', amount: '40.00' } });
    expect(judgeFamilyPayment(payment, holder('40.00'), other, recorded + AFTER, AFTER)).toEqual({
      kind: 'refund',
      keep: '0.00',
      reason: 'settlement_not_recorded',
    });
  });

  it('a reversed settlement keeps nothing; an already refunded payment needs nothing', () => {
    expect(judgeFamilyPayment(payment, holder('40.00'), beneficiary({ reversed: true }), recorded, AFTER)).toEqual({
      kind: 'refund',
      keep: '0.00',
      reason: 'settlement_reversed',
    });
    expect(judgeFamilyPayment(payment, holder('0.00'), beneficiary(), recorded + AFTER, AFTER)).toEqual({ kind: 'resolved' });
  });

  it('settings come from the environment, whole milliseconds only', () => {
    expect(reconcilerSettings({})).toEqual({ afterMs: 60_000, everyMs: 15_000 });
    expect(reconcilerSettings({ LEDGER_FAMILY_RECONCILE_AFTER_MS: '1500', LEDGER_FAMILY_RECONCILE_EVERY_MS: '0' })).toEqual({
      afterMs: 1500,
      everyMs: 0,
    });
    expect(() => reconcilerSettings({ LEDGER_FAMILY_RECONCILE_AFTER_MS: '1.5s' })).toThrow(/LEDGER_FAMILY_RECONCILE_AFTER_MS/);
  });
});
