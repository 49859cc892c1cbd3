/** Issue 15 item 1: a dispute's state, folded from `dispute-<id>` (Emmett-style: state + evolve). */
import type { DisputeEvent, DisputeOpened } from './dispute.events';

type DisputeStatus = 'open' | 'rejected' | 'upheld';

export interface DisputeState {
  opened?: DisputeOpened['data'];
  status?: DisputeStatus;
  resolution?: { resolvedAt: string; reason?: string; correctionId?: string };
}

const initialDisputeState = (): DisputeState => ({});

function evolveDispute(state: DisputeState, event: { type: string; data: unknown }): DisputeState {
  const e = event as DisputeEvent;
  switch (e.type) {
    case 'DisputeOpened':
      return { opened: e.data, status: 'open' };
    case 'DisputeRejected':
      return { ...state, status: 'rejected', resolution: { resolvedAt: e.data.resolvedAt, reason: e.data.reason } };
    case 'DisputeUpheld':
      return { ...state, status: 'upheld', resolution: { resolvedAt: e.data.resolvedAt, correctionId: e.data.correctionId } };
    default:
      return state;
  }
}

export const foldDispute = (events: ReadonlyArray<{ type: string; data: unknown }>): DisputeState =>
  events.reduce(evolveDispute, initialDisputeState());
