/** One jest run covers pure unit specs beside the code and the suites under test/. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 60000,
  // The contract suite against a real EventStoreDB runs only when a node is configured
  // (EVENTSTORE_CONNECTION_STRING; see README); otherwise the file is not collected at all.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.EVENTSTORE_CONNECTION_STRING ? [] : ['/test/contract/esdb-real\\.contract\\.spec\\.ts$']),
  ],
};
