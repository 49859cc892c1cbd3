/** The institution the benchmarks settle at (`POST /institutions`): a Nanyang city level-2 specialty hospital for employees. */
export function benchInstitution(code = 'NY-L2'): Record<string, unknown> {
  return {
    code,
    name: 'bench',
    category: 'other_specialty',
    level: 'level2',
    location: 'city',
    region: 'nanyang',
    designations: ['employee'],
  };
}

/** An in-service Nanyang employee enrolled on 2023-01-01 (`POST /persons`), the benchmarks' usual person. */
export function benchEmployee(personId: string): Record<string, unknown> {
  return {
    personId,
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
  };
}

/**
 * `heapUsed` after full collections, for the heap benchmarks (run with node --expose-gc, as
 * their npm scripts do); `script` names the one to run in the error.
 */
export function heapAfterGc(script: string): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error(`run with node --expose-gc (npm run ${script} does)`);
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
