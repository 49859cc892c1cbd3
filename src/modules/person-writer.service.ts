import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { CommandContext, DomainEvent, runStreamCommand } from '../event-store/stream-command';
import { tamperSealWithText } from '../audit/tamper-chain';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../kernel/clock';
import { NotFound } from '../kernel/errors';
import { StreamCache, StreamCacheStats, StreamSource, storeSource } from '../event-store/stream-cache';
import { LEDGER_CONFIG, LedgerConfig, PERSON_CACHE_DEFAULT } from '../config/config';
import { evolvePerson, foldPerson, initialPersonState, occurredAtOf, PersonState, personStreamId } from './person-stream';

export interface WriteOutcome {
  personId: string;
  created: boolean;
  /** Present when the command found nothing to change: nothing written, and not a retry. */
  changed?: false;
  revision: number;
  position: number;
  events: Array<{ type: string; revision: number; position: number; data: unknown }>;
}

/**
 * Load, decide, append with the expected revision, retry on conflict — for the person
 * stream. Handlers pass only the pure decision.
 */
@Injectable()
export class PersonStreamWriter {
  private readonly cache: StreamCache<PersonState>;
  private readonly source: StreamSource<PersonState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Optional() @Inject(LEDGER_CONFIG) config?: Pick<LedgerConfig, 'personCacheSize'>,
  ) {
    this.cache = new StreamCache<PersonState>(config?.personCacheSize ?? PERSON_CACHE_DEFAULT);
    this.source = storeSource(store, evolvePerson, initialPersonState);
  }

  /**
   * The person's events and folded state. Events are immutable and streams append-only,
   * so recently used streams stay parsed and folded and only the tail is read: a retried
   * or conflicting command, or another process writing the same file, is seen at the next load.
   */
  load(personId: string): Promise<{ state: PersonState; events: RecordedEvent[] }> {
    return this.cache.load(personStreamId(personId), this.source);
  }

  /**
   * The load of a command whose decision reads only the state (issue 10): a person not in
   * the cache is read without decision traces, which no fold, idempotency look-up or seal
   * of a sealed predecessor reads. Whole when the last event is not sealed: its seal hashes
   * its data.
   */
  private async loadForCommand(personId: string): Promise<{ state: PersonState; events: RecordedEvent[] }> {
    const loaded = await this.cache.load(personStreamId(personId), this.source, { withoutDecisionTraces: true });
    const last = loaded.events[loaded.events.length - 1];
    return last === undefined || typeof last.metadata.hash === 'string' ? loaded : this.load(personId);
  }

  /**
   * The person's state and events as a decision reads them (issue 10): VisitSettled without
   * its decision trace when the person is not cached. For a caller that reads the state,
   * metadata or recorded amounts, never a stored trace (one that answers with stored
   * events, or recomputes recorded decisions, uses `load`); a cached whole entry serves it
   * as it is, and such a read after a command's own load reads nothing again.
   */
  async loadForDecision(
    personId: string,
    options: { mustExist?: boolean } = { mustExist: true },
  ): Promise<{ state: PersonState; events: RecordedEvent[] }> {
    const loaded = await this.cache.load(personStreamId(personId), this.source, { withoutDecisionTraces: true });
    if (options.mustExist !== false && loaded.events.length === 0) throw new NotFound('person', personId);
    return loaded;
  }

  /** Hit ratio of the person-state cache (metrics). */
  cacheStats(): StreamCacheStats {
    return this.cache.stats();
  }

  async loadExisting(personId: string): Promise<{ state: PersonState; events: RecordedEvent[] }> {
    const loaded = await this.load(personId);
    if (loaded.events.length === 0) throw new NotFound('person', personId);
    return loaded;
  }

  now(): Date {
    return this.clock.now();
  }

  /**
   * Runs a command on the person's stream. `decide` is given the events as a command's load
   * reads them: VisitSettled without its decision trace (issue 10). A decision that reads
   * the events' data itself (a correction recomputes recorded decisions) says so with
   * `wholeEvents` and gets them whole.
   */
  async write(
    personId: string,
    context: CommandContext,
    decide: (state: PersonState, events: RecordedEvent[]) => DomainEvent[],
    options: { mustExist?: boolean; wholeEvents?: boolean } = { mustExist: true },
  ): Promise<WriteOutcome> {
    const outcome = await runStreamCommand<PersonState, WriteOutcome>({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId: personStreamId(personId),
      context,
      // Tamper evidence: each event is hash-chained to the previous one of the stream (its
      // data serialised once, for the hash and for the store).
      seal: tamperSealWithText(personStreamId(personId)),
      fold: foldPerson,
      load: () => (options.wholeEvents ? this.load(personId) : this.loadForCommand(personId)),
      loadWhole: () => this.load(personId),
      decide: (state, events) => {
        if (options.mustExist !== false && events.length === 0) throw new NotFound('person', personId);
        return decide(state, events).map((e) => ({ ...e, occurredAt: e.occurredAt ?? occurredAtOf(e) }));
      },
      result: (written, state, head) => ({
        personId,
        created: true,
        revision: head?.revision ?? state.revision,
        position: head?.position ?? 0,
        events: written.map((e) => ({ type: e.type, revision: e.revision, position: e.position, data: e.data })),
      }),
    });
    // Write-through: the next command on this person starts from what was just appended
    // (kept as its load read them: without decision traces unless the decision took them whole).
    if (outcome.created)
      this.cache.extend(personStreamId(personId), outcome.events, this.source, { withoutDecisionTraces: !options.wholeEvents });
    return { ...outcome.result, created: outcome.created, ...(outcome.changed ? {} : { changed: false as const }) };
  }
}
