/**
 * `npm run audit -- replay --person P --year 2023 [--db ./data/ledger.db] [--json]`
 * `npm run audit -- replay --all --year 2023 [--db …]`
 * Replays through the event-store port (no server): the SQLite file, or EventStoreDB when
 * EVENTSTORE_CONNECTION_STRING is set, as the service chooses. Rebuilds the year from the person's
 * events, recomputes every decision with its recorded policy version, compares byte for
 * byte, and verifies the hash chain. Exit 0 when everything holds, 2 on any difference.
 *
 * Seals (issue 11 item 7), through the event-store port (SQLite file, or EventStoreDB when
 * EVENTSTORE_CONNECTION_STRING is set):
 * `npm run audit -- seal [--db FILE]`                      verify, then append a seal
 * `npm run audit -- verify [--db FILE] [--against SEALS.json] [--json]`  chains + latest seal; exit 2 if broken
 * `npm run audit -- seals [--db FILE] [--export SEALS.json]` print (or export) every seal with its root
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { usageErrorLine } from '../src/config/command-line';
import { replayPersonYear, ReplayReport } from '../src/audit/replay';
import { readSeals, sealLedger, VerifyReport, verifyLedger } from '../src/audit/seals/ledger-verification';
import { SealRecord } from '../src/audit/seals/seal';
import { createEventStore } from '../src/event-store';
import { EventStore } from '../src/event-store/event-store.port';
import { PolicyCatalog } from '../src/policy/catalog';
import { withArchive } from '../src/policy/policy-archive';

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  person: { type: 'string' },
  all: { type: 'boolean' },
  year: { type: 'string' },
  against: { type: 'string' },
  export: { type: 'string' },
} as const;

type AuditOptions = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export function formatReport(r: ReplayReport): string {
  const lines = [
    `person ${r.personId}, year ${r.year}: ${r.eventsRead} events read through position ${r.throughPosition}, ${r.settlementsChecked} settlement(s) recomputed`,
    `  ${r.verdict}`,
  ];
  for (const d of r.differences) {
    lines.push(
      `  - settlement ${d.settlementId} (revision ${d.revision}, position ${d.position}) ${d.path}: recorded ${JSON.stringify(d.recorded)} vs recomputed ${JSON.stringify(d.recomputed)}`,
    );
  }
  if (r.chain.intact) lines.push(`  hash chain intact (${r.chain.events} events, head ${r.chain.headHash?.slice(0, 16)}…)`);
  else {
    const b = r.chain.firstBroken!;
    lines.push(
      `  hash chain BROKEN: first broken link at revision ${b.revision} (position ${b.position}, ${b.type}): ${b.reason}, expected ${b.expected}, found ${b.found}`,
    );
  }
  if (r.rebuilt)
    lines.push(
      `  rebuilt year: fund paid ${r.rebuilt.fundPaid}, cap in force ${r.rebuilt.capInForce ?? '—'}, remaining ${r.rebuilt.capRemaining ?? '—'}, ${r.rebuilt.visits} visit(s)`,
    );
  return lines.join('\n');
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [`ledger ${r.verdict.toUpperCase()}: ${r.eventsRead} events read through position ${r.headPosition}`];
  if (r.chain.intact) lines.push('  hash chains intact');
  for (const b of r.chain.broken)
    lines.push(
      `  chain BROKEN in ${b.streamId} at revision ${b.revision} (position ${b.position}, ${b.type}): ${b.reason}, expected ${b.expected}, found ${b.found}`,
    );
  if (!r.seal) lines.push('  no seal yet (npm run audit -- seal)');
  else {
    const s = r.seal;
    lines.push(
      `  seal #${s.revision} (${s.source}, ${s.sealedAt}) through position ${s.throughPosition}: ${s.streams} stream(s), root ${s.root}: ${s.holds ? 'holds' : 'does NOT hold'}`,
    );
    for (const f of s.findings) {
      const head = (h: typeof f.expected) => (h ? `revision ${h.revision} hash ${h.hash}` : 'nothing');
      lines.push(`  - ${f.streamId}: ${f.reason}: expected ${head(f.expected)}, found ${head(f.found)}`);
    }
  }
  lines.push(`  ${r.notYetSealed} event(s) after the latest seal: not yet sealed`);
  return lines.join('\n');
}

function openStore(db: string): EventStore | undefined {
  const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
  if (!esdb && !fs.existsSync(db)) return undefined;
  return createEventStore({ ledgerDb: db, eventstoreConnectionString: esdb || undefined });
}

async function runSeals(command: string, args: AuditOptions, out: (s: string) => void): Promise<number> {
  const db = args.db ?? process.env.LEDGER_DB ?? './data/ledger.db';
  const against = args.against;
  if (against !== undefined && !fs.existsSync(against)) {
    out(`no exported seal list at ${against}`);
    return 66;
  }
  const store = openStore(db);
  if (!store) {
    out(`no ledger database at ${db}`);
    return 66;
  }
  try {
    if (command === 'seal') {
      const { seal, report } = await sealLedger(store, randomUUID, () => new Date().toISOString());
      if (report.verdict === 'broken') {
        out(formatVerifyReport(report));
        out('refusing to seal a ledger that does not verify');
        return 2;
      }
      out(
        seal
          ? `sealed ${seal.streams} stream(s) through position ${seal.throughPosition} as seal #${seal.revision}: root ${seal.root}`
          : 'nothing changed since the latest seal',
      );
      return 0;
    }
    if (command === 'seals') {
      const seals = await readSeals(store);
      const exportTo = args.export;
      if (exportTo) fs.writeFileSync(exportTo, JSON.stringify(seals, null, 2));
      for (const s of seals)
        out(
          `seal #${s.revision} ${s.sealedAt} position ${s.position} through ${s.throughPosition}: ${s.streams} stream(s), ${s.changed.length} changed, root ${s.root}`,
        );
      if (exportTo) out(`${seals.length} seal(s) exported to ${exportTo}`);
      return 0;
    }
    const exported = against ? (JSON.parse(fs.readFileSync(against, 'utf8')) as SealRecord[]) : undefined;
    const report = await verifyLedger(store, exported);
    out(args.json ? JSON.stringify(report, null, 2) : formatVerifyReport(report));
    return report.verdict === 'intact' ? 0 : 2;
  } finally {
    await store.close();
  }
}

/** Every person with a stream, in id order, read through the port in pages (any adapter). */
async function personIds(store: EventStore): Promise<string[]> {
  const ids = new Set<string>();
  for (let after = 0; ;) {
    const page = await store.readAll({ afterPosition: after, maxCount: 5_000 });
    for (const e of page) if (e.streamId.startsWith('person-')) ids.add(e.streamId.slice('person-'.length));
    if (page.length < 5_000) break;
    after = page[page.length - 1].position;
  }
  return [...ids].sort();
}

const USAGE =
  'usage: audit replay (--person ID | --all) --year YYYY [--db FILE] [--json] | seal [--db FILE] | verify [--db FILE] [--against FILE] [--json] | seals [--db FILE] [--export FILE]';

export async function runAudit(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let parsed: { values: AuditOptions; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    out(usageErrorLine('audit', e, USAGE));
    return 2;
  }
  const {
    values: args,
    positionals: [command],
  } = parsed;
  if (command === 'seal' || command === 'verify' || command === 'seals') return runSeals(command, args, out);
  if (command !== 'replay') {
    out(USAGE);
    return 64;
  }
  const db = args.db ?? process.env.LEDGER_DB ?? './data/ledger.db';
  const year = Number(args.year);
  const person = args.person;
  if (!Number.isInteger(year) || (!person && !args.all)) {
    out('usage: audit replay (--person ID | --all) --year YYYY [--db FILE] [--json]');
    return 64;
  }
  const store = openStore(db);
  if (!store) {
    out(`no ledger database at ${db}`);
    return 66;
  }
  const params = process.env.LEDGER_POLICY_PARAMS || path.resolve(__dirname, '../config/deployment-policy.json');
  try {
    // Packs in force plus every version the ledger archived: old decisions name old versions.
    const catalog = await withArchive(store, PolicyCatalog.loadParamsFile(params));
    const persons = person ? [person] : await personIds(store);
    let failures = 0;
    const reports: ReplayReport[] = [];
    for (const id of persons) {
      const events = await store.readStream(`person-${id}`, { withStoredText: true });
      if (events.length === 0) {
        out(`person ${id}: no events`);
        failures += 1;
        continue;
      }
      const report = replayPersonYear(id, events, year, catalog);
      if (report.differences.length > 0 || !report.chain.intact) failures += 1;
      reports.push(report);
      if (!args.json) out(formatReport(report));
    }
    if (args.json) out(JSON.stringify(person ? reports[0] : reports, null, 2));
    else if (!person)
      out(
        `${persons.length} person(s) replayed for ${year}: ${failures === 0 ? 'all hold (0 differences, chains intact)' : `${failures} with differences or a broken chain`}`,
      );
    return failures === 0 ? 0 : 2;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  runAudit(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
