import { InvalidInput } from '../kernel/errors';
import { duplicateKeyMessage, firstDuplicateKey } from '../kernel/json-duplicate-keys';
import { bodyShapeError } from './validation';

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

type Headers = Record<string, string | string[] | undefined>;

/**
 * What a JSON body's headers must say, checked before it is read, the same on both adapters:
 * UTF-8 (RFC 8259 8.1: JSON between systems is UTF-8; Fastify read a declared GBK or UTF-16
 * body as UTF-8, Express decoded it) and not compressed (Fastify ignored `Content-Encoding`
 * and read a gzip body as text, answering "body size did not match Content-Length").
 */
export function refusedJsonHeaders(headers: Headers): BodyRefused | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(String(headers['content-type'] ?? ''))?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    return new BodyRefused('content-type', 'isUtf8', `content-type: charset ${charset} is not read; send UTF-8 JSON`);
  const encoding = String(headers['content-encoding'] ?? 'identity').trim();
  if (!/^identity$/i.test(encoding))
    return new BodyRefused(
      'content-encoding',
      'isIdentity',
      `content-encoding: ${encoding} bodies are not read; send the body uncompressed`,
    );
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body's bytes as text; bytes that are not UTF-8 are refused (decoded, they would be stored as U+FFFD). */
export function utf8Body(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new BodyRefused('body', 'isUtf8', 'body: is not valid UTF-8');
  }
}

/** A JSON body that does not parse: `body` and rule `isJson`, with the parser's own words. */
export function notParsed(detail: string): BodyRefused {
  return new BodyRefused('body', 'isJson', `body: is not valid JSON (${detail})`);
}

/**
 * Why Fastify's parser refused a body (it says only "Body is not valid JSON"): not JSON at
 * all, or JSON with a `__proto__` / `constructor.prototype` key, named where it stands as the
 * validation pipe names it on Express (JSON.parse here only reads the text, nothing uses it).
 */
function refusalOfUnparsed(text: string): BodyRefused {
  if (text.trim() === '') return new BodyRefused('body', 'isJson', 'body: is empty; send a JSON object, or no content type');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return notParsed((error as Error).message);
  }
  const shape = bodyShapeError(parsed);
  return shape ? new BodyRefused(shape.field, shape.rule, `${shape.field}: ${shape.message}`) : notParsed('refused by the parser');
}

/** Express: a request that carries a body (length or chunked) of a type other than UTF-8, uncompressed JSON. */
export function nonJsonBody(headers: Headers): BodyRefused | undefined {
  const length = Number(headers['content-length'] ?? 0);
  if (!(length > 0) && headers['transfer-encoding'] === undefined) return undefined;
  const type = String(headers['content-type'] ?? '');
  return /^application\/json\s*(;|$)/i.test(type) ? refusedJsonHeaders(headers) : notJson(type);
}

type Done = (error: Error | null, body?: unknown) => void;
type Parser = (request: unknown, body: string, done: Done) => void;
type BufferParser = (request: { headers: Headers }, body: Buffer, done: Done) => void;
interface FastifyBodies {
  addContentTypeParser(type: string, options: { parseAs: 'buffer'; bodyLimit: number }, parser: BufferParser): void;
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
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, bytes, done) => {
    let body: string;
    try {
      const refused = refusedJsonHeaders(request.headers);
      if (refused) throw refused;
      body = utf8Body(bytes);
      refuseDuplicateKeys(body);
    } catch (error) {
      return done(error as Error);
    }
    parseJson(request, body, (error, value) => (error ? done(refusalOfUnparsed(body)) : done(null, value)));
  });
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (request, _payload, done) => done(notJson(request.headers['content-type'] as string | undefined)));
}

/**
 * Express's JSON parser's `verify`: the raw body, before it is parsed (its headers were
 * checked by `nonJsonBody`: UTF-8, uncompressed). A body that does not parse is refused here
 * too, in the ledger's words: body-parser's SyntaxError reaches Nest as a bare 400 message.
 */
export function verifyJsonBody(_req: unknown, _res: unknown, body: Buffer): void {
  const text = utf8Body(body);
  refuseDuplicateKeys(text);
  try {
    JSON.parse(text);
  } catch (error) {
    throw notParsed((error as Error).message);
  }
}
