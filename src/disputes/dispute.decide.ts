/** Issue 15 item 1: the dispute decider, one pure function per command. */
import { PolicyRefusal } from '../kernel/errors';
import { ledgerRule } from '../policy/citation';
import type { DisputeOpened, DisputeRejected, DisputeUpheld } from './dispute.events';
import type { DisputeState } from './dispute.state';

/** Stable codes of a dispute's grounds. */
export const DISPUTE_GROUNDS = [
  'WRONG_CATEGORY',
  'WRONG_LEVEL',
  'WRONG_LINES',
  'WRONG_POLICY_PARAMETER',
  'WRONG_ACCOUNT_MOVEMENT',
  'WRONG_INSTITUTION_MONTH',
  'OTHER',
] as const;
export type DisputeGround = (typeof DISPUTE_GROUNDS)[number];

const DISPUTE_CLAUSES = {
  resolvedOnce: ledgerRule('dispute-resolved-once'),
  openedOnce: ledgerRule('dispute-opened-once'),
} as const;

export function openDispute(state: DisputeState, data: DisputeOpened['data']): DisputeOpened[] {
  if (state.opened) throw new PolicyRefusal('DISPUTE_EXISTS', DISPUTE_CLAUSES.openedOnce, `dispute ${data.disputeId} is already open`);
  return [{ type: 'DisputeOpened', data }];
}

/** An upheld or rejected dispute is final. */
export function assertOpen(state: DisputeState, disputeId: string): void {
  if (state.status !== 'open') {
    throw new PolicyRefusal(
      'DISPUTE_ALREADY_RESOLVED',
      DISPUTE_CLAUSES.resolvedOnce,
      `dispute ${disputeId} is already ${state.status}; a resolution is final`,
      { status: state.status },
    );
  }
}

export function rejectDispute(state: DisputeState, data: DisputeRejected['data']): DisputeRejected[] {
  assertOpen(state, data.disputeId);
  return [{ type: 'DisputeRejected', data }];
}

export function upholdDispute(state: DisputeState, data: DisputeUpheld['data']): DisputeUpheld[] {
  assertOpen(state, data.disputeId);
  return [{ type: 'DisputeUpheld', data }];
}
