/**
 * Deployment parameters (config/deployment-policy.json): figures a document leaves to the
 * agency. A pack asks for one with `{ "deployment": name }`; the loader substitutes a value
 * cited to the deployment file, marked `source: 'deployment'`.
 */
import { PolicyLoadError } from './errors';
import { isObject, type Json } from './checker';

import { DEPLOYMENT_DOCUMENT } from '../citation';

export { DEPLOYMENT_DOCUMENT };

/** Deployment keys that were renamed: an old file is refused with the new key named (issue 14 item 4). */
export const RENAMED_PARAMETERS: Readonly<Record<string, string>> = { averageMonthlyPension2021: 'averageMonthlyPension' };

export interface DeploymentParameters {
  packs?: Record<string, Record<string, unknown>>;
}

/**
 * Replaces `{ "deployment": name }` placeholders with cited values from the deployment
 * parameters. Throws naming every missing parameter: the document does not give them.
 */
export function substituteDeployment(raw: Json, params: DeploymentParameters, used: string[]): Json {
  const id = String(raw.id);
  const supplied = params.packs?.[id] ?? {};
  const renamed = Object.keys(supplied).filter((key) => RENAMED_PARAMETERS[key] !== undefined);
  if (renamed.length > 0) {
    throw new PolicyLoadError(
      id,
      renamed.map((key) => `${DEPLOYMENT_DOCUMENT} packs["${id}"].${key} is now named ${RENAMED_PARAMETERS[key]}: rename the key`),
    );
  }
  const missing: string[] = [];
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'deployment' && typeof node.deployment === 'string') {
      const name = node.deployment;
      used.push(name);
      if (!(name in supplied)) {
        missing.push(name);
        return node;
      }
      const given = supplied[name];
      const hasValue = isObject(given) && 'value' in given;
      return {
        value: hasValue ? given.value : given,
        clause: `packs.${id}.${name}`,
        document: DEPLOYMENT_DOCUMENT,
        source: 'deployment',
        note:
          hasValue && typeof given.note === 'string'
            ? given.note
            : `Deployment parameter: ${String(raw.document)} does not give this value.`,
      };
    }
    const out: Json = {};
    for (const key of keys) out[key] = walk(node[key]);
    return out;
  };
  const resolved = walk(raw) as Json;
  if (missing.length > 0) {
    throw new PolicyLoadError(id, [
      `missing deployment parameters ${missing.join(', ')} — ${String(raw.document)} does not give them; supply each in ${DEPLOYMENT_DOCUMENT} under packs["${id}"]`,
    ]);
  }
  return resolved;
}

export function readDeploymentParameters(input: unknown): DeploymentParameters {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw new PolicyLoadError('(deployment)', ['deployment parameters must be a JSON object']);
  if (input.packs === undefined) return {};
  if (!isObject(input.packs) || !Object.values(input.packs).every(isObject)) {
    throw new PolicyLoadError('(deployment)', ['deployment parameters: "packs" must map pack ids to objects']);
  }
  return { packs: input.packs as Record<string, Record<string, unknown>> };
}
