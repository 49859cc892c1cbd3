import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { LedgerConfig } from './config/config';
import { ledgerValidationPipe } from './http/validation';
import { loadInputLimits, useInputLimits } from './config/input-limits';
import { InfrastructureOverrides } from './infrastructure/infrastructure.module';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ObservabilityOptions } from './observability/observability.module';
import { requestIdOf } from './observability/logging';
import { installLeanAsyncResourceBind } from './http/async-resource-bind';
import { nonJsonBody, useJsonBodiesOnFastify, verifyJsonBody } from './http/json-body';

/** Largest request body either adapter reads (a 500-line visit is about 100 KB). */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Nest's start options. A failure while the modules start (a damaged file read at start, an
 * unreachable EventStoreDB) rejects createApp instead of Nest printing it and exiting the
 * process: main.ts says it in one line, a test sees the error. Nest's logs stay buffered
 * until the ledger's logger takes them (createApp flushes them then; main.ts flushes them
 * for a failure it has no words of its own for).
 */
const NEST_START = { bufferLogs: true, abortOnError: false, autoFlushLogs: false } as const;

/**
 * Express with the same body rules as Fastify (src/http/json-body.ts): JSON only, 2 MB, each
 * key once per object. A body of any other type is refused before the route runs, so it
 * cannot reach a DTO as an empty object (issue 11 item 4).
 */
async function createExpressApp(module: DynamicModule): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { ...NEST_START, bodyParser: false });
  app.use(
    (
      req: { headers: Record<string, string | string[] | undefined> },
      res: { status(code: number): { json(body: unknown): void } },
      next: () => void,
    ) => {
      const refused = nonJsonBody(req.headers);
      if (!refused) return next();
      const { field, rule, message } = refused;
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message, errors: [{ field, rule, message }] });
    },
  );
  // Not strict: a JSON primitive reaches the pipe, whose 400 names the body and the rule.
  // `verify` refuses a key given twice (Nest's type omits it: Nest sets it only for rawBody).
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES, strict: false, verify: verifyJsonBody } as never);
  return app;
}

/** Fastify without Nest's body parsers (they would take form-encoded bodies as objects): the ledger's own, as Express's. */
async function createFastifyApp(module: DynamicModule): Promise<INestApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, requestIdHeader: false, genReqId: requestIdOf });
  const app = await NestFactory.create(module, adapter, { ...NEST_START, bodyParser: false });
  useJsonBodiesOnFastify(adapter.getInstance() as never, BODY_LIMIT_BYTES);
  return app;
}

/** Builds the HTTP application (used by main.ts, the e2e tests and the benchmarks). */
export async function createApp(
  config: LedgerConfig,
  overrides: InfrastructureOverrides = {},
  observability: ObservabilityOptions = {},
): Promise<INestApplication> {
  // A bad limits file stops the start with a message naming the kind (issue 11 item 3).
  useInputLimits(loadInputLimits(config.inputLimitsFile));
  // Fastify binds every request body's callback: without the deprecated extra, ~30 µs less per POST.
  installLeanAsyncResourceBind();
  const module = AppModule.forRoot(config, overrides, observability);
  // Nest's own logs go through pino (JSON lines, LOG_LEVEL mapped to pino's levels); buffered until it is ready.
  const app = config.httpAdapter === 'fastify' ? await createFastifyApp(module) : await createExpressApp(module);
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  app.useGlobalPipes(ledgerValidationPipe({ crossCheck: config.validationCrossCheck }));
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('Outpatient pooling ledger (门诊统筹)')
    .setDescription(
      'Event-sourced benefit ledger. Every write takes an `Idempotency-Key` header; a retry with the same key returns the first result and writes nothing. ' +
        'Errors: 400 names the field and rule; 401 missing/unknown key; 403 wrong role; 404 unknown; 409 concurrency conflict; 422 business refusal with `code` and `clause`; ' +
        '503 `STORE_UNAVAILABLE` with `Retry-After` when the event store cannot write just now (busy, disk full, unreachable): retry with the same `Idempotency-Key`; ' +
        '500 `STORED_EVENT_UNREADABLE` with the `streamId` and `position` of a stored event that is no longer JSON; ' +
        '500 `STORE_FILE_DAMAGED` when SQLite finds pages of a database file damaged.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', name: 'x-api-key', in: 'header' }, 'api-key')
    .addSecurityRequirements('api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}

/**
 * Initialises without listening (in-process HTTP for tests and scripts). Fastify also
 * needs `ready()` before its server answers injected requests.
 */
export async function initApp(app: INestApplication): Promise<void> {
  await app.init();
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  if (typeof instance.ready === 'function') await instance.ready();
}
