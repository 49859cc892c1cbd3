import { DynamicModule, Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import type { LedgerConfig } from '../config/config';
import { accessLogOptions, AnnotatedRequest, createRootLogger } from './logging';
import { LedgerMetrics } from './metrics';
import { ProtectedMetricsController, PublicMetricsController } from './metrics.controller';

/** Returns the request id to the caller and observes each finished response in the metrics (one listener, one clock read). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: LedgerMetrics) {}

  use(req: AnnotatedRequest, res: ServerResponse, next: () => void): void {
    if (req.id !== undefined) res.setHeader('x-request-id', String(req.id));
    const started = process.hrtime.bigint();
    res.once('finish', () => this.metrics.observe(req, res, Number(process.hrtime.bigint() - started) / 1e9));
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
      imports: [LoggerModule.forRoot({ pinoHttp: accessLogOptions(logger), forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }] })],
      controllers: [config.metricsPublic ? PublicMetricsController : ProtectedMetricsController],
      providers: [LedgerMetrics],
      exports: [LedgerMetrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}
