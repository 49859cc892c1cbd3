import { BodyRefused, nonJsonBody, verifyJsonBody } from './json-body';

describe("Express's JSON body check", () => {
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      return e instanceof BodyRefused ? { field: e.field, rule: e.rule, status: e.status } : e;
    }
    return undefined;
  };

  it('reads the body in its charset: a key given twice in UTF-16 is found, once is let through', () => {
    const twice = Buffer.from('{"amount":"1.00","amount":"1000.00"}', 'utf16le');
    expect(refusal(() => verifyJsonBody(null, null, twice, 'utf-16le'))).toEqual({ field: 'amount', rule: 'noDuplicateKeys', status: 400 });
    expect(refusal(() => verifyJsonBody(null, null, Buffer.from('{"amount":"1.00"}', 'utf16le'), 'utf-16le'))).toBeUndefined();
  });

  it('refuses a charset it cannot read rather than let the body through unchecked', () => {
    expect(refusal(() => verifyJsonBody(null, null, Buffer.from('{}'), 'utf-32'))).toEqual({ field: 'body', rule: 'charset', status: 400 });
  });

  it('a body of another type than JSON is refused; no body, or JSON in any letter case, is not', () => {
    expect(nonJsonBody({ 'content-length': '3', 'content-type': 'application/x-www-form-urlencoded' })?.rule).toBe('isJson');
    expect(nonJsonBody({ 'transfer-encoding': 'chunked' })?.message).toBe('body: must be application/json, got no content type');
    expect(nonJsonBody({ 'content-length': '0' })).toBeUndefined();
    expect(nonJsonBody({ 'content-length': '2', 'content-type': 'Application/JSON; charset=utf-8' })).toBeUndefined();
  });
});
