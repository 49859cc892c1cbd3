/**
 * Every step the engine traces has its own sentence in `explain` (a dispute handler reads it
 * beside the figures and the clause), not its family's: the consultation-fee exclusion is not
 * a catalogue exclusion, and the tier is not the level check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../src/audit/explain';

const STEPS = path.resolve(__dirname, '../../src/policy/engine/steps');

/** The step names the engine writes: `step: '…'` literals, traceStep(c, '…') and eligibilityStep(c, '…') calls. */
function tracedSteps(): string[] {
  const names = new Set<string>();
  for (const file of fs.readdirSync(STEPS).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
    const text = fs.readFileSync(path.join(STEPS, file), 'utf8');
    for (const m of text.matchAll(/step: '([A-Za-z.]+)'/g)) names.add(m[1]);
    for (const m of text.matchAll(/traceStep\(\s*c,\s*'([A-Za-z.]+)'/g)) names.add(m[1]);
    for (const m of text.matchAll(/eligibilityStep\(\s*c,\s*'([A-Za-z]+)'/g)) names.add(`eligibility.${m[1]}`);
  }
  return [...names].sort();
}

test('the scan finds the engine steps (it would pass vacuously otherwise)', () => {
  expect(tracedSteps()).toEqual(
    expect.arrayContaining(['deductible', 'eligibility.enrolment', 'eligibility.tier', 'exclusion.consultationFee', 'fund']),
  );
  expect(tracedSteps().length).toBeGreaterThanOrEqual(20);
});

test.each(tracedSteps())('step %s has its own sentence', (step) => {
  expect(RULES[step]).toEqual(expect.any(String));
  expect(RULES[step].length).toBeGreaterThan(20);
});
