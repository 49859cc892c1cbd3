/**
 * Write responses: 201 with the outcome; a replayed command (same Idempotency-Key) gets
 * the first result again with `Idempotent-Replayed: true` and writes nothing.
 */
export function replyWrite<T extends { created: boolean }>(res: unknown, outcome: T): T {
  const r = res as { header?: (k: string, v: string) => unknown; setHeader?: (k: string, v: string) => unknown };
  const value = outcome.created ? 'false' : 'true';
  if (typeof r.header === 'function') r.header('Idempotent-Replayed', value);
  else r.setHeader?.('Idempotent-Replayed', value);
  return outcome;
}
