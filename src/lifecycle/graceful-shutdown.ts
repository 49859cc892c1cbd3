/**
 * Graceful shutdown (issue 11 item 8). On SIGTERM/SIGINT: stop accepting connections, let the
 * requests already accepted finish (bounded by the grace period), answer any request that
 * arrives meanwhile on a kept-alive connection with a clean 503 + `Connection: close`, then
 * close the connections, stop the read side and close the store (Nest's shutdown hooks),
 * logging each step. Works at the Node http.Server level, so for Fastify and Express alike.
 */
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import * as net from 'node:net';
import { ConfigError } from '../config/config';

export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SHUTDOWN_SIGNALS)[number];
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
/**
 * After the drain, kept-alive connections stay open until none has carried a request for this
 * long (each gets a 503 + close on its next request): a request already on the wire when the
 * signal came is answered, not reset. Only a connection silent that long is closed under a client.
 */
const IDLE_LINGER_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** LEDGER_SHUTDOWN_GRACE_MS: how long accepted requests may take to finish (default 10 s). */
export function shutdownGraceMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.LEDGER_SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw === '') return 10_000;
  if (!/^\d+$/.test(raw) || Number(raw) > 600_000)
    throw new ConfigError('LEDGER_SHUTDOWN_GRACE_MS', 'must be a whole number of milliseconds from 0 to 600000', raw);
  return Number(raw);
}

/** Nest's own signal listeners (enableShutdownHooks) close the app at once; ours replace them for these signals. */
export function withoutNestSignalListeners<T>(create: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  return create().then((app) => {
    for (const signal of SHUTDOWN_SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
    return app;
  });
}

export class GracefulShutdown {
  private readonly inFlight = new Set<ServerResponse>();
  private closing = false;
  private refused = 0;
  private lastRequestAt = 0;
  private drained?: () => void;

  constructor(
    private readonly app: INestApplication,
    private readonly server: Server,
    private readonly graceMs: number,
    private readonly logger: LoggerService,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {
    this.wrapRequestListeners();
  }

  /** Installs the signal handlers; call after listen. A second signal cuts the grace short. */
  listen(): void {
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, (s: Signal) => void this.shutdown(s));
  }

  async shutdown(signal: Signal | string): Promise<void> {
    if (this.closing) {
      this.logger.warn?.(`${signal} again: closing ${this.inFlight.size} request(s) still in flight now`);
      this.server.closeAllConnections();
      return;
    }
    this.closing = true;
    // A live event stream (GET /feed/stream) never finishes by itself: end it now; its client resumes elsewhere with Last-Event-ID.
    for (const res of this.inFlight) if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
    this.logger.log(
      `${signal} received: stopped accepting connections; ${this.inFlight.size} request(s) in flight, draining (grace ${this.graceMs} ms)`,
    );
    // Stop listening without Node's closeIdleConnections(): a request already on its way over a
    // kept-alive connection gets a 503 instead of a reset.
    net.Server.prototype.close.call(this.server);
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const deadline = Date.now() + this.graceMs;
    const inTime = (await this.drain()) && (await this.lingerUntilQuiet(deadline));
    if (inTime) this.logger.log(`drained: every accepted request answered; ${this.refused} refused with 503 while closing`);
    else
      this.logger.warn?.(`grace of ${this.graceMs} ms elapsed with ${this.inFlight.size} request(s) in flight: closing their connections`);
    this.server.closeAllConnections();
    try {
      await this.app.close();
      this.logger.log('read side stopped, event store flushed and closed; exiting');
      this.exit(0);
    } catch (e) {
      this.logger.error(`shutdown failed: ${e instanceof Error ? e.stack : String(e)}`, undefined);
      this.exit(1);
    }
  }

  /** Resolves true once nothing is in flight, false if the grace period ran out first. */
  private drain(): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.graceMs);
      this.drained = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Waits until every connection is closed or none has carried a request for IDLE_LINGER_MS. */
  private async lingerUntilQuiet(deadline: number): Promise<boolean> {
    for (;;) {
      if (this.inFlight.size > 0 && Date.now() >= deadline) return false;
      const open = await new Promise<number>((resolve) => this.server.getConnections((_e, n) => resolve(n ?? 0)));
      const quiet = this.inFlight.size === 0 && Date.now() - this.lastRequestAt >= IDLE_LINGER_MS;
      if (open === 0 || quiet || Date.now() >= deadline) return this.inFlight.size === 0;
      await sleep(20);
    }
  }

  /** Every request goes through here first: counted while in flight, refused once closing. */
  private wrapRequestListeners(): void {
    const adapters = this.server.listeners('request') as RequestListener[];
    this.server.removeAllListeners('request');
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.lastRequestAt = Date.now();
      if (this.closing) return this.refuse(res);
      this.inFlight.add(res);
      res.once('close', () => {
        this.inFlight.delete(res);
        if (this.closing && this.inFlight.size === 0) this.drained?.();
      });
      for (const listener of adapters) listener.call(this.server, req, res);
    });
  }

  private refuse(res: ServerResponse): void {
    this.refused += 1;
    const body = JSON.stringify({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the ledger is shutting down; retry on another instance or after restart',
    });
    res.writeHead(503, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
      'Retry-After': '5',
    });
    res.end(body);
  }
}
