/**
 * The historical import (issue 12 item 2): boots the ledger in-process on the store file
 * and sends each line through the same CommandBus commands the API uses. Each line has a
 * deterministic idempotency key, so a rerun (or a run resumed after a crash) writes only
 * what is missing. A line that fails validation or is refused is reported and writes nothing.
 */
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiKeyRing } from '../auth/api-keys';
import { createApp, initApp } from '../bootstrap';
import { loadConfig } from '../config/config';
import type { EventStore } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { CommandContext } from '../event-store/stream-command';
import type { Principal } from '../http/roles';
import { LedgerError, PolicyRefusal, InvalidInput } from '../kernel/errors';
import { ExecuteAccountCommand } from '../modules/accounts/commands/accounts.command';
import { SettlementOutcome, SettleVisit } from '../modules/claims/commands/claims.command';
import { ExecuteEnrollmentCommand } from '../modules/enrollment/commands/enrollment.command';
import { ExecuteInstitutionCommand, InstitutionWriteOutcome } from '../institutions/commands/institution.command';
import type { WriteOutcome } from '../modules/person-writer.service';
import { ImportCommand, parseLine } from './import-record';
import { formatOf, readLines } from './read-lines';
import { Finding, reconcile } from './reconcile';

/** The importer acts as an agency key of its own: its keys are the same on every run. */
const IMPORTER: Principal = { role: 'agency', keyId: 'import' };

export interface LineError {
  line: number;
  field?: string;
  rule?: string;
  code?: string;
  clause?: string;
  message: string;
}

export interface ImportReport {
  file: string;
  lines: number;
  imported: number;
  alreadyPresent: number;
  rejected: number;
  eventsWritten: number;
  settlements: number;
  settlementsDiffering: number;
  seconds: number;
  eventsPerSecond: number;
  appendBaseline?: { events: number; seconds: number; eventsPerSecond: number };
  errors: LineError[];
  reconciliation: Finding[];
}

export interface ImportOptions {
  file: string;
  db: string;
  /** Called after each line (progress bar). */
  onLine?: (done: number, total: number) => void;
  /** Measure a raw append loop of as many events on a temp store (default true). */
  baseline?: boolean;
}

const contextFor = (key: string): CommandContext => ({
  commandId: `${IMPORTER.keyId}:${key}`,
  actor: `${IMPORTER.role}:${IMPORTER.keyId}`,
});

function lineError(line: number, e: unknown): LineError {
  if (e instanceof InvalidInput) return { line, field: e.field, rule: e.rule, message: e.message };
  if (e instanceof PolicyRefusal) return { line, code: e.code, clause: e.clause, message: e.message };
  if (e instanceof LedgerError) return { line, message: e.message };
  const status = (e as { getStatus?: () => number }).getStatus?.();
  if (status && status < 500) return { line, message: (e as Error).message };
  throw e;
}

async function execute(bus: CommandBus, c: ImportCommand): Promise<{ created: boolean; events: number; settlement?: SettlementOutcome }> {
  const context = contextFor(c.key);
  if (c.kind === 'institution') {
    const out: InstitutionWriteOutcome = await bus.execute(new ExecuteInstitutionCommand(c.code, c.command, context));
    return { created: out.created, events: out.created ? out.events.length : 0 };
  }
  if (c.kind === 'enrollment') {
    const out: WriteOutcome = await bus.execute(new ExecuteEnrollmentCommand(c.personId, c.command, context));
    return { created: out.created, events: out.created ? out.events.length : 0 };
  }
  if (c.kind === 'credit') {
    const out: WriteOutcome = await bus.execute(
      new ExecuteAccountCommand(c.personId, { type: 'CreditMonth', data: { month: c.month } }, context),
    );
    return { created: out.created, events: out.created ? out.events.length : 0 };
  }
  const out: SettlementOutcome = await bus.execute(new SettleVisit(c.personId, c.request, IMPORTER, context));
  return { created: out.created, events: out.created ? 1 : 0, settlement: out };
}

export async function bootLedger(db: string): Promise<{ app: INestApplication; store: EventStore }> {
  const config = { ...loadConfig({ ...process.env, LEDGER_DB: db, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' }), ledgerDb: db };
  const store = new SqliteEventStore({ path: db, synchronous: config.sqliteSynchronous });
  // No API keys: the importer speaks to the command bus, never over HTTP.
  const app = await createApp(config, { store, keys: new ApiKeyRing([]) });
  await initApp(app);
  return { app, store };
}

export async function runImport(options: ImportOptions): Promise<ImportReport> {
  const lines = readLines(fs.readFileSync(options.file), formatOf(options.file));
  const { app } = await bootLedger(options.db);
  const bus = app.get(CommandBus);
  const report: ImportReport = {
    file: options.file,
    lines: lines.length,
    imported: 0,
    alreadyPresent: 0,
    rejected: 0,
    eventsWritten: 0,
    settlements: 0,
    settlementsDiffering: 0,
    seconds: 0,
    eventsPerSecond: 0,
    errors: [],
    reconciliation: [],
  };
  const started = process.hrtime.bigint();
  try {
    for (const [i, source] of lines.entries()) {
      await importLine(bus, source, report);
      options.onLine?.(i + 1, lines.length);
    }
  } finally {
    report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await app.close();
  }
  report.eventsPerSecond = report.seconds > 0 ? Math.round(report.eventsWritten / report.seconds) : 0;
  report.settlementsDiffering = report.reconciliation.length;
  if (options.baseline !== false) report.appendBaseline = await appendBaseline(Math.max(report.eventsWritten, report.lines));
  return report;
}

async function importLine(bus: CommandBus, source: ReturnType<typeof readLines>[number], report: ImportReport): Promise<void> {
  if (source.error) {
    report.rejected++;
    report.errors.push({ line: source.line, ...source.error });
    return;
  }
  const parsed = parseLine(source.record);
  if (!parsed.ok) {
    report.rejected++;
    for (const e of parsed.errors) report.errors.push({ line: source.line, field: e.field, rule: e.rule, message: e.message });
    return;
  }
  try {
    const out = await execute(bus, parsed.command);
    if (out.created) report.imported++;
    else report.alreadyPresent++;
    report.eventsWritten += out.events;
    if (out.settlement && parsed.command.kind === 'settlement') {
      report.settlements++;
      const finding = reconcile(out.settlement.decision, parsed.command.request.historical!, parsed.command.personId, source.line);
      if (finding) report.reconciliation.push(finding);
    }
  } catch (e) {
    report.rejected++;
    report.errors.push(lineError(source.line, e));
  }
}

/** The store's own append rate on a temp file with the same durability: one event per append, as the import writes. */
export async function appendBaseline(events: number): Promise<{ events: number; seconds: number; eventsPerSecond: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-append-'));
  const config = loadConfig({ ...process.env, LEDGER_DB: path.join(dir, 'b.db') });
  const store = new SqliteEventStore({ path: path.join(dir, 'b.db'), synchronous: config.sqliteSynchronous });
  const data = { settlementId: 'S-0000', amount: '123.45', lines: [{ code: 'A01', amount: '123.45', inCatalogue: true }] };
  const started = process.hrtime.bigint();
  try {
    for (let i = 0; i < events; i++) {
      await store.append(
        `bench-${i % 500}`,
        [
          {
            id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
            type: 'Bench',
            data,
            metadata: { schemaVersion: 1, recordedAt: new Date().toISOString() },
          },
        ],
        'any',
      );
    }
  } finally {
    await (store as unknown as { close?: () => Promise<void> | void }).close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, seconds, eventsPerSecond: Math.round(events / seconds) };
}
