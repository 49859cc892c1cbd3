/**
 * Policy provenance: every dated value of a pack with the document and clause it comes
 * from (or the deployment configuration, or our reading of vague wording). Read from the
 * loaded catalogue, so what is listed is exactly what the engine applies. Pure.
 */
import type { PolicyPack } from '../policy/pack.types';

export interface ProvenancedValue {
  /** Where the value sits in the pack, e.g. 'benefit.rates'. */
  path: string;
  value: unknown;
  document: string;
  clause: string;
  source: 'document' | 'deployment' | 'reading';
  note?: string;
  /** The pack's period: the value is in force from … to (inclusive). */
  effective: { from: string; to?: string };
}

export interface PackSummary {
  id: string;
  version: string;
  kind: 'city' | 'framework';
  document: string;
  title: string;
  region: string;
  scheme: string;
  effective: { from: string; to?: string };
  framework?: string;
  deploymentParameters: string[];
}

export interface PackProvenance extends PackSummary {
  values: ProvenancedValue[];
  notes?: string[];
}

function isCited(v: unknown): v is { value: unknown; clause: string; document: string; source?: string; note?: string } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    'value' in v &&
    typeof (v as { clause?: unknown }).clause === 'string' &&
    typeof (v as { document?: unknown }).document === 'string'
  );
}

export function packSummary(p: PolicyPack): PackSummary {
  return {
    id: p.id,
    version: p.version,
    kind: p.kind,
    document: p.document,
    title: p.title,
    region: p.region,
    scheme: p.scheme,
    effective: p.effective,
    ...(p.framework ? { framework: p.framework } : {}),
    deploymentParameters: p.deploymentParameters,
  };
}

export function packProvenance(p: PolicyPack): PackProvenance {
  const values: ProvenancedValue[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isCited(node)) {
      values.push({
        path,
        value: node.value,
        document: node.document,
        clause: node.clause,
        source: (node.source as ProvenancedValue['source']) ?? 'document',
        ...(node.note ? { note: node.note } : {}),
        effective: p.effective,
      });
      return;
    }
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
  };
  const body = p.kind === 'city' ? { benefit: p.benefit, account: p.account, institution: p.institution } : { bounds: p.bounds };
  walk(body, '');
  return { ...packSummary(p), values, ...(p.notes ? { notes: p.notes } : {}) };
}
