import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config/config';
import { createApp } from './bootstrap';
import { GracefulShutdown, shutdownGraceMs, withoutNestSignalListeners } from './lifecycle/graceful-shutdown';

async function main(): Promise<void> {
  let config;
  let graceMs;
  try {
    config = loadConfig();
    graceMs = shutdownGraceMs();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const cfg = config;
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

main().catch((e) => {
  console.error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
