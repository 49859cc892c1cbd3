/**
 * The canonical JSON as first defined (every stored hash was computed with it): a copy with
 * keys inserted in sorted order at every depth, then JSON.stringify. Kept as the reference
 * the faster serializer in src/policy/canonical-json.ts must match byte for byte.
 */
export function referenceCanonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
