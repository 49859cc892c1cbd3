/** Injection tokens of the read side. */
export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
