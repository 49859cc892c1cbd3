/** Injection tokens of the process-wide services. */
export const POLICY_CATALOG = Symbol('POLICY_CATALOG');
