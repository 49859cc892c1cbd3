import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidThresholds, MonitoringThresholds, parseMonitoringThresholds } from './thresholds';
import { parseJsonStrict } from '../kernel/json-duplicate-keys';

/** The documented defaults shipped with the service. */
export const DEFAULT_THRESHOLDS_FILE = resolve(__dirname, '../../config/monitoring-thresholds.json');

/** Reads and validates the thresholds file (MONITORING_THRESHOLDS overrides the path). */
export function loadMonitoringThresholds(
  path: string = process.env.MONITORING_THRESHOLDS || DEFAULT_THRESHOLDS_FILE,
): MonitoringThresholds {
  let json: unknown;
  try {
    json = parseJsonStrict(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InvalidThresholds(path, `cannot be read as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseMonitoringThresholds(json);
}
