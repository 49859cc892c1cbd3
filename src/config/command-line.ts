/**
 * Command-line flags for the CLIs (issue 14 item 5): Node's `util.parseArgs`, strict. A bad
 * flag is an operator's typo, not a crash: one line naming it and the usage, exit code 2.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';

export type ParsedCommandLine<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** `Unknown option '--rol'. To specify…` → `Unknown option '--rol'`: Node's first sentence names the flag. */
export function usageErrorLine(tool: string, error: unknown, usage: string): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  const first = (typeof message === 'string' ? message : String(error)).split(/\.(?:\s|$)/)[0];
  return `${tool}: ${first}; usage: ${usage.replace(/^usage:\s*/, '')}`;
}

/** Parses `config.args` (default: the process's arguments); on a bad flag prints one line to stderr and exits 2. */
export function parseCommandLine<T extends ParseArgsConfig>(tool: string, usage: string, config: T): ParsedCommandLine<T> {
  try {
    return parseArgs(config); // strict by default: an unknown flag throws
  } catch (e) {
    console.error(usageErrorLine(tool, e, usage));
    return process.exit(2);
  }
}
