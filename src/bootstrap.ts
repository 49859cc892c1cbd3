import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { LedgerConfig } from './config/config';
import { ledgerValidationPipe } from './http/validation';
import { InfrastructureOverrides } from './infrastructure/infrastructure.module';

/** Builds the HTTP application (used by main.ts, the e2e tests and the benchmarks). */
export async function createApp(config: LedgerConfig, overrides: InfrastructureOverrides = {}): Promise<INestApplication> {
  const module = AppModule.forRoot(config, overrides);
  const logger = config.logLevel === 'debug' ? ['error', 'warn', 'log', 'debug'] : config.logLevel === 'log' ? ['error', 'warn', 'log'] : config.logLevel === 'warn' ? ['error', 'warn'] : ['error'];
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter({ bodyLimit: 2 * 1024 * 1024 }), { logger: logger as any })
      : await NestFactory.create(module, { logger: logger as any });
  app.useGlobalPipes(ledgerValidationPipe());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('Outpatient pooling ledger (门诊统筹)')
    .setDescription(
      'Event-sourced benefit ledger. Every write takes an `Idempotency-Key` header; a retry with the same key returns the first result and writes nothing. ' +
        'Errors: 400 names the field and rule; 401 missing/unknown key; 403 wrong role; 404 unknown; 409 concurrency conflict; 422 business refusal with `code` and `clause`.',
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
