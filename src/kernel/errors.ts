/**
 * Typed errors of the domain and the application layer. They are mapped to HTTP in one
 * place (src/http/error.filter.ts); domain code throws them and knows nothing of HTTP.
 */

/** Base of every error we raise on purpose. */
export abstract class LedgerError extends Error {
  abstract readonly kind: 'refusal' | 'not_found' | 'invalid' | 'conflict' | 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A business refusal (HTTP 422): the command is well formed but a rule forbids it.
 * `code` is a stable reason code (see src/policy/reason-codes.ts), `clause` the policy
 * clause behind it, e.g. "宛政办〔2022〕42号 第九条".
 */
export class PolicyRefusal extends LedgerError {
  readonly kind = 'refusal' as const;
  constructor(
    readonly code: string,
    readonly clause: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class NotFound extends LedgerError {
  readonly kind = 'not_found' as const;
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
  }
}

/** Input that passed the DTO's shape checks but breaks a semantic rule (HTTP 400). */
export class InvalidInput extends LedgerError {
  readonly kind = 'invalid' as const;
  constructor(
    readonly field: string,
    readonly rule: string,
    message?: string,
  ) {
    super(message ?? `${field}: ${rule}`);
  }
}

/** A concurrency conflict that survived the handler's retries (HTTP 409). */
export class ConcurrencyConflict extends LedgerError {
  readonly kind = 'conflict' as const;
  constructor(
    readonly streamId: string,
    attempts: number,
  ) {
    super(`stream ${streamId} kept changing; gave up after ${attempts} attempts`);
  }
}

/** An authenticated caller acting outside its scope, e.g. an institution key on another institution (HTTP 403). */
export class Forbidden extends LedgerError {
  readonly kind = 'forbidden' as const;
}

/**
 * An Idempotency-Key already used on this stream by a different request (HTTP 422): the
 * key is bound to the request it first wrote, so reusing it is refused and writes nothing.
 */
export class IdempotencyKeyReused extends PolicyRefusal {
  constructor(readonly key: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'ledger rule: idempotency keys (a key names one request; a retry must repeat it exactly)',
      `Idempotency-Key ${key} was already used for a different request`,
      { idempotencyKey: key },
    );
  }
}
