// Prints the README's per-file mutation table from a Stryker JSON (or incremental) report:
// node scripts/mutation/table.mjs reports/mutation/stryker-incremental.json
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/stryker-incremental.json', 'utf8'));
const rows = [];
const total = { mutants: 0, killed: 0, survived: 0, noCoverage: 0, other: 0 };
for (const [file, { mutants }] of Object.entries(report.files).sort()) {
  if (file.endsWith('.spec.ts')) continue;
  const count = (...s) => mutants.filter((m) => s.includes(m.status)).length;
  const killed = count('Killed', 'Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + survived + noCoverage;
  const covered = killed + survived;
  rows.push(
    `| \`${file}\` | ${valid} | ${killed} | ${survived} | ${noCoverage} | ${covered ? ((100 * killed) / covered).toFixed(1) : '–'} % |`,
  );
  Object.assign(total, {
    mutants: total.mutants + valid,
    killed: total.killed + killed,
    survived: total.survived + survived,
    noCoverage: total.noCoverage + noCoverage,
  });
}
console.log('| file | mutants | killed | survived | no coverage | score (covered) |');
console.log('|---|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(
  `| **all** | ${total.mutants} | ${total.killed} | ${total.survived} | ${total.noCoverage} | ${((100 * total.killed) / (total.killed + total.survived)).toFixed(1)} % |`,
);
