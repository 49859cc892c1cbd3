/** The projections' runner is the one read-side runner (issue 10): kept under its old name for callers. */
export { ReadSideRunner as ProjectionRunner } from './read-side-runner';
