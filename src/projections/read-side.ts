import type { FileStatus } from '../event-store/event-store.port';
import type { ProjectionFault, ProjectionLag, ProjectionStatus, RetryState, StageTimes } from './read-side-runner';

export type FaultedProjection = ProjectionFault & { projection: string };

/** What a rebuild reports: events read, wall time, projections left faulted, CPU by stage. */
export interface RebuildOutcome {
  events: number;
  ms: number;
  faults: FaultedProjection[];
  stages: StageTimes;
}

/**
 * The live read side as the rest of the service sees it (health, metrics, queries,
 * monitoring status): the runner itself on the main thread (inline), or a host that runs it
 * in a worker thread and answers from the worker's last status report (worker).
 */
export interface ReadSide {
  /** Where it runs: on this thread, or in a worker thread (LEDGER_READ_SIDE). */
  readonly mode: 'inline' | 'worker';
  readonly names: string[];
  readonly running: boolean;
  readonly lastError: unknown;
  readonly retrying: RetryState | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once every event committed before the call is applied by every projection that is not faulted. */
  settled(): Promise<void>;
  /** As `settled`, but rejects when a projection is faulted. */
  caughtUp(): Promise<void>;
  lag(): Promise<ProjectionLag>;
  statuses(): ProjectionStatus[];
  faultList(): FaultedProjection[];
  /** The lowest checkpoint of the projections. */
  checkpoint(): number;
  stages(): StageTimes;
  rebuild(names?: readonly string[]): Promise<RebuildOutcome>;
  /**
   * What the read side's own connection to the log found of its file (worker: its catch-up
   * reads); absent where it reads through the service's store (inline), whose status says it.
   */
  logFileStatus?(): FileStatus | undefined;
}
