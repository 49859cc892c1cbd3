import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_CONFIG, LedgerConfig } from '../config/config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { combinedFileStatus } from '../event-store/file-status';
import { CHAIN_VERIFIER, ChainVerifier } from '../audit/seals/chain-verifier.service';
import { Public } from '../http/roles';
import type { ReadSide } from '../projections/read-side';
import { PROJECTION_RUNNER } from '../projections/tokens';
import { HealthDto, LiveDto } from '../http/openapi-responses';

/** Readiness wants the read models within this many events of the head (LEDGER_READY_MAX_LAG overrides). */
export const DEFAULT_READY_MAX_LAG = 1000;

/** LEDGER_READY_MAX_LAG, read once at start; a bad value stops the start naming the variable and the rule. */
export function readyMaxLagFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.LEDGER_READY_MAX_LAG;
  if (raw === undefined || raw === '') return DEFAULT_READY_MAX_LAG;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n))
    throw new Error(`LEDGER_READY_MAX_LAG must be a whole number of events (0 or more), got "${raw}"`);
  return n;
}

/** The one thing these handlers need of Express's or Fastify's reply: setting the status. */
interface StatusReply {
  status(code: number): unknown;
}

/**
 * Health for operators and load balancers:
 * - `/health`: 200 `ok`; 503 `degraded` when a projection is faulted or the read side has
 *   stopped (names the projection, position and error), or when the hash-chain and seal
 *   check found a broken link (names the stream and position) or cannot run to its end
 *   (`chain.state` `failing`, with the error: a damaged page of the log, say), or when SQLite
 *   found the log's file damaged in a read or a write (`logFile`, from then until a restart:
 *   a damaged file does not mend); 503 `unavailable` when the
 *   store does not answer. While the first chain pass runs, `chain.state` is `verifying`
 *   and the instance stays ready: a long first read of the log must not keep it out of rotation.
 *   `degraded` too while the store refuses writes (`writes.state` `failing`, with the store's
 *   code and since when: disk full, busy, node unreachable), until a write (or the SQLite
 *   store's own write probe) succeeds again.
 * - `/health/live`: 200 whenever the process answers (restart only if this fails).
 * - `/health/ready`: 200 only when the store answers, every projection is running and the
 *   read models are within the lag bound; else 503 (take the instance out of rotation). A
 *   store refusing writes leaves it ready: it refuses them to every instance alike (each
 *   write answers 503 with Retry-After), and this one still serves every read.
 * A 503 here is an answer, not a fault: it is set on the reply, not thrown, so the error
 * filter logs no stack and the access line is a warning (a load balancer polls this).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly maxLag = readyMaxLagFrom(process.env);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly readSide?: ReadSide,
    @Optional() @Inject(CHAIN_VERIFIER) private readonly chain?: ChainVerifier,
  ) {}

  // A 503 here is HTTP's own signal to a load balancer and carries the health report as its
  // body, so these handlers throw Nest's ServiceUnavailableException, not a domain error.
  @Public()
  @Get()
  @ApiOkResponse({ type: HealthDto })
  @ApiOperation({
    summary:
      'ok (200), degraded (503: a projection faulted, named with its position) or unavailable (503: the event store does not answer)',
  })
  async health(@Res({ passthrough: true }) reply: StatusReply): Promise<Record<string, unknown>> {
    const report = await this.report();
    if (report.status !== 'ok') return unavailable(reply, report);
    return report;
  }

  @Public()
  @Get('live')
  @ApiOkResponse({ type: LiveDto })
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: 200 whenever the process answers' })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Public()
  @Get('ready')
  @ApiOkResponse({ type: HealthDto })
  @ApiOperation({ summary: 'Readiness: 200 when the store answers, every projection runs and the lag is within bound; else 503' })
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<Record<string, unknown>> {
    const report = await this.report();
    const maxLag = this.maxLag;
    const lag = (report.projections as { lag?: number } | undefined)?.lag ?? 0;
    const states = (report.readModels as Array<{ state: string }> | undefined) ?? [];
    const reasons = [
      ...(report.status === 'unavailable' ? ['event store does not answer'] : []),
      ...states.filter((s) => s.state !== 'running').map((s) => `projection ${(s as { name?: string }).name} is ${s.state}`),
      ...(lag > maxLag ? [`read models ${lag} events behind (bound ${maxLag})`] : []),
      ...(reconnecting(report)
        ? [`event store subscription is reconnecting: ${(report.connection as { lastError?: string }).lastError}`]
        : []),
      ...((report.chain as { state?: string } | undefined)?.state === 'broken'
        ? ['hash chain or seal check found a broken link (GET /audit/verify)']
        : []),
      ...chainFailing(report),
      ...logFileDamaged(report),
    ];
    // Degraded for no reason above: the read side stopped (refused writes alone leave it ready).
    const readSideStopped = (report.projections as { error?: string } | undefined)?.error !== undefined;
    if (report.status === 'degraded' && reasons.length === 0 && (readSideStopped || !writesFailing(report)))
      reasons.push('read side stopped');
    if (reasons.length) return unavailable(reply, { ...report, health: report.status, status: 'not_ready', reasons });
    return { ...report, status: 'ready', maxLag };
  }

  private async report(): Promise<Record<string, unknown> & { status: 'ok' | 'degraded' | 'unavailable' }> {
    const store = this.config.eventstoreConnectionString ? 'eventstoredb' : 'sqlite';
    try {
      await this.store.ping();
    } catch (e) {
      return { status: 'unavailable', store, message: `event store does not answer: ${(e as Error).message}` };
    }
    const headPosition = await this.store.headPosition();
    const chain = this.chain?.status();
    const connection = this.store.connectionStatus?.();
    const writes = this.store.writeStatus?.();
    const file = combinedFileStatus([this.store.fileStatus?.(), this.readSide?.logFileStatus?.()]);
    const unhealthy =
      chain?.state === 'broken' ||
      chain?.state === 'failing' ||
      connection?.state === 'reconnecting' ||
      writes?.state === 'failing' ||
      file?.state === 'damaged';
    const extra = {
      ...(chain ? { chain } : {}),
      ...(connection ? { connection } : {}),
      ...(writes ? { writes } : {}),
      // Only when damaged: a healthy store's report stays as it was.
      ...(file?.state === 'damaged' ? { logFile: file } : {}),
    };
    if (!this.readSide) return { status: unhealthy ? 'degraded' : 'ok', store, headPosition, ...extra };
    const projections = await this.readSide.lag();
    const faulted = this.readSide.faultList();
    const retrying = this.readSide.retrying;
    const degraded = faulted.length > 0 || projections.error !== undefined || unhealthy;
    return {
      status: degraded ? 'degraded' : 'ok',
      store,
      headPosition,
      projections: { ...projections, mode: this.readSide.mode },
      readModels: this.readSide.statuses(),
      ...(faulted.length ? { faulted } : {}),
      ...(retrying ? { retrying } : {}),
      ...extra,
    };
  }
}

function writesFailing(report: Record<string, unknown>): boolean {
  return (report.writes as { state?: string } | undefined)?.state === 'failing';
}

function chainFailing(report: Record<string, unknown>): string[] {
  const chain = report.chain as { state?: string; failure?: { error: string } } | undefined;
  return chain?.state === 'failing' ? [`hash chain check cannot run: ${chain.failure?.error}`] : [];
}

function logFileDamaged(report: Record<string, unknown>): string[] {
  const file = report.logFile as { lastError: string; advice: string } | undefined;
  return file ? [`the log's file is damaged (${file.lastError}): ${file.advice}`] : [];
}

function reconnecting(report: Record<string, unknown>): boolean {
  return (report.connection as { state?: string } | undefined)?.state === 'reconnecting';
}

function unavailable(reply: StatusReply, body: Record<string, unknown>): Record<string, unknown> {
  reply.status(503);
  return { statusCode: 503, ...body };
}
