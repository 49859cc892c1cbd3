import { BodyRefused, nonJsonBody, refusedJsonHeaders, verifyJsonBody } from './json-body';

describe("Express's JSON body check", () => {
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      return e instanceof BodyRefused ? { field: e.field, rule: e.rule, status: e.status } : e;
    }
    return undefined;
  };

  it('a key given twice is found, once is let through', () => {
    const twice = Buffer.from('{"amount":"1.00","amount":"1000.00"}');
    expect(refusal(() => verifyJsonBody(null, null, twice))).toEqual({ field: 'amount', rule: 'noDuplicateKeys', status: 400 });
    expect(refusal(() => verifyJsonBody(null, null, Buffer.from('{"amount":"1.00"}')))).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8 (decoded, they would be stored as U+FFFD)', () => {
    const latin1 = Buffer.from('{"reason":"caf\u00e9"}', 'latin1');
    expect(refusal(() => verifyJsonBody(null, null, latin1))).toEqual({ field: 'body', rule: 'isUtf8', status: 400 });
    expect(refusal(() => verifyJsonBody(null, null, Buffer.from('{"reason":"复核"}')))).toBeUndefined();
  });

  it('a body of another type than JSON is refused; no body, or JSON in any letter case, is not', () => {
    expect(nonJsonBody({ 'content-length': '3', 'content-type': 'application/x-www-form-urlencoded' })?.rule).toBe('isJson');
    expect(nonJsonBody({ 'transfer-encoding': 'chunked' })?.message).toBe('body: must be application/json, got no content type');
    expect(nonJsonBody({ 'content-length': '0' })).toBeUndefined();
    expect(nonJsonBody({ 'content-length': '2', 'content-type': 'Application/JSON; charset=utf-8' })).toBeUndefined();
  });
});

describe("a JSON body's headers (both adapters)", () => {
  const json = (extra: Record<string, string>) => ({ 'content-type': 'application/json', ...extra });

  it('UTF-8 only: a charset other than UTF-8 is refused naming content-type', () => {
    for (const charset of ['GBK', 'latin1', 'utf-16le', '"utf-16"', 'utf-32'])
      expect(refusedJsonHeaders(json({ 'content-type': `application/json; charset=${charset}` }))).toMatchObject({
        field: 'content-type',
        rule: 'isUtf8',
      });
    for (const charset of ['utf-8', 'UTF-8', 'utf8', '"utf-8"'])
      expect(refusedJsonHeaders(json({ 'content-type': `application/json; charset=${charset}` }))).toBeUndefined();
    expect(refusedJsonHeaders(json({}))).toBeUndefined();
  });

  it('uncompressed only: a content-encoding other than identity is refused naming it', () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'gzip, identity'])
      expect(refusedJsonHeaders(json({ 'content-encoding': encoding }))).toMatchObject({
        field: 'content-encoding',
        rule: 'isIdentity',
        message: `content-encoding: ${encoding} bodies are not read; send the body uncompressed`,
      });
    expect(refusedJsonHeaders(json({ 'content-encoding': 'identity' }))).toBeUndefined();
  });

  it("Express's check refuses them too, before the parser reads the body", () => {
    expect(nonJsonBody({ 'content-length': '2', ...json({ 'content-encoding': 'gzip' }) })?.field).toBe('content-encoding');
    expect(nonJsonBody({ 'content-length': '2', 'content-type': 'application/json; charset=GBK' })?.field).toBe('content-type');
  });
});
