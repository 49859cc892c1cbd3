/**
 * Write responses: 201 with the outcome; a replayed command (same Idempotency-Key) gets
 * the first result again with `Idempotent-Replayed: true` and writes nothing. A command that
 * finds nothing to change (`changed: false`) writes nothing either, and is no replay.
 */
export function replyWrite<T extends { created: boolean; changed?: boolean }>(res: unknown, outcome: T): T {
  const r = res as { header?: (k: string, v: string) => unknown; setHeader?: (k: string, v: string) => unknown };
  // A command that changed nothing wrote nothing, but it is no replay of an earlier request.
  const value = outcome.created || outcome.changed === false ? 'false' : 'true';
  if (typeof r.header === 'function') r.header('Idempotent-Replayed', value);
  else r.setHeader?.('Idempotent-Replayed', value);
  return outcome;
}
