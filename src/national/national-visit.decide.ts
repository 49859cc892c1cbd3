/** Pure deciders of 2201 and 2204 over a visit's own stream: no I/O, no clock. */
import type { DomainEvent } from '../event-store/stream-command';
import { InvalidInput, NotFound, PolicyRefusal } from '../kernel/errors';
import { ledgerRule } from '../policy/citation';
import type { FeeLinesUploaded, StoredFeeLine, VisitRegistered } from './national-visit.events';

export interface NationalVisitState {
  registration?: VisitRegistered['data'];
  batches: Record<string, StoredFeeLine[]>;
}

export function foldNationalVisit(events: ReadonlyArray<{ type: string; data: unknown }>): NationalVisitState {
  const state: NationalVisitState = { batches: {} };
  for (const e of events) {
    if (e.type === 'VisitRegistered') state.registration = e.data as VisitRegistered['data'];
    if (e.type === 'FeeLinesUploaded') {
      const d = e.data as FeeLinesUploaded['data'];
      state.batches[d.chrg_bchno] = d.lines;
    }
  }
  return state;
}

/** The national interface specification is not among the policy documents: its sequence rules are the ledger's own. */
const CLAUSE = ledgerRule('national-visit-registered-once');

export function registerVisit(data: VisitRegistered['data'], state: NationalVisitState): DomainEvent[] {
  if (state.registration) {
    throw new PolicyRefusal(
      'VISIT_ALREADY_REGISTERED',
      CLAUSE,
      `outpatient number ${data.ipt_otp_no} of ${data.fixmedins_code} is already registered as ${data.mdtrt_id}`,
      { mdtrt_id: data.mdtrt_id },
    );
  }
  return [{ type: 'VisitRegistered', data }];
}

/** The registration, or 404 for an unknown mdtrt_id; 422 when psn_no is not its person. */
export function registeredFor(state: NationalVisitState, mdtrtId: string, psnNo: string): VisitRegistered['data'] {
  const reg = state.registration;
  if (!reg) throw new NotFound('visit (mdtrt_id)', mdtrtId);
  if (reg.psn_no !== psnNo) {
    throw new PolicyRefusal('MDTRT_PSN_MISMATCH', CLAUSE, `visit ${mdtrtId} was registered for psn_no ${reg.psn_no}, not ${psnNo}`, {
      registered: reg.psn_no,
      given: psnNo,
    });
  }
  return reg;
}

export function uploadFeeLines(data: FeeLinesUploaded['data'], state: NationalVisitState): DomainEvent[] {
  registeredFor(state, data.mdtrt_id, data.psn_no);
  if (state.batches[data.chrg_bchno]) {
    throw new PolicyRefusal('FEE_BATCH_EXISTS', CLAUSE, `fee batch ${data.chrg_bchno} of visit ${data.mdtrt_id} is already uploaded`, {
      chrg_bchno: data.chrg_bchno,
    });
  }
  const seen = new Set<string>();
  data.lines.forEach((l, i) => {
    if (seen.has(l.feedetl_sn))
      throw new InvalidInput(`input.feedetail.${i}.feedetl_sn`, 'unique', `feedetl_sn ${l.feedetl_sn} appears twice in the batch`);
    seen.add(l.feedetl_sn);
  });
  return [{ type: 'FeeLinesUploaded', data }];
}
