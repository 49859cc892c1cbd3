import type { ServerResponse } from 'node:http';

/**
 * The Node response under either HTTP adapter: Express's response is one; Fastify's reply
 * wraps one and must be told (hijack) that the handler writes it itself — a stream outlives
 * the handler's promise.
 */
export function takeOverResponse(res: unknown): ServerResponse {
  const reply = res as { raw?: ServerResponse; hijack?: () => void };
  if (reply.raw && typeof reply.hijack === 'function') {
    reply.hijack();
    return reply.raw;
  }
  return res as ServerResponse;
}
