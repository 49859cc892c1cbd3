import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../http/roles';
import { LedgerMetrics } from './metrics';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The scrape is text, not JSON: typed as a string in the exposition format. */
const ScrapeResponse = () =>
  ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: {
      'text/plain': {
        schema: { type: 'string', example: '# TYPE ledger_settlements_total counter\nledger_settlements_total{outcome="settled"} 12\n' },
      },
    },
  });

/** GET /metrics without a key (LEDGER_METRICS_PUBLIC=true, the default). */
@ApiTags('health')
@Controller('metrics')
export class PublicMetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Public()
  @Get()
  @Header('Content-Type', CONTENT_TYPE)
  @ScrapeResponse()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); public unless LEDGER_METRICS_PUBLIC=false' })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}

/** GET /metrics with an agency or auditor key (LEDGER_METRICS_PUBLIC=false). */
@ApiTags('health')
@Controller('metrics')
export class ProtectedMetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Roles('agency', 'auditor')
  @Get()
  @Header('Content-Type', CONTENT_TYPE)
  @ScrapeResponse()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); needs an agency or auditor key' })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
