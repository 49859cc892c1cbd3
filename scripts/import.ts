/**
 * `npm run import -- --file F [--db ./data/ledger.db] [--report R.json] [--no-baseline]`
 * Loads a past year (JSON Lines or CSV in the national field names; see README
 * "Historical import") through the ledger's own commands, re-adjudicating every settlement,
 * and prints the reconciliation (settlements whose historical fund, account or cash payment
 * differs from the policy's, with the trace step and clause where they part), the totals,
 * and its rate against the store's raw append rate measured in the same run.
 * May run while the service is serving the same file (WAL, busy_timeout, expected revisions).
 */
import { SingleBar } from 'cli-progress';
import fs from 'node:fs';
import { parseCommandLine } from '../src/config/command-line';
import { ImportReport, runImport } from '../src/import/importer';

const USAGE = 'npm run import -- --file F [--db ./data/ledger.db] [--report R.json] [--no-baseline]';

function print(report: ImportReport, reportFile: string): void {
  const out = process.stdout;
  out.write(
    `\n${report.file}: ${report.lines} lines — ${report.imported} imported, ${report.alreadyPresent} already present, ${report.rejected} rejected; ${report.eventsWritten} events written\n`,
  );
  for (const e of report.errors.slice(0, 50)) {
    out.write(`  line ${e.line}: ${e.field ? `${e.field} [${e.rule}]` : e.code ? `${e.code} (${e.clause})` : ''} ${e.message}\n`);
  }
  if (report.errors.length > 50) out.write(`  … ${report.errors.length - 50} more in ${reportFile}\n`);
  out.write(`\nReconciliation: ${report.settlementsDiffering} of ${report.settlements} settlements differ from the policy in force\n`);
  for (const f of report.reconciliation.slice(0, 50)) {
    out.write(
      `  line ${f.line} ${f.setl_id} (${f.psn_no}): fund ${f.historical.fund} → ${f.policy.fund}, account ${f.historical.account} → ${f.policy.account}, cash ${f.historical.cash} → ${f.policy.cash}; parts at ${f.step} (${f.clause}): ${f.explanation}\n`,
    );
  }
  if (report.reconciliation.length > 50) out.write(`  … ${report.reconciliation.length - 50} more in ${reportFile}\n`);
  out.write(`\nRate: ${report.eventsWritten} events in ${report.seconds.toFixed(2)} s = ${report.eventsPerSecond} events/s`);
  if (report.appendBaseline) {
    const b = report.appendBaseline;
    out.write(
      `; the store's raw append loop: ${b.events} events in ${b.seconds.toFixed(2)} s = ${b.eventsPerSecond} events/s (import at ${b.eventsPerSecond ? Math.round((100 * report.eventsPerSecond) / b.eventsPerSecond) : 0}% of it)`,
    );
  }
  out.write(`\nReport: ${reportFile}\n`);
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('import', USAGE, {
    options: { file: { type: 'string' }, db: { type: 'string' }, report: { type: 'string' }, 'no-baseline': { type: 'boolean' } },
  });
  const file = values.file;
  if (!file) throw new Error(`usage: ${USAGE}`);
  const db = values.db ?? process.env.LEDGER_DB ?? './data/ledger.db';
  const reportFile = values.report ?? `${file}.reconciliation.json`;
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: 'import {bar} {percentage}% | {value}/{total} lines | {speed} lines/s | ETA {eta_formatted}',
        etaBuffer: 200,
      })
    : undefined;
  const started = Date.now();
  let barStarted = false;
  const report = await runImport({
    file,
    db,
    baseline: !values['no-baseline'],
    onLine: (done, total) => {
      if (!bar) return;
      if (!barStarted) {
        bar.start(total, 0, { speed: 0 });
        barStarted = true;
      }
      bar.update(done, { speed: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
  });
  bar?.stop();
  fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
  print(report, reportFile);
  process.exitCode = report.rejected > 0 ? 2 : 0;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
