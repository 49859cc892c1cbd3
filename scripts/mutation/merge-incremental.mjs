// Merges Stryker incremental reports of runs over parts of the mutate list into one, so a
// rerun of `npm run test:mutation` reuses them all. Mutant and test ids are per run, so each
// part's ids get a prefix (killedBy/coveredBy follow); later parts win per source file.
// node scripts/mutation/merge-incremental.mjs out.json part1.json part2.json ...
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...parts] = process.argv.slice(2);
const merged = { files: {}, testFiles: {} };
parts.forEach((part, i) => {
  const r = JSON.parse(readFileSync(part, 'utf8'));
  const id = (x) => `p${i}-${x}`;
  Object.assign(merged, { ...r, files: merged.files, testFiles: merged.testFiles });
  for (const [path, file] of Object.entries(r.files)) {
    if (path.endsWith('.spec.ts')) continue; // a `--mutate` glob on the command line can pick up specs
    merged.files[path] = {
      ...file,
      mutants: file.mutants.map((m) => ({
        ...m,
        id: id(m.id),
        ...(m.coveredBy && { coveredBy: m.coveredBy.map(id) }),
        ...(m.killedBy && { killedBy: m.killedBy.map(id) }),
      })),
    };
  }
  for (const [path, file] of Object.entries(r.testFiles ?? {})) {
    const tests = file.tests.map((t) => ({ ...t, id: id(t.id) }));
    merged.testFiles[path] = { ...file, tests: [...(merged.testFiles[path]?.tests ?? []), ...tests] };
  }
});
writeFileSync(out, JSON.stringify(merged));
console.log(`${out}: ${Object.keys(merged.files).length} files, ${Object.keys(merged.testFiles).length} test files`);
