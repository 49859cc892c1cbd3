/**
 * Jest config for mutation testing (npm run test:mutation, issue 17): only the fast specs that
 * exercise the domain core (policy engine, person deciders, institution settlement, monitoring
 * evaluator). No HTTP end-to-end, crash, ops, demo or Chromium suites: they are slow and the
 * mutated files are pure, so the unit and policy specs are where a wrong rule must be caught.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/src/policy/**/*.spec.ts',
    '<rootDir>/src/modules/**/*.spec.ts',
    '<rootDir>/src/institutions/**/*.spec.ts',
    '<rootDir>/src/monitoring/**/*.spec.ts',
    '<rootDir>/test/policy/**/*.spec.ts',
    '<rootDir>/test/institutions/**/*.spec.ts',
    '<rootDir>/test/monitoring/**/*.spec.ts',
    // The engine's speed-ups (issue 10 item 5) are pinned against fmt, money and recorded decisions here.
    '<rootDir>/test/replay-speed/**/*.spec.ts',
  ],
  testPathIgnorePatterns: [
    '/node_modules/',
    '\\.e2e-spec\\.ts$',
    // Not about the mutated files: a CLI over the registry, citation text matching, pack loading.
    '/src/institutions/cli\\.spec\\.ts$',
    // engine-steps and reason-lists read the source text, which Stryker instruments.
    '/test/policy/(clause-match|no-region-numbers|loader|engine-steps|reason-lists)\\.spec\\.ts$',
    // SQLite-backed rebuild of a whole synthetic year: an integration suite; evaluate.ts and
    // indicators.ts are covered directly by monitoring-units and lazy-crossings.
    '/test/monitoring/synthetic-year\\.spec\\.ts$',
    // The engine's invariant properties: 1000 runs each (~90 s here, rerun for every surviving
    // engine mutant) and generator-coverage checks calibrated to that count, so they cannot be
    // capped. The engine's figures are pinned by domain-table, adjudicate, facts and boundaries.
    '/test/policy/properties\\.spec\\.ts$',
  ],
  // Property specs capped at FC_MUTATION_RUNS runs each (see the file for why).
  moduleNameMapper: { '^fast-check$': '<rootDir>/test/mutation/fast-check-capped.js', '^fast-check-real$': require.resolve('fast-check') },
};
