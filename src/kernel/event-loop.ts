/**
 * Resolves on the next turn of the event loop, after pending I/O callbacks. Long reads of
 * the log (a reconciler's pass, the chain verifier, a read side catching up) await it
 * between pages: awaiting the store's own promises only runs microtasks, so without it a
 * pass over 100k events holds every waiting request for seconds (issue 10: p99).
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
