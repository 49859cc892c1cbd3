/**
 * knip: dead files, exports and dependencies (issue 14 item 5). `npm run knip`; .ci/run fails on
 * what it finds. Entry points are everything started by a command: the service, the CLIs, the
 * scripts, benchmarks, examples and the test suites (jest's own plugin reads jest.config.js).
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  entry: ['src/main.ts', 'src/auth/keys.cli.ts', 'src/institutions/cli.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'examples/**/*.{ts,mjs}', 'test/**/*.ts'],
  project: ['src/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'examples/**/*.{ts,mjs}'],
  // A decider exports each command's function and uses it in its own file (the decider map); that is its shape, not dead code.
  ignoreExportsUsedInFile: true,
  // Exported event and read-model types are the documented contract of the events, read by people and by other helpers' code.
  rules: { types: 'warn' },
  ignoreDependencies: [
    // Loaded by name: pino's transport on a TTY, Nest's Fastify static assets.
    'pino-pretty',
    '@fastify/static',
    // nest-cli.json names its schematics package; `nest generate` is not used here.
    '@nestjs/schematics',
  ],
};

export default config;
