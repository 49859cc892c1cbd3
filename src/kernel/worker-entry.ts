import { dirname, extname, join } from 'node:path';

/**
 * The file a worker thread runs, beside the module that starts it (`callerFile`, its
 * `__filename`): compiled JS runs the .js entry; under ts-node or jest, the .ts entry
 * through ts-node's register hook.
 */
export function workerEntry(callerFile: string, entryName: string): { file: string; execArgv: string[] } {
  const ext = extname(callerFile);
  const file = join(dirname(callerFile), `${entryName}${ext}`);
  return ext === '.ts' ? { file, execArgv: ['-r', 'ts-node/register/transpile-only'] } : { file, execArgv: [] };
}
