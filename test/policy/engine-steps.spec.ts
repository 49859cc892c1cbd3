/**
 * Issue 14 item 3: a reader goes from a pack key (and so its clause) to the engine step that
 * reads it in one search: every benefit key a city pack carries, and `account`, heads a step
 * under src/policy/engine/steps as "Pack key `name`".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalog, REPO_ROOT } from './helpers';

const STEPS_DIR = path.join(REPO_ROOT, 'src/policy/engine/steps');

test('every pack key the engine reads is named in the heading of its step', () => {
  const steps = fs.readdirSync(STEPS_DIR).map((f) => fs.readFileSync(path.join(STEPS_DIR, f), 'utf8'));
  const keys = new Set(
    catalog()
      .cityPacks()
      .flatMap((p) => Object.keys(p.benefit)),
  );
  keys.add('account');
  // Read by the reversal command (claims.decide.ts), not by the engine: a visit's decision never depends on it.
  keys.delete('reversalWindowDays');
  expect(keys.size).toBeGreaterThanOrEqual(17);
  const unheaded = [...keys].filter((key) => !steps.some((text) => new RegExp(`Pack keys? [^.:]*\`${key}\``).test(text)));
  expect(unheaded).toEqual([]);
});

test('adjudicate() is a short pipeline of steps', () => {
  const source = fs.readFileSync(path.join(REPO_ROOT, 'src/policy/engine/adjudicate.ts'), 'utf8');
  const body = source.slice(source.indexOf('export function adjudicate('));
  expect(body.split('\n').length).toBeLessThan(70);
});
