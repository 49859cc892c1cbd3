import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { installLeanAsyncResourceBind } from './async-resource-bind';

describe('installLeanAsyncResourceBind (issue 10, request path)', () => {
  beforeAll(() => installLeanAsyncResourceBind());

  it('no deprecated asyncResource accessor on the bound function (what made each POST pay two util.deprecate)', () => {
    const bound = new AsyncResource('test').bind(() => 1);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
  });

  it('runs the function in the async scope it was bound in, with its arguments, and returns its result', () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('request-1', () =>
      new AsyncResource('test').bind((a: number, b: number) => `${storage.getStore()}:${a + b}`),
    );
    expect(storage.run('request-2', () => bound(2, 3))).toBe('request-1:5');
    expect(bound(1, 1)).toBe('request-1:2');
  });

  it("keeps the caller's this, or the one given; and the function's length", () => {
    function whoAmI(this: unknown, _a: unknown, _b: unknown) {
      return this;
    }
    const resource = new AsyncResource('test');
    const caller = { method: resource.bind(whoAmI) };
    expect(caller.method(1, 2)).toBe(caller);
    const given = { given: true };
    const bindWithThis = resource.bind as (fn: typeof whoAmI, thisArg: unknown) => typeof whoAmI; // Node's second parameter, not in @types/node
    expect(bindWithThis.call(resource, whoAmI, given).call(caller, 1, 2)).toBe(given);
    expect(resource.bind(whoAmI).length).toBe(2);
    expect(AsyncResource.bind(whoAmI).length).toBe(2);
  });

  it('refuses a non-function as Node does', () => {
    expect(() => new AsyncResource('test').bind(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
