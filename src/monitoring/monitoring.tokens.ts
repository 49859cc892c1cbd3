/** Injection tokens of the monitoring process. */
export const MONITORING_THRESHOLDS = Symbol('MONITORING_THRESHOLDS');
export const MONITORING_RUNNER = Symbol('MONITORING_RUNNER');
