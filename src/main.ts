import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { preflight } from './config/preflight';
import { createApp } from './bootstrap';
import { GracefulShutdown, shutdownGraceMs, withoutNestSignalListeners } from './lifecycle/graceful-shutdown';

/** A start-up failure: one line on stderr, no stack trace, exit code 1. */
function cannotStart(lines: string[]): never {
  for (const line of lines) process.stderr.write(`cannot start: ${line}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // Every variable and file is checked before anything is written or printed (issue 13 item 6).
  const { config, problems } = preflight(process.env);
  if (!config) cannotStart(problems);
  const cfg = config;
  const graceMs = shutdownGraceMs();
  // SIGTERM/SIGINT drain the accepted requests first (issue 11 item 8), instead of Nest's immediate close.
  const app = await withoutNestSignalListeners(() => createApp(cfg));
  const logger = new Logger('ledger');
  const shutdown = new GracefulShutdown(app, app.getHttpServer() as Server, graceMs, new Logger('shutdown'));
  await app.listen(config.port, '0.0.0.0');
  shutdown.listen();
  logger.log(
    `listening on :${config.port} (store: ${config.eventstoreConnectionString ? 'EventStoreDB' : `SQLite ${config.ledgerDb}, synchronous=${config.sqliteSynchronous}`}); API docs at /docs`,
  );
}

main().catch((e) => cannotStart([e instanceof Error ? e.message : String(e)]));
