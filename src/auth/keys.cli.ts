/**
 * `npm run keys -- add --role institution --institution H41130001`
 * Issues an API key, stores only its hash in the key file, prints the key once.
 */
import { loadConfig } from '../config/config';
import type { Role } from '../http/roles';
import { issueKey, readKeyFile } from './api-keys';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const config = loadConfig();
const command = process.argv[2];
if (command === 'add') {
  const role = arg('role') as Role | undefined;
  if (!role || !['agency', 'institution', 'auditor'].includes(role)) {
    console.error('--role must be agency, institution or auditor');
    process.exit(2);
  }
  const institution = arg('institution');
  if (role === 'institution' && !institution) {
    console.error('--institution CODE is required for role institution');
    process.exit(2);
  }
  const { key, keyId } = issueKey(config.apiKeysFile, role, new Date(), institution);
  console.log(`key ${keyId} (${role}${institution ? ` for ${institution}` : ''}) stored as a hash in ${config.apiKeysFile}`);
  console.log(`API key (shown once): ${key}`);
} else if (command === 'list') {
  for (const k of readKeyFile(config.apiKeysFile)) console.log(`${k.keyId}\t${k.role}\t${k.institutionCode ?? ''}\t${k.createdAt}`);
} else {
  console.error('usage: keys add --role agency|institution|auditor [--institution CODE] | keys list');
  process.exit(2);
}
