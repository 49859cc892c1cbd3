/** The projections' runner is the one read-side runner (issue 10): kept under its old name for callers. */
export { ReadSideRunner as ProjectionRunner, ProjectionsFaulted, isTransient } from './read-side-runner';
export type { ProjectionFault, ProjectionLag, ProjectionState, ProjectionStatus, RetryState, RunnerOptions } from './read-side-runner';
