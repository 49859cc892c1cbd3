import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { preflight } from './config/preflight';
import { createApp } from './bootstrap';
import type { LedgerConfig } from './config/config';
import {
  errorMessage,
  isDamagedFile,
  isTransient,
  LOG_FILE_ADVICE,
  LOG_FILE_HOLDS,
  READ_MODELS_FILE_ADVICE,
  READ_MODELS_FILE_HOLDS,
} from './event-store/errors';
import { damagedFileLines, LedgerFile } from './event-store/sqlite/damaged-files';
import { GracefulShutdown, shutdownGraceMs, withoutNestSignalListeners } from './lifecycle/graceful-shutdown';

/** A start-up failure: one line on stderr, no stack trace, exit code 1. */
function cannotStart(lines: string[]): never {
  for (const line of lines) process.stderr.write(`cannot start: ${line}\n`);
  process.exit(1);
}

/**
 * A failure while the service starts. SQLite's "database disk image is malformed" names no
 * file: each of the ledger's files is checked to say which is damaged and what to do. A store
 * that cannot be reached says so in its message. Any other failure: Nest's buffered account
 * of it (with its stack), then its message.
 */
function startFailed(config: LedgerConfig, error: unknown): never {
  if (isDamagedFile(error)) cannotStart(damagedFileLines(ledgerFiles(config), errorMessage(error)));
  if (!isTransient(error)) Logger.flush();
  cannotStart([errorMessage(error)]);
}

/** The SQLite files this configuration keeps on disk (the log only on the embedded store). */
function ledgerFiles(config: LedgerConfig): LedgerFile[] {
  const readModels = { file: config.readModelsDb, holds: READ_MODELS_FILE_HOLDS, advice: READ_MODELS_FILE_ADVICE };
  const log = { file: config.ledgerDb, holds: LOG_FILE_HOLDS, advice: LOG_FILE_ADVICE };
  return (config.eventstoreConnectionString ? [readModels] : [log, readModels]).filter((f) => f.file !== ':memory:');
}

async function main(): Promise<void> {
  // Every variable and file is checked before anything is written or printed (issue 13 item 6).
  const { config, problems } = preflight(process.env);
  if (!config) cannotStart(problems);
  const cfg = config;
  const graceMs = shutdownGraceMs();
  // SIGTERM/SIGINT drain the accepted requests first (issue 11 item 8), instead of Nest's immediate close.
  const app = await withoutNestSignalListeners(() => createApp(cfg)).catch((error: unknown) => startFailed(cfg, error));
  const logger = new Logger('ledger');
  const shutdown = new GracefulShutdown(app, app.getHttpServer() as Server, graceMs, new Logger('shutdown'));
  await app.listen(config.port, '0.0.0.0');
  shutdown.listen();
  logger.log(
    `listening on :${config.port} (store: ${config.eventstoreConnectionString ? 'EventStoreDB' : `SQLite ${config.ledgerDb}, synchronous=${config.sqliteSynchronous}`}); API docs at /docs`,
  );
}

main().catch((e) => cannotStart([e instanceof Error ? e.message : String(e)]));
