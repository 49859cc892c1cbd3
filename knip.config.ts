/**
 * knip: dead files, exports and dependencies (issue 14 item 5). `npm run knip`; .ci/run fails on
 * what it finds. Entry points: the service and the CLIs (found through package.json's scripts),
 * scripts, benchmarks, examples and the test suites (jest's plugin reads jest.config.js).
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  // Worker-thread entries (*.worker.ts) are started by file name (new Worker), not imported.
  entry: ['scripts/**/*.ts', 'bench/**/*.ts', 'examples/**/*.{ts,mjs}', 'test/**/*.ts', 'src/**/*.worker.ts'],
  project: ['src/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'examples/**/*.{ts,mjs}'],
  // A decider exports each command's function and uses it in its own file (the decider map); that is its shape, not dead code.
  ignoreExportsUsedInFile: true,
  // Exported event and read-model types are the documented contract of the events: reported, not failing.
  rules: { types: 'warn' },
  // nest-cli.json names its schematics package; `nest generate` is not used here.
  ignoreDependencies: ['@nestjs/schematics'],
};

export default config;
