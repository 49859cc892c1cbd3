import { AsyncResource } from 'node:async_hooks';

let installed = false;

/**
 * Fastify 5.6 binds each request body's completion callback with `AsyncResource#bind`, and
 * Node 20's bind gives every bound function a deprecated `asyncResource` accessor (DEP0172)
 * made by two `util.deprecate` calls, whose prototype swap costs ~15–30 µs per POST (issue
 * 10, request path; fastify/fastify#7012 drops the call upstream, in a Fastify that our Nest
 * adapter does not pin yet). This bind does the rest of what Node's does (the function runs
 * in the resource's async scope, with the caller's `this` unless one is given, and keeps its
 * length) without the deprecated accessor, which nothing in the ledger or its libraries reads.
 * Installed only where Node's bind adds that accessor; once per process.
 */
export function installLeanAsyncResourceBind(): void {
  if (installed) return;
  installed = true;
  const nodeBind = AsyncResource.prototype.bind as (this: AsyncResource, fn: AnyFunction, thisArg?: unknown) => AnyFunction;
  const probe = nodeBind.call(new AsyncResource('ledger-probe'), () => undefined);
  if (!Object.getOwnPropertyDescriptor(probe, 'asyncResource')) return;
  const leanBind = function bind(this: AsyncResource, fn: AnyFunction, thisArg?: unknown): AnyFunction {
    // Node's own validation (and error) for anything that is not a function.
    if (typeof fn !== 'function') return nodeBind.call(this, fn, thisArg);
    return boundIn(this, fn, thisArg);
  };
  AsyncResource.prototype.bind = leanBind as AsyncResource['bind'];
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** `fn` run in the resource's scope, with the caller's `this` unless one is given, of `fn`'s length. */
function boundIn(resource: AsyncResource, fn: AnyFunction, thisArg: unknown): AnyFunction {
  const bound =
    thisArg === undefined
      ? function bound(this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : function bound(...args: unknown[]) {
          return resource.runInAsyncScope(fn, thisArg, ...args);
        };
  Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, writable: false, value: fn.length });
  return bound;
}
