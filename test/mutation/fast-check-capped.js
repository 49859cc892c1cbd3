/**
 * fast-check for mutation runs only (jest.mutation.config.js maps 'fast-check' here): the same
 * library with every property capped at FC_MUTATION_RUNS runs (default 50). A surviving mutant
 * reruns every covering test, and at 1000 runs a property spec takes minutes per mutant on this
 * machine; the normal `npm test` keeps the specs' own run counts.
 */
// 'fast-check-real' is mapped to the library's own file (resolved by Node in jest.mutation.config.js).
const real = require('fast-check-real');

const CAP = Number(process.env.FC_MUTATION_RUNS ?? 50);
const capped = (params) => ({ ...params, numRuns: Math.min(params?.numRuns ?? 100, CAP) });

const wrapper = { ...real };
wrapper.assert = (property, params) => real.assert(property, capped(params));
wrapper.check = (property, params) => real.check(property, capped(params));
Object.defineProperty(wrapper, '__esModule', { value: true });
wrapper.default = wrapper;
module.exports = wrapper;
