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
