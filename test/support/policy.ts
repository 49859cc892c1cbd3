import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyCatalog } from '../../src/policy/catalog';

/** The catalogue exactly as the service loads it by default (packs + config/deployment-policy.json). */
export function defaultCatalog(): PolicyCatalog {
  const params = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/deployment-policy.json'), 'utf8'));
  return PolicyCatalog.load(params);
}
