import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../kernel/errors';
import type { CommandContext } from '../event-store/stream-command';
import { actorOf, Principal } from './roles';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Builds a command's context from the request: the `Idempotency-Key` header (a retry with
 * the same key returns the first result and writes nothing) and the caller. The key is
 * scoped by the caller's key id so two callers cannot collide. The command handlers bind
 * the key to the request (`withFingerprint`): another request under it is refused (422).
 */
export function commandContext(principal: Principal, idempotencyKey: string | undefined, correlationId?: string): CommandContext {
  if (idempotencyKey !== undefined && !KEY_PATTERN.test(idempotencyKey)) {
    throw new InvalidInput('Idempotency-Key', 'must be 8-128 characters of letters, digits, . _ : -');
  }
  const key = idempotencyKey ?? randomUUID();
  return { commandId: `${principal.keyId}:${key}`, actor: actorOf(principal), correlationId };
}
