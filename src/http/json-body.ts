import { InvalidInput } from '../kernel/errors';
import { duplicateKeyMessage, firstDuplicateKey } from '../kernel/json-duplicate-keys';

/**
 * The request bodies both adapters read: JSON only, each key once per object. Anything else
 * is refused with a 400 naming `body` and the rule, before a route runs.
 */

/** A body refused before it is parsed. Express's body parser answers with `status`, so it carries one. */
export class BodyRefused extends InvalidInput {
  readonly status = 400;
  readonly expose = true;
}

/** A key given twice in one object of a JSON body (see json-duplicate-keys.ts for why). */
export function refuseDuplicateKeys(text: string): void {
  const duplicate = firstDuplicateKey(text);
  if (!duplicate) return;
  const { field, rule, message } = duplicateKeyMessage(duplicate);
  throw new BodyRefused(field, rule, message);
}

export function notJson(contentType: string | undefined): BodyRefused {
  const type = contentType === undefined || contentType === '' ? 'no content type' : contentType;
  return new BodyRefused('body', 'isJson', `body: must be application/json, got ${type}`);
}

/** Express: a request that carries a body (length or chunked) of a type other than JSON. */
export function nonJsonBody(headers: Record<string, string | string[] | undefined>): BodyRefused | undefined {
  const length = Number(headers['content-length'] ?? 0);
  if (!(length > 0) && headers['transfer-encoding'] === undefined) return undefined;
  const type = String(headers['content-type'] ?? '');
  return /^application\/json\s*(;|$)/i.test(type) ? undefined : notJson(type);
}

type Done = (error: Error | null, body?: unknown) => void;
type Parser = (request: unknown, body: string, done: Done) => void;
interface FastifyBodies {
  addContentTypeParser(type: string, options: { parseAs: 'string'; bodyLimit: number }, parser: Parser): void;
  addContentTypeParser(type: string, parser: (request: { headers: Record<string, unknown> }, payload: unknown, done: Done) => void): void;
  getDefaultJsonParser(onProtoPoisoning: 'error', onConstructorPoisoning: 'error'): Parser;
  removeContentTypeParser(type: string): void;
}

/**
 * Fastify's bodies (Nest's own parsers are off: they would also take form-encoded bodies as
 * objects, which Express refuses). JSON goes through Fastify's parser, which refuses
 * `__proto__` and `constructor.prototype` keys, after the repeated-key check; a body of any
 * other type (text/plain too, which Fastify would hand over as a string) is refused here.
 */
export function useJsonBodiesOnFastify(fastify: FastifyBodies, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    try {
      refuseDuplicateKeys(body);
    } catch (error) {
      return done(error as Error);
    }
    parseJson(request, body, done);
  });
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (request, _payload, done) => done(notJson(request.headers['content-type'] as string | undefined)));
}

/**
 * Express's JSON parser's `verify`: the raw body, before it is parsed, in the charset the
 * parser will read it in (a charset the check cannot read is refused: it would be unchecked).
 */
export function verifyJsonBody(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  let text: string;
  try {
    text = new TextDecoder(encoding ?? 'utf-8').decode(body);
  } catch {
    throw new BodyRefused('body', 'charset', `body: charset ${String(encoding)} is not read; send UTF-8`);
  }
  refuseDuplicateKeys(text);
}
