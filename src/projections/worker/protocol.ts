import type { FileStatus } from '../../event-store/event-store.port';
import type { MonitoringThresholds } from '../../monitoring/thresholds';
import type { FaultedProjection, RebuildOutcome } from '../read-side';
import type { ProjectionStatus, RetryState } from '../read-side-runner';

/** What the worker needs to build the read side on its own connections (structured-cloned once). */
export interface ReadSideWorkerData {
  ledgerDb: string;
  readModelsDb: string;
  synchronous: 'FULL' | 'NORMAL';
  policyParamsFile: string;
  thresholds: MonitoringThresholds;
  pageSize: number;
  pollIntervalMs: number;
}

/** The read side's state as the worker last reported it: the main thread answers its getters from this. */
export interface ReadSideSnapshot {
  names: string[];
  statuses: ProjectionStatus[];
  faults: FaultedProjection[];
  checkpoint: number;
  running: boolean;
  error?: string;
  retrying?: RetryState;
  /** The worker's own connection to the log found its file damaged (absent while it has not). */
  logFile?: FileStatus;
}

/** Main thread -> worker. `head`: the main thread committed up to this position (no events: the worker reads them back). */
export type ToWorker =
  | { kind: 'head'; position: number }
  | { kind: 'settle'; id: number }
  | { kind: 'rebuild'; id: number; names?: string[] }
  | { kind: 'stop' };

/** Worker -> main thread. */
export type FromWorker =
  | { kind: 'ready'; snapshot: ReadSideSnapshot }
  | { kind: 'status'; snapshot: ReadSideSnapshot }
  | { kind: 'log'; message: string }
  | { kind: 'settled'; id: number; snapshot: ReadSideSnapshot; error?: string }
  | { kind: 'rebuilt'; id: number; snapshot: ReadSideSnapshot; outcome?: RebuildOutcome; error?: string }
  | { kind: 'failed'; error: string }
  | { kind: 'stopped' };
