import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  new Logger('ledger').log(
    `listening on :${config.port} (store: ${config.eventstoreConnectionString ? 'EventStoreDB' : `SQLite ${config.ledgerDb}, synchronous=${config.sqliteSynchronous}`}); API docs at /docs`,
  );
}

main().catch((e) => {
  console.error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
