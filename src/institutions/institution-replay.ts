/**
 * Replay of an institution's stream, as persons have (issue 5/6): every institution
 * command yields one event that records its inputs (a month correction also writes its
 * consequences after it), so each event's command is rebuilt from it, decided again by the
 * same pure decider against the state folded from the events before it, and everything it
 * decides compared with what was recorded.
 * The hash chain is verified on the events as stored.
 */
import type { RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { Difference, jsonDiff } from '../audit/json-diff';
import { ChainVerification, verifyChain } from '../audit/tamper-chain';
import type { CostBaseRequest, YearAverage } from './cost-base';
import { decideInstitution, InstitutionCommand } from './institution.decide';
import { evolve, InstitutionEvent, initialInstitutionState, InstitutionState } from './institution.events';
import { institutionStreamId } from './institution.types';
import { isMonthCorrectionConsequence, MonthCorrectionConsequence } from './month-correction.events';
import type { PolicyCatalog } from '../policy/catalog';
import { DecisionInputs, decisionInputs, periodOfCommand, SettlementPackVersions } from './settlement-parameters';
import { shanghaiDate } from '../kernel/dates';

export interface InstitutionReplayFinding {
  revision: number;
  position: number;
  type: string;
  /** 'differs': recomputed data differs; 'refused': the decider now refuses the rebuilt command. */
  kind: 'differs' | 'refused';
  differences: Difference[];
  message?: string;
}

export interface InstitutionReplayReport {
  code: string;
  year: number | null;
  events: number;
  recomputed: number;
  findings: InstitutionReplayFinding[];
  chain: ChainVerification;
}

/**
 * Rebuilds the command whose decision an event records (the inverse of `decideInstitution`).
 * A month correction's consequences (advance, period, final payment, money) are not
 * commands: they are compared with what its InstitutionMonthCorrected decided again.
 */
export function commandOf(event: Exclude<InstitutionEvent, MonthCorrectionConsequence>): InstitutionCommand {
  switch (event.type) {
    case 'InstitutionRegistered':
      return { type: 'RegisterInstitution', data: event.data };
    case 'InstitutionProfileChanged':
      return { type: 'ChangeInstitutionProfile', data: { changes: event.data.changes } };
    case 'CostBaseSet':
      return { type: 'SetCostBase', data: costBaseRequestOf(event.data.year, event.data.inputs) };
    case 'MonthDeclared': {
      const { month, visits, totalCost, fundDue, declaredOn } = event.data;
      return { type: 'DeclareMonth', data: { month, visits, totalCost, fundDue, declaredOn } };
    }
    case 'MonthApproved':
      return { type: 'ApproveMonth', data: { month: event.data.month, approvedAmount: event.data.approvedAmount } };
    case 'AdvancePaid':
      return { type: 'PayAdvance', data: { month: event.data.month, ...(event.data.paidOn ? { paidOn: event.data.paidOn } : {}) } };
    case 'PeriodSettled':
      return { type: 'SettlePeriod', data: { year: event.data.year, throughMonth: event.data.throughMonth } };
    case 'OverspendReviewed': {
      const { year, reviewedVisits, violatingCost, reviewedCost } = event.data;
      return { type: 'RecordOverspendReview', data: { year, reviewedVisits, violatingCost, reviewedCost } };
    }
    case 'AnnualAssessed':
      return {
        type: 'AssessYear',
        data: { year: event.data.year, passed: event.data.passed, ...(event.data.note !== undefined ? { note: event.data.note } : {}) },
      };
    case 'FinalPaymentMade':
      return { type: 'MakeFinalPayment', data: { year: event.data.year } };
    case 'PersonsAssigned':
      return { type: 'AssignPersons', data: { year: event.data.year, count: event.data.count } };
    case 'CapitationSettled':
      // The command's `claimed` is the general claim; the event's `claimed` is the month's total (general + consultation).
      return {
        type: 'SettleCapitationMonth',
        data: { month: event.data.month, claimed: event.data.generalClaimed, consultationClaimed: event.data.consultationClaimed },
      };
    case 'InstitutionMonthCorrected': {
      const { correctionId, disputeId, month, corrected, reason, correctedOn } = event.data;
      return {
        type: 'CorrectMonth',
        data: { correctionId, ...(disputeId ? { disputeId } : {}), month, corrected, reason, correctedOn },
      };
    }
  }
}

/** CostBaseSet records its request as `inputs` (average_<year>, covidLow_<year>, …). */
function costBaseRequestOf(year: number, inputs: Record<string, string | number | boolean | null>): CostBaseRequest {
  const history: YearAverage[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    const m = /^average_(\d{4})$/.exec(key);
    if (m) history.push({ year: Number(m[1]), average: String(value), ...(inputs[`covidLow_${m[1]}`] === true ? { covidLow: true } : {}) });
  }
  return {
    year,
    ...(history.length ? { history: history.sort((a, b) => a.year - b.year) } : {}),
    ...(inputs.soleInCategory === true ? { soleInCategory: true } : {}),
    ...(typeof inputs.provinceAverage === 'string' ? { provinceAverage: inputs.provinceAverage } : {}),
    ...(inputs.markedlyAboveProvince === true ? { markedlyAboveProvince: true } : {}),
  };
}

/** The year an event concerns (registry events concern every year). */
function yearOfEvent(event: InstitutionEvent): number | null {
  const d = event.data as { year?: number; month?: string };
  if (typeof d.year === 'number') return d.year;
  if (typeof d.month === 'string') return Number(d.month.slice(0, 4));
  return null;
}

/** The pack versions an event recorded (none: written before issue 14, decided again with the packs in force). */
function versionsOf(event: InstitutionEvent): SettlementPackVersions {
  const version = (event.data as { packVersion?: string }).packVersion;
  if (version === undefined) return {};
  return event.type === 'PersonsAssigned' || event.type === 'CapitationSettled' ? { anyang: version } : { jiaozuo: version };
}

/**
 * Decides an event's command again as the write side did: with the pack versions it
 * recorded, else (written before versions were recorded) the packs in force for the
 * institution's region and the command's period, the registry's categories as of the day
 * the event was recorded.
 */
function decideAgain(
  event: RecordedEvent & Exclude<InstitutionEvent, MonthCorrectionConsequence>,
  state: InstitutionState,
  catalog: PolicyCatalog,
  cache: Map<string, DecisionInputs>,
): InstitutionEvent[] {
  const command = commandOf(event);
  const recordedOn = shanghaiDate(event.metadata.recordedAt);
  const versions = versionsOf(event);
  const key = JSON.stringify([versions, command.type, periodOfCommand(command, recordedOn), state.profile?.region]);
  if (!cache.has(key)) cache.set(key, decisionInputs(catalog, command, state, recordedOn, versions));
  return decideInstitution(command, state, ...cache.get(key)!);
}

/**
 * `catalog`: the packs in force and archived, so each decision is replayed with the pack
 * version it recorded. An event that recorded none (written before versions were recorded)
 * is replayed with the packs in force and compared without the field.
 */
export function replayInstitution(
  code: string,
  stored: ReadonlyArray<RecordedEvent>,
  catalog: PolicyCatalog,
  year?: number,
): InstitutionReplayReport {
  const findings: InstitutionReplayFinding[] = [];
  const cache = new Map<string, DecisionInputs>();
  let state: InstitutionState = initialInstitutionState();
  let recomputed = 0;
  // What the last command decided beyond the event it was rebuilt from (a month correction's consequences).
  let decidedWith: InstitutionEvent[] = [];
  let decidedBy: RecordedEvent | undefined;
  const notRecorded = () => {
    if (decidedBy && decidedWith.length)
      findings.push({
        revision: decidedBy.revision,
        position: decidedBy.position,
        type: decidedBy.type,
        kind: 'differs',
        differences: decidedWith.map((p) => ({ path: 'type', recorded: '(nothing)', recomputed: p.type })),
      });
    decidedWith = [];
    decidedBy = undefined;
  };
  for (const raw of stored) {
    const event = upcast(raw) as unknown as RecordedEvent & InstitutionEvent;
    const concerns = yearOfEvent(event);
    if ((event.type as string) === LEVEL_CORRECTED) {
      // Decided by a correction on the persons' streams (their replay checks SettlementAdjusted): only folded here.
    } else if (isMonthCorrectionConsequence(event)) {
      // Compared with what its InstitutionMonthCorrected decided again; not a command of its own.
      if (year === undefined || concerns === year) {
        const again = decidedWith.find((p) => p.type === event.type);
        decidedWith = decidedWith.filter((p) => p !== again);
        const differences = compared(event, again, decidedWith);
        if (differences.length)
          findings.push({ revision: event.revision, position: event.position, type: event.type, kind: 'differs', differences });
      }
    } else if (year === undefined || concerns === null || concerns === year) {
      recomputed++;
      notRecorded();
      try {
        const produced = decideAgain(event, state, catalog, cache);
        const again = produced.find((p) => p.type === event.type);
        decidedWith = produced.filter((p) => p !== again);
        decidedBy = event;
        const differences = compared(event, again, produced);
        if (differences.length)
          findings.push({ revision: event.revision, position: event.position, type: event.type, kind: 'differs', differences });
      } catch (e) {
        findings.push({
          revision: event.revision,
          position: event.position,
          type: event.type,
          kind: 'refused',
          differences: [],
          message: e instanceof Error ? e.message : String(e),
        });
      }
    }
    state = evolve(state, event);
  }
  notRecorded();
  return { code, year: year ?? null, events: stored.length, recomputed, findings, chain: verifyChain(institutionStreamId(code), stored) };
}

/** src/corrections/correction.events.ts InstitutionLevelCorrected: a fact of a person-side correction, not a command of this stream. */
const LEVEL_CORRECTED = 'InstitutionLevelCorrected';

/** The recorded event against the one decided again (none: the decision now produces other events). */
function compared(event: InstitutionEvent, again: InstitutionEvent | undefined, produced: InstitutionEvent[]): Difference[] {
  if (!again) return [{ path: 'type', recorded: event.type, recomputed: produced.map((p) => p.type).join(',') || '(nothing)' }];
  const recordedVersion = 'packVersion' in (event.data as object);
  return jsonDiff(event.data, recordedVersion ? again.data : withoutPackVersion(again.data));
}

function withoutPackVersion(data: object): object {
  const { packVersion: _version, ...rest } = data as { packVersion?: string };
  return rest;
}
