import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { errorMessage, isDamagedFile, isTransient, WrongExpectedVersion } from '../../event-store/errors';
import { EVENT_STORE, EventStore } from '../../event-store/event-store.port';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../kernel/clock';
import { yieldToEventLoop } from '../../kernel/event-loop';
import { PolicyRefusal } from '../../kernel/errors';
import { ledgerRule } from '../../policy/citation';
import type { ReadModelStore } from '../../projections/read-model-store';
import { READ_MODEL_STORE } from '../../projections/tokens';
import { storedEventHash } from '../tamper-chain';
import { ChainLink, ChainLinkSource, linksFromStore } from './chain-links';
import { appendSeal, catchUp, readSeals, SealSummary, sealSummary } from './ledger-verification';
import { THREAD_PAGE, WorkerChainLinks } from './worker-chain-links';
import { PositionRanges } from './position-ranges';
import { ChainFold, foldSeals, SealFinding, SealRecord } from './seal';
import { SEAL_CONFIG, SealConfig } from './seal-config';
import { ChainCheckpointStore, firstStaleLink, ReadModelChainCheckpoints } from './verified-position';

export const CHAIN_VERIFIER = Symbol('CHAIN_VERIFIER');

/** Sealed heads read back per turn of the event loop. */
const STREAMS_PER_TURN = 200;

export interface ChainStatus {
  /**
   * 'verifying' until the first pass over the log (at start) has finished; 'failing' while the
   * last check could not run to its end (a damaged page of a file, say): nothing vouches for
   * the events after `verifiedThrough` until one does.
   */
  state: 'verifying' | 'intact' | 'broken' | 'failing';
  /** Every event up to this position has been chain-checked. */
  verifiedThrough: number;
  /** The first broken link found (hash chain). */
  broken?: { streamId: string; revision: number; position: number; reason: string };
  /** Streams whose head no longer matches the latest seal (first 20). */
  sealFindings: SealFinding[];
  lastSeal?: SealSummary;
  /** Events after the latest seal's position: no seal vouches for them yet. */
  notYetSealed: number;
  /** Why the checks stop short, since when (state 'failing'); gone once a check runs through. */
  failure?: { since: string; error: string };
}

/**
 * Verifies the hash chains incrementally: at start from the stored checkpoint (its links
 * re-checked, one point read per stream; verified-position.ts) or else the whole log, then
 * only the events appended since the last verified position, every verifyIntervalMs; the
 * checkpoint is saved after each run while intact. Against the latest seal it re-reads each
 * sealed head (one point read per stream) at start and before every seal; then seals every
 * sealIntervalMs when something changed. Runs are serialised. A pass far enough behind
 * (verifyOnThreadFrom) reads and hashes the events on a thread of its own when the events
 * are an SQLite file: the thread serving HTTP only folds the links.
 */
@Injectable()
export class ChainVerifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('seals');
  private fold = new ChainFold();
  private seals: SealRecord[] = [];
  private checkpoints?: ChainCheckpointStore;
  /** Since the last checkpoint save: streams whose link moved (`unsealed` tracks its own changes). */
  private changedStreams = new Set<string>();
  /** Where the first pass started: 0, or the checkpoint it resumed from. */
  private resumedFrom = 0;
  private sealFindings: SealFinding[] = [];
  /** Positions no seal covers yet (the seals stream's excluded). */
  private unsealed = new PositionRanges();
  private firstPassDone = false;
  private failure?: { since: string; error: string };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  /** The events file's links, read on a thread of its own; none for EventStoreDB or an in-memory store. */
  private readonly onThread: WorkerChainLinks | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(SEAL_CONFIG) private readonly config: SealConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    if (store instanceof SqliteEventStore && !store.db.memory)
      this.onThread = new WorkerChainLinks(store.db.name, linksFromStore(store, THREAD_PAGE), (m) => this.logger.warn(m));
  }

  onApplicationBootstrap(): void {
    this.checkpoints = this.checkpointStore();
    void this.verifyNow({ againstSeal: true }).catch((e) => this.logger.error(`chain verification at start failed: ${String(e)}`));
    this.every(this.config.verifyIntervalMs, () => this.verifyNow({ againstSeal: false }));
    this.every(this.config.sealIntervalMs, () => this.seal());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.queue.catch(() => undefined);
    await this.onThread?.close();
  }

  status(): ChainStatus {
    const first = this.fold.broken[0];
    const latest = this.seals[this.seals.length - 1];
    const broken = first !== undefined || this.sealFindings.length > 0;
    return {
      state: broken ? 'broken' : this.failure ? 'failing' : this.firstPassDone ? 'intact' : 'verifying',
      verifiedThrough: this.fold.verifiedThrough,
      broken: first && { streamId: first.streamId, revision: first.revision, position: first.position, reason: first.reason },
      sealFindings: this.sealFindings.slice(0, 20),
      lastSeal: latest && sealSummary(latest),
      notYetSealed: this.unsealed.count,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** Checks the events appended since the last run; with againstSeal, also every sealed head. */
  verifyNow(options: { againstSeal: boolean }): Promise<ChainStatus> {
    return this.serialised(async () => {
      await this.checkChains(options.againstSeal);
      if (!this.firstPassDone) this.logVerdict();
      this.firstPassDone = true;
      return this.status();
    });
  }

  /** Seals now (interval or on demand). Refuses over a broken chain: a seal must not vouch for tampered data. */
  seal(): Promise<SealRecord | undefined> {
    return this.serialised(async () => {
      for (let attempt = 1; ; attempt++) {
        await this.checkChains(true);
        const status = this.status();
        if (status.state === 'broken')
          throw new PolicyRefusal(
            'LEDGER_CHAIN_BROKEN',
            ledgerRule('seal-a-verified-chain-only'),
            'the ledger does not verify (see GET /audit/verify); refusing to seal it',
            { broken: status.broken, sealFindings: status.sealFindings },
          );
        try {
          const seal = await appendSeal(this.store, this.fold, this.seals, this.ids.next(), this.clock.now().toISOString());
          await this.verifyNewEvents();
          if (seal) this.logger.log(`sealed ${seal.streams} stream(s) through position ${seal.throughPosition}: root ${seal.root}`);
          return seal;
        } catch (e) {
          // Another process (npm run audit -- seal) sealed in between: pick its seal up and retry.
          if (!(e instanceof WrongExpectedVersion) || attempt >= 3) throw e;
        }
      }
    });
  }

  /**
   * The new events' links and, with againstSeal, every sealed head. A check that fails for
   * good (not a busy or full store, which the next run retries) is kept for health until one
   * runs through: before, the state stayed 'verifying' and /health 'ok' over a log the checks
   * could no longer read.
   */
  private async checkChains(againstSeal: boolean): Promise<void> {
    try {
      await this.verifyNewEvents();
      if (againstSeal) await this.checkSealedHeads();
      this.failure = undefined;
    } catch (error) {
      if (!isTransient(error)) this.failure = { since: this.failure?.since ?? this.clock.now().toISOString(), error: checkFailure(error) };
      throw error;
    }
  }

  private async verifyNewEvents(): Promise<void> {
    if (!this.firstPassDone) await this.resumeFromCheckpoint();
    await catchUp(await this.linkSource(), this.fold, (link) => this.observe(link));
    this.saveCheckpoint();
  }

  /** The thread of its own for a pass at least verifyOnThreadFrom events long; this thread for a shorter one. */
  private async linkSource(): Promise<ChainLinkSource> {
    return this.linksFor((await this.store.headPosition()) - this.fold.verifiedThrough);
  }

  /**
   * Where a pass over the whole log reads its links (`GET /audit/verify`): on the thread of its
   * own too, once the log is that long. On this thread, 100k events took ~2.9 s of it and
   * `/health` beside it fell from 5,000–9,500 to ~1,360 answers/s.
   */
  async wholeLogLinks(): Promise<ChainLinkSource> {
    return this.linksFor(await this.store.headPosition());
  }

  private linksFor(events: number): ChainLinkSource {
    return this.onThread && events >= this.config.verifyOnThreadFrom ? this.onThread : linksFromStore(this.store);
  }

  private observe(link: ChainLink): void {
    this.changedStreams.add(link.streamId);
    if (!link.seal) {
      this.unsealed.add(link.position);
      return;
    }
    this.seals.push(link.seal);
    this.unsealed.dropThrough(link.seal.throughPosition);
  }

  /** The read-model SQLite file holds the checkpoint; without a read side (some tests, tools) there is none. */
  private checkpointStore(): ChainCheckpointStore | undefined {
    let rm: ReadModelStore;
    try {
      rm = this.moduleRef.get<ReadModelStore>(READ_MODEL_STORE, { strict: false });
    } catch {
      return undefined;
    }
    return new ReadModelChainCheckpoints(rm);
  }

  /** Continues from the stored checkpoint if every stored link still holds; else forgets it (a full pass follows). */
  private async resumeFromCheckpoint(): Promise<void> {
    if (this.config.verifyAtStart === 'full' || this.fold.verifiedThrough > 0) return;
    const checkpoint = this.checkpoints?.load();
    if (!checkpoint) return;
    const stale = await firstStaleLink(this.store, checkpoint.links);
    if (stale !== undefined) {
      this.logger.warn(
        `stored chain checkpoint (through position ${checkpoint.verifiedThrough}) no longer matches stream ${stale}: verifying the whole log`,
      );
      this.checkpoints?.clear();
      return;
    }
    this.fold = ChainFold.resumedAt(checkpoint.verifiedThrough, checkpoint.events, checkpoint.links);
    this.seals = (await readSeals(this.store)).filter((s) => s.position <= checkpoint.verifiedThrough);
    this.unsealed = PositionRanges.of(checkpoint.unsealed);
    this.resumedFrom = checkpoint.verifiedThrough;
  }

  /** Saves what changed since the last save, only while every chain holds (a broken one is found again by a full pass). */
  private saveCheckpoint(): void {
    if (!this.checkpoints || this.fold.broken.length > 0 || (this.changedStreams.size === 0 && this.firstPassDone)) return;
    const latest = this.seals[this.seals.length - 1];
    try {
      this.checkpoints.save(
        { verifiedThrough: this.fold.verifiedThrough, events: this.fold.events, links: this.fold.links },
        { streams: this.changedStreams, unsealedChanged: this.unsealed.changed(), sealedThrough: latest?.throughPosition ?? 0 },
      );
      this.changedStreams = new Set();
      this.unsealed.saved();
    } catch (e) {
      // Only the restart gets slower: the next save retries with everything since.
      this.logger.warn(`chain checkpoint not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Each head the latest seal committed to, read back at its revision (truncated or rewritten tails). */
  private async checkSealedHeads(): Promise<void> {
    const { heads, findings } = foldSeals(this.seals);
    let read = 0;
    for (const [streamId, expected] of heads) {
      // One point read per stream: thousands of streams would hold live requests back.
      if (++read % STREAMS_PER_TURN === 0) await yieldToEventLoop();
      // Its stored text hashed (a row whose data no longer parses is a finding, not a failed check).
      const [event] = await this.store.readStream(streamId, { fromRevision: expected.revision, maxCount: 1, withStoredText: true });
      if (!event) {
        findings.push({ streamId, ...(await this.missingHead(streamId)), expected });
        continue;
      }
      const hash = storedEventHash(event);
      if (hash !== expected.hash) findings.push({ streamId, reason: 'rewritten', expected, found: { revision: event.revision, hash } });
    }
    this.sealFindings = findings;
  }

  private async missingHead(streamId: string): Promise<Pick<SealFinding, 'reason' | 'found'>> {
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1, withStoredText: true });
    return last
      ? { reason: 'truncated', found: { revision: last.revision, hash: storedEventHash(last) } }
      : { reason: 'stream_missing', found: null };
  }

  private logVerdict(): void {
    const s = this.status();
    if (s.state === 'broken')
      this.logger.error(`ledger does NOT verify: ${JSON.stringify({ broken: s.broken, sealFindings: s.sealFindings.slice(0, 3) })}`);
    else
      this.logger.log(
        `hash chains verified through position ${s.verifiedThrough}${this.resumedFrom ? ` (resumed from the checkpoint at ${this.resumedFrom})` : ''}; ${s.lastSeal ? `latest seal ${s.lastSeal.root.slice(0, 16)}… holds` : 'no seal yet'}; ${s.notYetSealed} event(s) not yet sealed`,
      );
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    if (ms <= 0) return;
    let lastError = '';
    const run = () =>
      work().then(
        () => (lastError = ''),
        (e) => {
          // A broken ledger stays broken: say so once, not every tick.
          const message = `seals: ${e instanceof Error ? e.message : String(e)}`;
          if (message !== lastError) this.logger.error(message);
          lastError = message;
        },
      );
    const timer = setInterval(() => void run(), ms);
    timer.unref();
    this.timers.push(timer);
  }
}

/** A failed check's words for health; a damaged file's with how to find which (SQLite does not name it). */
function checkFailure(error: unknown): string {
  const message = errorMessage(error);
  return isDamagedFile(error) ? `${message} (a damaged file: PRAGMA quick_check on LEDGER_DB and LEDGER_READ_DB says which)` : message;
}
