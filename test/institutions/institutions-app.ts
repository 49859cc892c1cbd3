import { Global, INestApplication, Module, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { LedgerErrorFilter } from '../../src/http/error.filter';
import { CLOCK, ID_GENERATOR } from '../../src/kernel/clock';
import { InstitutionsModule } from '../../src/institutions/institutions.module';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import { defaultCatalog } from '../support/policy';

/**
 * The institutions module alone on a Nest testing module: in-memory SQLite store, a fixed
 * clock, uuid ids, the whitelisting ValidationPipe and the ledger's error filter. There is
 * no auth guard; every request is made as an agency key.
 */
export async function createInstitutionsApp(): Promise<{ app: INestApplication; close: () => Promise<void> }> {
  const store = new SqliteEventStore({ path: ':memory:' });

  @Global()
  @Module({
    providers: [
      { provide: EVENT_STORE, useValue: store },
      { provide: CLOCK, useValue: { now: () => new Date('2025-01-20T02:00:00Z') } },
      { provide: ID_GENERATOR, useValue: { next: () => randomUUID() } },
      // The settlement figures are read from the packs (issue 14 item 1).
      { provide: POLICY_CATALOG, useValue: defaultCatalog() },
    ],
    exports: [EVENT_STORE, CLOCK, ID_GENERATOR, POLICY_CATALOG],
  })
  class TestInfrastructure {}

  const moduleRef = await Test.createTestingModule({ imports: [CqrsModule.forRoot(), TestInfrastructure, InstitutionsModule] }).compile();
  const app = moduleRef.createNestApplication();
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new LedgerErrorFilter(app.get(HttpAdapterHost)));
  app.use((req: { principal?: unknown }, _res: unknown, next: () => void) => {
    req.principal = { role: 'agency', keyId: 'test-key' };
    next();
  });
  await app.init();
  return {
    app,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
