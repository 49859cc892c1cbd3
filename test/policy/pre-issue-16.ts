/** The packs as they were before issue 16 (its keys removed), to show recorded decisions keep their old behaviour. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolvePack } from '../../src/policy/loader';
import type { CityPack } from '../../src/policy/pack.types';
import { deploymentParams, PACKS_DIR } from './helpers';

export function preIssue16Pack(id: 'anyang-resident-2020' | 'nanyang-employee-2022'): CityPack {
  const raw = JSON.parse(fs.readFileSync(path.join(PACKS_DIR, `${id}.json`), 'utf8'));
  delete raw.benefit.referralRecords;
  delete raw.benefit.tierByCategory;
  delete raw.benefit.consultationFeeWithContract;
  delete raw.benefit.deductible.value.window;
  delete raw.benefit.deductible.note;
  return resolvePack(raw, deploymentParams()) as CityPack;
}
