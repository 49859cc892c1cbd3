import { canonicalJson } from '../policy/canonical-json';

/** One leaf where two JSON values disagree, named by its path ('decision.amounts.fund', 'decision.trace[3].result.fund'). */
export interface Difference {
  path: string;
  recorded: unknown;
  recomputed: unknown;
}

/** Leaf-level differences between two JSON values (objects by key, arrays by index). */
export function jsonDiff(recorded: unknown, recomputed: unknown, path = ''): Difference[] {
  if (canonicalJson(recorded) === canonicalJson(recomputed)) return [];
  if (Array.isArray(recorded) && Array.isArray(recomputed)) {
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(recorded.length, recomputed.length); i++) {
      out.push(...jsonDiff(recorded[i] ?? null, recomputed[i] ?? null, `${path}[${i}]`));
    }
    return out;
  }
  if (isObject(recorded) && isObject(recomputed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(recomputed)])].sort();
    const out: Difference[] = [];
    for (const k of keys) out.push(...jsonDiff(recorded[k] ?? null, recomputed[k] ?? null, path ? `${path}.${k}` : k));
    return out;
  }
  return [{ path: path || '(root)', recorded: recorded ?? null, recomputed: recomputed ?? null }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
