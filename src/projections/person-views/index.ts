/**
 * The read side's view of one person, as pure functions of facts, one file per view: the
 * person's year, the account statement and the category-and-rate timeline, over the profile
 * and settlements folded from the stream. The live projections store the same records row
 * by row and call the same summaries, so "projection" and "fold the stream" answer
 * identically (tested).
 */
export * from './as-of';
export * from './person-profile';
export * from './visit-records';
export * from './person-year.view';
export * from './account-statement.view';
export * from './rate-timeline.view';
