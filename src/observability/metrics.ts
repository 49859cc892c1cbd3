import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { combinedFileStatus } from '../event-store/file-status';
import type { SqliteAppendStats } from '../event-store/sqlite/sqlite-event-store';
import type { StreamCacheStats } from '../event-store/stream-cache';
import { InstitutionRegistry } from '../institutions/institution-registry.service';
import { PersonStreamWriter } from '../modules/person-writer.service';
import type { ReadSide } from '../projections/read-side';
import type { ReadModelStore } from '../projections/read-model-store';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from '../projections/tokens';
import { MONITORING_RUNNER } from '../monitoring/monitoring.tokens';
import { CHAIN_VERIFIER, type ChainStatus, type ChainVerifier } from '../audit/seals/chain-verifier.service';
import type { AnnotatedRequest } from './logging';

/** The settlement route: its answers are counted by outcome and refusal code. */
export const SETTLE_ROUTE = '/persons/:personId/visits';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type Outcome = 'settled' | 'refused' | 'invalid' | 'conflict' | 'unauthorised' | 'unavailable' | 'error';

function outcomeOf(status: number): Outcome {
  if (status < 300) return 'settled';
  if (status === 422) return 'refused';
  if (status === 409) return 'conflict';
  if (status === 401 || status === 403) return 'unauthorised';
  // The store's outage (or the service shutting down), retried by clients: not a bug to page on as `error`.
  if (status === 503) return 'unavailable';
  return status < 500 ? 'invalid' : 'error';
}

/**
 * The /metrics registry (issue 13 item 2). Request and settlement counts are observed when a
 * response finishes; everything the other parts already count (store, caches, read side,
 * alerts) is read on scrape through `collect()`, so the hot path does no extra work for it.
 * One registry per application (not prom-client's global), so tests can run several.
 */
const CHAIN_STATES: ReadonlyArray<ChainStatus['state']> = ['verifying', 'intact', 'broken', 'failing'];

@Injectable()
export class LedgerMetrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, with their latency',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly settlements = new Counter({
    name: 'ledger_settlements_total',
    help: 'Answers of POST /persons/:personId/visits by outcome (settled = 2xx, including idempotent replays)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'ledger_settlement_refusals_total',
    help: 'Settlements refused (422) by reason code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly appendLatency = new Histogram({
    name: 'ledger_store_append_duration_seconds',
    help: 'Event-store append latency as the writers see it (includes waiting for the group commit)',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledger_process_' });
    this.storeCounters();
    this.cacheGauges();
    this.readSideGauges();
    this.chainGauge();
    this.alertGauges();
  }

  onModuleInit(): void {
    this.timeAppends();
  }

  /** Called when a response has finished (HttpObserverMiddleware). */
  observe(req: AnnotatedRequest, res: ServerResponse, seconds: number): void {
    const route = req.routePattern ?? '(unmatched)';
    this.http.observe({ method: req.method ?? '', route, status: String(res.statusCode) }, seconds);
    if (route !== SETTLE_ROUTE || req.method !== 'POST') return;
    const outcome = outcomeOf(res.statusCode);
    this.settlements.inc({ outcome });
    if (outcome === 'refused') this.refusals.inc({ code: req.errorCode ?? 'unknown' });
  }

  async scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Times every append by wrapping the store instance's method (one clock read per append):
   * the adapters are another part's code, and a decorator here keeps them untouched.
   */
  private timeAppends(): void {
    const store = this.store as EventStore & { append: EventStore['append'] };
    const append = store.append.bind(store);
    const histogram = this.appendLatency;
    store.append = ((...args: Parameters<EventStore['append']>) => {
      const end = histogram.startTimer();
      return append(...args).finally(end);
    }) as EventStore['append'];
  }

  private lookup<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get(token as never, { strict: false }) as T;
    } catch {
      return undefined;
    }
  }

  private storeCounters(): void {
    const stats = (): SqliteAppendStats | undefined => {
      const s = this.store as EventStore & { stats?: () => SqliteAppendStats };
      return typeof s.stats === 'function' ? s.stats() : undefined;
    };
    const counter = (name: string, help: string, field: keyof SqliteAppendStats) =>
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          const s = stats();
          if (!s) return;
          this.reset();
          this.inc(s[field]);
        },
      });
    counter(
      'ledger_store_commits_total',
      'Durable write transactions of the embedded store (one fsync each under synchronous=FULL)',
      'commits',
    );
    counter('ledger_store_appends_total', 'Appends answered by those commits', 'appends');
    counter('ledger_store_events_total', 'Events written', 'events');
    const store = this.store;
    const readSide = () => this.lookup<ReadSide>(PROJECTION_RUNNER);
    new Gauge({
      name: 'ledger_store_writes_failing',
      help: "1 while the event store refuses writes (busy, disk full, I/O error, unreachable: /health's writes.state failing), else 0",
      registers: [this.registry],
      collect() {
        this.set(store.writeStatus?.().state === 'failing' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ledger_store_file_damaged',
      help: "1 once SQLite found the log's file damaged in a read or a write, the read side's included (/health's logFile.state damaged), until a restart; else 0",
      registers: [this.registry],
      collect() {
        this.set(combinedFileStatus([store.fileStatus?.(), readSide()?.logFileStatus?.()])?.state === 'damaged' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ledger_store_group_size',
      help: 'Group commit size in appends: mean (appends / commits) and largest so far',
      labelNames: ['stat'],
      registers: [this.registry],
      collect() {
        const s = stats();
        if (!s) return;
        this.set({ stat: 'mean' }, s.commits ? s.appends / s.commits : 0);
        this.set({ stat: 'largest' }, s.largestGroup);
      },
    });
  }

  private cacheGauges(): void {
    const caches = (): Array<[string, StreamCacheStats | undefined]> => [
      ['person', this.lookup<PersonStreamWriter>(PersonStreamWriter)?.cacheStats()],
      ['institution', this.lookup<InstitutionRegistry>(InstitutionRegistry)?.cacheStats()],
    ];
    new Gauge({
      name: 'ledger_cache_hit_ratio',
      help: 'Stream cache hits / loads (0 before any load)',
      labelNames: ['cache'],
      registers: [this.registry],
      collect() {
        for (const [cache, s] of caches()) if (s) this.set({ cache }, s.hitRatio);
      },
    });
    new Gauge({
      name: 'ledger_cache_loads',
      help: 'Stream cache loads by result (hit: only the tail read; miss: read from revision 0)',
      labelNames: ['cache', 'result'],
      registers: [this.registry],
      collect() {
        for (const [cache, s] of caches()) {
          if (!s) continue;
          this.set({ cache, result: 'hit' }, s.hits);
          this.set({ cache, result: 'miss' }, s.misses);
        }
      },
    });
    new Gauge({
      name: 'ledger_cache_tail_reads',
      help: 'Stream cache hits that still read the stream from the store (the entry could not be shown current: another writer appended, or a conflict)',
      labelNames: ['cache'],
      registers: [this.registry],
      collect() {
        for (const [cache, s] of caches()) if (s) this.set({ cache }, s.tailReads);
      },
    });
    new Gauge({
      name: 'ledger_cache_entries',
      help: 'Streams held in the cache, and its capacity',
      labelNames: ['cache', 'stat'],
      registers: [this.registry],
      collect() {
        for (const [cache, s] of caches()) {
          if (!s) continue;
          this.set({ cache, stat: 'size' }, s.size);
          this.set({ cache, stat: 'capacity' }, s.capacity);
        }
      },
    });
  }

  /** The hash-chain check's state, to alert on 'broken' or 'failing' (a check that cannot read the log) rather than on /health's body. */
  private chainGauge(): void {
    const chain = () => this.lookup<ChainVerifier>(CHAIN_VERIFIER);
    new Gauge({
      name: 'ledger_chain_state',
      help: "1 for the hash-chain check's state (verifying, intact, broken, failing: /health's chain.state), else 0",
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const status = chain()?.status();
        if (!status) return;
        for (const state of CHAIN_STATES) this.set({ state }, status.state === state ? 1 : 0);
      },
    });
  }

  private readSideGauges(): void {
    const runner = () => this.lookup<ReadSide>(PROJECTION_RUNNER);
    new Gauge({
      name: 'ledger_projection_lag_events',
      help: 'Events between the head of the log and the lowest projection checkpoint',
      registers: [this.registry],
      async collect() {
        const r = runner();
        if (r) this.set((await r.lag()).lag);
      },
    });
    new Gauge({
      name: 'ledger_projection_checkpoint',
      help: 'Last position applied, per projection',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const s of runner()?.statuses() ?? []) this.set({ projection: s.name }, s.checkpoint);
      },
    });
    new Gauge({
      name: 'ledger_projection_state',
      help: '1 for the state each projection is in (running, catching_up, faulted), else 0',
      labelNames: ['projection', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of runner()?.statuses() ?? []) {
          for (const state of ['running', 'catching_up', 'faulted']) this.set({ projection: s.name, state }, s.state === state ? 1 : 0);
        }
      },
    });
  }

  private alertGauges(): void {
    const readModels = () => this.lookup<ReadModelStore>(READ_MODEL_STORE);
    const outbox = () => this.lookup<{ pendingAlerts(): number }>(MONITORING_RUNNER);
    new Gauge({
      name: 'ledger_alerts',
      help: 'Alerts raised by the monitoring rules, by subject kind, indicator and state (open/closed)',
      labelNames: ['subject_kind', 'indicator', 'state'],
      registers: [this.registry],
      collect() {
        const store = readModels();
        if (!store) return;
        this.reset();
        const rows = store
          .stmt('SELECT subject_kind AS kind, indicator, open, COUNT(*) AS n FROM mon_alert GROUP BY subject_kind, indicator, open')
          .all() as Array<{ kind: string; indicator: string; open: number; n: number }>;
        for (const r of rows) this.set({ subject_kind: r.kind, indicator: r.indicator, state: r.open ? 'open' : 'closed' }, r.n);
      },
    });
    new Gauge({
      name: 'ledger_alert_outbox_pending',
      help: 'Alerts decided by the read side but not yet appended to their alert streams',
      registers: [this.registry],
      collect() {
        const o = outbox();
        if (o) this.set(o.pendingAlerts());
      },
    });
  }
}
