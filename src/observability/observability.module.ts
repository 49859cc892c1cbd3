import { DynamicModule, Inject, Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule, RequestMethod } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import type { LedgerConfig } from '../config/config';
import { AccessLog, AnnotatedRequest, createRootLogger, requestIdOf } from './logging';
import { LedgerMetrics } from './metrics';
import { ProtectedMetricsController, PublicMetricsController } from './metrics.controller';

/**
 * Gives each request its id (returned in x-request-id), then, when the response finishes,
 * observes it in the metrics and writes its access line (one clock read for both).
 */
@Injectable()
export class HttpObserverMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: LedgerMetrics,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
  ) {}

  use(req: AnnotatedRequest, res: ServerResponse, next: () => void): void {
    const id = req.id !== undefined ? String(req.id) : requestIdOf(req);
    req.id = id;
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    const onFinish = (): void => {
      res.removeListener('close', onClose);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.observe(req, res, seconds);
      this.accessLog.finished(req, res, Math.round(seconds * 1e6) / 1e3);
    };
    const onClose = (): void => {
      res.removeListener('finish', onFinish);
      // The handler ended its answer and the connection closed before Node emitted 'finish'
      // (e.g. a load generator closing its sockets): that is the status it got, not an abort.
      if (res.writableEnded) return onFinish();
      this.accessLog.aborted(req, res, Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3);
    };
    res.once('finish', onFinish);
    res.once('close', onClose);
    next();
  }
}

export interface ObservabilityOptions {
  /** Where the JSON log lines go (tests capture them); default stdout. */
  logStream?: DestinationStream;
}

/** Structured logs (nestjs-pino, one access line per request) and /metrics (issue 13 items 1 and 2). */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(config: LedgerConfig, options: ObservabilityOptions = {}): DynamicModule {
    const logger = createRootLogger(config, options.logStream);
    return {
      module: ObservabilityModule,
      // nestjs-pino for Nest's own lines (its root logger is ours); its pino-http middleware is
      // mounted on no route: the access line is HttpObserverMiddleware's.
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
      controllers: [config.metricsPublic ? PublicMetricsController : ProtectedMetricsController],
      providers: [LedgerMetrics, HttpObserverMiddleware, { provide: AccessLog, useValue: new AccessLog(logger) }],
      exports: [LedgerMetrics],
    };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly observer: HttpObserverMiddleware,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') {
      consumer.apply(HttpObserverMiddleware).forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
      return;
    }
    // Under Fastify a Nest middleware runs through @fastify/middie, which first copies ip,
    // ips, hostname, query… onto the raw request; the observer needs none of it, so it runs
    // as a root onRequest hook on the same raw objects (issue 10, request path).
    const fastify = adapter.getInstance<FastifyHooks>();
    fastify.addHook('onRequest', (request, reply, done) => {
      request.raw.id = request.id;
      this.observer.use(request.raw, reply.raw, done);
    });
  }
}

/** The part of the Fastify instance the observer hooks into. */
interface FastifyHooks {
  addHook(
    name: 'onRequest',
    hook: (request: { id: string; raw: AnnotatedRequest }, reply: { raw: ServerResponse }, done: () => void) => void,
  ): unknown;
}
